import JacobianEngine

/// Typed, pointer-aware access to a JSON object in a request, so that every complaint names its field.
///
/// Unknown members are refused (with a suggestion) rather than ignored: a misspelt `max_iteration` silently
/// falling back to its default is a wrong answer the client cannot see.
struct FieldReader {
    let object: JSONObject
    /// JSON Pointer of this object in the request ("" for the body itself).
    let pointer: String

    /// Reads `value` as an object at `pointer`, allowing only the `allowed` members.
    init(_ value: JSONValue, at pointer: String, allowed: [String]) throws(Problem) {
        guard case .object(let object) = value else {
            throw Problem.invalid(pointer, "\(FieldReader.name(pointer)) must be an object, found \(value.typeName)")
        }
        self.object = object
        self.pointer = pointer
        for key in object.keys where !allowed.contains(key) {
            var message = "unknown field '\(key)' in \(FieldReader.name(pointer))"
            if let suggestion = Suggestion.closest(to: key, among: allowed) { message += "; did you mean '\(suggestion)'?" }
            throw Problem.invalid(JSONPointer.appending(pointer, key), message)
        }
    }

    /// A readable name for a pointer in messages: "the request body" or "/function/outputs".
    static func name(_ pointer: String) -> String { pointer.isEmpty ? "the request body" : pointer }

    func path(_ key: String) -> String { JSONPointer.appending(pointer, key) }

    /// Whether the member is present. `null` is present and then refused by the typed readers ("must be a number,
    /// found null"), as openapi.yaml says (no field is nullable): read as "absent", it silently took the default,
    /// and a client cannot tell its `null` from a value the schema forbids.
    func has(_ key: String) -> Bool { object[key] != nil }

    func value(_ key: String) throws(Problem) -> JSONValue {
        guard let value = object[key] else {
            throw Problem.invalid(path(key), "missing required field '\(key)' in \(FieldReader.name(pointer))")
        }
        return value
    }

    func number(_ key: String) throws(Problem) -> Double {
        try FieldReader.number(try value(key), at: path(key))
    }

    func number(_ key: String, default fallback: Double) throws(Problem) -> Double {
        has(key) ? try number(key) : fallback
    }

    /// A positive number (step sizes, tolerances).
    func positiveNumber(_ key: String, default fallback: Double) throws(Problem) -> Double {
        let number = try number(key, default: fallback)
        guard number > 0 else { throw Problem.invalid(path(key), "\(key) must be greater than 0, got \(JSONWriter.format(number))") }
        return number
    }

    /// A number ≥ 0 (tolerances may be zero: "iterate until max_iterations").
    func nonNegativeNumber(_ key: String, default fallback: Double) throws(Problem) -> Double {
        let number = try number(key, default: fallback)
        guard number >= 0 else { throw Problem.invalid(path(key), "\(key) must not be negative, got \(JSONWriter.format(number))") }
        return number
    }

    func integer(_ key: String, default fallback: Int, in range: ClosedRange<Int>, limitName: String? = nil) throws(Problem) -> Int {
        guard has(key) else { return fallback }
        let integer = try integer(key)
        guard range.contains(integer) else {
            var message = "\(key) must be between \(range.lowerBound) and \(range.upperBound), got \(integer)"
            if let limitName { message += " (limit \(limitName))" }
            throw Problem.invalid(path(key), message)
        }
        return integer
    }

    /// A required whole number, of any size that fits an `Int`; its range is for the caller to check.
    func integer(_ key: String) throws(Problem) -> Int {
        let number = try number(key)
        guard number.rounded() == number, abs(number) < 1e15 else {
            throw Problem.invalid(path(key), "\(key) must be an integer, got \(JSONWriter.format(number))")
        }
        return Int(number)
    }

    /// The elements of a required array.
    func array(_ key: String) throws(Problem) -> [JSONValue] {
        guard case .array(let elements) = try value(key) else {
            throw Problem.invalid(path(key), "\(key) must be an array, found \(try value(key).typeName)")
        }
        return elements
    }

    /// A required array of strings.
    func strings(_ key: String) throws(Problem) -> [String] {
        var result: [String] = []
        for (index, element) in try array(key).enumerated() {
            guard case .string(let string) = element else {
                throw Problem.invalid(JSONPointer.appending(path(key), index),
                    "\(key) must hold strings; item \(index) is \(element.typeName)")
            }
            result.append(string)
        }
        return result
    }

    func string(_ key: String) throws(Problem) -> String {
        guard case .string(let string) = try value(key) else {
            throw Problem.invalid(path(key), "\(key) must be a string, found \(try value(key).typeName)")
        }
        return string
    }

    /// One of a fixed set of strings, e.g. a mode; unknown values list the accepted ones.
    func choice<T: RawRepresentable<String>>(_ key: String, default fallback: T, among all: [T]) throws(Problem) -> T {
        guard has(key) else { return fallback }
        let raw = try string(key)
        if let match = all.first(where: { $0.rawValue == raw }) { return match }
        let names = all.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        var message = "unknown \(key) '\(raw)'; expected one of \(names)"
        if let suggestion = Suggestion.closest(to: raw, among: all.map(\.rawValue)) { message += " (did you mean '\(suggestion)'?)" }
        throw Problem.invalid(path(key), message)
    }

    func numbers(_ key: String) throws(Problem) -> [Double] {
        try FieldReader.numbers(try value(key), at: path(key))
    }

    /// The pointers are built only for an error: a batch holds hundreds of thousands of numbers.
    static func number(_ value: JSONValue, at pointer: @autoclosure () -> String) throws(Problem) -> Double {
        guard case .number(let number) = value else {
            let pointer = pointer()
            throw Problem.invalid(pointer, "\(name(pointer)) must be a number, found \(value.typeName)")
        }
        return number
    }

    static func numbers(_ value: JSONValue, at pointer: @autoclosure () -> String) throws(Problem) -> [Double] {
        guard case .array(let elements) = value else {
            let pointer = pointer()
            throw Problem.invalid(pointer, "\(name(pointer)) must be an array of numbers, found \(value.typeName)")
        }
        var result: [Double] = []
        result.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            guard case .number(let number) = element else {
                _ = try self.number(element, at: JSONPointer.appending(pointer(), index))
                continue
            }
            result.append(number)
        }
        return result
    }

    /// A matrix given as rows of equal length.
    static func rows(_ value: JSONValue, at pointer: String) throws(Problem) -> [[Double]] {
        guard case .array(let rows) = value else {
            throw Problem.invalid(pointer, "\(name(pointer)) must be an array of rows, found \(value.typeName)")
        }
        var result: [[Double]] = []
        for (index, row) in rows.enumerated() {
            let parsed = try numbers(row, at: JSONPointer.appending(pointer, index))
            if let first = result.first, first.count != parsed.count {
                throw Problem.invalid(JSONPointer.appending(pointer, index),
                    "row \(index) has \(parsed.count) entries but row 0 has \(first.count)")
            }
            result.append(parsed)
        }
        return result
    }
}
