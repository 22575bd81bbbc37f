import Foundation
import JacobianEngine

/// Translations from the engine's and the decoder's errors into problems that point into the request.
enum EngineProblems {
    /// Decodes a function specification found at `pointer` in the request.
    ///
    /// The engine's specification types are Codable (so Swift callers can use them directly); the request was
    /// already parsed strictly, so re-encoding the sub-document and decoding it costs little and keeps one
    /// decoding path for the engine's types.
    static func functionSpec(_ value: JSONValue, at pointer: String) throws(Problem) -> FunctionSpec {
        guard case .object = value else {
            throw Problem.invalid(pointer, "\(pointer) must be an object with a 'type' of 'expression' or 'network', found \(value.typeName)")
        }
        do {
            return try JSONDecoder().decode(FunctionSpec.self, from: Data(JSONWriter.bytes(value)))
        } catch let error as DecodingError {
            throw problem(from: error, base: pointer)
        } catch {
            throw Problem.invalid(pointer, "\(pointer) is not a valid function: \(error)")
        }
    }

    /// A problem for a decoding failure, pointing at the member the decoder was reading.
    static func problem(from error: DecodingError, base: String) -> Problem {
        func pointer(_ path: [any CodingKey]) -> String {
            path.reduce(base) { pointer, key in
                key.intValue.map { JSONPointer.appending(pointer, $0) } ?? JSONPointer.appending(pointer, key.stringValue)
            }
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = pointer(context.codingPath)
            return .invalid(JSONPointer.appending(parent, key.stringValue),
                "missing required field '\(key.stringValue)' in \(parent)")
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            let place = pointer(context.codingPath)
            return .invalid(place, "\(place) must be \(describe(type))")
        case .dataCorrupted(let context) where context.codingPath.isEmpty && context.underlyingError == nil:
            // The body already passed the strict parser, so Foundation's "not valid JSON" here means a number that
            // does not fit the type the field needs (a fraction or a huge number where an integer goes).
            return .invalid(base, "\(base) holds a number that does not fit its field (a whole number is expected)")
        case .dataCorrupted(let context):
            return .invalid(pointer(context.codingPath), context.debugDescription)
        @unknown default:
            return .invalid(base, "\(base) is not valid: \(error)")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Double.Type, is Float.Type: return "a number"
        case is Int.Type: return "an integer"
        case is String.Type: return "a string"
        case is Bool.Type: return "a boolean"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return "of type \(name)"
        }
    }

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

    private static func nonFiniteExtensions(_ error: EngineError) -> [(key: String, value: JSONValue)] {
        var members: [(key: String, value: JSONValue)] = []
        if let index = error.pointIndex { members.append(("point_index", .number(Double(index)))) }
        if let row = error.row { members.append(("row", .number(Double(row)))) }
        if let column = error.columnIndex { members.append(("column_index", .number(Double(column)))) }
        if let operation = error.operation { members.append(("operation", .string(operation))) }
        return members
    }
}
