import JacobianEngine

extension GraphImport {
    /// The operators this importer maps, for messages.
    static let operators = [
        "Conv", "MaxPool", "AveragePool", "GlobalAveragePool", "BatchNormalization", "Gemm", "MatMul", "Add", "Sub",
        "Mul", "Div", "Relu", "LeakyRelu", "Elu", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "Flatten", "Reshape",
        "Transpose", "Concat", "Identity", "Dropout", "Constant", "Squeeze", "Unsqueeze", "Shape",
    ]

    /// Maps one node and records its output.
    mutating func add(_ node: Onnx_NodeProto, name: String) throws(ModelError) {
        guard node.domain.isEmpty || node.domain == "ai.onnx" else {
            throw ModelError("operator domain '\(node.domain)' is not supported")
        }
        let attributes = Attributes(node.attribute)
        // Optional inputs may be named "" (absent); trailing ones are dropped.
        var operands: [TensorID] = []
        for input in node.input {
            if input.isEmpty { continue }
            guard let id = tensors[input] else { throw ModelError("input '\(input)' is not computed before this node") }
            operands.append(id)
        }
        guard let outputName = node.output.first, !outputName.isEmpty else { throw ModelError("the node has no output") }
        let extraOutputs = node.output.dropFirst().filter { !$0.isEmpty }
        guard extraOutputs.isEmpty || ["Dropout", "BatchNormalization"].contains(node.opType) == false || isUnused(extraOutputs) else {
            throw ModelError("outputs \(Array(extraOutputs)) (training-time outputs) are used by other nodes, which is not supported")
        }
        func only(_ count: Int) throws(ModelError) -> [TensorID] {
            guard operands.count >= count else { throw ModelError("expects \(count) inputs, found \(operands.count)") }
            return Array(operands.prefix(count))
        }
        let output: TensorID
        switch node.opType {
        case "Conv":
            try attributes.allow(["kernel_shape", "strides", "pads", "dilations", "group", "auto_pad"])
            try attributes.noAutoPad()
            let window = Window(kernel: try attributes.ints("kernel_shape", default: []),
                                strides: try attributes.ints("strides", default: [1, 1]),
                                pads: try attributes.ints("pads", default: [0, 0, 0, 0]),
                                dilations: try attributes.ints("dilations", default: [1, 1]))
            output = try apply(.conv(window, group: try attributes.int("group", default: 1)), operands, name)
        case "MaxPool", "AveragePool":
            try attributes.allow(["kernel_shape", "strides", "pads", "dilations", "ceil_mode", "auto_pad", "storage_order",
                                  "count_include_pad"])
            try attributes.noAutoPad()
            guard try attributes.int("ceil_mode", default: 0) == 0 else { throw ModelError("attribute ceil_mode = 1 is not supported") }
            guard try attributes.int("storage_order", default: 0) == 0 else {
                throw ModelError("attribute storage_order = 1 is not supported")
            }
            if node.opType == "MaxPool", node.output.count > 1, !node.output[1].isEmpty, !isUnused([node.output[1]]) {
                throw ModelError("the Indices output is not supported")
            }
            let kernel = try attributes.ints("kernel_shape", default: [])
            guard !kernel.isEmpty else { throw ModelError("the required attribute kernel_shape is missing") }
            let window = Window(kernel: kernel, strides: try attributes.ints("strides", default: [1, 1]),
                                pads: try attributes.ints("pads", default: [0, 0, 0, 0]),
                                dilations: try attributes.ints("dilations", default: [1, 1]))
            let operation: TensorOperation = node.opType == "MaxPool"
                ? .maxPool(window)
                : .averagePool(window, countIncludePad: try attributes.int("count_include_pad", default: 0) != 0)
            output = try apply(operation, try only(1), name)
        case "GlobalAveragePool":
            try attributes.allow([])
            output = try apply(.globalAveragePool, try only(1), name)
        case "BatchNormalization":
            try attributes.allow(["epsilon", "momentum", "training_mode", "spatial"])
            guard try attributes.int("training_mode", default: 0) == 0 else {
                throw ModelError("training_mode = 1 is not supported; export the model in eval() mode")
            }
            output = try apply(.batchNormalization(epsilon: try attributes.float("epsilon", default: 1e-5)), try only(5), name)
        case "Gemm":
            try attributes.allow(["alpha", "beta", "transA", "transB"])
            output = try apply(.gemm(alpha: try attributes.float("alpha", default: 1), beta: try attributes.float("beta", default: 1),
                                     transA: try attributes.int("transA", default: 0) != 0,
                                     transB: try attributes.int("transB", default: 0) != 0), operands, name)
        case "MatMul", "Add", "Sub", "Mul", "Div":
            try attributes.allow([])
            let operation: TensorOperation = switch node.opType {
            case "MatMul": .matMul
            case "Add": .add
            case "Sub": .sub
            case "Mul": .mul
            default: .div
            }
            output = try apply(operation, try only(2), name)
        case "Relu", "Sigmoid", "Tanh":
            try attributes.allow([])
            output = try apply(node.opType == "Relu" ? .relu : node.opType == "Sigmoid" ? .sigmoid : .tanh, try only(1), name)
        case "LeakyRelu":
            try attributes.allow(["alpha"])
            output = try apply(.leakyRelu(alpha: try attributes.float("alpha", default: 0.01)), try only(1), name)
        case "Elu":
            try attributes.allow(["alpha"])
            output = try apply(.elu(alpha: try attributes.float("alpha", default: 1)), try only(1), name)
        case "Softmax", "LogSoftmax":
            try attributes.allow(["axis"])
            let axis = try attributes.int("axis", default: -1)
            output = try apply(node.opType == "Softmax" ? .softmax(axis: axis) : .logSoftmax(axis: axis), try only(1), name)
        case "Flatten":
            try attributes.allow(["axis"])
            let x = try only(1)[0]
            let shape = builder.shape(of: x)
            var axis = try attributes.int("axis", default: 1)
            if axis < 0 { axis += shape.count }
            guard axis >= 0, axis <= shape.count else { throw ModelError("axis \(axis) is out of range for rank \(shape.count)") }
            output = try apply(.reshape([shape[..<axis].reduce(1, *), shape[axis...].reduce(1, *)]), [x], name)
        case "Reshape":
            try attributes.allow(["allowzero"])
            let operands = try only(2)
            let shape = builder.shape(of: operands[0])
            let target = try constantInts(operands[1], what: "the shape")
            let allowZero = try attributes.int("allowzero", default: 0) != 0
            output = try apply(.reshape(try Self.reshape(shape, to: target, allowZero: allowZero)), [operands[0]], name)
        case "Squeeze", "Unsqueeze":
            try attributes.allow([])
            let x = try only(1)[0]
            let shape = builder.shape(of: x)
            let axes = operands.count > 1 ? try constantInts(operands[1], what: "axes") : nil
            output = try apply(.reshape(try Self.squeeze(shape, axes: axes, unsqueeze: node.opType == "Unsqueeze")), [x], name)
        case "Transpose":
            try attributes.allow(["perm"])
            let x = try only(1)[0]
            let rank = builder.shape(of: x).count
            output = try apply(.transpose(try attributes.ints("perm", default: Array((0..<rank).reversed()))), [x], name)
        case "Concat":
            try attributes.allow(["axis"])
            guard attributes.has("axis") else { throw ModelError("the required attribute axis is missing") }
            output = try apply(.concat(axis: try attributes.int("axis", default: 0)), operands, name)
        case "Identity", "Dropout":
            // Dropout at inference is the identity (its ratio and training_mode inputs, if any, are ignored when
            // training_mode is absent or a constant false).
            try attributes.allow(node.opType == "Dropout" ? ["seed", "ratio", "is_test"] : [])
            if node.opType == "Dropout", operands.count > 2 {
                guard let mode = builder.constantData(of: operands[2]), mode.allSatisfy({ $0 == 0 }) else {
                    throw ModelError("training_mode must be a constant false")
                }
            }
            let x = try only(1)[0]
            output = try apply(.reshape(builder.shape(of: x)), [x], name)
        case "Constant":
            output = try constant(attributes, name: name)
        case "Shape":
            try attributes.allow(["start", "end"])
            let shape = builder.shape(of: try only(1)[0])
            let rank = shape.count
            func clamp(_ index: Int) -> Int { min(max(index < 0 ? index + rank : index, 0), rank) }
            let start = clamp(try attributes.int("start", default: 0)), end = clamp(try attributes.int("end", default: rank))
            let dims = start < end ? Array(shape[start..<end]) : []
            output = try builder.addConstant(dims.map(Double.init), shape: [dims.count], name: outputName)
        default:
            throw ModelError("operator \(node.opType) is not supported; supported: \(Self.operators.joined(separator: ", "))")
        }
        tensors[outputName] = output
    }

    private mutating func apply(_ operation: TensorOperation, _ operands: [TensorID], _ name: String) throws(ModelError) -> TensorID {
        try builder.apply(operation, to: operands, node: name)
    }

    /// Whether no node reads these outputs and the graph does not output them.
    private func isUnused(_ names: some Sequence<String>) -> Bool {
        let names = Set(names)
        return !graph.node.contains { $0.input.contains(where: names.contains) } && !graph.output.contains { names.contains($0.name) }
    }

    /// A constant tensor's values as integers (shapes, axes).
    private func constantInts(_ tensor: TensorID, what: String) throws(ModelError) -> [Int] {
        guard let data = builder.constantData(of: tensor) else {
            throw ModelError("\(what) must be a constant (shapes are static here)")
        }
        guard data.allSatisfy({ $0 == $0.rounded() && abs($0) <= Double(Int32.max) }) else {
            throw ModelError("\(what) must hold integers")
        }
        return data.map { Int($0) }
    }

    private mutating func constant(_ attributes: Attributes, name: String) throws(ModelError) -> TensorID {
        try attributes.allow(["value", "value_float", "value_floats", "value_int", "value_ints"])
        if let tensor = attributes.tensor("value") {
            let (data, shape) = try TensorReader.read(tensor, limits: builder.limits)
            return try builder.addConstant(data, shape: shape, name: name)
        }
        if attributes.has("value_float") { return try builder.addConstant([try attributes.float("value_float", default: 0)], shape: [], name: name) }
        if attributes.has("value_int") { return try builder.addConstant([Double(try attributes.int("value_int", default: 0))], shape: [], name: name) }
        if attributes.has("value_ints") {
            let values = try attributes.ints("value_ints", default: [])
            return try builder.addConstant(values.map(Double.init), shape: [values.count], name: name)
        }
        if attributes.has("value_floats") {
            let values = try attributes.floats("value_floats")
            return try builder.addConstant(values, shape: [values.count], name: name)
        }
        throw ModelError("a Constant needs one of value, value_float(s), value_int(s)")
    }

    /// ONNX Reshape's target: 0 copies the input's dimension (unless allowzero), −1 is inferred.
    static func reshape(_ shape: [Int], to target: [Int], allowZero: Bool) throws(ModelError) -> [Int] {
        var result = target.enumerated().map { axis, size in
            size == 0 && !allowZero && axis < shape.count ? shape[axis] : size
        }
        let total = shape.reduce(1, *)
        if let inferred = result.firstIndex(of: -1) {
            let known = result.enumerated().filter { $0.offset != inferred }.map(\.element).reduce(1, *)
            guard known > 0, total % known == 0, result.filter({ $0 == -1 }).count == 1 else {
                throw ModelError("cannot reshape \(shape) to \(target)")
            }
            result[inferred] = total / known
        }
        guard result.allSatisfy({ $0 >= 0 }), result.reduce(1, *) == total else {
            throw ModelError("cannot reshape \(shape) to \(target)")
        }
        return result
    }

    /// The shape after removing (or inserting) size-1 axes.
    static func squeeze(_ shape: [Int], axes: [Int]?, unsqueeze: Bool) throws(ModelError) -> [Int] {
        if unsqueeze {
            guard let axes else { throw ModelError("Unsqueeze needs its axes input") }
            let rank = shape.count + axes.count
            let resolved = Set(axes.map { $0 < 0 ? $0 + rank : $0 })
            guard resolved.count == axes.count, resolved.allSatisfy({ $0 >= 0 && $0 < rank }) else {
                throw ModelError("axes \(axes) are invalid for an output of rank \(rank)")
            }
            var rest = shape.makeIterator()
            return (0..<rank).map { resolved.contains($0) ? 1 : rest.next()! }
        }
        let resolved = Set((axes ?? shape.indices.filter { shape[$0] == 1 }).map { $0 < 0 ? $0 + shape.count : $0 })
        guard resolved.allSatisfy({ $0 >= 0 && $0 < shape.count && shape[$0] == 1 }) else {
            throw ModelError("axes \(axes ?? []) do not name size-1 axes of \(shape)")
        }
        return shape.indices.filter { !resolved.contains($0) }.map { shape[$0] }
    }
}

/// A node's attributes by name, with unknown ones refused.
struct Attributes {
    let byName: [String: Onnx_AttributeProto]

    init(_ attributes: [Onnx_AttributeProto]) {
        byName = Dictionary(attributes.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    func has(_ name: String) -> Bool { byName[name] != nil }

    func allow(_ names: Set<String>) throws(ModelError) {
        if let unknown = byName.keys.sorted().first(where: { !names.contains($0) }) {
            throw ModelError("attribute '\(unknown)' is not supported")
        }
    }

    func noAutoPad() throws(ModelError) {
        if let mode = byName["auto_pad"], !["NOTSET", "VALID", ""].contains(String(decoding: mode.s, as: UTF8.self)) {
            throw ModelError("auto_pad = \(String(decoding: mode.s, as: UTF8.self)) is not supported; export with explicit pads")
        }
    }

    func int(_ name: String, default value: Int) throws(ModelError) -> Int {
        guard let attribute = byName[name] else { return value }
        guard attribute.i >= Int64(Int32.min), attribute.i <= Int64(Int32.max) else {
            throw ModelError("attribute \(name) = \(attribute.i) is out of range")
        }
        return Int(attribute.i)
    }

    func ints(_ name: String, default value: [Int]) throws(ModelError) -> [Int] {
        guard let attribute = byName[name] else { return value }
        guard attribute.ints.count <= 64, attribute.ints.allSatisfy({ abs($0) <= Int64(Int32.max) }) else {
            throw ModelError("attribute \(name) holds out-of-range values")
        }
        return attribute.ints.map { Int($0) }
    }

    func float(_ name: String, default value: Double) throws(ModelError) -> Double {
        guard let attribute = byName[name] else { return value }
        guard attribute.f.isFinite else { throw ModelError("attribute \(name) = \(attribute.f) is not finite") }
        // ONNX stores float attributes in float32: 0.1 arrives as 0.100000001490116. The shortest decimal that
        // rounds to it is what the exporter was given (PyTorch's eps = 1e-5, negative_slope = 0.1), so read that.
        return Double(attribute.f.description) ?? Double(attribute.f)
    }

    func floats(_ name: String) throws(ModelError) -> [Double] {
        (byName[name]?.floats ?? []).map { Double($0.description) ?? Double($0) }
    }

    func tensor(_ name: String) -> Onnx_TensorProto? {
        byName[name].flatMap { $0.hasT ? $0.t : nil }
    }
}
