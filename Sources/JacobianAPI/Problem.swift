import Foundation
// The API's public surface is made of the server's types (`Router`, `HTTPRequest`, `Problem`): re-exported, so that
// every file of the API and every client of it sees the one `Problem` without importing the server again.
@_exported import HTTPServer

/// The API's problems: the server's one problem type (`Problem`, RFC 9457, in HTTPServer), of the API's own stable
/// types. Input errors carry `errors`, each with a JSON Pointer into the request (RFC 6901) and, for expressions,
/// the 1-based column. The `type` URIs are stable identifiers clients can switch on.
extension Problem {
    /// The kinds of problem the API reports, each with its status, `type` URI and title.
    public enum Kind: String, Sendable, CaseIterable {
        case malformedJSON = "malformed-json"
        case invalidInput = "invalid-input"
        case invalidExpression = "invalid-expression"
        case nonFiniteResult = "non-finite-result"
        case limitExceeded = "limit-exceeded"
        case unsupportedMediaType = "unsupported-media-type"
        case notAcceptable = "not-acceptable"
        case internalError = "internal-error"

        /// The status answered for this kind.
        public var status: HTTPStatus {
            switch self {
            case .malformedJSON: .badRequest
            case .invalidInput, .invalidExpression, .nonFiniteResult, .limitExceeded: .unprocessableContent
            case .unsupportedMediaType: .unsupportedMediaType
            case .notAcceptable: .notAcceptable
            case .internalError: .internalServerError
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
        public var uri: String { Self.uriPrefix + rawValue }

        static let uriPrefix = "urn:jacobian-service:problem:"
    }

    /// A problem of the API's `kind`.
    public init(_ kind: Kind, detail: String, errors: [FieldError] = [], extensions: [(key: String, value: Member)] = []) {
        self.init(type: kind.uri, title: kind.title, status: kind.status, detail: detail, errors: errors,
                  extensions: extensions)
    }

    /// The API kind of this problem; nil for the server's own (`about:blank`).
    public var kind: Kind? {
        type.hasPrefix(Kind.uriPrefix) ? Kind(rawValue: String(type.dropFirst(Kind.uriPrefix.count))) : nil
    }

    /// A single-field input error.
    public static func invalid(_ pointer: String, _ detail: String) -> Problem {
        Problem(.invalidInput, detail: detail, errors: [FieldError(pointer: pointer, detail: detail)])
    }
}

extension Problem.Member {
    /// A JSON value, written as the API writes every response.
    static func json(_ value: JSONValue) -> Problem.Member {
        Problem.Member(json: String(decoding: JSONWriter.bytes(value), as: UTF8.self))
    }

    /// A JSON number.
    static func number(_ value: Double) -> Problem.Member { json(.number(value)) }

    /// A JSON array of numbers.
    static func numbers(_ values: [Double]) -> Problem.Member { json(.numbers(values)) }
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
