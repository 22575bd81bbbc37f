extension CompiledFunction {
    /// Compiles an expression function under `limits`, reporting every problem in the specification as an
    /// `EngineError` with a JSON pointer and, inside an expression, a 1-based column.
    public convenience init(_ function: ExpressionFunction, limits: EngineLimits = EngineLimits()) throws(EngineError) {
        let program = try ExpressionCompiler(function: function, limits: limits).compile()
        self.init(program: program, inputNames: program.columnNames)
    }
}

/// Turns an `ExpressionFunction` into an `ExpressionProgram`: checks shape and limits, declares names, parses the
/// definitions in order and then the outputs into one shared graph, and lays the reachable part of the graph out as
/// instructions. Every pass is a loop; nothing recurses.
struct ExpressionCompiler {
    let function: ExpressionFunction
    let limits: EngineLimits

    func compile() throws(EngineError) -> ExpressionProgram {
        let columnNames = try checkShape()
        try checkLengths()
        let headers = try function.definitions.enumerated().map { (index, text) throws(EngineError) in
            try DefinitionHeader(text, index: index)
        }
        var graph = ExpressionGraph(maxNodes: limits.maxNodes)
        var scope = try NameScope(
            inputs: function.inputs, constants: function.constants,
            definitionNames: headers.map { ($0.name, $0.nameColumn) }, graph: &graph)
        for (index, header) in headers.enumerated() {
            let site = ExpressionSite.definition(index)
            let tokens = try Lexer(scalars: header.scalars, site: site).tokenize(from: header.bodyStart)
            guard tokens.count > 1 else {
                throw EngineError(kind: .emptyExpression, message: "definitions[\(index)] defines '\(header.name)' "
                                  + "but has no expression after '='", pointer: site.pointer)
            }
            var parser = ExpressionParser(tokens: tokens, site: site, maxNestingDepth: limits.maxNestingDepth)
            scope.define(index, as: try parser.parse(into: &graph, scope: scope))
        }
        var outputNodes: [Int32] = []
        outputNodes.reserveCapacity(function.outputs.count)
        for (index, text) in function.outputs.enumerated() {
            let site = ExpressionSite.output(index)
            let tokens = try Lexer(scalars: Array(text.unicodeScalars), site: site).tokenize(from: 0)
            guard tokens.count > 1 else {
                throw EngineError(kind: .emptyExpression, message: "outputs[\(index)] is empty; write an expression",
                                  pointer: site.pointer)
            }
            var parser = ExpressionParser(tokens: tokens, site: site, maxNestingDepth: limits.maxNestingDepth)
            outputNodes.append(try parser.parse(into: &graph, scope: scope))
        }
        return layOut(graph, outputs: outputNodes, columnNames: columnNames)
    }

    /// Checks counts and sizes against the limits; returns the column names ("t", "x[0]", ...).
    private func checkShape() throws(EngineError) -> [String] {
        guard !function.inputs.isEmpty else {
            throw EngineError(kind: .invalidSpecification, message: "the function declares no inputs", pointer: "/inputs")
        }
        guard !function.outputs.isEmpty else {
            throw EngineError(kind: .invalidSpecification, message: "the function has no outputs", pointer: "/outputs")
        }
        guard function.outputs.count <= limits.maxOutputs else {
            throw EngineError.limitExceeded(
                "maxOutputs", "the function has \(function.outputs.count) outputs; the limit is maxOutputs = "
                    + "\(limits.maxOutputs)", pointer: "/outputs")
        }
        var columns = 0
        for (index, input) in function.inputs.enumerated() {
            if case .vector(let name, let size) = input, size < 1 {
                throw EngineError(kind: .invalidSpecification, message: "input '\(name)' (inputs[\(index)]) has size "
                                  + "\(size); a vector needs at least 1 element", pointer: "/inputs/\(index)")
            }
            columns += min(input.columnCount, limits.maxInputs + 1)
            guard columns <= limits.maxInputs else {
                throw EngineError.limitExceeded(
                    "maxInputs", "the inputs have more than \(limits.maxInputs) elements (reached at inputs[\(index)]); "
                        + "the limit is maxInputs", pointer: "/inputs/\(index)")
            }
        }
        let (entries, overflow) = columns.multipliedReportingOverflow(by: function.outputs.count)
        guard !overflow, entries <= limits.maxJacobianEntries else {
            throw EngineError.limitExceeded(
                "maxJacobianEntries", "the Jacobian would have \(function.outputs.count) × \(columns) entries; the "
                    + "limit is maxJacobianEntries = \(limits.maxJacobianEntries)")
        }
        return function.inputs.flatMap { input in
            switch input {
            case .scalar(let name): [name]
            case .vector(let name, let size): (0..<size).map { "\(name)[\($0)]" }
            }
        }
    }

    /// Refuses over-long expressions before reading them: counts stop at the limit, so a 10 MB string costs
    /// microseconds.
    private func checkLengths() throws(EngineError) {
        var total = 0
        let sources = function.definitions.enumerated().map { ExpressionSite.definition($0.offset) }
            + function.outputs.indices.map { ExpressionSite.output($0) }
        for site in sources {
            let text = site.isDefinition ? function.definitions[site.index] : function.outputs[site.index]
            let length = Self.boundedLength(text, limit: limits.maxExpressionLength)
            guard length <= limits.maxExpressionLength else {
                throw EngineError.limitExceeded(
                    "maxExpressionLength", "\(site.label) is longer than \(limits.maxExpressionLength) characters; "
                        + "the limit is maxExpressionLength", pointer: site.pointer)
            }
            total += length
            guard total <= limits.maxSourceLength else {
                throw EngineError.limitExceeded(
                    "maxSourceLength", "the expressions together are longer than \(limits.maxSourceLength) "
                        + "characters (reached at \(site.label)); the limit is maxSourceLength", pointer: site.pointer)
            }
        }
    }

    /// The number of Unicode scalars in `text`, or `limit + 1` if it has more.
    static func boundedLength(_ text: String, limit: Int) -> Int {
        // UTF-8 never has fewer bytes than scalars, so a short UTF-8 count settles it without a scan.
        if text.utf8.count <= limit { return text.unicodeScalars.count }
        var count = 0
        for _ in text.unicodeScalars {
            count += 1
            if count > limit { break }
        }
        return count
    }

    /// Lays out the nodes reachable from the outputs: inputs, then constants, then one instruction per operation in
    /// node order (already topological), marking which operands depend on the inputs.
    private func layOut(_ graph: ExpressionGraph, outputs: [Int32], columnNames: [String]) -> ExpressionProgram {
        let nodes = graph.nodes
        var live = [Bool](repeating: false, count: nodes.count)
        for node in outputs { live[Int(node)] = true }
        for id in nodes.indices.reversed() where live[id] {
            if case .operation(_, let first, let second) = nodes[id] {
                live[Int(first)] = true
                live[Int(second)] = true
            }
        }
        var register = [Int32](repeating: -1, count: nodes.count)
        var active = [Bool](repeating: false, count: nodes.count)
        var constants: [Double] = []
        for (id, node) in nodes.enumerated() {
            switch node {
            case .input(let column):
                register[id] = Int32(column)
                active[id] = true
            case .constant(let value) where live[id]:
                register[id] = Int32(columnNames.count + constants.count)
                constants.append(value)
            default: break
            }
        }
        var instructions: [Instruction] = []
        var locations: [SourceLocation] = []
        for (id, node) in nodes.enumerated() where live[id] {
            guard case .operation(let operation, let first, let second) = node else { continue }
            register[id] = Int32(columnNames.count + constants.count + instructions.count)
            active[id] = active[Int(first)] || active[Int(second)]
            var activity: UInt8 = active[Int(first)] ? Instruction.firstActive : 0
            if operation.arity == 2 && active[Int(second)] { activity |= Instruction.secondActive }
            instructions.append(Instruction(
                operation: operation, activity: activity, output: register[id],
                first: register[Int(first)], second: register[Int(second)]))
            locations.append(graph.locations[id])
        }
        let outputRegisters = outputs.map { register[Int($0)] }
        return ExpressionProgram(
            inputCount: columnNames.count,
            outputCount: outputs.count,
            columnNames: columnNames,
            rowNames: outputs.indices.map { "outputs[\($0)]" },
            constants: constants,
            instructions: instructions,
            locations: locations,
            outputRegisters: outputRegisters,
            sparsity: Sparsity(instructions: instructions, inputCount: columnNames.count,
                               constantCount: constants.count, outputRegisters: outputRegisters))
    }
}

/// The "name =" part of a definition: the name, its column, and where the expression starts.
struct DefinitionHeader {
    let name: String
    let nameColumn: Int
    let scalars: [Unicode.Scalar]
    /// Index of the first scalar after '='.
    let bodyStart: Int

    init(_ text: String, index: Int) throws(EngineError) {
        scalars = Array(text.unicodeScalars)
        let pointer = "/definitions/\(index)"
        guard let equals = scalars.firstIndex(of: "=") else {
            throw EngineError(kind: .syntax, message: "definitions[\(index)] has no '='; write it as "
                              + "'name = expression'", pointer: pointer)
        }
        let isBlank: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        let start = scalars[..<equals].firstIndex { !isBlank($0) } ?? equals
        let end = (scalars[..<equals].lastIndex { !isBlank($0) } ?? (start - 1)) + 1
        guard start < end else {
            throw EngineError(kind: .syntax, message: "definitions[\(index)] has no name before '=' at column "
                              + "\(equals + 1); write it as 'name = expression'", pointer: pointer, column: equals + 1)
        }
        var name = ""
        name.unicodeScalars.append(contentsOf: scalars[start..<end])
        self.name = name
        nameColumn = start + 1
        bodyStart = equals + 1
    }
}
