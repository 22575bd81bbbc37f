/// A feed-forward network, applied layer by layer to a point like `torch.nn.Sequential`.
///
/// JSON: `{"layers": [{"type": "linear", "weight": [[...], ...], "bias": [...]}, {"type": "relu"}, ...]}`.
/// Decoding checks shapes (rectangular weights, bias length equal to the weight's rows, each linear layer's input
/// size equal to the previous linear layer's output size) and reports a violation as `DecodingError.dataCorrupted`
/// whose coding path points at the offending field.
public struct NetworkFunction: Codable, Hashable, Sendable {
    /// The layers in application order.
    public var layers: [Layer]

    /// A network from its layers.
    public init(layers: [Layer]) {
        self.layers = layers
    }

    private enum CodingKeys: String, CodingKey { case layers }

    /// Decodes the layers and checks that consecutive linear layers fit together.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let layers = try container.decode([Layer].self, forKey: .layers)
        guard !layers.isEmpty else {
            throw DecodingError.dataCorruptedError(
                forKey: .layers, in: container, debugDescription: "a network needs at least one layer")
        }
        var previousOutputSize: Int?
        for (index, layer) in layers.enumerated() {
            guard case .linear(let weight, _) = layer else { continue }
            let inputSize = weight[0].count
            if let previous = previousOutputSize, previous != inputSize {
                throw DecodingError.dataCorrupted(DecodingError.Context(
                    codingPath: container.codingPath + [CodingKeys.layers, IndexKey(index), Layer.FieldKey.weight],
                    debugDescription: "layers[\(index)] takes \(inputSize) inputs but the previous linear layer "
                        + "produces \(previous) outputs"))
            }
            previousOutputSize = weight.count
        }
        self.layers = layers
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

    /// Decodes a layer by its `type` tag and checks a linear layer's shapes.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: FieldKey.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "linear":
            let weight = try container.decode([[Double]].self, forKey: .weight)
            let bias = try container.decodeIfPresent([Double].self, forKey: .bias)
            try Self.checkShapes(weight: weight, bias: bias, in: container)
            self = .linear(weight: weight, bias: bias)
        case "relu": self = .relu
        case "tanh": self = .tanh
        case "sigmoid": self = .sigmoid
        case "gelu": self = .gelu
        case "softmax": self = .softmax
        case "leaky_relu":
            self = .leakyReLU(negativeSlope: try container.decodeIfPresent(Double.self, forKey: .negativeSlope) ?? 0.01)
        case "elu":
            self = .elu(alpha: try container.decodeIfPresent(Double.self, forKey: .alpha) ?? 1)
        case "softplus":
            self = .softplus(
                beta: try container.decodeIfPresent(Double.self, forKey: .beta) ?? 1,
                threshold: try container.decodeIfPresent(Double.self, forKey: .threshold) ?? 20)
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container,
                debugDescription: "unknown layer type '\(type)'; expected one of linear, relu, leaky_relu, elu, "
                    + "tanh, sigmoid, softplus, gelu, softmax")
        }
    }

    private static func checkShapes(
        weight: [[Double]], bias: [Double]?, in container: KeyedDecodingContainer<FieldKey>
    ) throws {
        guard let columns = weight.first?.count, columns > 0 else {
            throw DecodingError.dataCorruptedError(
                forKey: .weight, in: container, debugDescription: "a linear layer's weight must have at least one "
                    + "row and one column")
        }
        if let row = weight.firstIndex(where: { $0.count != columns }) {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: container.codingPath + [FieldKey.weight, IndexKey(row)],
                debugDescription: "weight row \(row) has \(weight[row].count) entries but row 0 has \(columns); "
                    + "every row must have the same length"))
        }
        if let bias, bias.count != weight.count {
            throw DecodingError.dataCorruptedError(
                forKey: .bias, in: container,
                debugDescription: "bias has \(bias.count) entries but the weight has \(weight.count) rows")
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

/// An array position in a coding path, so decoding errors point at `layers/2/weight/1`.
struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { String(intValue ?? 0) }
    init(_ index: Int) { intValue = index }
    init?(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { return nil }
}
