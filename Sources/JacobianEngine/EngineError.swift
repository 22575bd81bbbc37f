/// Every failure the engine reports, for untrusted input: a malformed specification, a limit exceeded, a point of the
/// wrong length, or a NaN or infinite value or derivative.
///
/// `message` is a complete sentence that says what is wrong and where, e.g.
/// "unknown function 'sinn' in outputs[0] at column 1; did you mean 'sin'?". The other fields let callers build
/// structured responses (RFC 9457 problem details) without parsing the message.
public struct EngineError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What went wrong, coarsely; the message says precisely.
    public enum Kind: String, Sendable, Codable, Hashable {
        /// The expression text does not follow the grammar (misplaced token, unclosed parenthesis, bad number,
        /// malformed definition).
        case syntax
        /// A name that is not an input, constant, definition or built-in constant.
        case unknownName
        /// A call of a name that is not a built-in function.
        case unknownFunction
        /// A function called with the wrong number of arguments.
        case arity
        /// An index problem: out of range, negative, not an integer, a vector used without an index, or a scalar
        /// indexed.
        case indexOutOfRange
        /// A definition used before (or inside) its own definition.
        case useBeforeDefinition
        /// Two inputs, constants or definitions share a name, or one takes a reserved name (`pi`, `e`, a function).
        case duplicateName
        /// An output or definition with no expression.
        case emptyExpression
        /// A structurally invalid specification: no outputs, a bad input size, an invalid name, a bad layer.
        case invalidSpecification
        /// A limit of `EngineLimits` was exceeded; `limit` names it.
        case limitExceeded
        /// A point whose length does not match the function's inputs.
        case dimensionMismatch
        /// A value or derivative came out NaN or infinite; `row`, `columnIndex` and `operation` say where.
        case nonFinite
        /// The computation was stopped because its requester has gone (`Interruption`); nobody reads the result.
        case cancelled
    }

    /// What went wrong, coarsely.
    public var kind: Kind
    /// A complete sentence with the location, suitable for showing to the user.
    public var message: String
    /// A JSON Pointer relative to the function specification ("/outputs/1", "/definitions/0", "/inputs/2",
    /// "/constants/l1"), or, for evaluation errors, relative to the point: "" (the caller prefixes "/point" or
    /// "/points/3").
    public var pointer: String
    /// The 1-based column in the expression, counted in Unicode scalars, where there is one.
    public var column: Int?
    /// The name of the `EngineLimits` property exceeded, for `.limitExceeded`.
    public var limit: String?
    /// The index of the point in a batch, set by batch evaluation.
    public var pointIndex: Int?
    /// For `.nonFinite`: the output row whose value or derivative is not finite.
    public var row: Int?
    /// For `.nonFinite` derivatives: the Jacobian column.
    public var columnIndex: Int?
    /// For `.nonFinite`: the operation that first produced the non-finite number, e.g. "log" or "/", when known.
    public var operation: String?

    /// Creates an error; only `kind` and `message` are required.
    public init(
        kind: Kind,
        message: String,
        pointer: String = "",
        column: Int? = nil,
        limit: String? = nil,
        pointIndex: Int? = nil,
        row: Int? = nil,
        columnIndex: Int? = nil,
        operation: String? = nil
    ) {
        self.kind = kind
        self.message = message
        self.pointer = pointer
        self.column = column
        self.limit = limit
        self.pointIndex = pointIndex
        self.row = row
        self.columnIndex = columnIndex
        self.operation = operation
    }

    /// The message.
    public var description: String { message }

    /// A `.limitExceeded` error naming the `EngineLimits` property.
    static func limitExceeded(_ limit: String, _ message: String, pointer: String = "") -> EngineError {
        EngineError(kind: .limitExceeded, message: message, pointer: pointer, limit: limit)
    }
}
