/// A function to differentiate, as a client describes it.
///
/// JSON: `{"type": "expression", "inputs": [...], "outputs": [...]}` or `{"type": "network", "layers": [...]}`; the
/// `type` tag selects the case and the remaining keys are the case's own fields.
public enum FunctionSpec: Codable, Hashable, Sendable {
    /// Outputs written as formulas of named inputs.
    case expression(ExpressionFunction)
    /// A feed-forward network given layer by layer.
    case network(NetworkFunction)

    private enum TagKey: String, CodingKey { case type }

    /// Decodes the `type` tag, then the chosen case from the same object.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: TagKey.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "expression": self = .expression(try ExpressionFunction(from: decoder))
        case "network": self = .network(try NetworkFunction(from: decoder))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container,
                debugDescription: "unknown function type '\(type)'; expected \"expression\" or \"network\"")
        }
    }

    /// Encodes the `type` tag and the case's fields into one object.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: TagKey.self)
        switch self {
        case .expression(let function):
            try container.encode("expression", forKey: .type)
            try function.encode(to: encoder)
        case .network(let network):
            try container.encode("network", forKey: .type)
            try network.encode(to: encoder)
        }
    }
}
