/// A tensor in a graph under construction.
public struct TensorID: Hashable, Sendable {
    let index: Int
}

/// A directed acyclic graph of tensor operations with one input and one output, planned for fixed shapes:
/// immutable and shared by every request. Evaluates in float64 and differentiates in reverse mode
/// (`ModelFunction` wraps it as a function of its input's elements).
public struct TensorGraph: Sendable {
    struct Node: Sendable {
        var name: String
        var op: String
        var kernel: TensorKernel
        var inputs: [Int]
        var output: Int
    }

    /// Every tensor's shape, by index.
    let shapes: [[Int]]
    /// Constant tensors' data (weights, folded subgraphs); nil for tensors computed from the input.
    let constants: [[Double]?]
    /// Nodes in an order where each comes after the nodes it reads.
    let nodes: [Node]
    let input: Int
    let output: Int
    /// Multiply-adds (and comparisons) of one evaluation, estimated at build time (`ModelLimits.maxOperations`):
    /// a reverse or tangent sweep costs about as much again.
    let operations: Int
    /// The reverse sweep's gradient buffers, reused from one sweep to the next.
    var pool: BufferPool { .shared }

    /// The input's shape, e.g. [1, 1, 8, 8].
    public var inputShape: [Int] { shapes[input] }
    /// The output's shape, e.g. [1, 10].
    public var outputShape: [Int] { shapes[output] }
    /// How many nodes run at evaluation (constant subgraphs were folded away at build time).
    public var nodeCount: Int { nodes.count }

    /// Every tensor's value at `x` (the input's elements, row-major): constants, the input, and each node's output.
    func forward(_ x: [Double]) -> [[Double]] {
        var values = constants.map { $0 ?? [] }
        values[input] = x
        for node in nodes {
            values[node.output] = node.kernel.forward(node.inputs.map { values[$0] }, count: count(node.output))
        }
        return values
    }

    /// The gradients with respect to the input of ⟨seedᵣ, output⟩ for `rows` seeds (`seeds`: rows × the output's
    /// elements, row-major), from the values of a forward sweep: one reverse sweep through the nodes carrying all
    /// rows at once (a matrix through each operation instead of a vector). Returns rows × the input's elements.
    func reverse(_ values: [[Double]], seeds: [Double], rows: Int) -> [Double] {
        var grads: [[Double]?] = constants.map { $0 == nil ? [] : nil }
        grads[output] = seeds
        for node in nodes.reversed() {
            guard let g = grads[node.output], !g.isEmpty, g.contains(where: { $0 != 0 }) else { continue }
            var operandGrads: [[Double]?] = node.inputs.map { index in
                grads[index] == nil ? nil : pool.zeros(rows * count(index))
            }
            node.kernel.reverse(node.inputs.map { values[$0] }, output: values[node.output], gradOut: g, rows: rows,
                                grads: &operandGrads)
            // Added afterwards, so a tensor read twice by one node (x * x) gets both contributions once each.
            for (k, index) in node.inputs.enumerated() {
                guard let contribution = operandGrads[k], var existing = grads[index] else { continue }
                if existing.isEmpty {
                    grads[index] = contribution
                } else {
                    grads[index] = []  // owned here while adding, so the buffer is written in place
                    for i in 0..<existing.count { existing[i] += contribution[i] }
                    grads[index] = existing
                    pool.recycle(contribution)
                }
            }
            pool.recycle(g)
            grads[node.output] = []
        }
        let result = grads[input] ?? []
        return result.isEmpty ? [Double](repeating: 0, count: rows * count(input)) : result
    }

    /// Elements of the tensors computed from the input (their gradients are what a reverse sweep holds per row):
    /// bounds how many rows one sweep may carry.
    var variableElements: Int {
        constants.indices.reduce(0) { total, index in constants[index] == nil ? total + count(index) : total }
    }

    /// The output's tangent J·`direction` (the input's tangent, row-major), from a forward sweep's values: one
    /// forward-mode sweep through the nodes.
    func tangent(_ values: [[Double]], direction: [Double]) -> [Double] {
        var tangents: [[Double]?] = Array(repeating: nil, count: shapes.count)
        tangents[input] = direction
        for node in nodes {
            let operands = node.inputs.map { tangents[$0] }
            // A node whose operands all have zero tangent (only constants) has none either; nodes were folded
            // when all operands were constant, so at least one operand here depends on the input.
            guard operands.contains(where: { $0 != nil }) else { continue }
            tangents[node.output] = node.kernel.tangent(node.inputs.map { values[$0] }, output: values[node.output],
                                                        tangents: operands)
        }
        return tangents[output] ?? [Double](repeating: 0, count: count(output))
    }

    func count(_ index: Int) -> Int { shapes[index].reduce(1, *) }
}
