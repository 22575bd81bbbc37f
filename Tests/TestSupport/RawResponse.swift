/// An HTTP/1.1 response as a test client read it off the wire.
public struct RawResponse: Sendable {
    /// The status code.
    public var status: Int
    /// The reason phrase (may be empty).
    public var reason: String
    /// The header fields in the order received, names as sent.
    public var headers: [(String, String)]
    /// The body (empty for HEAD, 1xx, 204 and 304).
    public var body: [UInt8]

    /// A response with these parts.
    public init(status: Int, reason: String = "", headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body
    }

    /// The body decoded as UTF-8.
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The first field named `name`, compared case-insensitively (RFC 9110 §5.1).
    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    /// Whether the server said it closes the connection after this response.
    public var closesConnection: Bool { header("Connection")?.lowercased() == "close" }
}
