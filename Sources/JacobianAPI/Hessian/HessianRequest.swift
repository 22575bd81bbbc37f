import JacobianEngine

/// A decoded POST /v1/hessian request.
struct HessianRequest {
    /// Extras a client may ask for with `include`.
    enum Extra: String, CaseIterable {
        /// Each Hessian's eigenvalues, ascending (LAPACK's symmetric solver).
        case eigenvalues
        /// The Hessians' structural sparsity pattern (all outputs together).
        case sparsity
    }

    /// Which output the client named: by row index or by row name (`outputs[1]`, `y[0]`).
    enum OutputSelector {
        case index(Int)
        case name(String)
    }

    /// The `function` member as sent; `RequestFunction` compiles it (from the cache when seen before).
    var function: JSONValue
    var point: [Double]
    var output: OutputSelector?
    /// Directions for Hessian–vector products; without them the whole Hessian is answered.
    var vectors: VectorList?
    var extras: Set<Extra>
    /// Dense matrices, or coordinate lists over the Hessians' structural pattern.
    var format: JacobianRequest.Format

    static let fields = ["function", "point", "output", "vectors", "include", "format"]

    init(_ body: JSONValue, maxVectors: Int) throws(Problem) {
        let reader = try FieldReader(body, at: "", allowed: Self.fields)
        function = try reader.value("function")
        point = try reader.numbers("point")
        if reader.has("output") {
            switch try reader.value("output") {
            case .string(let name): output = .name(name)
            case .number:
                output = .index(try reader.integer("output", default: 0, in: 0...Int(Int32.max)))
            case let other:
                throw Problem.invalid("/output", "output must be an output's index (0, 1, ...) or its name "
                                      + "('outputs[1]'), found \(other.typeName)")
            }
        }
        vectors = try VectorList.read("vectors", in: reader, limit: maxVectors)
        format = try reader.choice("format", default: .dense, among: [.dense, .sparse])
        if vectors != nil && format == .sparse {
            throw Problem.invalid("/format", "format 'sparse' writes Hessians; with 'vectors' there are none to write")
        }
        extras = []
        if reader.has("include") {
            guard case .array(let items) = try reader.value("include") else {
                throw Problem.invalid("/include", "include must be an array of strings such as [\"eigenvalues\"]")
            }
            for (index, item) in items.enumerated() {
                guard case .string(let name) = item, let extra = Extra(rawValue: name) else {
                    let names = Extra.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
                    throw Problem.invalid(JSONPointer.appending("/include", index),
                                          "unknown include; expected one of \(names)")
                }
                extras.insert(extra)
            }
        }
        if vectors != nil && extras.contains(.eigenvalues) {
            throw Problem.invalid("/include", "eigenvalues need the whole Hessian; leave out 'vectors' to get it")
        }
    }

    /// The row index of the selected output, checked against the compiled function.
    func outputRow(in function: CompiledFunction) throws(Problem) -> Int? {
        switch output {
        case nil: return nil
        case .index(let index):
            guard index < function.outputCount else {
                throw Problem.invalid("/output", "output \(index) does not exist: the function has "
                                      + "\(function.outputCount) outputs (0...\(function.outputCount - 1))")
            }
            return index
        case .name(let name):
            guard let index = function.rowNames.firstIndex(of: name) else {
                var message = "unknown output '\(name)'; the outputs are named \(function.rowNames.prefix(5).joined(separator: ", "))"
                    + (function.outputCount > 5 ? ", ..." : "")
                if let suggestion = Suggestion.closest(to: name, among: function.rowNames) {
                    message += "; did you mean '\(suggestion)'?"
                }
                throw Problem.invalid("/output", message)
            }
            return index
        }
    }
}
