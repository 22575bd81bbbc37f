/// Parses one complete header section (request line and field lines, CRLF-terminated, final empty line
/// excluded) and checks it against RFC 9112 and the configured limits.
///
/// Bare CR and bare LF have already been rejected by `HTTPRequestParser` while it looked for the end of the
/// section, so lines here are split on CRLF only.
struct RequestHeadParser {
    let limits: HTTPLimits

    /// Longest method accepted (no registered method is longer than 17 bytes). `HTTPRequestParser` applies the
    /// same bound to a request line still arriving, so a request is judged the same however it is split.
    static let maxMethodLength = 64
    static let methodTooLong = "The request line does not start with a method (RFC 9112 §3)."

    func parse(_ head: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> RequestHead {
        var lines = LineIterator(bytes: head)
        guard let requestLine = lines.next() else { throw .badRequest("The request line is missing.") }
        let (method, target, version) = try parseRequestLine(requestLine)

        var headers = HTTPHeaders()
        while let line = lines.next() {
            if headers.count == limits.maxHeaderCount {
                throw HTTPParseError(status: .requestHeaderFieldsTooLarge,
                                     detail: "More than \(limits.maxHeaderCount) header fields.")
            }
            let (name, value) = try Self.parseFieldLine(line)
            headers.add(name, value)
        }
        return try validate(method: method, target: target, version: version, headers: headers)
    }

    /// `method SP request-target SP HTTP-version` (RFC 9112 §3), single spaces only.
    private func parseRequestLine(
        _ line: UnsafeBufferPointer<UInt8>
    ) throws(HTTPParseError) -> (String, String, HTTPVersion) {
        guard let firstSpace = line.firstIndex(of: HTTPGrammar.space),
              let lastSpace = line.lastIndex(of: HTTPGrammar.space), firstSpace < lastSpace
        else { throw .badRequest("The request line is not 'method target version' (RFC 9112 §3).") }
        let method = UnsafeBufferPointer(rebasing: line[..<firstSpace])
        let target = UnsafeBufferPointer(rebasing: line[(firstSpace + 1)..<lastSpace])
        let version = UnsafeBufferPointer(rebasing: line[(lastSpace + 1)...])
        guard !method.isEmpty, method.allSatisfy(HTTPGrammar.isTokenChar) else {
            throw .badRequest("The method is not a token (RFC 9112 §3.1).")
        }
        guard method.count <= Self.maxMethodLength else { throw .badRequest(Self.methodTooLong) }
        if target.count > limits.maxRequestTargetLength {
            throw HTTPParseError(status: .uriTooLong,
                                 detail: "The request target is longer than \(limits.maxRequestTargetLength) bytes.")
        }
        guard !target.isEmpty, target.allSatisfy(HTTPGrammar.isTargetChar) else {
            throw .badRequest("The request target is empty or contains whitespace or controls (RFC 9112 §3.2).")
        }
        return (String(decoding: method, as: UTF8.self), String(decoding: target, as: UTF8.self),
                try Self.parseVersion(version))
    }

    /// `HTTP-version = "HTTP/" DIGIT "." DIGIT` (RFC 9112 §2.3), case-sensitive.
    private static func parseVersion(_ v: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> HTTPVersion {
        guard v.count == 8, v.starts(with: "HTTP/".utf8), HTTPGrammar.isDigit(v[5]), v[6] == UInt8(ascii: "."),
              HTTPGrammar.isDigit(v[7])
        else { throw .badRequest("The protocol version is not HTTP/x.y (RFC 9112 §2.3).") }
        let major = Int(v[5] - UInt8(ascii: "0")), minor = Int(v[7] - UInt8(ascii: "0"))
        guard major == 1 else {
            throw HTTPParseError(status: .httpVersionNotSupported, detail: "Only HTTP/1.x is served here.")
        }
        return HTTPVersion(major: 1, minor: min(minor, 1))
    }

    /// `field-name ":" OWS field-value OWS` (RFC 9112 §5).
    static func parseFieldLine(_ line: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> (String, String) {
        if let first = line.first, first == HTTPGrammar.space || first == HTTPGrammar.tab {
            throw .badRequest("Obsolete line folding is not accepted (RFC 9112 §5.2).")
        }
        guard let colon = line.firstIndex(of: HTTPGrammar.colon) else {
            throw .badRequest("A header line has no colon (RFC 9112 §5).")
        }
        let name = UnsafeBufferPointer(rebasing: line[..<colon])
        if let last = name.last, last == HTTPGrammar.space || last == HTTPGrammar.tab {
            throw .badRequest("Whitespace between a field name and its colon (RFC 9112 §5.1).")
        }
        guard !name.isEmpty, name.allSatisfy(HTTPGrammar.isTokenChar) else {
            throw .badRequest("A field name is not a token (RFC 9110 §5.1).")
        }
        var start = colon + 1, end = line.count
        while start < end, line[start] == HTTPGrammar.space || line[start] == HTTPGrammar.tab { start += 1 }
        while end > start, line[end - 1] == HTTPGrammar.space || line[end - 1] == HTTPGrammar.tab { end -= 1 }
        let value = UnsafeBufferPointer(rebasing: line[start..<end])
        guard value.allSatisfy(HTTPGrammar.isFieldValueChar) else {
            throw .badRequest("A field value contains CR, LF, NUL or another control character (RFC 9110 §5.5).")
        }
        return (String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
    }

    /// The semantic checks of RFC 9112 §3.2 (Host) and §6 (message body framing).
    private func validate(
        method: String, target: String, version: HTTPVersion, headers: HTTPHeaders
    ) throws(HTTPParseError) -> RequestHead {
        let hosts = headers.values(for: "Host")
        if hosts.count > 1 { throw .badRequest("Host is repeated (RFC 9112 §3.2).") }
        if version == .http1_1 && hosts.isEmpty { throw .badRequest("HTTP/1.1 requires a Host field (RFC 9112 §3.2).") }
        if let host = hosts.first, !HTTPGrammar.isValidHost(host) {
            throw .badRequest("The Host field is not a valid host and port (RFC 9112 §3.2).")
        }

        try Self.checkTargetForm(target, method: method)

        let framing = try Self.framing(version: version, headers: headers, limits: limits)

        var expectsContinue = false
        let expectations = headers.listMembers(for: "Expect")
        if !expectations.isEmpty {
            // Every member counts, on every Expect line: one the server does not meet is 417 even after
            // a 100-continue.
            guard expectations.allSatisfy({ $0.equalsIgnoringASCIICase("100-continue") }) else {
                throw HTTPParseError(status: .expectationFailed,
                                     detail: "Only 'Expect: 100-continue' is supported (RFC 9110 §10.1.1).")
            }
            expectsContinue = version == .http1_1 && framing != .none && framing != .length(0)
        }

        let keepAlive = version == .http1_1
            ? !headers.contains(token: "close", in: "Connection")
            : headers.contains(token: "keep-alive", in: "Connection")
        return RequestHead(method: method, target: target, version: version, headers: headers, framing: framing,
                           expectsContinue: expectsContinue, keepAlive: keepAlive)
    }

    /// The four forms of request-target (RFC 9112 §3.2): origin-form (`/path`), absolute-form (`http://` or
    /// `https://`, the only schemes an HTTP server serves), asterisk-form (`*`, OPTIONS only) and
    /// authority-form (CONNECT only, which takes any target here and is left to the router).
    private static func checkTargetForm(_ target: String, method: String) throws(HTTPParseError) {
        if method == "CONNECT" || target.hasPrefix("/") || HTTPRequest.absoluteFormAuthority(target) != nil { return }
        if target == "*" {
            guard method == "OPTIONS" else {
                throw .badRequest("The asterisk-form target is for OPTIONS only (RFC 9112 §3.2.4).")
            }
            return
        }
        throw .badRequest("The request target is not an absolute path or an http(s) URI (RFC 9112 §3.2).")
    }

    /// The body framing from Transfer-Encoding and Content-Length (RFC 9112 §6.1, §6.3).
    static func framing(
        version: HTTPVersion, headers: HTTPHeaders, limits: HTTPLimits
    ) throws(HTTPParseError) -> BodyFraming {
        let lengths = headers.values(for: "Content-Length")
        let hasTransferEncoding = !headers.values(for: "Transfer-Encoding").isEmpty
        if hasTransferEncoding {
            if version == .http1_0 {
                throw .badRequest("Transfer-Encoding in an HTTP/1.0 request (RFC 9112 §6.1).")
            }
            if !lengths.isEmpty {
                throw .badRequest("Both Transfer-Encoding and Content-Length (RFC 9112 §6.1).")
            }
            let codings = headers.listMembers(for: "Transfer-Encoding").map { $0.lowercased() }
            let known: Set<String> = ["chunked", "gzip", "x-gzip", "deflate", "compress", "x-compress"]
            if codings.contains(where: { !known.contains($0) }) {
                throw HTTPParseError(status: .notImplemented,
                                     detail: "Unknown transfer coding (RFC 9112 §6.1).")
            }
            guard codings.last == "chunked" else {
                throw .badRequest("The final transfer coding is not chunked (RFC 9112 §6.3).")
            }
            if codings.dropLast().contains("chunked") {
                throw .badRequest("The chunked coding is applied more than once (RFC 9112 §6.1).")
            }
            if codings.count > 1 {
                throw HTTPParseError(status: .notImplemented,
                                     detail: "Transfer codings other than chunked are not supported (RFC 9112 §6.1).")
            }
            return .chunked
        }
        guard !lengths.isEmpty else { return .none }
        var length: Int?
        for member in lengths.flatMap({ $0.split(separator: ",", omittingEmptySubsequences: false) }) {
            guard let value = HTTPGrammar.parseDecimal(member.trimmingOWS()) else {
                throw .badRequest("Content-Length is not a decimal number that fits (RFC 9110 §8.6).")
            }
            if let length, length != value {
                throw .badRequest("Content-Length is repeated with different values (RFC 9110 §8.6).")
            }
            length = value
        }
        if length! > limits.maxBodyBytes {
            throw HTTPParseError(status: .contentTooLarge,
                                 detail: Refusal.bodyTooLarge(limit: limits.maxBodyBytes).detail)
        }
        return .length(length!)
    }
}

/// Splits a header section into its CRLF-terminated lines.
struct LineIterator: IteratorProtocol {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    mutating func next() -> UnsafeBufferPointer<UInt8>? {
        guard position < bytes.count else { return nil }
        var end = position
        while end < bytes.count && bytes[end] != HTTPGrammar.cr { end += 1 }
        let line = UnsafeBufferPointer(rebasing: bytes[position..<end])
        position = end + 2
        return line
    }
}
