/// An HTTP protocol version, `HTTP/major.minor` (RFC 9110 §2.5).
public struct HTTPVersion: Sendable, Hashable, CustomStringConvertible {
    /// The major version; 1 for every request this server parses.
    public var major: Int
    /// The minor version: 0 or 1 (higher minors are answered as 1.1, RFC 9110 §2.5).
    public var minor: Int

    /// Creates a version.
    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// HTTP/1.0: connections close after each exchange unless the client asks for keep-alive.
    public static let http1_0 = HTTPVersion(major: 1, minor: 0)
    /// HTTP/1.1: connections persist unless either side sends `Connection: close`.
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)
    /// HTTP/2, used by the HTTP/2 bridge when it hands requests to the same responder.
    public static let http2 = HTTPVersion(major: 2, minor: 0)

    /// `HTTP/1.1`.
    public var description: String { "HTTP/\(major).\(minor)" }
}

/// A complete request: request line, header fields and the decoded body (chunked coding removed).
public struct HTTPRequest: Sendable {
    /// The method token, case-sensitive as sent (RFC 9110 §9.1): `GET`, `POST`...
    public var method: String
    /// The request target exactly as sent: `/jacobian?x=1`.
    public var target: String
    /// The path part of the target, before any `?`; for an absolute-form target (`http://host/a?b`, RFC 9112
    /// §3.2.2) the path after the authority, `/` when it is empty.
    public var path: String
    /// The query part of the target, after the first `?`, or nil when there is none.
    public var query: String?
    /// The protocol version of the request.
    public var version: HTTPVersion
    /// The header fields, in order.
    public var headers: HTTPHeaders
    /// The body, complete; empty when there is none.
    public var body: [UInt8]
    /// Cancelled by the server when the client goes away before the answer; long computations check it.
    public var cancellation = CancellationToken()

    /// Creates a request; `path` and `query` are split from `target`.
    public init(
        method: String, target: String, version: HTTPVersion = .http1_1,
        headers: HTTPHeaders = [:], body: [UInt8] = []
    ) {
        self.method = method
        self.target = target
        var pathAndQuery = Substring(target)
        if let authority = Self.absoluteFormAuthority(target) {
            pathAndQuery = target[authority.upperBound...]
            if !pathAndQuery.hasPrefix("/") { pathAndQuery = "/" + pathAndQuery }
        }
        if let question = pathAndQuery.firstIndex(of: "?") {
            path = String(pathAndQuery[..<question])
            query = String(pathAndQuery[pathAndQuery.index(after: question)...])
        } else {
            path = String(pathAndQuery)
            query = nil
        }
        self.version = version
        self.headers = headers
        self.body = body
    }
}

extension HTTPRequest {
    /// The range of `http://authority` or `https://authority` (scheme case-insensitive) at the start of an
    /// absolute-form target (RFC 9112 §3.2.2), or nil for any other form.
    static func absoluteFormAuthority(_ target: String) -> Range<String.Index>? {
        let lowered = target.prefix(8).lowercased()
        let schemeLength = lowered.hasPrefix("http://") ? 7 : lowered.hasPrefix("https://") ? 8 : 0
        guard schemeLength > 0 else { return nil }
        let authorityStart = target.utf8.index(target.startIndex, offsetBy: schemeLength)
        let authorityEnd = target[authorityStart...].firstIndex { $0 == "/" || $0 == "?" } ?? target.endIndex
        return target.startIndex..<authorityEnd
    }
}
