/// Serializes responses (RFC 9112 §4, §6): status line, the responder's fields, then the framing fields
/// the server owns (`Date`, `Content-Length`, `Connection`). The body stays a separate buffer so that the
/// connection sends head and body with one vectored write and no copy.
struct ResponseEncoder {
    /// Why a responder's response cannot be sent as it is.
    struct InvalidResponse: Error, CustomStringConvertible {
        var description: String
    }

    let dateCache: DateCache

    /// The head of `response`, ready to write. `sendBody` is false for HEAD and for statuses without content.
    /// Throws when a header or reason phrase the responder set would corrupt the stream (a name that is not
    /// a token, a value or reason with CR, LF or NUL): a bug in the application, answered 500 by the caller.
    func encodeHead(
        _ response: HTTPResponse, requestMethod: String, keepAlive: Bool, clientVersion: HTTPVersion
    ) throws(InvalidResponse) -> (head: [UInt8], sendBody: Bool) {
        guard response.status.reason.utf8.allSatisfy(HTTPGrammar.isFieldValueChar) else {
            throw InvalidResponse(description: "the reason phrase of \(response.status.code) has a control character")
        }
        var head: [UInt8] = []
        head.reserveCapacity(160 + response.headers.count * 48)
        head.append(contentsOf: "HTTP/1.1 ".utf8)
        appendDecimal(response.status.code, to: &head)
        head.append(HTTPGrammar.space)
        head.append(contentsOf: response.status.reason.utf8)
        head.append(contentsOf: "\r\nDate: ".utf8)
        head.append(contentsOf: dateCache.current())
        head.append(contentsOf: "\r\n".utf8)
        for (name, value) in response.headers {
            if name.equalsIgnoringASCIICase("Content-Length") || name.equalsIgnoringASCIICase("Transfer-Encoding")
                || name.equalsIgnoringASCIICase("Connection") || name.equalsIgnoringASCIICase("Date") {
                continue
            }
            guard HTTPFieldValidation.isValidName(name) else {
                throw InvalidResponse(description: "response header name '\(name)' is not a token")
            }
            guard HTTPFieldValidation.isValidValue(value) else {
                throw InvalidResponse(description: "response header '\(name)' has a control character in its value")
            }
            head.append(contentsOf: name.utf8)
            head.append(contentsOf: ": ".utf8)
            head.append(contentsOf: value.utf8)
            head.append(contentsOf: "\r\n".utf8)
        }
        let forbidsContent = response.status.forbidsContent
        if !forbidsContent {
            head.append(contentsOf: "Content-Length: ".utf8)
            appendDecimal(response.body.count, to: &head)
            head.append(contentsOf: "\r\n".utf8)
        }
        if !keepAlive {
            head.append(contentsOf: "Connection: close\r\n".utf8)
        } else if clientVersion == .http1_0 {
            head.append(contentsOf: "Connection: keep-alive\r\n".utf8)
        }
        head.append(contentsOf: "\r\n".utf8)
        return (head, !forbidsContent && requestMethod != "HEAD")
    }

    private func appendDecimal(_ value: Int, to bytes: inout [UInt8]) {
        if value >= 10 { appendDecimal(value / 10, to: &bytes) }
        bytes.append(UInt8(ascii: "0") + UInt8(value % 10))
    }
}
