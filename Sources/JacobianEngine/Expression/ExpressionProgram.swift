/// One step of an expression program: `registers[output] = operation(registers[first], registers[second])`, in the
/// layout of CasADi's SX `ScalarAtomic`. `activity` says which operands depend on the inputs (bit 0: first,
/// bit 1: second), so AD only propagates through those: a constant operand's partial (which may be infinite, as for
/// `0 ^ x`) never multiplies a zero tangent into NaN.
struct Instruction: Sendable, Hashable {
    var operation: Operation
    var activity: UInt8
    var output: Int32
    var first: Int32
    var second: Int32

    static let firstActive: UInt8 = 1
    static let secondActive: UInt8 = 2
}

/// A compiled expression function: a flat instruction list over registers laid out as
/// `[inputs (columnCount)] [constants] [one per instruction]`, run by one loop around one switch.
///
/// - `evaluate` runs the values only.
/// - Forward mode runs values and local partials, then carries a tangent block of every column per register
///   (split into chunks of columns only when the block would exceed `forwardTangentBudget` doubles), each row
///   touched only inside the columns it depends on.
/// - Reverse mode runs values and partials once, then one backward sweep of adjoints per output row over the
///   instructions that row depends on.
///
/// Every call makes a single scratch allocation (on the stack when small). Outputs and Jacobian are checked for
/// NaN and infinity after the sweeps; only then does `NonFiniteDiagnosis` re-run to name the operation responsible.
struct ExpressionProgram: DifferentiableProgram {
    let inputCount: Int
    let outputCount: Int
    var columnCount: Int { inputCount }
    let columnNames: [String]
    let rowNames: [String]
    /// Values of the constant registers, which follow the input registers.
    let constants: [Double]
    let instructions: [Instruction]
    /// Where each instruction comes from, for error messages.
    let locations: [SourceLocation]
    /// The register holding each output.
    let outputRegisters: [Int32]
    /// Where tangents can be nonzero and which instructions each output depends on.
    let sparsity: Sparsity
    /// Inputs + constants + instructions.
    var registerCount: Int { inputCount + constants.count + instructions.count }

    /// Largest forward-mode tangent block, in doubles (16 MiB), before forward mode sweeps columns in chunks.
    static let forwardTangentBudget = 1 << 21

    func evaluate(at point: UnsafeBufferPointer<Double>, value: UnsafeMutableBufferPointer<Double>) throws(EngineError) {
        let finite = withUnsafeTemporaryAllocation(of: Double.self, capacity: registerCount) { registers in
            runValues(point, registers)
            return gatherOutputs(registers, into: value)
        }
        if !finite { throw NonFiniteDiagnosis(program: self, point: Array(point)).valueError() }
    }

    func jacobian(
        at point: UnsafeBufferPointer<Double>,
        mode: DifferentiationMode,
        value: UnsafeMutableBufferPointer<Double>,
        jacobian: UnsafeMutableBufferPointer<Double>
    ) throws(EngineError) {
        let registers = registerCount
        let partialCount = 2 * instructions.count
        let chunk = mode == .reverse ? 0 : max(1, min(columnCount, Self.forwardTangentBudget / max(registers, 1)))
        let sweepSize = mode == .reverse ? registers : registers * chunk
        let finite = withUnsafeTemporaryAllocation(of: Double.self, capacity: registers + partialCount + sweepSize) {
            scratch in
            let base = scratch.baseAddress!
            let values = UnsafeMutableBufferPointer(start: base, count: registers)
            let partials = UnsafeMutableBufferPointer(start: base + registers, count: partialCount)
            let sweep = UnsafeMutableBufferPointer(start: base + registers + partialCount, count: sweepSize)
            runValuesAndPartials(point, values, partials)
            guard gatherOutputs(values, into: value) else { return false }
            if mode == .reverse {
                reverseSweeps(partials, adjoints: sweep, jacobian: jacobian)
            } else {
                forwardSweeps(partials, tangents: sweep, width: chunk, jacobian: jacobian)
            }
            return jacobian.allSatisfy { $0.isFinite }
        }
        if !finite {
            let diagnosis = NonFiniteDiagnosis(program: self, point: Array(point))
            if !value.allSatisfy({ $0.isFinite }) { throw diagnosis.valueError() }
            let bad = jacobian.firstIndex { !$0.isFinite }!
            throw diagnosis.derivativeError(row: bad / columnCount, column: bad % columnCount,
                                            entry: jacobian[bad])
        }
    }

    /// Loads the point and the constants into the first registers.
    func load(_ point: UnsafeBufferPointer<Double>, _ registers: UnsafeMutableBufferPointer<Double>) {
        let base = registers.baseAddress!
        base.update(from: point.baseAddress!, count: inputCount)
        // An empty array's buffer may have no base address, so only non-empty constant tables are copied.
        guard !constants.isEmpty else { return }
        constants.withUnsafeBufferPointer { (base + inputCount).update(from: $0.baseAddress!, count: $0.count) }
    }

    /// Runs every instruction for its value.
    func runValues(_ point: UnsafeBufferPointer<Double>, _ registers: UnsafeMutableBufferPointer<Double>) {
        load(point, registers)
        instructions.withUnsafeBufferPointer { code in
            for instruction in code {
                registers[Int(instruction.output)] = instruction.operation.apply(
                    registers[Int(instruction.first)], registers[Int(instruction.second)])
            }
        }
    }

    /// Runs every instruction for its value and its partials (`partials[2k]`, `partials[2k+1]` for instruction k).
    func runValuesAndPartials(
        _ point: UnsafeBufferPointer<Double>, _ registers: UnsafeMutableBufferPointer<Double>,
        _ partials: UnsafeMutableBufferPointer<Double>
    ) {
        load(point, registers)
        instructions.withUnsafeBufferPointer { code in
            for k in code.indices {
                let instruction = code[k]
                let result = instruction.operation.evaluate(
                    registers[Int(instruction.first)], registers[Int(instruction.second)], partials: true)
                registers[Int(instruction.output)] = result.value
                partials[2 * k] = result.dx
                partials[2 * k + 1] = result.dy
            }
        }
    }

    /// Copies the output registers into `value`; returns whether they are all finite.
    private func gatherOutputs(_ registers: UnsafeMutableBufferPointer<Double>, into value: UnsafeMutableBufferPointer<Double>)
        -> Bool
    {
        var finite = true
        outputRegisters.withUnsafeBufferPointer { outputs in
            for row in outputs.indices {
                let v = registers[Int(outputs[row])]
                value[row] = v
                finite = finite && v.isFinite
            }
        }
        return finite
    }
}
