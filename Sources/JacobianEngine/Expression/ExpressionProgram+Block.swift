/// Forward mode over a block of points at once, in structure-of-arrays layout: every register holds one lane per
/// point (`registers[r × lanes + l]`), every tangent one lane per point and column (`tangents[(r × width + j) ×
/// lanes + l]`). Each instruction's operation is dispatched once per block and its body is a plain loop over lanes,
/// instead of one dispatch per point.
///
/// The arithmetic per lane is the point-by-point forward sweep's (`Operation.evaluate`, then dx·a + dy·b over the
/// active operands only), so the results are the same doubles. A block whose outputs or Jacobian hold a non-finite
/// number is reported back (`false`) and redone point by point by the caller, which names the point, row, column
/// and operation as before.
extension ExpressionProgram {
    /// Doubles of scratch one block may use (256 KiB); a program too large for `minimumBlockLanes` lanes in it
    /// runs point by point.
    static let blockScratchBudget = 1 << 15
    static let maximumBlockLanes = 64
    static let minimumBlockLanes = 8

    /// The lanes per block for a forward Jacobian over all columns, or nil when the program is too large for
    /// blocks to pay.
    var forwardBlockLanes: Int? {
        let perLane = registerCount * (columnCount + 1) + 2
        let lanes = min(Self.maximumBlockLanes, Self.blockScratchBudget / max(perLane, 1))
        return lanes >= Self.minimumBlockLanes ? lanes : nil
    }

    /// Values and forward-mode Jacobians at `count` points (1 ≤ `count` ≤ `lanes`), `points[start + l]` being point l
    /// (inputCount entries each, checked by the caller). Writes into `output`, per point, its outputCount values then its Jacobian
    /// (row-major), once the block is known to be finite. Returns false, writing nothing, when any output value or
    /// Jacobian entry of the block is not finite.
    func forwardBlock(
        _ points: [[Double]], start: Int, count: Int, lanes: Int, output: UnsafeMutablePointer<Double>
    ) -> Bool {
        let registers = registerCount, width = columnCount
        let size = registers * lanes + registers * width * lanes + 2 * lanes
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: size) { scratch in
            let values = scratch.baseAddress!
            let tangents = values + registers * lanes
            let dx = tangents + registers * width * lanes, dy = dx + lanes
            // Inputs, and their tangents seeded with the identity; lanes past `count` repeat the last point, so
            // every lane holds finite, meaningful numbers and none needs a branch.
            for l in 0..<lanes {
                let p = points[start + min(l, count - 1)]
                for i in 0..<inputCount { values[i * lanes + l] = p[i] }
            }
            (tangents).update(repeating: 0, count: (inputCount + constants.count) * width * lanes)
            for i in 0..<min(inputCount, width) {
                (tangents + (i * width + i) * lanes).update(repeating: 1, count: lanes)
            }
            for (c, constant) in constants.enumerated() {
                (values + (inputCount + c) * lanes).update(repeating: constant, count: lanes)
            }
            instructions.withUnsafeBufferPointer { code in
                for instruction in code {
                    let a = values + Int(instruction.first) * lanes, b = values + Int(instruction.second) * lanes
                    instruction.operation.evaluateLanes(a, b, values + Int(instruction.output) * lanes, dx, dy,
                                                        count: lanes)
                    let out = tangents + Int(instruction.output) * width * lanes
                    let ta = tangents + Int(instruction.first) * width * lanes
                    let tb = tangents + Int(instruction.second) * width * lanes
                    for j in 0..<width {
                        let o = out + j * lanes, p = ta + j * lanes, q = tb + j * lanes
                        switch instruction.activity {
                        case Instruction.firstActive:
                            for l in 0..<lanes { o[l] = dx[l] * p[l] }
                        case Instruction.secondActive:
                            for l in 0..<lanes { o[l] = dy[l] * q[l] }
                        case Instruction.firstActive | Instruction.secondActive:
                            for l in 0..<lanes { o[l] = dx[l] * p[l] + dy[l] * q[l] }
                        default:
                            o.update(repeating: 0, count: lanes)
                        }
                    }
                }
            }
            for register in outputRegisters {
                let v = values + Int(register) * lanes, t = tangents + Int(register) * width * lanes
                for l in 0..<count where !v[l].isFinite { return false }
                for j in 0..<width {
                    for l in 0..<count where !t[j * lanes + l].isFinite { return false }
                }
            }
            // Point l's value, then its Jacobian row-major.
            let stride = outputCount * (width + 1)
            // Outside a row's structural column range the point-by-point sweep never writes, leaving +0; the
            // dense lanes hold dx·0 there, which is −0 for a negative dx, so those entries are written as +0.
            for (row, register) in outputRegisters.enumerated() {
                let v = values + Int(register) * lanes, t = tangents + Int(register) * width * lanes
                let range = sparsity.columnRanges[Int(register)]
                for l in 0..<count {
                    let destination = output + l * stride
                    destination[row] = v[l]
                    for j in 0..<width {
                        let inside = j >= Int(range.low) && j < Int(range.high)
                        destination[outputCount + row * width + j] = inside ? t[j * lanes + l] : 0
                    }
                }
            }
            return true
        }
    }
}

extension Operation {
    /// `evaluate` over `count` lanes: `value[l]`, `dx[l]`, `dy[l]` from `x[l]`, `y[l]`. The switch on the
    /// operation is taken once; each case calls `evaluate` on a literal, which the compiler folds into a loop of
    /// that operation's rule alone. The rules themselves stay in `evaluateOperation`.
    @inline(never)
    func evaluateLanes(
        _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, _ value: UnsafeMutablePointer<Double>,
        _ dx: UnsafeMutablePointer<Double>, _ dy: UnsafeMutablePointer<Double>, count: Int
    ) {
        @inline(__always)
        func run(_ operation: Operation) {
            for l in 0..<count {
                let result = operation.evaluate(x[l], y[l], partials: true)
                value[l] = result.value
                dx[l] = result.dx
                dy[l] = result.dy
            }
        }
        switch self {
        case .add: run(.add)
        case .subtract: run(.subtract)
        case .multiply: run(.multiply)
        case .divide: run(.divide)
        case .power: run(.power)
        case .powerConstant: run(.powerConstant)
        case .powerInteger: run(.powerInteger)
        case .square: run(.square)
        case .negate: run(.negate)
        case .sin: run(.sin)
        case .cos: run(.cos)
        case .tan: run(.tan)
        case .asin: run(.asin)
        case .acos: run(.acos)
        case .atan: run(.atan)
        case .atan2: run(.atan2)
        case .sinh: run(.sinh)
        case .cosh: run(.cosh)
        case .tanh: run(.tanh)
        case .asinh: run(.asinh)
        case .acosh: run(.acosh)
        case .atanh: run(.atanh)
        case .exp: run(.exp)
        case .expm1: run(.expm1)
        case .log: run(.log)
        case .log1p: run(.log1p)
        case .log2: run(.log2)
        case .log10: run(.log10)
        case .sqrt: run(.sqrt)
        case .cbrt: run(.cbrt)
        case .abs: run(.abs)
        case .sign: run(.sign)
        case .floor: run(.floor)
        case .ceil: run(.ceil)
        case .minimum: run(.minimum)
        case .maximum: run(.maximum)
        case .hypot: run(.hypot)
        case .relu: run(.relu)
        case .sigmoid: run(.sigmoid)
        case .softplus: run(.softplus)
        case .erf: run(.erf)
        }
    }
}
