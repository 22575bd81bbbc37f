/// A parsed JSON document. Objects keep their members in document order so that error messages and
/// re-encoding follow what the client sent.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// A short name of the value's JSON type, for error messages ("expected a number, found a string").
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// A JSON object: members in document order (keys are unique; the parser rejects duplicates).
public struct JSONObject: Sendable, Equatable {
    /// The members in the order they appeared.
    public private(set) var members: [(key: String, value: JSONValue)]

    /// An object with the given members; later duplicates of a key are the caller's responsibility.
    public init(_ members: [(key: String, value: JSONValue)] = []) {
        self.members = members
    }

    /// The value of `key`, if present. Objects in requests are small, so a linear scan beats hashing.
    public subscript(key: String) -> JSONValue? {
        members.first(where: { $0.key == key })?.value
    }

    /// The keys in document order.
    public var keys: [String] { members.map(\.key) }

    mutating func append(_ key: String, _ value: JSONValue) {
        members.append((key, value))
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}
