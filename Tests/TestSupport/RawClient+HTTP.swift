extension RawClient {
    /// Reads one response: its head, then `Content-Length` bytes of body. `head` for a response to HEAD
    /// (no body whatever Content-Length says). Throws if the server closes early or leaves out Content-Length.
    public func readResponse(head: Bool = false) throws -> RawResponse {
        let separator = Array("\r\n\r\n".utf8)
        var end: Int?
        while true {
            end = buffer.firstRange(of: separator)?.upperBound
            if end != nil { break }
            guard try fill() else { throw Failure(.malformed, "closed before a response (\(buffer.count) bytes)") }
        }
        let headText = String(decoding: buffer[..<end!], as: UTF8.self)
        buffer.removeFirst(end!)
        var lines = headText.split(separator: "\r\n" as Character).map(String.init)
        let statusLine = lines.removeFirst().split(separator: " ", maxSplits: 2).map(String.init)
        guard statusLine.count >= 2, statusLine[0] == "HTTP/1.1", let status = Int(statusLine[1]) else {
            throw Failure(.malformed, "bad status line: \(statusLine)")
        }
        let headers = try lines.map { line -> (String, String) in
            guard let colon = line.firstIndex(of: ":") else { throw Failure(.malformed, "bad field line: \(line)") }
            return (String(line[..<colon]), String(line[line.index(after: colon)...].drop { $0 == " " }))
        }
        var response = RawResponse(status: status, reason: statusLine.count > 2 ? statusLine[2] : "", headers: headers)
        if head || status < 200 || status == 204 || status == 304 { return response }
        guard let length = response.header("Content-Length").flatMap(Int.init) else {
            throw Failure(.malformed, "response without Content-Length")
        }
        while buffer.count < length {
            guard try fill() else { throw Failure(.malformed, "closed inside a body") }
        }
        response.body = Array(buffer[..<length])
        buffer.removeFirst(length)
        return response
    }

    /// Sends one request with a Host field, `headers`, and `body` with its Content-Length (none without a body),
    /// then reads its response.
    public func request(
        _ method: String, _ target: String, headers: [(String, String)] = [], body: [UInt8]? = nil
    ) throws -> RawResponse {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if let body { head += "Content-Length: \(body.count)\r\n" }
        try send(Array((head + "\r\n").utf8) + (body ?? []))
        return try readResponse(head: method == "HEAD")
    }
}

/// One request on a fresh connection to 127.0.0.1:`port`.
public func fetch(port: Int, _ path: String, method: String = "GET", headers: [(String, String)] = []) throws
    -> RawResponse
{
    try RawClient(port: port, timeout: 10).request(method, path, headers: headers)
}
