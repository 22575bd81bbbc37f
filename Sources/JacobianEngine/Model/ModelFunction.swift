/// A model (a `TensorGraph`) as a function of its input tensor's elements, row-major: values, one output's gradient
/// in one reverse sweep, the full Jacobian in one reverse sweep per output. Immutable; share it across threads.
public final class ModelFunction: Sendable {
    public let graph: TensorGraph
    /// Elements of the input tensor: the Jacobian's columns.
    public let inputCount: Int
    /// Elements of the output tensor: the Jacobian's rows.
    public let outputCount: Int
    /// Multiply-adds of one evaluation, estimated when the graph was built; a sweep of either mode costs about the
    /// same. What a request's work is counted in (`ModelLimits.maxRequestOperations`).
    public var operationsPerSweep: Int { max(graph.operations, 1) }
    /// The same function wrapped for the engine's common machinery (batches, JSON writing); columns `x[c][h][w]`,
    /// rows `y[k]`, a leading batch dimension of 1 left out of the names.
    public let compiled: CompiledFunction

    public init(graph: TensorGraph) {
        self.graph = graph
        inputCount = graph.inputShape.reduce(1, *)
        outputCount = graph.outputShape.reduce(1, *)
        let program = ModelProgram(graph: graph)
        compiled = CompiledFunction(program: program, inputNames: program.columnNames)
    }

    /// The output at `x` (inputCount elements).
    public func evaluate(at x: [Double]) throws(EngineError) -> [Double] {
        try compiled.evaluate(at: x)
    }

    /// The output at `x` and the gradient of output element `row` with respect to every input element.
    public func gradient(at x: [Double], row: Int) throws(EngineError) -> (value: [Double], gradient: [Double]) {
        try compiled.checkDimension(of: x)
        let values = graph.forward(x)
        var seed = [Double](repeating: 0, count: outputCount)
        seed[row] = 1
        let gradient = graph.reverse(values, seeds: seed, rows: 1)
        try ModelProgram.checkFinite(values[graph.output], gradient, row: row)
        return (values[graph.output], gradient)
    }

    /// The output at `x` and the Jacobian–vector product J·`direction` (one forward-mode sweep): the first-order
    /// change of the output for a change `direction` of the input.
    public func jacobianVectorProduct(at x: [Double], direction: [Double]) throws(EngineError) -> (value: [Double], product: [Double]) {
        try compiled.checkDimension(of: x)
        try compiled.checkDimension(of: direction)
        let values = graph.forward(x)
        let product = graph.tangent(values, direction: direction)
        try ModelProgram.checkFinite(values[graph.output], product, row: nil)
        return (values[graph.output], product)
    }

    /// Names of a tensor's elements: `base[i][j]…` row-major, a leading dimension of 1 left out.
    static func elementNames(_ base: String, shape: [Int]) -> [String] {
        let dims = shape.first == 1 && shape.count > 1 ? Array(shape.dropFirst()) : shape
        var names: [String] = []
        names.reserveCapacity(dims.reduce(1, *))
        var index = [Int](repeating: 0, count: dims.count)
        for _ in 0..<dims.reduce(1, *) {
            names.append(base + index.map { "[\($0)]" }.joined())
            var axis = dims.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < dims[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return names
    }
}

/// `DifferentiableProgram` conformance: reverse mode carries every output's cotangent through one reverse sweep
/// (the cheap direction for classifiers, whose outputs are few and inputs many: each operation's rows are one
/// matrix product), forward mode runs one tangent sweep per input element.
struct ModelProgram: DifferentiableProgram {
    let graph: TensorGraph
    let inputCount: Int
    let outputCount: Int
    var columnCount: Int { inputCount }
    let columnNames: [String]
    let rowNames: [String]

    init(graph: TensorGraph) {
        self.graph = graph
        inputCount = graph.inputShape.reduce(1, *)
        outputCount = graph.outputShape.reduce(1, *)
        columnNames = ModelFunction.elementNames("x", shape: graph.inputShape)
        rowNames = ModelFunction.elementNames("y", shape: graph.outputShape)
        rowsPerSweep = max(1, (1 << 21) / max(graph.variableElements, 1))
    }

    func evaluate(at point: UnsafeBufferPointer<Double>, value: UnsafeMutableBufferPointer<Double>) throws(EngineError) {
        _ = try forward(at: point, value: value)
    }

    /// Every node's value at `point` (what the sweeps read), the output checked finite and copied into `value`.
    private func forward(
        at point: UnsafeBufferPointer<Double>, value: UnsafeMutableBufferPointer<Double>
    ) throws(EngineError) -> [[Double]] {
        let values = graph.forward(Array(point))
        let output = values[graph.output]
        try Self.checkFinite(output, [], row: nil)
        for i in 0..<outputCount { value[i] = output[i] }
        return values
    }

    func jacobian(
        at point: UnsafeBufferPointer<Double>, mode: DifferentiationMode,
        value: UnsafeMutableBufferPointer<Double>, jacobian: UnsafeMutableBufferPointer<Double>
    ) throws(EngineError) {
        let values = try forward(at: point, value: value)
        if mode == .forward {
            var direction = [Double](repeating: 0, count: inputCount)
            for column in 0..<inputCount {
                direction[column] = 1
                let product = graph.tangent(values, direction: direction)
                direction[column] = 0
                if let row = product.firstIndex(where: { !$0.isFinite }) {
                    throw EngineError(kind: .nonFinite,
                        message: "the derivative of output \(row) with respect to input element \(column) is \(product[row])",
                        row: row, columnIndex: column)
                }
                for row in 0..<outputCount { jacobian[row * inputCount + column] = product[row] }
            }
            return
        }
        var identity = [Double](repeating: 0, count: outputCount * outputCount)
        for row in 0..<outputCount { identity[row * outputCount + row] = 1 }
        try identity.withUnsafeBufferPointer { seeds throws(EngineError) in
            try reverseSweeps(values, cotangents: seeds, count: outputCount, products: jacobian)
        }
    }

    func vectorJacobianProducts(
        at point: UnsafeBufferPointer<Double>, cotangents: UnsafeBufferPointer<Double>, count: Int,
        value: UnsafeMutableBufferPointer<Double>, products: UnsafeMutableBufferPointer<Double>
    ) throws(EngineError) {
        let values = try forward(at: point, value: value)
        try reverseSweeps(values, cotangents: cotangents, count: count, products: products)
    }

    func jacobianVectorProducts(
        at point: UnsafeBufferPointer<Double>, tangents: UnsafeBufferPointer<Double>, count: Int,
        value: UnsafeMutableBufferPointer<Double>, products: UnsafeMutableBufferPointer<Double>
    ) throws(EngineError) {
        let values = try forward(at: point, value: value)
        for t in 0..<count {
            let product = graph.tangent(values, direction: Array(tangents[(t * inputCount)..<((t + 1) * inputCount)]))
            if let row = product.firstIndex(where: { !$0.isFinite }) {
                throw EngineError(kind: .nonFinite,
                    message: "the derivative of output \(row) along tangent \(t) is \(product[row])", row: row)
            }
            for i in 0..<outputCount { products[t * outputCount + i] = product[i] }
        }
    }

    /// Cotangents per reverse sweep: as many as keep a sweep's gradients (rows × the graph's variable elements)
    /// within 2²¹ doubles, 16 MiB, so a model with many outputs never holds all its rows' gradients at once.
    let rowsPerSweep: Int

    /// uᵀJ for `count` cotangents (count × outputCount) into `products` (count × inputCount): reverse sweeps
    /// carrying up to `rowsPerSweep` cotangents each.
    private func reverseSweeps(
        _ values: [[Double]], cotangents: UnsafeBufferPointer<Double>, count: Int,
        products: UnsafeMutableBufferPointer<Double>
    ) throws(EngineError) {
        var first = 0
        while first < count {
            let rows = min(rowsPerSweep, count - first)
            let seeds = Array(cotangents[(first * outputCount)..<((first + rows) * outputCount)])
            let gradients = graph.reverse(values, seeds: seeds, rows: rows)
            for r in 0..<rows {
                let row = Array(gradients[(r * inputCount)..<((r + 1) * inputCount)])
                try Self.checkFinite([], row, row: first + r)
                for column in 0..<inputCount { products[(first + r) * inputCount + column] = row[column] }
            }
            first += rows
        }
    }

    /// Throws `.nonFinite` naming the first output or derivative that is NaN or infinite.
    static func checkFinite(_ value: [Double], _ gradient: [Double], row: Int?) throws(EngineError) {
        if let i = value.firstIndex(where: { !$0.isFinite }) {
            throw EngineError(kind: .nonFinite, message: "output \(i) of the model is \(value[i])", row: i)
        }
        if let column = gradient.firstIndex(where: { !$0.isFinite }) {
            throw EngineError(kind: .nonFinite,
                message: "the derivative of output \(row ?? 0) with respect to input element \(column) is \(gradient[column])",
                row: row, columnIndex: column)
        }
    }
}
