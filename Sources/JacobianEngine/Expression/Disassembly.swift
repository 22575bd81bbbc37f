extension ExpressionProgram: CustomDebugStringConvertible {
    /// The program as a listing, one register per line, for debugging (CasADi's `print_instructions` in spirit):
    ///
    ///     CompiledFunction: 1 inputs, 1 outputs, 4 registers
    ///       r0 = x
    ///       r1 = 2
    ///       r2 = sin r0              ; outputs[0] at column 1
    ///       r3 = r2 * r1             ; outputs[0] at column 8
    ///       outputs[0] = r3
    var debugDescription: String {
        var lines = ["CompiledFunction: \(inputCount) inputs, \(outputCount) outputs, \(registerCount) registers"]
        for (column, name) in columnNames.enumerated() { lines.append("  r\(column) = \(name)") }
        for (offset, value) in constants.enumerated() {
            lines.append("  r\(inputCount + offset) = \(NonFiniteDiagnosis.format(value))")
        }
        for (instruction, location) in zip(instructions, locations) {
            let (a, b) = ("r\(instruction.first)", "r\(instruction.second)")
            let operation = instruction.operation
            let body: String
            switch operation {
            case .square: body = "\(a) ^ 2"
            case .negate: body = "-\(a)"
            default:
                if let symbol = operation.infixSymbol {
                    body = "\(a) \(symbol) \(b)"
                } else {
                    body = operation.arity == 2 ? "\(operation.displayName) \(a), \(b)" : "\(operation.displayName) \(a)"
                }
            }
            let assignment = "  r\(instruction.output) = \(body)"
            let padding = String(repeating: " ", count: max(1, 27 - assignment.count))
            lines.append(assignment + padding + "; " + location.description)
        }
        for (row, register) in outputRegisters.enumerated() { lines.append("  \(rowNames[row]) = r\(register)") }
        return lines.joined(separator: "\n")
    }
}
