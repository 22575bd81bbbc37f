import Testing
import HTTPServer
@testable import HTTP2Server

/// How a responder's response becomes an HTTP/2 header block.
@Suite struct ResponseFieldsTests {
    private let date = "Fri, 27 Nov 2026 10:00:00 GMT"

    @Test func statusFirstNamesLowercasedServerFieldsSet() throws {
        let response = HTTPResponse(status: .ok, headers: ["Content-Type": "application/json", "X-Trace": "a"],
                                    body: Array("{}".utf8))
        let fields = try HTTP2ResponseFields(response, date: date).fields
        #expect(fields.map(\.name) == [":status", "date", "content-type", "x-trace", "content-length"])
        #expect(fields.map(\.value) == ["200", date, "application/json", "a", "2"])
    }

    @Test func connectionSpecificAndServerOwnedFieldsAreDropped() throws {
        let response = HTTPResponse(status: .ok, headers: [
            "Connection": "close", "Keep-Alive": "timeout=5", "Transfer-Encoding": "chunked", "Upgrade": "h2c",
            "Proxy-Connection": "x", "TE": "trailers", "Content-Length": "999", "Date": "yesterday",
        ], body: Array("abc".utf8))
        let fields = try HTTP2ResponseFields(response, date: date).fields
        #expect(fields.map(\.name) == [":status", "date", "content-length"])
        #expect(fields.last?.value == "3")
        #expect(fields[1].value == date)
    }

    @Test func noContentLengthWhereTheStatusForbidsContent() throws {
        let fields = try HTTP2ResponseFields(HTTPResponse(status: .noContent), date: date).fields
        #expect(!fields.contains { $0.name == "content-length" })
    }

    @Test func fieldsThatWouldCorruptTheBlockAreRefused() {
        #expect(throws: HTTP2ResponseFields.InvalidResponse.self) {
            try HTTP2ResponseFields(HTTPResponse(status: .ok, headers: ["X-Bad": "a\r\nb"]), date: date)
        }
        #expect(throws: HTTP2ResponseFields.InvalidResponse.self) {
            try HTTP2ResponseFields(HTTPResponse(status: .ok, headers: ["Bad Name": "v"]), date: date)
        }
    }

    @Test func nameValuePairsPointAtTheFields() {
        let fields = try! HTTP2ResponseFields(HTTPResponse(status: .notFound, headers: ["X-Empty": ""]), date: date)
        let decoded = fields.withNameValuePairs { pairs in
            pairs.map { pair in
                (String(decoding: UnsafeBufferPointer(start: pair.name, count: pair.namelen), as: UTF8.self),
                 String(decoding: UnsafeBufferPointer(start: pair.value, count: pair.valuelen), as: UTF8.self))
            }
        }
        #expect(decoded.map(\.0) == [":status", "date", "x-empty", "content-length"])
        #expect(decoded.map(\.1) == ["404", date, "", "0"])
    }
}
