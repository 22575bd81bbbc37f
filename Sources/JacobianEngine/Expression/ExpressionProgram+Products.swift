/// Vector-mode sweeps over a seed block: the primitives behind Jacobian–vector products (`tangents`),
/// vector–Jacobian products (`cotangents`), compressed sparse Jacobians and, in `ExpressionProgram+Hessian.swift`,
/// forward-over-reverse Hessians.
///
/// Blocks are row-major with one row of `width` entries per register: register r's tangents (or adjoints) are
/// `block[r * width ..< (r + 1) * width]`. Widths are kept to `forwardTangentBudget / registerCount` by the callers,
/// which sweep wider seed sets in chunks.
extension ExpressionProgram {
    /// The most directions one block may carry for this program, so that a block stays within
    /// `forwardTangentBudget` doubles.
    var blockWidthLimit: Int { max(1, Self.forwardTangentBudget / max(registerCount, 1)) }

    /// Forward sweep: `tangents` (registerCount × width) gets every register's tangents for the seeds, input j's
    /// tangents being `seed(j, row)` which fills `row` (width entries). Constants and registers that do not
    /// depend on the inputs get zeros.
    func forwardBlock(
        _ partials: UnsafeMutableBufferPointer<Double>, width: Int, tangents: UnsafeMutablePointer<Double>,
        seed: (Int, UnsafeMutablePointer<Double>) -> Void
    ) {
        for column in 0..<inputCount { seed(column, tangents + column * width) }
        (tangents + inputCount * width).update(repeating: 0, count: constants.count * width)
        instructions.withUnsafeBufferPointer { code in
            for k in code.indices {
                let instruction = code[k]
                let out = tangents + Int(instruction.output) * width
                let a = tangents + Int(instruction.first) * width
                let b = tangents + Int(instruction.second) * width
                let da = partials[2 * k], db = partials[2 * k + 1]
                switch instruction.activity {
                case Instruction.firstActive: for j in 0..<width { out[j] = da * a[j] }
                case Instruction.secondActive: for j in 0..<width { out[j] = db * b[j] }
                case Instruction.firstActive | Instruction.secondActive:
                    for j in 0..<width { out[j] = da * a[j] + db * b[j] }
                default: out.update(repeating: 0, count: width)
                }
            }
        }
    }

    /// Reverse sweep: `adjoints` (registerCount × width) starts from zero, output `row`'s register receives
    /// `seed(row, r)` which fills `r` (width entries, added, since two outputs may share a register), and the
    /// adjoints flow back through every instruction; the inputs' rows are then the vector–Jacobian products.
    func reverseBlock(
        _ partials: UnsafeMutableBufferPointer<Double>, width: Int, adjoints: UnsafeMutablePointer<Double>,
        seed: (Int, UnsafeMutablePointer<Double>) -> Void, scratch: UnsafeMutablePointer<Double>
    ) {
        adjoints.update(repeating: 0, count: registerCount * width)
        for row in 0..<outputCount {
            seed(row, scratch)
            let target = adjoints + Int(outputRegisters[row]) * width
            for j in 0..<width { target[j] += scratch[j] }
        }
        instructions.withUnsafeBufferPointer { code in
            for k in code.indices.reversed() {
                let instruction = code[k]
                guard instruction.activity != 0 else { continue }
                let g = adjoints + Int(instruction.output) * width
                if instruction.activity & Instruction.firstActive != 0 {
                    let a = adjoints + Int(instruction.first) * width
                    let da = partials[2 * k]
                    for j in 0..<width { a[j] += da * g[j] }
                }
                if instruction.activity & Instruction.secondActive != 0 {
                    let b = adjoints + Int(instruction.second) * width
                    let db = partials[2 * k + 1]
                    for j in 0..<width { b[j] += db * g[j] }
                }
            }
        }
    }

    /// Runs values and partials at `point` in scratch that also holds `extra` doubles, then `body(values,
    /// partials, extra)`; throws the value error when an output is not finite.
    func withPartials<R>(
        _ point: UnsafeBufferPointer<Double>, value: UnsafeMutableBufferPointer<Double>, extra: Int,
        _ body: (UnsafeMutableBufferPointer<Double>, UnsafeMutableBufferPointer<Double>, UnsafeMutablePointer<Double>)
            -> R
    ) throws(EngineError) -> R {
        let registers = registerCount, partialCount = 2 * instructions.count
        let result: R? = withUnsafeTemporaryAllocation(of: Double.self, capacity: registers + partialCount + extra) {
            scratch in
            let base = scratch.baseAddress!
            let values = UnsafeMutableBufferPointer(start: base, count: registers)
            let partials = UnsafeMutableBufferPointer(start: base + registers, count: partialCount)
            runValuesAndPartials(point, values, partials)
            for row in 0..<outputCount { value[row] = values[Int(outputRegisters[row])] }
            guard value.allSatisfy({ $0.isFinite }) else { return nil }
            return body(values, partials, base + registers + partialCount)
        }
        guard let result else { throw NonFiniteDiagnosis(program: self, point: Array(point)).valueError() }
        return result
    }

    /// The error for a non-finite derivative result of `rows`: the first of them whose gradient has a non-finite
    /// entry is diagnosed as for a Jacobian; when every gradient is finite the product itself overflowed.
    func productError(point: UnsafeBufferPointer<Double>, rows: some Sequence<Int>, what: String, entry: Double)
        -> EngineError
    {
        let diagnosis = NonFiniteDiagnosis(program: self, point: Array(point))
        for row in rows {
            if let column = diagnosis.reverseRow(row).firstIndex(where: { !$0.isFinite }) {
                return diagnosis.derivativeError(row: row, column: column, entry: .nan)
            }
        }
        return EngineError(
            kind: .nonFinite, message: "\(what) is \(NonFiniteDiagnosis.format(entry)) although every derivative of "
                + "the function is finite at this point: the product overflows")
    }
}

// MARK: Products and compressed Jacobians

extension ExpressionProgram {
    func jacobianVectorProducts(
        at point: UnsafeBufferPointer<Double>, tangents: UnsafeBufferPointer<Double>, count: Int,
        value: UnsafeMutableBufferPointer<Double>, products: UnsafeMutableBufferPointer<Double>
    ) throws(EngineError) {
        let n = inputCount, m = outputCount
        try withForwardTangents(point, value: value, directions: count, seed: { start, width, block in
            for column in 0..<n {
                for t in 0..<width { block[column * width + t] = tangents[(start + t) * n + column] }
            }
        }) { start, width, _, block in
            for r in 0..<m {
                let source = block + Int(outputRegisters[r]) * width
                for t in 0..<width { products[(start + t) * m + r] = source[t] }
            }
        }
        if let bad = products.firstIndex(where: { !$0.isFinite }) {
            throw productError(point: point, rows: [bad % m], what: "entry \(bad % m) of the Jacobian–vector "
                               + "product for tangents[\(bad / m)]", entry: products[bad])
        }
    }

    func vectorJacobianProducts(
        at point: UnsafeBufferPointer<Double>, cotangents: UnsafeBufferPointer<Double>, count: Int,
        value: UnsafeMutableBufferPointer<Double>, products: UnsafeMutableBufferPointer<Double>
    ) throws(EngineError) {
        let n = inputCount, m = outputCount
        let chunk = min(max(count, 1), blockWidthLimit)
        try withPartials(point, value: value, extra: (registerCount + 1) * chunk) { _, partials, block in
            var start = 0
            while start < count {
                let width = min(chunk, count - start)
                reverseBlock(partials, width: width, adjoints: block, seed: { row, seed in
                    for t in 0..<width { seed[t] = cotangents[(start + t) * m + row] }
                }, scratch: block + registerCount * width)
                for j in 0..<n {
                    for t in 0..<width { products[(start + t) * n + j] = block[j * width + t] }
                }
                start += width
            }
        }
        if let bad = products.firstIndex(where: { !$0.isFinite }) {
            let t = bad / n
            let rows = (0..<m).filter { cotangents[t * m + $0] != 0 }
            throw productError(point: point, rows: rows, what: "entry \(bad % n) of the vector–Jacobian product for "
                               + "cotangents[\(t)]", entry: products[bad])
        }
    }

    var jacobianPattern: SparsityPattern { sparsity.jacobianPattern }

    func sweepCount(_ mode: DifferentiationMode) -> Int {
        mode == .reverse ? sparsity.rowColoring.count : sparsity.columnColoring.count
    }

    func sparseJacobian(
        at point: UnsafeBufferPointer<Double>, mode: DifferentiationMode,
        value: UnsafeMutableBufferPointer<Double>, entries: UnsafeMutableBufferPointer<Double>
    ) throws(EngineError) {
        let pattern = sparsity.jacobianPattern
        let coloring = mode == .reverse ? sparsity.rowColoring : sparsity.columnColoring
        if mode != .reverse {
            // One tangent per column colour, seeded with the sum of the colour's unit vectors.
            let colors = coloring.colors
            try withForwardTangents(point, value: value, directions: coloring.count, seed: { start, width, block in
                block.update(repeating: 0, count: inputCount * width)
                colors.withUnsafeBufferPointer { colors in
                    for column in colors.indices {
                        let color = colors[column] - start
                        if color >= 0 && color < width { block[column * width + color] = 1 }
                    }
                }
            }) { start, width, _, block in
                if width == coloring.count, !sparsity.forwardGather.isEmpty || pattern.nnz == 0,
                   registerCount * width <= Int(Int32.max) {
                    // Every colour in one sweep: each entry's place was worked out at compile time.
                    sparsity.forwardGather.withUnsafeBufferPointer { gather in
                        for entry in gather.indices { entries[entry] = block[Int(gather[entry])] }
                    }
                    return
                }
                colors.withUnsafeBufferPointer { colors in
                    pattern.rowStarts.withUnsafeBufferPointer { rowStarts in
                        pattern.columnIndices.withUnsafeBufferPointer { columns in
                            for row in 0..<pattern.rows {
                                let source = block + Int(outputRegisters[row]) * width
                                for entry in rowStarts[row]..<rowStarts[row + 1] {
                                    let color = colors[columns[entry]] - start
                                    if color >= 0 && color < width { entries[entry] = source[color] }
                                }
                            }
                        }
                    }
                }
            }
            if let bad = entries.firstIndex(where: { !$0.isFinite }) {
                let row = pattern.rowIndices[bad]
                throw NonFiniteDiagnosis(program: self, point: Array(point))
                    .derivativeError(row: row, column: pattern.columnIndices[bad], entry: entries[bad])
            }
            return
        }
        // Reverse mode: one adjoint per row colour. The rows of a colour share no column, so input j's adjoint in
        // colour c is J[r][j] for the one row r of colour c that has j in its pattern.
        let chunk = min(max(coloring.count, 1), blockWidthLimit)
        try withPartials(point, value: value, extra: (registerCount + 1) * chunk) { _, partials, block in
            var first = 0
            while first < coloring.count {
                let width = min(chunk, coloring.count - first)
                let colors = first..<(first + width)
                reverseBlock(partials, width: width, adjoints: block, seed: { row, seed in
                    seed.update(repeating: 0, count: width)
                    let color = coloring.colors[row]
                    if colors.contains(color) { seed[color - first] = 1 }
                }, scratch: block + registerCount * width)
                for row in 0..<pattern.rows where colors.contains(coloring.colors[row]) {
                    let offset = coloring.colors[row] - first
                    for entry in pattern.rowStarts[row]..<pattern.rowStarts[row + 1] {
                        entries[entry] = block[pattern.columnIndices[entry] * width + offset]
                    }
                }
                first += width
            }
        }
        if let bad = entries.firstIndex(where: { !$0.isFinite }) {
            let row = pattern.rowIndices[bad]
            throw NonFiniteDiagnosis(program: self, point: Array(point))
                .derivativeError(row: row, column: pattern.columnIndices[bad], entry: entries[bad])
        }
    }

    /// Whether `register` holds a constant (its forward tangent row is never written by a sweep over inputs).
    func isConstantRegister(_ register: Int32) -> Bool {
        Int(register) >= inputCount && Int(register) < inputCount + constants.count
    }
}
