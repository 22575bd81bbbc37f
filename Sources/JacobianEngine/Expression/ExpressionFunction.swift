/// A function written as formulas: named inputs, one expression per output, optional named constants and
/// definitions ("name = expression", each usable by later definitions and by the outputs).
///
/// JSON: `{"inputs": ["t", {"name": "x", "size": 3}], "outputs": ["x[0] * t", "sin(x[1])"],
/// "constants": {"g": 9.81}, "definitions": ["r = hypot(x[0], x[1])"]}`; `constants` and `definitions` may be
/// omitted. Validation (names, sizes, grammar) happens when the function is compiled, so that every problem is
/// reported as an `EngineError` with a JSON pointer and a column.
public struct ExpressionFunction: Codable, Hashable, Sendable {
    /// The inputs in Jacobian column order; vectors expand element by element (`x[0]`, `x[1]`, ...).
    public var inputs: [InputDeclaration]
    /// One expression per output, i.e. per Jacobian row.
    public var outputs: [String]
    /// Named numbers usable in every expression.
    public var constants: [String: Double]
    /// Ordered definitions "name = expression"; each may use inputs, constants and earlier definitions.
    public var definitions: [String]

    /// A function from its parts.
    public init(
        inputs: [InputDeclaration],
        outputs: [String],
        constants: [String: Double] = [:],
        definitions: [String] = []
    ) {
        self.inputs = inputs
        self.outputs = outputs
        self.constants = constants
        self.definitions = definitions
    }

    private enum CodingKeys: String, CodingKey { case inputs, outputs, constants, definitions }

    /// The members of the JSON form, `type` (the `FunctionSpec` tag) included.
    public static let jsonFields = ["type", "inputs", "outputs", "constants", "definitions"]

    /// Decodes the JSON form (unknown members refused; `type` is the `FunctionSpec` tag); `constants` and
    /// `definitions` default to empty.
    public init(from decoder: any Decoder) throws {
        try decoder.refuseUnknownKeys(allowed: Self.jsonFields)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        inputs = try container.decode([InputDeclaration].self, forKey: .inputs)
        outputs = try container.decode([String].self, forKey: .outputs)
        constants = try container.decodeIfPresent([String: Double].self, forKey: .constants) ?? [:]
        definitions = try container.decodeIfPresent([String].self, forKey: .definitions) ?? []
    }

    /// Encodes the JSON form, leaving out empty `constants` and `definitions`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(inputs, forKey: .inputs)
        try container.encode(outputs, forKey: .outputs)
        if !constants.isEmpty { try container.encode(constants, forKey: .constants) }
        if !definitions.isEmpty { try container.encode(definitions, forKey: .definitions) }
    }
}

/// One declared input: a scalar (`"t"`) or a vector (`{"name": "x", "size": 3}`, used as `x[0]` ... `x[2]`).
public enum InputDeclaration: Codable, Hashable, Sendable {
    /// A scalar input, one Jacobian column.
    case scalar(String)
    /// A vector input of `size` elements, `size` Jacobian columns.
    case vector(name: String, size: Int)

    /// The declared name.
    public var name: String {
        switch self {
        case .scalar(let name), .vector(let name, _): name
        }
    }

    /// How many Jacobian columns the input occupies.
    public var columnCount: Int {
        switch self {
        case .scalar: 1
        case .vector(_, let size): size
        }
    }

    private enum CodingKeys: String, CodingKey { case name, size }

    /// Decodes either a bare string or an object with `name` and `size`.
    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let name = try? single.decode(String.self) {
            self = .scalar(name)
            return
        }
        guard let container = try? decoder.container(keyedBy: CodingKeys.self) else {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: decoder.codingPath,
                debugDescription: "an input is a name like \"t\" or an object like {\"name\": \"x\", \"size\": 3}"))
        }
        try decoder.refuseUnknownKeys(allowed: ["name", "size"])
        let name = try container.decode(String.self, forKey: .name)
        // Decoded as a number and checked here: decoding a fractional or huge number as Int fails, on Linux, with
        // no path and "not valid JSON", which would tell the client nothing.
        let number = try container.decode(Double.self, forKey: .size)
        guard number.rounded() == number, abs(number) < 1e15 else {
            throw DecodingError.dataCorruptedError(
                forKey: .size, in: container, debugDescription: "the size of input '\(name)' must be a whole number, got \(number)")
        }
        self = .vector(name: name, size: Int(number))
    }

    /// Encodes a scalar as a bare string and a vector as `{"name": ..., "size": ...}`.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .scalar(let name):
            var container = encoder.singleValueContainer()
            try container.encode(name)
        case .vector(let name, let size):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(size, forKey: .size)
        }
    }
}
