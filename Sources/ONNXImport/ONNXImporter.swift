import Foundation
import JacobianEngine
import SwiftProtobuf

/// Reads ONNX bytes into a `TensorGraph`: checks sizes against `ModelLimits` before allocating, converts weights
/// (float32 or float64, as stored) to float64, and maps each node to a `TensorOperation`. Anything it does not
/// support (an operator, an attribute value, a dynamic dimension other than a batch of 1, external data) is an
/// error naming the node and its operator, never a crash.
public enum ONNXImporter {
    /// Default-domain opsets accepted: 13 fixed the semantics of Softmax and the axes inputs used here.
    public static let supportedOpsets = 13...23

    /// The model in `bytes`.
    public static func load(_ bytes: [UInt8], limits: ModelLimits = ModelLimits()) throws(ModelError) -> ONNXModel {
        guard bytes.count <= limits.maxModelBytes else {
            throw ModelError("the model has \(bytes.count) bytes, more than the limit maxModelBytes = \(limits.maxModelBytes)",
                             limit: "maxModelBytes")
        }
        let model: Onnx_ModelProto
        do {
            model = try Onnx_ModelProto(serializedBytes: bytes)
        } catch {
            throw ModelError("the body is not a valid ONNX protobuf (\(error)); it may be truncated or not ONNX at all")
        }
        guard model.hasGraph, !model.graph.node.isEmpty else { throw ModelError("the model has no graph or no nodes") }
        let opset = try defaultOpset(model)
        var importer = GraphImport(graph: model.graph, builder: TensorGraphBuilder(limits: limits))
        let (input, output) = try importer.run()
        let graph = try importer.builder.build(input: input.id, output: output.id)
        return ONNXModel(
            function: ModelFunction(graph: graph), inputName: input.name, inputShape: graph.inputShape,
            outputName: output.name, outputShape: graph.outputShape,
            operatorCounts: model.graph.node.reduce(into: [:]) { $0[$1.opType, default: 0] += 1 },
            parameterCount: importer.parameterCount, opset: opset,
            producer: [model.producerName, model.producerVersion].filter { !$0.isEmpty }.joined(separator: " "))
    }

    private static func defaultOpset(_ model: Onnx_ModelProto) throws(ModelError) -> Int {
        guard let entry = model.opsetImport.first(where: { $0.domain.isEmpty || $0.domain == "ai.onnx" }) else {
            throw ModelError("the model imports no default-domain opset")
        }
        guard supportedOpsets.contains(Int(entry.version)) else {
            throw ModelError("opset \(entry.version) is not supported; export with opset_version between \(supportedOpsets.lowerBound) and \(supportedOpsets.upperBound)")
        }
        return Int(entry.version)
    }
}

/// One pass over a graph's initializers and nodes.
struct GraphImport {
    let graph: Onnx_GraphProto
    var builder: TensorGraphBuilder
    var tensors: [String: TensorID] = [:]
    var parameterCount = 0

    init(graph: Onnx_GraphProto, builder: TensorGraphBuilder) {
        self.graph = graph
        self.builder = builder
    }

    /// Adds everything; returns the input and output with their names.
    mutating func run() throws(ModelError) -> (input: (id: TensorID, name: String), output: (id: TensorID, name: String)) {
        let limits = builder.limits
        guard graph.node.count <= limits.maxNodes else {
            throw ModelError("the graph has \(graph.node.count) nodes, more than the limit maxNodes = \(limits.maxNodes)",
                             limit: "maxNodes")
        }
        for initializer in graph.initializer {
            let (data, shape) = try TensorReader.read(initializer, limits: limits)
            if initializer.dataType == 1 || initializer.dataType == 11 { parameterCount += data.count }
            tensors[initializer.name] = try builder.addConstant(data, shape: shape, name: initializer.name)
        }
        let inputs = graph.input.filter { tensors[$0.name] == nil }
        guard inputs.count == 1 else {
            throw ModelError("the graph must have exactly one input besides its initializers, found \(inputs.count) (\(inputs.map(\.name)))")
        }
        let input = inputs[0]
        let inputID = try builder.addInput(shape: try Self.shape(of: input))
        tensors[input.name] = inputID
        for (index, node) in graph.node.enumerated() {
            let name = node.name.isEmpty ? "#\(index)" : node.name
            do throws(ModelError) {
                try add(node, name: name)
            } catch {
                throw error.at(node: name, op: node.opType)
            }
        }
        guard graph.output.count == 1 else {
            throw ModelError("the graph must have exactly one output, found \(graph.output.count)")
        }
        guard let outputID = tensors[graph.output[0].name] else {
            throw ModelError("no node computes the graph's output '\(graph.output[0].name)'")
        }
        return ((inputID, input.name), (outputID, graph.output[0].name))
    }

    /// The input's static shape: every dimension fixed, except a leading one that may be symbolic (read as 1).
    static func shape(of value: Onnx_ValueInfoProto) throws(ModelError) -> [Int] {
        guard value.type.tensorType.elemType == 1 || value.type.tensorType.elemType == 11 else {
            throw ModelError("the input '\(value.name)' must be a float or double tensor (element type \(value.type.tensorType.elemType))")
        }
        guard value.type.tensorType.hasShape else { throw ModelError("the input '\(value.name)' has no shape") }
        var shape: [Int] = []
        for (axis, dim) in value.type.tensorType.shape.dim.enumerated() {
            if case .dimValue(let size)? = dim.value, size > 0, size <= Int64(Int32.max) {
                shape.append(Int(size))
            } else if axis == 0 {
                shape.append(1)  // a dynamic batch dimension: requests carry one example
            } else {
                let label = if case .dimParam(let param)? = dim.value { "'\(param)'" } else { "unknown" }
                throw ModelError("the input '\(value.name)' has a dynamic dimension \(label) at axis \(axis); only the batch dimension (axis 0) may be dynamic")
            }
        }
        return shape
    }
}
