import JacobianEngine

/// Translations from the engine's errors into problems that point into the request.
enum EngineProblems {
    /// A problem for an engine error. `functionPointer` locates the function specification in the request and
    /// `pointPointer(index)` the point with that batch index (or the single point).
    static func problem(from error: EngineError, functionPointer: String, pointPointer: (Int?) -> String) -> Problem {
        switch error.kind {
        case .nonFinite:
            let place = pointPointer(error.pointIndex)
            let detail = "\(error.message), at \(place)"
            return Problem(.nonFiniteResult, detail: detail,
                errors: [.init(pointer: place, detail: detail)],
                extensions: nonFiniteExtensions(error))
        case .dimensionMismatch:
            let place = pointPointer(error.pointIndex)
            return Problem(.invalidInput, detail: error.message, errors: [.init(pointer: place, detail: error.message)])
        case .limitExceeded:
            let place = functionPointer + error.pointer
            return Problem(.limitExceeded, detail: error.message,
                errors: [.init(pointer: place, detail: error.message, column: error.column)],
                extensions: error.limit.map { [("limit", .string($0))] } ?? [])
        case .invalidSpecification:
            let place = functionPointer + error.pointer
            return Problem(.invalidInput, detail: error.message,
                errors: [.init(pointer: place, detail: error.message, column: error.column)])
        default:
            let place = functionPointer + error.pointer
            return Problem(.invalidExpression, detail: error.message,
                errors: [.init(pointer: place, detail: error.message, column: error.column)])
        }
    }

    private static func nonFiniteExtensions(_ error: EngineError) -> [(key: String, value: Problem.Member)] {
        var members: [(key: String, value: Problem.Member)] = []
        if let index = error.pointIndex { members.append(("point_index", .number(Double(index)))) }
        if let row = error.row { members.append(("row", .number(Double(row)))) }
        if let column = error.columnIndex { members.append(("column_index", .number(Double(column)))) }
        if let operation = error.operation { members.append(("operation", .string(operation))) }
        return members
    }
}
