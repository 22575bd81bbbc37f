/// The expression graph being built by the parser: every node is an input, a constant or an operation on earlier
/// nodes, so node ids are already a topological order and no later pass needs recursion or sorting.
///
/// Identical subexpressions are shared (hash-consing: `sin(x) + sin(x)` computes `sin(x)` once, and `a+b` is
/// `b+a`), and operations on constants are folded at compile time unless the result would be NaN or infinite: such
/// an operation stays in the program so that evaluation reports it with its source location.
struct ExpressionGraph {
    /// One node of the graph.
    enum Node: Hashable {
        /// Jacobian column `column`.
        case input(column: Int)
        /// A finite number.
        case constant(Double)
        /// `operation` applied to earlier nodes (`second == first` for unary operations).
        case operation(Operation, first: Int32, second: Int32)
    }

    /// A node's identity for sharing; constants by bit pattern, so that 0 and -0 stay distinct.
    private struct Key: Hashable {
        let tag: UInt8
        let first: UInt64
        let second: Int32
    }

    private(set) var nodes: [Node] = []
    /// Where each node first appeared (meaningful for operations only).
    private(set) var locations: [SourceLocation] = []
    private var index: [Key: Int32] = [:]
    private let maxNodes: Int

    /// An empty graph that refuses to grow beyond `maxNodes` nodes.
    init(maxNodes: Int) {
        // Node ids are Int32 to keep instructions compact.
        self.maxNodes = min(maxNodes, Int(Int32.max))
    }

    /// The node of Jacobian column `column`; columns must be added in order, first of all.
    mutating func addInput(column: Int, at location: SourceLocation) throws(EngineError) -> Int32 {
        try add(.input(column: column), key: Key(tag: 254, first: UInt64(column), second: 0), at: location)
    }

    /// The node of a finite constant.
    mutating func constant(_ value: Double, at location: SourceLocation) throws(EngineError) -> Int32 {
        try add(.constant(value), key: Key(tag: 255, first: value.bitPattern, second: 0), at: location)
    }

    /// The constant value of a node, if it is a constant.
    func constantValue(of node: Int32) -> Double? {
        if case .constant(let value) = nodes[Int(node)] { return value }
        return nil
    }

    /// `operation` applied to `first` (and `second` for binary operations), folded or shared where possible.
    /// A power with a constant exponent becomes `square`, `powerInteger` or `powerConstant`, which need no exponent
    /// derivative.
    mutating func apply(
        _ operation: Operation, _ first: Int32, _ second: Int32? = nil, at location: SourceLocation
    ) throws(EngineError) -> Int32 {
        var operation = operation
        var (a, b) = (first, second ?? first)
        if operation == .power, let exponent = constantValue(of: b) {
            if exponent == 2 {
                operation = .square
                b = a
            } else if exponent >= 3 && exponent <= 64 && exponent == exponent.rounded() {
                operation = .powerInteger
            } else {
                operation = .powerConstant
            }
        }
        if let x = constantValue(of: a), let y = constantValue(of: b) {
            let value = operation.apply(x, y)
            if value.isFinite { return try constant(value, at: location) }
        }
        if operation.isCommutative && b < a { swap(&a, &b) }
        let key = Key(tag: operation.rawValue, first: UInt64(a), second: b)
        return try add(.operation(operation, first: a, second: b), key: key, at: location)
    }

    private mutating func add(_ node: Node, key: Key, at location: SourceLocation) throws(EngineError) -> Int32 {
        if let existing = index[key] { return existing }
        guard nodes.count < maxNodes else {
            throw EngineError.limitExceeded(
                "maxNodes",
                "the function needs more than \(maxNodes) graph nodes (reached in \(location.site.label)); "
                    + "the limit is maxNodes",
                pointer: location.site.pointer)
        }
        let id = Int32(nodes.count)
        nodes.append(node)
        locations.append(location)
        index[key] = id
        return id
    }
}
