/// The names an expression may use, checked once per specification: inputs, constants, definitions and the
/// built-ins (`pi`, `e` and the function names, which are reserved). It resolves names to graph nodes and explains
/// every failure: unknown names with a suggestion, vectors without an index, definitions used too early.
struct NameScope {
    /// What a name stands for.
    enum Binding {
        case scalarInput(node: Int32)
        case vectorInput(first: Int32, size: Int)
        case constant(node: Int32)
        case builtinConstant(Double)
        case definition(index: Int)
    }

    private var bindings: [String: Binding] = [:]
    /// Who declared each name, for duplicate-name messages: "inputs[0]", "constant 'g'", "definitions[2]".
    private var origins: [String: String] = [:]
    /// The node of each definition once its expression has been compiled.
    private var definitionNodes: [Int32?]

    /// Declares the inputs (creating one graph node per column, in column order) and the constants, and reserves
    /// the definitions' names, rejecting invalid, reserved and duplicate names.
    init(
        inputs: [InputDeclaration], constants: [String: Double], definitionNames: [(name: String, column: Int)],
        graph: inout ExpressionGraph
    ) throws(EngineError) {
        definitionNodes = Array(repeating: nil, count: definitionNames.count)
        for (name, value) in Operation.constantsByName { bindings[name] = .builtinConstant(value) }
        let nowhere = SourceLocation(site: .output(0), column: 0)
        var column = 0
        for (index, input) in inputs.enumerated() {
            try declare(input.name, as: "inputs[\(index)]", pointer: "/inputs/\(index)")
            switch input {
            case .scalar(let name):
                bindings[name] = .scalarInput(node: try graph.addInput(column: column, at: nowhere))
                column += 1
            case .vector(let name, let size):
                let first = try graph.addInput(column: column, at: nowhere)
                for offset in 1..<max(size, 1) { _ = try graph.addInput(column: column + offset, at: nowhere) }
                bindings[name] = .vectorInput(first: first, size: size)
                column += size
            }
        }
        for name in constants.keys.sorted() {
            let value = constants[name]!
            let pointer = "/constants/" + Self.escapePointerToken(name)
            try declare(name, as: "constant '\(name)'", pointer: pointer)
            guard value.isFinite else {
                throw EngineError(kind: .invalidSpecification, message: "constant '\(name)' is \(value); constants "
                                  + "must be finite numbers", pointer: pointer)
            }
            bindings[name] = .constant(node: try graph.constant(value, at: nowhere))
        }
        for (index, definition) in definitionNames.enumerated() {
            try declare(definition.name, as: "definitions[\(index)]", pointer: "/definitions/\(index)",
                        column: definition.column)
            bindings[definition.name] = .definition(index: index)
        }
    }

    private mutating func declare(_ name: String, as origin: String, pointer: String, column: Int? = nil)
        throws(EngineError)
    {
        let place = column.map { " at column \($0)" } ?? ""
        guard Self.isValidName(name) else {
            throw EngineError(
                kind: .invalidSpecification,
                message: "\(origin) has the invalid name '\(name)'\(place); a name starts with a letter or '_' and "
                    + "continues with letters, digits or '_'",
                pointer: pointer, column: column)
        }
        if Operation.functionsByName[name] != nil || Operation.constantsByName[name] != nil {
            let what = Operation.functionsByName[name] != nil ? "a built-in function" : "a built-in constant"
            throw EngineError(kind: .duplicateName,
                              message: "\(origin) uses the name '\(name)'\(place), which is reserved for \(what)",
                              pointer: pointer, column: column)
        }
        if let earlier = origins[name] {
            throw EngineError(kind: .duplicateName,
                              message: "\(origin) uses the name '\(name)'\(place), which \(earlier) already uses",
                              pointer: pointer, column: column)
        }
        origins[name] = origin
    }

    /// Records the compiled node of definition `index`, making it usable by later expressions.
    mutating func define(_ index: Int, as node: Int32) {
        definitionNodes[index] = node
    }

    /// The node a bare name stands for.
    func node(for name: String, at location: SourceLocation, graph: inout ExpressionGraph) throws(EngineError) -> Int32 {
        switch bindings[name] {
        case .scalarInput(let node)?, .constant(let node)?: return node
        case .builtinConstant(let value)?: return try graph.constant(value, at: location)
        case .vectorInput(_, let size)?:
            throw error(.indexOutOfRange, "'\(name)' is a vector of \(size) inputs and needs an index such as "
                        + "\(name)[0] in \(location.description)", at: location)
        case .definition(let index)?: return try definitionNode(name, index, at: location)
        case nil:
            if Operation.functionsByName[name] != nil {
                throw error(.syntax, "the function '\(name)' is used without arguments in \(location.description); "
                            + "call it as \(name)(...)", at: location)
            }
            throw error(.unknownName, "unknown name '\(name)' in \(location.description)"
                        + Suggestion.clause(for: name, among: bindings.keys), at: location)
        }
    }

    /// The node of `name[index]`; `index` is nil when it was written but is not a whole number that fits.
    func element(_ name: String, _ index: Int?, written: String, at location: SourceLocation) throws(EngineError)
        -> Int32
    {
        switch bindings[name] {
        case .vectorInput(let first, let size)?:
            guard let index, index < size else {
                throw error(.indexOutOfRange, "index \(written) is out of range for '\(name)' of size \(size) in "
                            + "\(location.description); valid indices are 0 to \(size - 1)", at: location)
            }
            return first + Int32(index)
        case nil where Operation.functionsByName[name] != nil:
            throw error(.syntax, "the function '\(name)' is indexed in \(location.description); call it as "
                        + "\(name)(...)", at: location)
        case nil:
            throw error(.unknownName, "unknown name '\(name)' in \(location.description)"
                        + Suggestion.clause(for: name, among: bindings.keys), at: location)
        default:
            throw error(.indexOutOfRange, "'\(name)' is \(describe(name)) and cannot be indexed in "
                        + "\(location.description)", at: location)
        }
    }

    /// The operation a called name stands for.
    func function(_ name: String, at location: SourceLocation) throws(EngineError) -> Operation {
        if let operation = Operation.functionsByName[name] { return operation }
        if bindings[name] != nil {
            throw error(.unknownFunction, "'\(name)' is \(describe(name)), not a function, in \(location.description); "
                        + "write '*' for a product", at: location)
        }
        throw error(.unknownFunction, "unknown function '\(name)' in \(location.description)"
                    + Suggestion.clause(for: name, among: Operation.functionsByName.keys), at: location)
    }

    private func definitionNode(_ name: String, _ index: Int, at location: SourceLocation) throws(EngineError) -> Int32 {
        if let node = definitionNodes[index] { return node }
        if location.site == .definition(index) {
            throw error(.useBeforeDefinition, "definition '\(name)' refers to itself in \(location.description); a "
                        + "definition can use only inputs, constants and earlier definitions", at: location)
        }
        throw error(.useBeforeDefinition, "'\(name)' is used in \(location.description) before it is defined in "
                    + "definitions[\(index)]; move its definition earlier", at: location)
    }

    private func describe(_ name: String) -> String {
        switch bindings[name] {
        case .scalarInput?: "a scalar input"
        case .vectorInput?: "a vector input"
        case .constant?, .builtinConstant?: "a constant"
        case .definition?: "a definition"
        case nil: "unknown"
        }
    }

    private func error(_ kind: EngineError.Kind, _ message: String, at location: SourceLocation) -> EngineError {
        EngineError(kind: kind, message: message, pointer: location.site.pointer, column: location.column)
    }

    /// Whether `name` is `[A-Za-z_][A-Za-z0-9_]*`.
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.utf8.first, first == UInt8(ascii: "_") || isLetter(first) else { return false }
        return name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || isLetter($0) || ($0 >= 48 && $0 <= 57) }
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
    }

    /// Escapes a JSON Pointer reference token (RFC 6901): "~" as "~0", "/" as "~1".
    static func escapePointerToken(_ token: String) -> String {
        var escaped = ""
        for character in token {
            switch character {
            case "~": escaped += "~0"
            case "/": escaped += "~1"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
