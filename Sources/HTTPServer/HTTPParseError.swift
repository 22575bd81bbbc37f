/// A fault in a request as received, with the status the server answers it with. After any of these the
/// connection is closed, since the stream can no longer be trusted to be framed.
struct HTTPParseError: Error, Equatable, CustomStringConvertible {
    /// The status to answer with: 400, 413, 414, 431, 501 or 505.
    var status: HTTPStatus
    /// A sentence saying what was wrong, sent as the problem's `detail` and logged.
    var detail: String

    var description: String { "\(status.code): \(detail)" }

    static func badRequest(_ detail: String) -> HTTPParseError { .init(status: .badRequest, detail: detail) }
}

/// How the body of a request is delimited (RFC 9112 §6.3).
enum BodyFraming: Equatable {
    /// No body: neither Content-Length nor Transfer-Encoding.
    case none
    /// Exactly this many bytes follow the header section.
    case length(Int)
    /// The chunked transfer coding (RFC 9112 §7.1).
    case chunked
}

/// A parsed and validated header section.
struct RequestHead {
    var method: String
    var target: String
    var version: HTTPVersion
    var headers: HTTPHeaders
    var framing: BodyFraming
    /// The client sent `Expect: 100-continue` (RFC 9110 §10.1.1).
    var expectsContinue: Bool
    /// Whether the connection may stay open after this exchange, from the version and `Connection`
    /// (RFC 9112 §9.3).
    var keepAlive: Bool
}
