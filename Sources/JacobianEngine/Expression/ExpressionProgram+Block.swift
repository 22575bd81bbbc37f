/// Jacobians over a block of points at once, in structure-of-arrays layout: every register holds one lane per
/// point (`values[r × lanes + l]`). Each instruction's operation is dispatched once per block and its body is a
/// plain loop over lanes, instead of one dispatch per point.
///
/// - Forward mode carries, per register, a tangent lane per column of its structural range only
///   (`tangents[(r × width + j) × lanes + l]` for j in `sparsity.columnRanges[r]`); entries outside are known zeros
///   and never touched, as in the point-by-point sweep.
/// - Reverse mode keeps the partials of every instruction per lane and sweeps each output row's cone backwards.
///
/// The arithmetic per lane is the point-by-point sweep's (`Operation.evaluate`, then dx·a + dy·b over the active
/// operands), so the results agree to rounding. The block writes straight into the flat batch buffers (point l's
/// values at `values + l × m`, its Jacobian row-major at `jacobians + l × m × n`) and reports whether every number
/// it wrote is finite; a block that is not is redone point by point by the caller, which names the point, row,
/// column and operation as before.
extension ExpressionProgram {
    /// Doubles of scratch one block may use (256 KiB, within a core's L2); a program too large for
    /// `minimumBlockLanes` lanes in it runs point by point.
    static let blockScratchBudget = 1 << 15
    static let maximumBlockLanes = 64
    static let minimumBlockLanes = 8

    /// Lanes per block for `mode` (`.forward` or `.reverse`), or nil when the program is too large for blocks to
    /// pay.
    func blockLanes(_ mode: DifferentiationMode) -> Int? {
        let perLane = mode == .reverse
            ? 2 * registerCount + 2 * instructions.count + 3
            : registerCount * (columnCount + 1) + 3
        let lanes = min(Self.maximumBlockLanes, Self.blockScratchBudget / max(perLane, 1))
        return lanes >= Self.minimumBlockLanes ? lanes : nil
    }

    /// The lanes per block for a forward Jacobian, or nil when the program is too large for blocks.
    var forwardBlockLanes: Int? { blockLanes(.forward) }

    /// Values and Jacobians at `count` points (1 ≤ `count` ≤ `lanes`), point l at `points + l × inputCount`, in
    /// `mode` (`.forward` or `.reverse`). Returns whether every value and Jacobian entry written is finite.
    func jacobianBlock(
        _ points: UnsafePointer<Double>, count: Int, lanes: Int, mode: DifferentiationMode,
        values output: UnsafeMutablePointer<Double>, jacobians: UnsafeMutablePointer<Double>
    ) -> Bool {
        let registers = registerCount
        let partialLanes = mode == .reverse ? 2 * instructions.count * lanes : 2 * lanes
        let sweepLanes = mode == .reverse ? registers * lanes : registers * columnCount * lanes
        let size = registers * lanes + partialLanes + sweepLanes + lanes
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: size) { scratch in
            let values = scratch.baseAddress!
            let partials = values + registers * lanes
            let sweep = partials + partialLanes
            let zeros = sweep + sweepLanes
            zeros.initialize(repeating: 0, count: lanes)
            loadLanes(points, count: count, lanes: lanes, values)
            if mode == .reverse {
                runLanes(values, lanes: lanes) { k in (partials + 2 * k * lanes, partials + (2 * k + 1) * lanes) }
                return reverseLanes(values, partials, adjoints: sweep, count: count, lanes: lanes,
                                    output: output, jacobians: jacobians)
            }
            return forwardLanes(values, tangents: sweep, dx: partials, dy: partials + lanes, zeros: zeros,
                                count: count, lanes: lanes, output: output, jacobians: jacobians)
        }
    }

    /// Loads the inputs (transposed into lanes) and the constants. Lanes past `count` repeat the last point, so
    /// every lane holds finite, meaningful numbers and no loop needs a branch.
    private func loadLanes(_ points: UnsafePointer<Double>, count: Int, lanes: Int, _ values: UnsafeMutablePointer<Double>) {
        let n = inputCount
        for l in 0..<lanes {
            let point = points + min(l, count - 1) * n
            for i in 0..<n { values[i * lanes + l] = point[i] }
        }
        for (c, constant) in constants.enumerated() {
            (values + (n + c) * lanes).update(repeating: constant, count: lanes)
        }
    }

    /// Runs every instruction over the lanes for its value and partials; `partials(k)` says where instruction k's
    /// two partial lanes go (reverse mode keeps them all, forward mode reuses one pair and consumes it in `after`).
    @inline(__always)
    private func runLanes(
        _ values: UnsafeMutablePointer<Double>, lanes: Int,
        partials: (Int) -> (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>),
        after: (Int, Instruction, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>) -> Void = { _, _, _, _ in }
    ) {
        let constantRegisters = inputCount..<(inputCount + constants.count)
        instructions.withUnsafeBufferPointer { code in
            for k in code.indices {
                let instruction = code[k]
                let (dx, dy) = partials(k)
                let a = values + Int(instruction.first) * lanes, b = values + Int(instruction.second) * lanes
                let out = values + Int(instruction.output) * lanes
                if instruction.operation == .powerInteger, constantRegisters.contains(Int(instruction.second)) {
                    // A whole constant exponent, the same in every lane: the squarings run lane by lane.
                    integerPowerLanes(a, Int(b[0]), out, dx, count: lanes)
                    dy.update(repeating: 0, count: lanes)
                } else {
                    instruction.operation.evaluateLanes(a, b, out, dx, dy, count: lanes)
                }
                after(k, instruction, dx, dy)
            }
        }
    }

    private func forwardLanes(
        _ values: UnsafeMutablePointer<Double>, tangents: UnsafeMutablePointer<Double>,
        dx: UnsafeMutablePointer<Double>, dy: UnsafeMutablePointer<Double>, zeros: UnsafeMutablePointer<Double>,
        count: Int, lanes: Int, output: UnsafeMutablePointer<Double>, jacobians: UnsafeMutablePointer<Double>
    ) -> Bool {
        let width = columnCount
        return sparsity.columnRanges.withUnsafeBufferPointer { ranges in
            @inline(__always) func tangent(_ register: Int32, _ j: Int) -> UnsafeMutablePointer<Double> {
                tangents + (Int(register) * width + j) * lanes
            }
            @inline(__always) func contains(_ register: Int32, _ j: Int) -> Bool {
                let range = ranges[Int(register)]
                return j >= Int(range.low) && j < Int(range.high)
            }
            // Each input's tangent is the unit vector of its own column.
            for i in 0..<inputCount { tangent(Int32(i), i).update(repeating: 1, count: lanes) }
            runLanes(values, lanes: lanes, partials: { _ in (dx, dy) }) { _, instruction, dx, dy in
                let range = ranges[Int(instruction.output)]
                guard range.low < range.high else { return }
                let firstActive = instruction.activity & Instruction.firstActive != 0
                let secondActive = instruction.activity & Instruction.secondActive != 0
                for j in Int(range.low)..<Int(range.high) {
                    let o = tangent(instruction.output, j)
                    let p = tangent(instruction.first, j), q = tangent(instruction.second, j)
                    switch (firstActive && contains(instruction.first, j), secondActive && contains(instruction.second, j)) {
                    case (true, true): for l in 0..<lanes { o[l] = dx[l] * p[l] + dy[l] * q[l] }
                    case (true, false): for l in 0..<lanes { o[l] = dx[l] * p[l] }
                    case (false, true): for l in 0..<lanes { o[l] = dy[l] * q[l] }
                    case (false, false): o.update(repeating: 0, count: lanes)
                    }
                }
            }
            // Where each output number comes from: a value lane, a tangent lane, or the zero lane outside a row's
            // range (written as +0, as point by point, never the −0 of dx·0).
            let m = outputCount
            return withUnsafeTemporaryAllocation(of: UnsafePointer<Double>.self, capacity: m * (width + 1)) { sources in
                var finite = true
                for (row, register) in outputRegisters.enumerated() {
                    sources[row] = UnsafePointer(values + Int(register) * lanes)
                    finite = finite && lanesAreFinite(values + Int(register) * lanes, count: count)
                    for j in 0..<width {
                        let inside = contains(register, j)
                        sources[m + row * width + j] = UnsafePointer(inside ? tangent(register, j) : zeros)
                        if inside { finite = finite && lanesAreFinite(tangent(register, j), count: count) }
                    }
                }
                guard finite else { return false }
                scatter(sources.baseAddress!, zeros: zeros, count: count, m: m, n: width, output: output, jacobians: jacobians)
                return true
            }
        }
    }

    private func reverseLanes(
        _ values: UnsafeMutablePointer<Double>, _ partials: UnsafeMutablePointer<Double>,
        adjoints: UnsafeMutablePointer<Double>, count: Int, lanes: Int, output: UnsafeMutablePointer<Double>, jacobians: UnsafeMutablePointer<Double>
    ) -> Bool {
        let columns = columnCount, m = outputCount
        let firstInstructionRegister = inputCount + constants.count
        var finite = true
        for (row, register) in outputRegisters.enumerated() {
            let v = values + Int(register) * lanes
            finite = finite && lanesAreFinite(v, count: count)
            for l in 0..<count { output[l * m + row] = v[l] }
        }
        guard finite else { return false }
        return instructions.withUnsafeBufferPointer { code in
            sparsity.coneInstructions.withUnsafeBufferPointer { cones in
                @inline(__always) func adjoint(_ register: Int32) -> UnsafeMutablePointer<Double> {
                    adjoints + Int(register) * lanes
                }
                @inline(__always) func propagate(_ k: Int) {
                    let instruction = code[k]
                    let g = adjoint(instruction.output)
                    if instruction.activity & Instruction.firstActive != 0 {
                        let a = adjoint(instruction.first), d = partials + 2 * k * lanes
                        for l in 0..<lanes { a[l] += g[l] * d[l] }
                    }
                    if instruction.activity & Instruction.secondActive != 0 {
                        let b = adjoint(instruction.second), d = partials + (2 * k + 1) * lanes
                        for l in 0..<lanes { b[l] += g[l] * d[l] }
                    }
                }
                // Constants' adjoints collect contributions that are never read.
                adjoints.initialize(repeating: 0, count: firstInstructionRegister * lanes)
                for (row, register) in outputRegisters.enumerated() {
                    let seed = Int(register)
                    if row < sparsity.coneRowCount {
                        let cone = sparsity.coneStarts[row]..<sparsity.coneStarts[row + 1]
                        adjoints.update(repeating: 0, count: columns * lanes)
                        for index in cone { adjoint(code[Int(cones[index])].output).update(repeating: 0, count: lanes) }
                        adjoint(register).update(repeating: 1, count: lanes)
                        for index in cone { propagate(Int(cones[index])) }
                    } else {
                        adjoints.update(repeating: 0, count: max(seed + 1, columns) * lanes)
                        adjoint(register).update(repeating: 1, count: lanes)
                        for k in stride(from: seed - firstInstructionRegister, through: 0, by: -1) { propagate(k) }
                    }
                    for j in 0..<columns {
                        // An output that is itself input j (seed 1 and never propagated) is read as it is.
                        let a = adjoints + j * lanes
                        guard lanesAreFinite(a, count: count) else { return false }
                        let destination = jacobians + row * columns + j
                        for l in 0..<count { destination[l * m * columns] = a[l] }
                    }
                }
                return true
            }
        }
    }

    /// Writes each output number's lane (named by `sources`: m values, then m × n entries) into its place in every
    /// point's answer, one strided loop per number; the zero lane's entries are stored as constants.
    private func scatter(
        _ sources: UnsafeMutablePointer<UnsafePointer<Double>>, zeros: UnsafePointer<Double>, count: Int, m: Int,
        n: Int, output: UnsafeMutablePointer<Double>, jacobians: UnsafeMutablePointer<Double>
    ) {
        let entries = m * n
        for row in 0..<m {
            let source = sources[row], destination = output + row
            for l in 0..<count { destination[l * m] = source[l] }
        }
        for e in 0..<entries {
            let source = sources[m + e], destination = jacobians + e
            if source == zeros {
                for l in 0..<count { destination[l * entries] = 0 }
            } else {
                for l in 0..<count { destination[l * entries] = source[l] }
            }
        }
    }
}

/// Whether the first `count` lanes are all finite: an OR over exponent tests, which the compiler vectorises
/// (a short-circuit `allSatisfy` would not).
@inline(__always)
func lanesAreFinite(_ lanes: UnsafePointer<Double>, count: Int) -> Bool {
    let exponent: UInt64 = 0x7FF0_0000_0000_0000
    var bad: UInt64 = 0
    for l in 0..<count { bad |= (lanes[l].bitPattern & exponent) == exponent ? 1 : 0 }
    return bad == 0
}

/// `x^n` (n ≥ 3, a whole constant) and its derivative n·x^(n−1) over lanes, by the same repeated squaring, in
/// the same order, as `Operation.powerInteger` point by point, so the numbers are identical.
@inline(__always)
func integerPowerLanes(
    _ x: UnsafePointer<Double>, _ n: Int, _ value: UnsafeMutablePointer<Double>, _ dx: UnsafeMutablePointer<Double>,
    count: Int
) {
    switch n {
    case 3:
        // below = x², as the squaring computes it (1·x² is exact).
        for l in 0..<count {
            let below = x[l] * x[l]
            value[l] = below * x[l]
            dx[l] = 3 * below
        }
    case 4:
        // below = x·x² (bit 0 takes x, bit 1 takes x²).
        for l in 0..<count {
            let square = x[l] * x[l]
            let below = x[l] * square
            value[l] = below * x[l]
            dx[l] = 4 * below
        }
    default:
        // result in `dx`, base in `value`, then value = result·x and dx = n·result.
        for l in 0..<count {
            dx[l] = 1
            value[l] = x[l]
        }
        var k = n - 1
        while k > 0 {
            if k & 1 == 1 { for l in 0..<count { dx[l] *= value[l] } }
            k >>= 1
            if k > 0 { for l in 0..<count { value[l] *= value[l] } }
        }
        let y = Double(n)
        for l in 0..<count {
            let below = dx[l]
            value[l] = below * x[l]
            dx[l] = y * below
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
