import JacobianEngine

/// A request's list of vectors (`tangents`, `cotangents`, Hessian `vectors`): read with its count bounded by the
/// engine's `maxVectors` before any vector is parsed, and its lengths checked against the compiled function, each
/// complaint pointing at the vector (`/tangents/2`).
struct VectorList {
    /// The field's name, which is also its pointer's token.
    let name: String
    let vectors: [[Double]]

    var pointer: String { "/" + name }

    /// Reads `name` from `reader` if present: an array of at most `limit` arrays of numbers.
    static func read(_ name: String, in reader: FieldReader, limit: Int) throws(Problem) -> VectorList? {
        guard reader.has(name) else { return nil }
        let pointer = reader.path(name)
        guard case .array(let items) = try reader.value(name) else {
            throw Problem.invalid(pointer, "\(name) must be an array of vectors (arrays of numbers)")
        }
        guard !items.isEmpty else { throw Problem.invalid(pointer, "\(name) must hold at least one vector") }
        guard items.count <= limit else {
            throw Problem(.limitExceeded,
                detail: "\(name) has \(items.count) vectors, more than the limit maxVectors = \(limit)",
                errors: [.init(pointer: pointer, detail: "at most \(limit) vectors per request")],
                extensions: [("limit", .string("maxVectors"))])
        }
        var vectors: [[Double]] = []
        vectors.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            vectors.append(try FieldReader.numbers(item, at: JSONPointer.appending(pointer, index)))
        }
        return VectorList(name: name, vectors: vectors)
    }

    /// Refuses a vector whose length is not `length` (`what`: "columns", "outputs", "inputs").
    func check(length: Int, what: String) throws(Problem) {
        for (index, vector) in vectors.enumerated() where vector.count != length {
            let place = JSONPointer.appending(pointer, index)
            let entries = vector.count == 1 ? "entry" : "entries"
            throw Problem.invalid(place, "\(name)[\(index)] has \(vector.count) \(entries) but the function has "
                                  + "\(length) \(what)")
        }
    }

    /// A problem for an engine error, for errors about the vectors (`pointer` "/tangents/1", "/output", ...),
    /// which already point into the request; every other error goes through `EngineProblems`.
    static func problem(
        from error: EngineError, functionPointer: String, pointPointer: (Int?) -> String
    ) -> Problem {
        let requestFields = ["/tangents", "/cotangents", "/vectors", "/output"]
        guard error.kind != .nonFinite, requestFields.contains(where: { error.pointer.hasPrefix($0) }) else {
            return EngineProblems.problem(from: error, functionPointer: functionPointer, pointPointer: pointPointer)
        }
        let kind: Problem.Kind = error.kind == .limitExceeded ? .limitExceeded : .invalidInput
        return Problem(kind, detail: error.message, errors: [.init(pointer: error.pointer, detail: error.message)],
                       extensions: error.limit.map { [("limit", .string($0))] } ?? [])
    }
}
