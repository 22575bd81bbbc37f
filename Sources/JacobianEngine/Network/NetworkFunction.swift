/// A feed-forward network, applied layer by layer to a point like `torch.nn.Sequential`.
///
/// JSON: `{"layers": [{"type": "linear", "weight": [[...], ...], "bias": [...]}, {"type": "relu"}, ...]}`.
/// Decoding checks the structure only (unknown members are refused); shapes and limits are checked, with a JSON
/// Pointer into the specification, when the network is compiled.
public struct NetworkFunction: Codable, Hashable, Sendable {
    /// The layers in application order.
    public var layers: [Layer]

    /// A network from its layers.
    public init(layers: [Layer]) {
        self.layers = layers
    }

    private enum CodingKeys: String, CodingKey { case layers }

    /// The members of the JSON form, `type` (the `FunctionSpec` tag) included.
    public static let jsonFields = ["type", "layers"]

    /// Decodes the layers; a `type` member is allowed beside them (the `FunctionSpec` tag).
    public init(from decoder: any Decoder) throws {
        try decoder.refuseUnknownKeys(allowed: Self.jsonFields)
        layers = try decoder.container(keyedBy: CodingKeys.self).decode([Layer].self, forKey: .layers)
    }

    /// Encodes `{"layers": [...]}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(layers, forKey: .layers)
    }
}

/// One layer of a `NetworkFunction`, with PyTorch's semantics and defaults.
public enum Layer: Codable, Hashable, Sendable {
    /// `y = weight · x + bias`; `weight` has one row per output (PyTorch's `nn.Linear.weight` layout).
    case linear(weight: [[Double]], bias: [Double]?)
    /// `max(x, 0)` elementwise.
    case relu
    /// `tanh(x)` elementwise.
    case tanh
    /// `1 / (1 + exp(-x))` elementwise.
    case sigmoid
    /// The exact (erf) GELU, PyTorch's default.
    case gelu
    /// `exp(x_i) / Σ exp(x_j)` over the whole vector.
    case softmax
    /// `x` if positive, else `negativeSlope · x`; JSON "leaky_relu" with "negative_slope" (default 0.01).
    case leakyReLU(negativeSlope: Double)
    /// `x` if positive, else `alpha · (exp(x) − 1)`; JSON "elu" with "alpha" (default 1).
    case elu(alpha: Double)
    /// `log(1 + exp(beta · x)) / beta`, linear above `threshold`; JSON "softplus" with "beta" (default 1) and
    /// "threshold" (default 20).
    case softplus(beta: Double, threshold: Double)

    enum FieldKey: String, CodingKey {
        case type, weight, bias
        case negativeSlope = "negative_slope"
        case alpha, beta, threshold
    }

    /// Each JSON layer type and the members it takes besides `type`: the one list both decoders (this `Codable`
    /// conformance and the service's request reader) accept.
    public static let fieldsByType: KeyValuePairs<String, [String]> = [
        "linear": ["weight", "bias"], "relu": [], "leaky_relu": ["negative_slope"], "elu": ["alpha"], "tanh": [],
        "sigmoid": [], "softplus": ["beta", "threshold"], "gelu": [], "softmax": [],
    ]

    /// Decodes a layer by its `type` tag, refusing members that type does not take.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: FieldKey.self)
        let type = try container.decode(String.self, forKey: .type)
        guard let fields = Self.fieldsByType.first(where: { $0.key == type })?.value else {
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container,
                debugDescription: "unknown layer type '\(type)'; expected one of "
                    + Self.fieldsByType.map(\.key).joined(separator: ", "))
        }
        try decoder.refuseUnknownKeys(allowed: ["type"] + fields)
        switch type {
        case "linear":
            self = .linear(weight: try container.decode([[Double]].self, forKey: .weight),
                           bias: try container.decodeIfPresent([Double].self, forKey: .bias))
        case "relu": self = .relu
        case "tanh": self = .tanh
        case "sigmoid": self = .sigmoid
        case "gelu": self = .gelu
        case "softmax": self = .softmax
        case "leaky_relu":
            self = .leakyReLU(negativeSlope: try container.decodeIfPresent(Double.self, forKey: .negativeSlope) ?? 0.01)
        case "elu":
            self = .elu(alpha: try container.decodeIfPresent(Double.self, forKey: .alpha) ?? 1)
        default: // "softplus"
            self = .softplus(
                beta: try container.decodeIfPresent(Double.self, forKey: .beta) ?? 1,
                threshold: try container.decodeIfPresent(Double.self, forKey: .threshold) ?? 20)
        }
    }

    /// Encodes the `type` tag and the layer's parameters.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: FieldKey.self)
        switch self {
        case .linear(let weight, let bias):
            try container.encode("linear", forKey: .type)
            try container.encode(weight, forKey: .weight)
            try container.encodeIfPresent(bias, forKey: .bias)
        case .relu: try container.encode("relu", forKey: .type)
        case .tanh: try container.encode("tanh", forKey: .type)
        case .sigmoid: try container.encode("sigmoid", forKey: .type)
        case .gelu: try container.encode("gelu", forKey: .type)
        case .softmax: try container.encode("softmax", forKey: .type)
        case .leakyReLU(let negativeSlope):
            try container.encode("leaky_relu", forKey: .type)
            try container.encode(negativeSlope, forKey: .negativeSlope)
        case .elu(let alpha):
            try container.encode("elu", forKey: .type)
            try container.encode(alpha, forKey: .alpha)
        case .softplus(let beta, let threshold):
            try container.encode("softplus", forKey: .type)
            try container.encode(beta, forKey: .beta)
            try container.encode(threshold, forKey: .threshold)
        }
    }
}
