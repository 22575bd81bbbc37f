import Foundation

/// An RFC 9457 problem: every error the API answers is one of these, rendered as application/problem+json.
///
/// Input errors carry `errors`, each with a JSON Pointer into the request (RFC 6901) and, for expressions,
/// the 1-based column. The `type` URIs are stable identifiers clients can switch on.
public struct Problem: Error, Sendable {
    /// One precise complaint about one place in the request.
    public struct FieldError: Sendable, Equatable {
        /// JSON Pointer into the request body, e.g. `/function/outputs/1`.
        public var pointer: String
        /// What is wrong there, as a sentence.
        public var detail: String
        /// 1-based column inside an expression string, where there is one.
        public var column: Int?

        public init(pointer: String, detail: String, column: Int? = nil) {
            self.pointer = pointer
            self.detail = detail
            self.column = column
        }
    }

    /// The kinds of problem the API reports, each with its status, `type` URI and title.
    public enum Kind: String, Sendable {
        case malformedJSON = "malformed-json"
        case invalidInput = "invalid-input"
        case invalidExpression = "invalid-expression"
        case nonFiniteResult = "non-finite-result"
        case limitExceeded = "limit-exceeded"
        case unsupportedMediaType = "unsupported-media-type"
        case notAcceptable = "not-acceptable"
        case internalError = "internal-error"

        /// HTTP status code for this kind.
        public var status: Int {
            switch self {
            case .malformedJSON: 400
            case .invalidInput, .invalidExpression, .nonFiniteResult, .limitExceeded: 422
            case .unsupportedMediaType: 415
            case .notAcceptable: 406
            case .internalError: 500
            }
        }

        /// Short, stable summary of the kind (RFC 9457 `title`).
        public var title: String {
            switch self {
            case .malformedJSON: "Malformed JSON"
            case .invalidInput: "Invalid request"
            case .invalidExpression: "Invalid expression"
            case .nonFiniteResult: "Non-finite result"
            case .limitExceeded: "Limit exceeded"
            case .unsupportedMediaType: "Unsupported media type"
            case .notAcceptable: "Not acceptable"
            case .internalError: "Internal server error"
            }
        }

        /// The problem `type` URI.
        public var uri: String { "urn:jacobian-service:problem:\(rawValue)" }
    }

    public var kind: Kind
    /// Human-readable explanation specific to this occurrence.
    public var detail: String
    /// Field-level errors, for input problems.
    public var errors: [FieldError]
    /// Extension members (RFC 9457 §3.2), e.g. `line` and `column` of a JSON syntax error or the `limit` name.
    public var extensions: [(key: String, value: JSONValue)]

    public init(_ kind: Kind, detail: String, errors: [FieldError] = [], extensions: [(key: String, value: JSONValue)] = []) {
        self.kind = kind
        self.detail = detail
        self.errors = errors
        self.extensions = extensions
    }

    /// A single-field input error.
    public static func invalid(_ pointer: String, _ detail: String) -> Problem {
        Problem(.invalidInput, detail: detail, errors: [FieldError(pointer: pointer, detail: detail)])
    }

    /// The problem document.
    public var json: JSONValue {
        var object = JSONObject([
            ("type", .string(kind.uri)),
            ("title", .string(kind.title)),
            ("status", .number(Double(kind.status))),
            ("detail", .string(detail)),
        ])
        if !errors.isEmpty {
            object.append("errors", .array(errors.map { error in
                var item = JSONObject([("pointer", .string(error.pointer)), ("detail", .string(error.detail))])
                if let column = error.column { item.append("column", .number(Double(column))) }
                return .object(item)
            }))
        }
        for (key, value) in extensions { object.append(key, value) }
        return .object(object)
    }
}

/// JSON Pointer (RFC 6901) construction.
enum JSONPointer {
    /// `base` extended by one reference token, escaping `~` and `/`.
    static func appending(_ base: String, _ token: String) -> String {
        base + "/" + token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    /// `base` extended by an array index.
    static func appending(_ base: String, _ index: Int) -> String {
        base + "/" + String(index)
    }
}
