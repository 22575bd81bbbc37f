import CNGHTTP2
import HTTPServer

/// The header block of a response as HTTP/2 sends it (RFC 9113 §8.3.2): `:status` first, names lowercased,
/// the connection-specific fields HTTP/2 forbids dropped (§8.2.2), and the fields the server owns (`date`,
/// `content-length`) set by the server, as the HTTP/1.1 encoder does.
struct HTTP2ResponseFields {
    /// Why a responder's response cannot be sent as it is (a bug in the application, answered 500).
    struct InvalidResponse: Error, CustomStringConvertible {
        var description: String
    }

    /// Fields that only mean something to one HTTP/1.1 connection, or that the server sets itself.
    static let dropped: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te",
        "content-length", "date",
    ]

    private(set) var fields: [(name: String, value: String)] = []

    /// The fields for `response`; `date` is the current IMF-fixdate. Throws when a field name is not a
    /// token or a value holds a control character (the same rule as HTTP/1.1's, `HTTPFieldValidation`).
    init(_ response: HTTPResponse, date: String) throws(InvalidResponse) {
        fields.reserveCapacity(response.headers.count + 3)
        fields.append((":status", String(response.status.code)))
        fields.append(("date", date))
        for (name, value) in response.headers {
            let lowercased = name.lowercased()
            if Self.dropped.contains(lowercased) { continue }
            guard HTTPFieldValidation.isValidName(name) else {
                throw InvalidResponse(description: "response header name '\(name)' is not a token")
            }
            guard HTTPFieldValidation.isValidValue(value) else {
                throw InvalidResponse(description: "response header '\(name)' has a control character in its value")
            }
            fields.append((lowercased, value))
        }
        if !response.status.forbidsContent {
            fields.append(("content-length", String(response.body.count)))
        }
    }

    /// Calls `body` with the fields as nghttp2 name/value pairs, valid only during the call (nghttp2 copies
    /// them when a response is submitted).
    func withNameValuePairs<T>(_ body: (UnsafeBufferPointer<nghttp2_nv>) -> T) -> T {
        var storage: [UInt8] = []
        var ranges: [(name: Range<Int>, value: Range<Int>)] = []
        for (name, value) in fields {
            let nameStart = storage.count
            storage.append(contentsOf: name.utf8)
            let valueStart = storage.count
            storage.append(contentsOf: value.utf8)
            ranges.append((nameStart..<valueStart, valueStart..<storage.count))
        }
        storage.append(0)  // Never empty, so the base address exists even for empty names and values.
        return storage.withUnsafeMutableBufferPointer { bytes in
            let base = bytes.baseAddress!
            let pairs = ranges.map { range in
                nghttp2_nv(name: base + range.name.lowerBound, value: base + range.value.lowerBound,
                           namelen: range.name.count, valuelen: range.value.count,
                           flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue))
            }
            return pairs.withUnsafeBufferPointer(body)
        }
    }
}
