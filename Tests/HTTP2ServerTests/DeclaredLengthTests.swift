import Testing
import HTTPServer
@testable import HTTP2Server

/// A declared Content-Length is read by the same rule over both protocols (issue 12: HTTP/2 used `Int(_:)`,
/// which accepts `+5`, where HTTP/1.1 reads `1*DIGIT`).
@Suite struct DeclaredLengthTests {
    func stream(contentLength: String) -> HTTP2Stream {
        var limits = HTTPLimits()
        limits.maxBodyBytes = 1000
        var stream = HTTP2Stream(id: 1, startedAt: 0)
        stream.addField(name: "content-length", value: contentLength, limits: limits, maxHeaderListSize: 1 << 16)
        stream.checkDeclaredLength(limits: limits)
        return stream
    }

    @Test func aDeclaredLengthPastTheLimitIsRefusedEarly() {
        #expect(stream(contentLength: "2000").rejection?.status == .contentTooLarge)
        #expect(stream(contentLength: "1000").rejection == nil)
    }

    @Test func onlyDigitsAreALength() {
        #expect(HTTPFieldValidation.contentLength("2000") == 2000)
        for text in ["+5", "-0", "", " 5", "5 ", "0x10", "99999999999999999999999"] {
            #expect(HTTPFieldValidation.contentLength(text) == nil, "\(text)")
        }
    }
}
