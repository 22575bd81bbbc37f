/// Finds which operation made a value or derivative NaN or infinite, so the error can say "log(0) = -inf (log at
/// outputs[1], column 5)". It runs only after a sweep has produced a non-finite number, so it may allocate and
/// re-evaluate freely; the hot path stays a plain loop.
///
/// The culprit is the first instruction, in execution order and among those the affected output depends on, that
/// turned finite operands into a non-finite value (or, for a derivative, a non-finite local partial).
struct NonFiniteDiagnosis {
    let program: ExpressionProgram
    let point: [Double]
    private let registers: [Double]
    private let partials: [Double]

    init(program: ExpressionProgram, point: [Double]) {
        self.program = program
        self.point = point
        var registers = [Double](repeating: 0, count: program.registerCount)
        var partials = [Double](repeating: 0, count: 2 * program.instructions.count)
        point.withUnsafeBufferPointer { point in
            registers.withUnsafeMutableBufferPointer { registers in
                partials.withUnsafeMutableBufferPointer { partials in
                    program.runValuesAndPartials(point, registers, partials)
                }
            }
        }
        self.registers = registers
        self.partials = partials
    }

    /// The error for the first output whose value is not finite.
    func valueError() -> EngineError {
        let row = program.outputRegisters.firstIndex { !registers[Int($0)].isFinite } ?? 0
        let register = program.outputRegisters[row]
        let cone = dependencies(of: register)
        let label = program.rowNames[row]
        let value = registers[Int(register)]
        for (k, instruction) in program.instructions.enumerated() where cone[Int(instruction.output)] {
            let operands = operandValues(instruction)
            guard !registers[Int(instruction.output)].isFinite, operands.allSatisfy(\.isFinite) else { continue }
            let location = program.locations[k]
            return EngineError(
                kind: .nonFinite,
                message: "\(label) is \(Self.format(value)): \(call(instruction)) = "
                    + "\(Self.format(registers[Int(instruction.output)])) (from \(instruction.operation.displayName) in "
                    + "\(location.description))",
                row: row, operation: instruction.operation.displayName)
        }
        return EngineError(kind: .nonFinite, message: "\(label) is \(Self.format(value)) because the point is not finite",
                           row: row)
    }

    /// The error for a non-finite Jacobian entry in `row` (found at `column` with value `entry`), the values being
    /// finite. Forward mode can turn an infinite partial times a zero tangent into NaN in a column that does not
    /// really depend on it, so the column reported is the first non-finite one of the row by reverse accumulation,
    /// which gives both modes the same message.
    func derivativeError(row: Int, column foundColumn: Int, entry foundEntry: Double) -> EngineError {
        let gradient = reverseRow(row)
        let reverseColumn = gradient.firstIndex { !$0.isFinite }
        let column = reverseColumn ?? foundColumn
        let entry = reverseColumn.map { gradient[$0] } ?? foundEntry
        let register = program.outputRegisters[row]
        let cone = dependencies(of: register)
        let onColumn = dependents(ofColumn: column)
        let what = "the derivative of \(program.rowNames[row]) with respect to \(program.columnNames[column]) is "
            + Self.format(entry)
        // Prefer an operation whose bad partial lies on a path from the column; fall back to any in the cone.
        for requireColumn in [true, false] {
            for (k, instruction) in program.instructions.enumerated() where cone[Int(instruction.output)] {
                for operand in 0..<2 {
                    let bit: UInt8 = operand == 0 ? Instruction.firstActive : Instruction.secondActive
                    let source = Int(operand == 0 ? instruction.first : instruction.second)
                    let partial = partials[2 * k + operand]
                    guard instruction.activity & bit != 0, !partial.isFinite,
                          !requireColumn || onColumn[source] else { continue }
                    let name = instruction.operation.displayName
                    let which = instruction.operation.arity == 2
                        ? " with respect to its \(operand == 0 ? "first" : "second") operand" : ""
                    return EngineError(
                        kind: .nonFinite,
                        message: "\(what): the derivative of \(call(instruction))\(which) is \(Self.format(partial)) "
                            + "(from \(name) in \(program.locations[k].description))",
                        row: row, columnIndex: column, operation: name)
                }
            }
        }
        return EngineError(kind: .nonFinite, message: "\(what): the chain rule overflows although every local "
                           + "derivative is finite", row: row, columnIndex: column)
    }

    /// Row `row` of the Jacobian by one reverse sweep over the recorded partials.
    func reverseRow(_ row: Int) -> [Double] {
        var adjoints = [Double](repeating: 0, count: program.registerCount)
        adjoints[Int(program.outputRegisters[row])] = 1
        for (k, instruction) in program.instructions.enumerated().reversed() {
            let g = adjoints[Int(instruction.output)]
            if instruction.activity & Instruction.firstActive != 0 {
                adjoints[Int(instruction.first)] += g * partials[2 * k]
            }
            if instruction.activity & Instruction.secondActive != 0 {
                adjoints[Int(instruction.second)] += g * partials[2 * k + 1]
            }
        }
        return Array(adjoints[0..<program.columnCount])
    }

    /// Which registers `register` depends on (itself included), by one backward pass over the instructions.
    private func dependencies(of register: Int32) -> [Bool] {
        var needed = [Bool](repeating: false, count: program.registerCount)
        needed[Int(register)] = true
        for instruction in program.instructions.reversed() where needed[Int(instruction.output)] {
            needed[Int(instruction.first)] = true
            needed[Int(instruction.second)] = true
        }
        return needed
    }

    /// Which registers depend on input column `column`, by one forward pass.
    private func dependents(ofColumn column: Int) -> [Bool] {
        var reached = [Bool](repeating: false, count: program.registerCount)
        reached[column] = true
        for instruction in program.instructions where reached[Int(instruction.first)] || reached[Int(instruction.second)] {
            reached[Int(instruction.output)] = true
        }
        return reached
    }

    private func operandValues(_ instruction: Instruction) -> [Double] {
        let first = registers[Int(instruction.first)]
        return instruction.operation.arity == 2 ? [first, registers[Int(instruction.second)]] : [first]
    }

    /// "log(0)", "1 / 0", "(-2) ^ 0.5", "atan2(0, 0)".
    private func call(_ instruction: Instruction) -> String {
        let plain = operandValues(instruction).map(Self.format)
        // Negative operands of infix operators get parentheses so that "(-2) ^ 0.5" reads right.
        let grouped = plain.map { $0.hasPrefix("-") ? "(\($0))" : $0 }
        switch instruction.operation {
        case .negate: return "-\(grouped[0])"
        case .square: return "\(grouped[0]) ^ 2"
        default:
            if let symbol = instruction.operation.infixSymbol, grouped.count == 2 {
                return "\(grouped[0]) \(symbol) \(grouped[1])"
            }
            return "\(instruction.operation.displayName)(\(plain.joined(separator: ", ")))"
        }
    }

    /// Whole numbers without ".0"; everything else as Swift prints doubles ("0.5", "inf", "nan").
    static func format(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isFinite, value == value.rounded(), Swift.abs(value) < 1e15 { return String(Int(value)) }
        return "\(value)"
    }
}
