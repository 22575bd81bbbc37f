/// Answers one request. Runs on a worker thread of the server's bounded pool; it may compute for a while
/// but should not block on I/O for long, since that holds a worker.
public typealias HTTPResponder = @Sendable (HTTPRequest) -> HTTPResponse

/// A complete response. The server adds `Date`, `Content-Length` and `Connection`; the responder sets the
/// status, `Content-Type` and any other field.
public struct HTTPResponse: Sendable {
    /// The status code and reason phrase.
    public var status: HTTPStatus
    /// Header fields set by the responder. `Content-Length`, `Transfer-Encoding` and `Date` are replaced by
    /// the server, which frames every response itself.
    public var headers: HTTPHeaders
    /// The body. For HEAD requests the server sends the length of this body but not its bytes.
    public var body: [UInt8]
    /// The route that answered, as `Router` registered it (nil when no route matched the path): the label
    /// metrics count by, known without looking the route up again. Never sent.
    public var route: String?
    /// Why the request failed, in one sentence (the problem's `detail`), for the access log, so that logging
    /// never parses a body back. Never sent.
    public var failureDetail: String?

    /// Creates a response.
    public init(status: HTTPStatus, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response with a UTF-8 body and the given content type.
    public init(status: HTTPStatus, contentType: String, body: String) {
        self.init(status: status, headers: ["Content-Type": contentType], body: Array(body.utf8))
    }
}
