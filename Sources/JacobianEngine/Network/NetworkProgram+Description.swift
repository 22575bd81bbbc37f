/// A listing of a compiled network for debugging, one line per layer with its shape and where its parameters sit
/// among the Jacobian's columns.
extension NetworkProgram: CustomDebugStringConvertible {
    var debugDescription: String {
        let with = variable == .input ? "input" : "parameters"
        var lines = ["network: \(inputCount) inputs → \(outputCount) outputs, \(parameterCount) parameters, "
            + "differentiated with respect to its \(with)"]
        for index in steps.indices {
            var line = "  \(layerDescription(index)): \(widths[index]) → \(widths[index + 1])"
            if case .affine(let map) = steps[index] {
                line += ", parameters \(map.parameterOffset)..<\(map.parameterOffset + map.parameterCount)"
                    + (map.bias == nil ? " (no bias)" : "")
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
