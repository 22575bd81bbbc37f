/// Examples of openapi.yaml shown as the JSON a client sends or receives.
extension YAMLNode {
    /// The node as JSON, plain scalars resolved as YAML 1.2's core schema does (null, booleans, numbers).
    var json: JSONValue {
        switch self {
        case .scalar(let text, let plain):
            guard plain else { return .string(text) }
            switch text {
            case "", "~", "null", "Null", "NULL": return .null
            case "true", "True", "TRUE": return .bool(true)
            case "false", "False", "FALSE": return .bool(false)
            default:
                if Self.isNumber(text), let number = Double(text) { return .number(number) }
                return .string(text)
            }
        case .sequence(let items):
            return .array(items.map(\.json))
        case .mapping(let entries):
            return .object(JSONObject(entries.map { (key: $0.key, value: $0.value.json) }))
        }
    }

    /// YAML 1.2 core-schema numbers (decimal, with optional fraction and exponent); `.inf` and `.nan` are not
    /// JSON and stay strings.
    private static func isNumber(_ text: String) -> Bool {
        var scalars = Substring(text).unicodeScalars[...]
        if let first = scalars.first, first == "-" || first == "+" { scalars = scalars.dropFirst() }
        var digits = 0, dot = false, exponent = false, exponentDigits = 0, previous: Unicode.Scalar?
        for scalar in scalars {
            switch scalar {
            case "0"..."9":
                if exponent { exponentDigits += 1 } else { digits += 1 }
            case "." where !dot && !exponent: dot = true
            case "e", "E": if exponent || digits == 0 { return false }; exponent = true
            case "+", "-": if previous != "e" && previous != "E" { return false }
            default: return false
            }
            previous = scalar
        }
        return digits > 0 && (!exponent || exponentDigits > 0)
    }
}

/// JSON laid out for reading: objects one member per line, arrays of numbers and strings on one line.
enum PrettyJSON {
    static func text(_ value: JSONValue, indent: String = "") -> String {
        switch value {
        case .array(let items) where items.isEmpty: return "[]"
        case .array(let items) where items.allSatisfy(\.isScalar):
            return "[" + items.map { compact($0) }.joined(separator: ", ") + "]"
        case .array(let items):
            let inner = indent + "  "
            return "[\n" + items.map { inner + text($0, indent: inner) }.joined(separator: ",\n") + "\n" + indent + "]"
        case .object(let object) where object.members.isEmpty: return "{}"
        case .object(let object):
            let inner = indent + "  "
            let members = object.members.map { inner + compact(.string($0.key)) + ": " + text($0.value, indent: inner) }
            return "{\n" + members.joined(separator: ",\n") + "\n" + indent + "}"
        default:
            return compact(value)
        }
    }

    /// One line, as the API itself writes JSON.
    static func compact(_ value: JSONValue) -> String {
        String(decoding: JSONWriter.bytes(value), as: UTF8.self)
    }
}

extension JSONValue {
    fileprivate var isScalar: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }
}
