/// A response status code and its reason phrase (RFC 9110 §15).
///
/// The well-known codes are static members grouped by class, each citing its RFC section. Any three-digit
/// code can be made with `init(code:reason:)`; a code outside 100...999 is a programmer error and traps.
public struct HTTPStatus: Sendable, Hashable, CustomStringConvertible {
    /// The three-digit code.
    public let code: Int
    /// The reason phrase sent on the status line; clients must not rely on it (RFC 9112 §4).
    public let reason: String

    /// Creates a status. Traps unless `code` has three digits: a status is chosen by code, never by input.
    public init(code: Int, reason: String) {
        precondition((100...999).contains(code), "HTTP status codes have three digits")
        self.code = code
        self.reason = reason
    }

    /// The class of a status code (RFC 9110 §15).
    public enum Kind: Sendable { case informational, successful, redirection, clientError, serverError, invalid }

    /// The class this code belongs to.
    public var kind: Kind {
        switch code {
        case 100..<200: .informational
        case 200..<300: .successful
        case 300..<400: .redirection
        case 400..<500: .clientError
        case 500..<600: .serverError
        default: .invalid
        }
    }

    /// Whether a response with this status never has content: 1xx, 204 and 304 (RFC 9110 §6.4.1).
    public var forbidsContent: Bool { kind == .informational || code == 204 || code == 304 }

    /// `404 Not Found`.
    public var description: String { "\(code) \(reason)" }

    // MARK: 1xx Informational

    /// 100 Continue (RFC 9110 §15.2.1): the client may send the body it announced with `Expect: 100-continue`.
    public static let `continue` = HTTPStatus(code: 100, reason: "Continue")
    /// 101 Switching Protocols (RFC 9110 §15.2.2): the connection changes protocol, as the client asked in `Upgrade`.
    public static let switchingProtocols = HTTPStatus(code: 101, reason: "Switching Protocols")

    // MARK: 2xx Successful

    /// 200 OK (RFC 9110 §15.3.1).
    public static let ok = HTTPStatus(code: 200, reason: "OK")
    /// 201 Created (RFC 9110 §15.3.2).
    public static let created = HTTPStatus(code: 201, reason: "Created")
    /// 202 Accepted (RFC 9110 §15.3.3).
    public static let accepted = HTTPStatus(code: 202, reason: "Accepted")
    /// 204 No Content (RFC 9110 §15.3.5): sent without a body.
    public static let noContent = HTTPStatus(code: 204, reason: "No Content")

    // MARK: 3xx Redirection

    /// 301 Moved Permanently (RFC 9110 §15.4.2).
    public static let movedPermanently = HTTPStatus(code: 301, reason: "Moved Permanently")
    /// 304 Not Modified (RFC 9110 §15.4.5): sent without a body.
    public static let notModified = HTTPStatus(code: 304, reason: "Not Modified")
    /// 308 Permanent Redirect (RFC 9110 §15.4.9).
    public static let permanentRedirect = HTTPStatus(code: 308, reason: "Permanent Redirect")

    // MARK: 4xx Client Error

    /// 400 Bad Request (RFC 9110 §15.5.1): malformed syntax or framing; the server closes the connection.
    public static let badRequest = HTTPStatus(code: 400, reason: "Bad Request")
    /// 403 Forbidden (RFC 9110 §15.5.4).
    public static let forbidden = HTTPStatus(code: 403, reason: "Forbidden")
    /// 404 Not Found (RFC 9110 §15.5.5): no route for the path.
    public static let notFound = HTTPStatus(code: 404, reason: "Not Found")
    /// 405 Method Not Allowed (RFC 9110 §15.5.6): the path exists; `Allow` lists its methods.
    public static let methodNotAllowed = HTTPStatus(code: 405, reason: "Method Not Allowed")
    /// 406 Not Acceptable (RFC 9110 §15.5.7): no representation matches `Accept`.
    public static let notAcceptable = HTTPStatus(code: 406, reason: "Not Acceptable")
    /// 408 Request Timeout (RFC 9110 §15.5.9): the client sent its request too slowly; the connection closes.
    public static let requestTimeout = HTTPStatus(code: 408, reason: "Request Timeout")
    /// 409 Conflict (RFC 9110 §15.5.10).
    public static let conflict = HTTPStatus(code: 409, reason: "Conflict")
    /// 411 Length Required (RFC 9110 §15.5.12).
    public static let lengthRequired = HTTPStatus(code: 411, reason: "Length Required")
    /// 413 Content Too Large (RFC 9110 §15.5.14): the body exceeds the server's limit.
    public static let contentTooLarge = HTTPStatus(code: 413, reason: "Content Too Large")
    /// 414 URI Too Long (RFC 9110 §15.5.15): the request target exceeds the server's limit.
    public static let uriTooLong = HTTPStatus(code: 414, reason: "URI Too Long")
    /// 415 Unsupported Media Type (RFC 9110 §15.5.16).
    public static let unsupportedMediaType = HTTPStatus(code: 415, reason: "Unsupported Media Type")
    /// 417 Expectation Failed (RFC 9110 §15.5.18): an `Expect` other than `100-continue`.
    public static let expectationFailed = HTTPStatus(code: 417, reason: "Expectation Failed")
    /// 422 Unprocessable Content (RFC 9110 §15.5.21): well-formed but semantically invalid content.
    public static let unprocessableContent = HTTPStatus(code: 422, reason: "Unprocessable Content")
    /// 429 Too Many Requests (RFC 6585 §4).
    public static let tooManyRequests = HTTPStatus(code: 429, reason: "Too Many Requests")
    /// 431 Request Header Fields Too Large (RFC 6585 §5): the header section exceeds the server's limit.
    public static let requestHeaderFieldsTooLarge = HTTPStatus(code: 431, reason: "Request Header Fields Too Large")

    // MARK: 5xx Server Error

    /// 500 Internal Server Error (RFC 9110 §15.6.1): a handler failed; the body says nothing more.
    public static let internalServerError = HTTPStatus(code: 500, reason: "Internal Server Error")
    /// 501 Not Implemented (RFC 9110 §15.6.2): an unknown method or transfer coding.
    public static let notImplemented = HTTPStatus(code: 501, reason: "Not Implemented")
    /// 503 Service Unavailable (RFC 9110 §15.6.4): the worker pool is full, or the server is stopping.
    public static let serviceUnavailable = HTTPStatus(code: 503, reason: "Service Unavailable")
    /// 504 Gateway Timeout (RFC 9110 §15.6.5).
    public static let gatewayTimeout = HTTPStatus(code: 504, reason: "Gateway Timeout")
    /// 505 HTTP Version Not Supported (RFC 9110 §15.6.6): a major version other than 1 on an HTTP/1 connection.
    public static let httpVersionNotSupported = HTTPStatus(code: 505, reason: "HTTP Version Not Supported")
}
