/// Convolution as a matrix product (im2col): each group's output [M/group × outH·outW] is its weight
/// [M/group × K] (K = C/group · kH · kW) times the lowered input [K × outH·outW], whose column for an output position
/// holds the input patch that position sees (zero where the window lies in the padding). The input gradient is the
/// transposed product, weightᵀ [K × M/group] times the output gradient, added back patch by patch (col2im). The
/// lowered matrix is built a block of columns at a time, so its scratch stays about a megabyte whatever the image.
extension ConvolutionPlan {
    /// K: the rows of the lowered input, one per (input channel of the group, kernel row, kernel column).
    var patchSize: Int { (channels / group) * kernelH * kernelW }

    /// A 1×1 convolution with unit strides and no padding reads the input as it is laid out: no lowering needed.
    var isPointwise: Bool {
        kernelH == 1 && kernelW == 1 && strideH == 1 && strideW == 1 && padTop == 0 && padLeft == 0
            && outHeight == height && outWidth == width
    }

    /// Output positions lowered at a time: K × blockColumns doubles of scratch, about 1 MiB (a core's L2).
    var blockColumns: Int { min(outHeight * outWidth, max(8, (1 << 17) / max(patchSize, 1))) }

    /// Each group's weight transposed, [K × M/group] per group, for the input gradient's product.
    static func transposedWeight(_ weight: [Double], outChannels: Int, group: Int, patchSize: Int) -> [Double] {
        let perGroup = outChannels / group
        var transposed = [Double](repeating: 0, count: weight.count)
        for g in 0..<group {
            for m in 0..<perGroup {
                for p in 0..<patchSize {
                    transposed[(g * patchSize + p) * perGroup + m] = weight[(g * perGroup + m) * patchSize + p]
                }
            }
        }
        return transposed
    }

    /// The convolution of `x` [C, H, W] (plus the bias, when there is one): [M, outH, outW].
    func forward(_ x: [Double]) -> [Double] {
        let positions = outHeight * outWidth, k = patchSize
        let outPerGroup = outChannels / group, inPerGroup = channels / group
        var out = [Double](repeating: 0, count: outChannels * positions)
        if let bias {  // the product accumulates onto the bias
            for m in 0..<outChannels { for j in 0..<positions { out[m * positions + j] = bias[m] } }
        }
        withScratch { scratch in
            x.withUnsafeBufferPointer { X in
                weight.withUnsafeBufferPointer { W in
                    out.withUnsafeMutableBufferPointer { O in
                        for g in 0..<group {
                            let w = W.baseAddress! + g * outPerGroup * k
                            let xg = X.baseAddress! + g * inPerGroup * height * width
                            let og = O.baseAddress! + g * outPerGroup * positions
                            if isPointwise {
                                MatrixProduct.multiply(m: outPerGroup, n: positions, k: k, a: w, lda: k, b: xg,
                                                       ldb: positions, c: og, ldc: positions, accumulate: true)
                                continue
                            }
                            var start = 0
                            while start < positions {
                                let columns = start..<min(positions, start + blockColumns)
                                lower(xg, columns: columns, into: scratch)
                                MatrixProduct.multiply(m: outPerGroup, n: columns.count, k: k, a: w, lda: k,
                                                       b: scratch, ldb: columns.count, c: og + start,
                                                       ldc: positions, accumulate: true)
                                start = columns.upperBound
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Adds, for each of `rows` output gradients `g` (rows × [M, outH, outW]), its product with the convolution's
    /// Jacobian into `gx` (rows × [C, H, W]): the gradient with respect to the input only (the weights are constants).
    func addInputGradient(_ g: UnsafePointer<Double>, rows: Int, into gx: UnsafeMutablePointer<Double>) {
        let positions = outHeight * outWidth, plane = height * width, k = patchSize
        let outPerGroup = outChannels / group, inPerGroup = channels / group
        withScratch { scratch in
            weightT.withUnsafeBufferPointer { WT in
                for r in 0..<rows {
                    for grp in 0..<group {
                        let wT = WT.baseAddress! + grp * k * outPerGroup
                        let gg = g + (r * outChannels + grp * outPerGroup) * positions
                        let dx = gx + (r * channels + grp * inPerGroup) * plane
                        if isPointwise {
                            MatrixProduct.multiply(m: k, n: positions, k: outPerGroup, a: wT, lda: outPerGroup, b: gg,
                                                   ldb: positions, c: dx, ldc: positions, accumulate: true)
                            continue
                        }
                        var start = 0
                        while start < positions {
                            let columns = start..<min(positions, start + blockColumns)
                            MatrixProduct.multiply(m: k, n: columns.count, k: outPerGroup, a: wT, lda: outPerGroup,
                                                   b: gg + start, ldb: positions, c: scratch, ldc: columns.count,
                                                   accumulate: false)
                            forEachSegment(columns: columns) { offset, _, input, valid in
                                // Pointer arithmetic (no overflow checks: the plan's sizes were bounded when it was
                                // built), so that the unit-stride loop vectorizes.
                                let source = scratch + offset
                                if strideW == 1 {
                                    let destination = dx + input
                                    for t in valid { destination[t] += source[t] }
                                } else {
                                    for t in valid { dx[input &+ t &* strideW] += source[t] }
                                }
                            }
                            start = columns.upperBound
                        }
                    }
                }
            }
        }
    }

    /// Runs `body` with a lowered block's scratch (K × blockColumns doubles, values unspecified), reused between
    /// calls.
    private func withScratch(_ body: (UnsafeMutablePointer<Double>) -> Void) {
        var block = scratch.scratch(isPointwise ? 1 : patchSize * blockColumns)
        block.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
        scratch.recycle(block)
    }

    /// Writes the lowered input of one group (`x` at its first channel) for output positions `columns`:
    /// K rows of `columns.count`, row-major.
    private func lower(_ x: UnsafePointer<Double>, columns: Range<Int>, into block: UnsafeMutablePointer<Double>) {
        forEachSegment(columns: columns) { offset, length, input, valid in
            let destination = block + offset
            for t in 0..<valid.lowerBound { destination[t] = 0 }
            if strideW == 1 {
                let source = x + input
                for t in valid { destination[t] = source[t] }
            } else {
                for t in valid { destination[t] = x[input &+ t &* strideW] }
            }
            for t in valid.upperBound..<length { destination[t] = 0 }
        }
    }

    /// Walks the lowered matrix of one group for output positions `columns`, one output row's run at a time: for
    /// each lowered row (channel, kh, kw) and each output row the columns cross, `body` gets the run's offset in the
    /// block (K rows of `columns.count`), its length, the input index of its first position (input index of
    /// position t: `input + t·strideW`) and the positions whose input lies inside the image (the rest is padding).
    @inline(__always)
    private func forEachSegment(
        columns: Range<Int>, _ body: (_ offset: Int, _ length: Int, _ input: Int, _ valid: Range<Int>) -> Void
    ) {
        let blockWidth = columns.count
        for c in 0..<(channels / group) {
            for kh in 0..<kernelH {
                for kw in 0..<kernelW {
                    let row = (c * kernelH + kh) * kernelW + kw
                    // Output columns whose input column ow·strideW + offsetW lies in [0, width).
                    let offsetW = kw * dilationW - padLeft
                    let firstOW = offsetW >= 0 ? 0 : (-offsetW + strideW - 1) / strideW
                    let endOW = offsetW > width - 1 ? 0 : min(outWidth, (width - 1 - offsetW) / strideW + 1)
                    var position = columns.lowerBound
                    var oh = position / outWidth, ow = position % outWidth
                    while position < columns.upperBound {
                        let length = min(outWidth - ow, columns.upperBound - position)
                        let offset = row * blockWidth + position - columns.lowerBound
                        let ih = oh * strideH - padTop + kh * dilationH
                        if ih < 0 || ih >= height {
                            body(offset, length, 0, 0..<0)
                        } else {
                            let low = min(max(firstOW - ow, 0), length)
                            let high = max(low, min(endOW - ow, length))
                            body(offset, length, (c * height + ih) * width + ow * strideW + offsetW, low..<high)
                        }
                        position += length
                        ow = 0
                        oh += 1
                    }
                }
            }
        }
    }
}
