/// Parses one expression straight into graph nodes with an operator-precedence (shunting-yard) parser whose stacks
/// live on the heap, so no input can make it recurse; the pending-operator stack is bounded by `maxNestingDepth`.
///
/// Grammar, loosest binding first:
/// - `a + b`, `a - b` (left-associative)
/// - `a * b`, `a / b` (left-associative)
/// - unary `-a`, `+a`
/// - `a ^ b`, `a ** b` (right-associative; binds tighter than a unary sign on its left, so `-x^2` is `-(x^2)`, and
///   its right operand may carry a sign, so `2^-x` is `2^(-x)`, as in Python)
/// - numbers, names, `x[2]` (vector element; the index is a literal whole number), `f(a, b)`, `(a)`
struct ExpressionParser {
    private enum Pending {
        case binary(Operation, precedence: Int, column: Int)
        case negate(column: Int)
        case group(column: Int)
        case call(name: String, operation: Operation, column: Int, valueHeight: Int)
    }

    private static let negatePrecedence = 3
    private static let powerPrecedence = 4

    private let tokens: [Token]
    private let site: ExpressionSite
    private let maxNestingDepth: Int
    private var values: [Int32] = []
    private var pending: [Pending] = []
    private var position = 0

    init(tokens: [Token], site: ExpressionSite, maxNestingDepth: Int) {
        self.tokens = tokens
        self.site = site
        self.maxNestingDepth = maxNestingDepth
    }

    /// The node computing the whole expression.
    mutating func parse(into graph: inout ExpressionGraph, scope: NameScope) throws(EngineError) -> Int32 {
        var expectOperand = true
        while true {
            let token = tokens[position]
            position += 1
            if expectOperand {
                expectOperand = try operand(token, graph: &graph, scope: scope)
                continue
            }
            switch token.kind {
            case .plus, .minus, .star, .slash, .caret:
                let (operation, precedence) = Self.binary(token.kind)
                let rightAssociative = precedence == Self.powerPrecedence
                while let top = pending.last, Self.binds(top, tighterThan: precedence, rightAssociative) {
                    try reduce(pending.removeLast(), graph: &graph)
                }
                try push(.binary(operation, precedence: precedence, column: token.column), at: token)
                expectOperand = true
            case .rightParen:
                try reduceToBarrier(graph: &graph)
                switch pending.popLast() {
                case .group?: break
                case .call(let name, let operation, let column, let height)?:
                    try finishCall(name, operation, column: column, valueHeight: height, graph: &graph)
                default: throw syntax("unmatched ')'", at: token)
                }
            case .comma:
                try reduceToBarrier(graph: &graph)
                guard case .call? = pending.last else {
                    throw syntax("',' outside a function call", at: token)
                }
                expectOperand = true
            case .end:
                try reduceToBarrier(graph: &graph)
                switch pending.last {
                case .group(let column)?:
                    throw syntax("'(' is never closed", at: token, column: column)
                case .call(let name, _, let column, _)?:
                    throw syntax("the call of '\(name)' is never closed", at: token, column: column)
                default:
                    return values[0]
                }
            case .leftBracket:
                throw EngineError(kind: .indexOutOfRange, message: "only a vector input can be indexed, but '[' "
                                  + "follows something else in \(site.label) at column \(token.column)",
                                  pointer: site.pointer, column: token.column)
            default:
                throw syntax("expected an operator but found \(token.quoted)", at: token, hint: "write '*' for a product")
            }
        }
    }

    /// Handles a token where an operand must start; returns whether an operand is still expected.
    private mutating func operand(_ token: Token, graph: inout ExpressionGraph, scope: NameScope)
        throws(EngineError) -> Bool
    {
        let location = SourceLocation(site: site, column: token.column)
        switch token.kind {
        case .number(let value):
            values.append(try graph.constant(value, at: location))
            return false
        case .identifier(let name):
            switch tokens[position].kind {
            case .leftParen:
                let operation = try scope.function(name, at: location)
                position += 1
                try push(.call(name: name, operation: operation, column: token.column, valueHeight: values.count),
                         at: token)
                return true
            case .leftBracket:
                position += 1
                let (index, written) = try readIndex(of: name)
                values.append(try scope.element(name, index, written: written, at: location))
                return false
            default:
                values.append(try scope.node(for: name, at: location, graph: &graph))
                return false
            }
        case .minus:
            try push(.negate(column: token.column), at: token)
            return true
        case .plus:
            return true
        case .leftParen:
            try push(.group(column: token.column), at: token)
            return true
        case .rightParen:
            switch pending.last {
            case .call(let name, let operation, let column, let height)? where values.count == height:
                pending.removeLast()
                try finishCall(name, operation, column: column, valueHeight: height, graph: &graph)
                return false
            case .group? where tokens[position - 2].kind == .leftParen:
                throw syntax("empty parentheses", at: token)
            default:
                throw syntax("expected an expression before ')'", at: token)
            }
        case .end:
            let previous = tokens[position - 2]
            throw syntax("expected an expression after '\(previous.text)' at the end", at: token)
        default:
            throw syntax("expected an expression but found \(token.quoted)", at: token)
        }
    }

    /// Reads `index ]` after `name[`, returning the index if it is a whole number that fits in an Int.
    private mutating func readIndex(of name: String) throws(EngineError) -> (Int?, String) {
        let token = tokens[position]
        let location = SourceLocation(site: site, column: token.column)
        let written: String
        switch token.kind {
        case .number:
            // The digits as written, not the parsed value: `1.0` and `1e0` are not indices.
            guard token.text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                throw EngineError(kind: .indexOutOfRange, message: "index \(token.text) of '\(name)' is not a whole "
                                  + "number in \(location.description)", pointer: site.pointer, column: token.column)
            }
            written = token.text
        case .minus:
            throw EngineError(kind: .indexOutOfRange, message: "the index of '\(name)' must not be negative in "
                              + "\(location.description); indices start at 0", pointer: site.pointer,
                              column: token.column)
        default:
            throw EngineError(kind: .indexOutOfRange, message: "the index of '\(name)' must be a whole number such as "
                              + "\(name)[0], but found \(token.quoted) in \(location.description)",
                              pointer: site.pointer, column: token.column)
        }
        position += 1
        guard tokens[position].kind == .rightBracket else {
            throw syntax("expected ']' after the index of '\(name)' but found \(tokens[position].quoted)",
                         at: tokens[position])
        }
        position += 1
        return (Int(written), written)
    }

    private mutating func push(_ item: Pending, at token: Token) throws(EngineError) {
        guard pending.count < maxNestingDepth else {
            throw EngineError.limitExceeded(
                "maxNestingDepth",
                "\(site.label) nests parentheses, calls, signs and powers more than \(maxNestingDepth) levels deep "
                    + "at column \(token.column); the limit is maxNestingDepth",
                pointer: site.pointer)
        }
        pending.append(item)
    }

    private mutating func reduceToBarrier(graph: inout ExpressionGraph) throws(EngineError) {
        while let top = pending.last {
            switch top {
            case .group, .call: return
            case .binary, .negate: try reduce(pending.removeLast(), graph: &graph)
            }
        }
    }

    private mutating func reduce(_ item: Pending, graph: inout ExpressionGraph) throws(EngineError) {
        switch item {
        case .binary(let operation, _, let column):
            let right = values.removeLast()
            let left = values.removeLast()
            values.append(try graph.apply(operation, left, right, at: SourceLocation(site: site, column: column)))
        case .negate(let column):
            let operand = values.removeLast()
            values.append(try graph.apply(.negate, operand, at: SourceLocation(site: site, column: column)))
        case .group, .call:
            preconditionFailure("barriers are never reduced")
        }
    }

    private mutating func finishCall(
        _ name: String, _ operation: Operation, column: Int, valueHeight: Int, graph: inout ExpressionGraph
    ) throws(EngineError) {
        let given = values.count - valueHeight
        guard given == operation.arity else {
            let expected = operation.arity == 1 ? "1 argument" : "\(operation.arity) arguments"
            throw EngineError(kind: .arity, message: "'\(name)' takes \(expected) but was given \(given) in "
                              + "\(site.label) at column \(column)", pointer: site.pointer, column: column)
        }
        let location = SourceLocation(site: site, column: column)
        let node = given == 2
            ? try graph.apply(operation, values[valueHeight], values[valueHeight + 1], at: location)
            : try graph.apply(operation, values[valueHeight], at: location)
        values.removeLast(given)
        values.append(node)
    }

    private static func binary(_ kind: Token.Kind) -> (Operation, Int) {
        switch kind {
        case .plus: (.add, 1)
        case .minus: (.subtract, 1)
        case .star: (.multiply, 2)
        case .slash: (.divide, 2)
        default: (.power, powerPrecedence)
        }
    }

    /// Whether the pending `item` must be applied before an incoming binary operator of `precedence`.
    private static func binds(_ item: Pending, tighterThan precedence: Int, _ rightAssociative: Bool) -> Bool {
        let pendingPrecedence: Int
        switch item {
        case .binary(_, let p, _): pendingPrecedence = p
        case .negate: pendingPrecedence = negatePrecedence
        case .group, .call: return false
        }
        return pendingPrecedence > precedence || (pendingPrecedence == precedence && !rightAssociative)
    }

    private func syntax(_ what: String, at token: Token, column: Int? = nil, hint: String? = nil) -> EngineError {
        let column = column ?? token.column
        return EngineError(kind: .syntax, message: "\(what) in \(site.label) at column \(column)"
                           + (hint.map { "; \($0)" } ?? ""), pointer: site.pointer, column: column)
    }
}
