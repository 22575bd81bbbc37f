/// An RFC 9457 problem: the one error type of the service. The server's own refusals (404, 405, 413, 503...) are
/// problems of type `about:blank`, whose meaning is their status; the API's are of its own stable types
/// (`urn:jacobian-service:problem:…`, `Problem.Kind` in JacobianAPI), with field errors and extension members.
/// Rendered as `application/problem+json` by `response`, the one renderer for both.
public struct Problem: Error, Sendable {
    /// One precise complaint about one place in the request.
    public struct FieldError: Sendable, Equatable {
        /// JSON Pointer into the request body (RFC 6901), e.g. `/function/outputs/1`.
        public var pointer: String
        /// What is wrong there, as a sentence.
        public var detail: String
        /// 1-based column inside an expression string, where there is one.
        public var column: Int?

        /// A field error at `pointer`.
        public init(pointer: String, detail: String, column: Int? = nil) {
            self.pointer = pointer
            self.detail = detail
            self.column = column
        }
    }

    /// The value of an extension member (RFC 9457 §3.2), held as JSON text, so the server need not know the JSON
    /// model of whoever adds members (the API writes its values with its own writer).
    public struct Member: Sendable, Equatable {
        /// The value as JSON text.
        public var json: String

        /// A value whose JSON text is `json`; the caller guarantees it is valid JSON.
        public init(json: String) { self.json = json }

        /// A JSON string.
        public static func string(_ text: String) -> Member { Member(json: Problem.jsonString(text)) }
    }

    /// The problem type URI: `about:blank` for the server's own refusals.
    public var type: String
    /// A short summary of the type (RFC 9457 `title`); the status's reason phrase for `about:blank`.
    public var title: String
    /// The status the problem is answered with.
    public var status: HTTPStatus
    /// A human-readable explanation of this occurrence.
    public var detail: String
    /// Field-level errors, for input problems.
    public var errors: [FieldError]
    /// Extension members, in order, e.g. `line` and `column` of a JSON syntax error or the `limit` name.
    public var extensions: [(key: String, value: Member)]

    /// A problem of `type` (default `about:blank`) answered with `status`; `title` defaults to its reason phrase.
    public init(
        type: String = "about:blank", title: String? = nil, status: HTTPStatus, detail: String,
        errors: [FieldError] = [], extensions: [(key: String, value: Member)] = []
    ) {
        self.type = type
        self.title = title ?? status.reason
        self.status = status
        self.detail = detail
        self.errors = errors
        self.extensions = extensions
    }

    /// The problem document: `type`, `title`, `status`, `detail`, then `errors` when there are any, then the
    /// extension members.
    public var json: String {
        var out = "{\"type\":\(Self.jsonString(type)),\"title\":\(Self.jsonString(title)),\"status\":\(status.code),"
            + "\"detail\":\(Self.jsonString(detail))"
        if !errors.isEmpty {
            out += ",\"errors\":["
            for (index, error) in errors.enumerated() {
                if index > 0 { out += "," }
                out += "{\"pointer\":\(Self.jsonString(error.pointer)),\"detail\":\(Self.jsonString(error.detail))"
                if let column = error.column { out += ",\"column\":\(column)" }
                out += "}"
            }
            out += "]"
        }
        for (key, value) in extensions { out += ",\(Self.jsonString(key)):\(value.json)" }
        return out + "}"
    }

    /// The response: `application/problem+json`, with `detail` kept for the access log (`failureDetail`).
    public var response: HTTPResponse {
        var response = HTTPResponse(status: status, contentType: "application/problem+json", body: json)
        response.failureDetail = detail
        return response
    }

    /// The server's error responder (the default `HTTPServerConfiguration.errorResponder`): an `about:blank`
    /// problem with the status's reason as its title.
    public static let errorResponder: HTTPErrorResponder = { status, detail in
        Problem(status: status, detail: detail).response
    }

    /// `text` as a JSON string literal, escaped per RFC 8259 §7 (DEL too, so logs and terminals stay clean).
    public static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
