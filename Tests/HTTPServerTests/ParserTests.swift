@testable import HTTPServer
import Testing

/// The request parser fed bytes directly, without sockets.
@Suite struct ParserTests {
    /// Feeds `text` in pieces of `step` bytes and collects the events until more data is needed.
    private func parse(_ text: String, step: Int = .max, limits: HTTPLimits = HTTPLimits()) -> [HTTPRequestParser.Event] {
        var parser = HTTPRequestParser(limits: limits)
        var events: [HTTPRequestParser.Event] = []
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + min(step, bytes.count))
            bytes[offset..<end].withUnsafeBytes { parser.append($0) }
            offset = end
            loop: while true {
                let event = parser.next()
                switch event {
                case .needMoreData: break loop
                case .error: events.append(event); return events
                default: events.append(event)
                }
            }
        }
        return events
    }

    private func requests(_ events: [HTTPRequestParser.Event]) -> [HTTPRequest] {
        events.compactMap { if case .request(let r) = $0 { r } else { nil } }
    }

    private func error(_ events: [HTTPRequestParser.Event]) -> HTTPParseError? {
        events.compactMap { if case .error(let e) = $0 { e } else { nil } }.first
    }

    @Test func simpleGetSplitsPathAndQuery() {
        let r = requests(parse("GET /a/b?x=1&y=2 HTTP/1.1\r\nHost: h\r\nX-A:  v \r\n\r\n"))
        #expect(r.count == 1)
        #expect(r.first?.method == "GET")
        #expect(r.first?.path == "/a/b")
        #expect(r.first?.query == "x=1&y=2")
        #expect(r.first?.headers["x-a"] == "v")  // RFC 9110 §5.5: OWS around the value is not part of it.
        #expect(r.first?.version == .http1_1)
    }

    @Test(arguments: [1, 2, 3, 7, 64])
    func byteByByteFeedingGivesTheSameRequests(step: Int) {
        let text = "POST /e HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhelloPOST /c HTTP/1.1\r\nHost: h\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nTrailer: x\r\n\r\n"
        let r = requests(parse(text, step: step))
        #expect(r.map(\.path) == ["/e", "/c"])
        #expect(r.map { String(decoding: $0.body, as: UTF8.self) } == ["hello", "abcde"])
    }

    @Test func rfc9112_2_2_leadingEmptyLinesAreIgnored() {
        #expect(requests(parse("\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n")).count == 1)
    }

    @Test func rfc9112_7_1_3_trailersAreDiscarded() {
        let r = requests(parse("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: 1\r\n\r\n"))
        #expect(r.first?.headers["X-T"] == nil)
        #expect(r.first?.body == [])
    }

    @Test func rfc9110_8_6_repeatedIdenticalContentLengthIsAccepted() {
        let r = requests(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2, 2\r\nContent-Length: 2\r\n\r\nok"))
        #expect(r.first.map { String(decoding: $0.body, as: UTF8.self) } == "ok")
    }

    @Test(arguments: ["+5", "-1", "0x5", "1 2", "", "5a", "99999999999999999999999"])
    func rfc9110_8_6_contentLengthMustBeDigits(value: String) {
        let e = error(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: \(value)\r\n\r\n"))
        #expect(e?.status == .badRequest)
    }

    @Test(arguments: ["x", "-1", "0x5", "5 5", "ffffffffffffffffff"])
    func rfc9112_7_1_chunkSizeMustBeHexDigitsThatFit(size: String) {
        let e = error(parse("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n\(size)\r\nabcde\r\n0\r\n\r\n"))
        #expect(e?.status == .badRequest)
    }

    @Test func rfc9112_7_1_chunkDataWithoutCRLFIsRejected() {
        let e = error(parse("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n"))
        #expect(e?.status == .badRequest)
    }

    @Test func rfc9110_15_5_14_chunkedBodyOverLimitIs413WhileReading() {
        let limits = HTTPLimits(maxBodyBytes: 4)
        let events = parse("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\n", limits: limits)
        #expect(error(events)?.status == .contentTooLarge)
    }

    @Test func rfc9110_15_5_14_contentLengthOverLimitIs413BeforeTheBody() {
        let events = parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n", limits: HTTPLimits(maxBodyBytes: 4))
        #expect(error(events)?.status == .contentTooLarge)
    }

    @Test func rfc9110_15_5_15_longTargetIs414EvenBeforeTheLineEnds() {
        let limits = HTTPLimits(maxRequestTargetLength: 16)
        #expect(error(parse("GET /" + String(repeating: "a", count: 40), limits: limits))?.status == .uriTooLong)
        #expect(error(parse("GET /" + String(repeating: "a", count: 20) + " HTTP/1.1\r\nHost: h\r\n\r\n",
                            limits: limits))?.status == .uriTooLong)
    }

    @Test func rfc6585_5_largeHeaderSectionIs431EvenBeforeItEnds() {
        let limits = HTTPLimits(maxHeaderSectionBytes: 64)
        let text = "GET / HTTP/1.1\r\nHost: h\r\nX: " + String(repeating: "v", count: 100)
        #expect(error(parse(text, limits: limits))?.status == .requestHeaderFieldsTooLarge)
        let many = "GET / HTTP/1.1\r\nHost: h\r\n" + String(repeating: "A: b\r\n", count: 5) + "\r\n"
        #expect(error(parse(many, limits: HTTPLimits(maxHeaderCount: 4)))?.status == .requestHeaderFieldsTooLarge)
    }

    @Test func afterAnErrorTheParserStaysFailed() {
        var parser = HTTPRequestParser(limits: HTTPLimits())
        Array("GET / HTTP/1.1\r\nHost : h\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8).withUnsafeBytes { parser.append($0) }
        guard case .error = parser.next() else { Issue.record("expected an error"); return }
        guard case .error = parser.next() else { Issue.record("expected the error again"); return }
    }

    @Test func headIsReportedBeforeTheBodyWithContinueExpectation() {
        let events = parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n")
        guard case .head(let head)? = events.first else { Issue.record("no head"); return }
        #expect(head.expectsContinue)
        #expect(requests(events).isEmpty)
    }

    private func reported(_ events: [HTTPRequestParser.Event]) -> [Int] {
        events.compactMap { if case .bodyData(let count) = $0 { count } else { nil } }
    }

    /// A large Content-Length body read in socket-sized pieces goes straight into the body (not through the
    /// parser's buffer): every byte arrives in order, each read is reported as it comes, and the pipelined request
    /// sharing the last read is parsed after it.
    @Test(arguments: [1000, 32 * 1024, 65_537])
    func largeBodyArrivesWholeAcrossReads(step: Int) {
        let body = (0..<200_003).map { UInt8(ascii: "a") + UInt8(($0 &* 7 &+ $0 >> 9) % 26) }
        let text = "POST /big HTTP/1.1\r\nHost: h\r\nContent-Length: \(body.count)\r\n\r\n"
            + String(decoding: body, as: UTF8.self) + "GET /next HTTP/1.1\r\nHost: h\r\n\r\n"
        let events = parse(text, step: step)
        let received = requests(events)
        #expect(received.map(\.path) == ["/big", "/next"])
        #expect(received.first?.body.elementsEqual(body) == true, "the body's bytes differ")
        #expect(reported(events).reduce(0, +) == body.count)
        #expect(reported(events).allSatisfy { $0 <= step })
    }

    @Test func chunkedBodyBytesAreReportedAsTheyArriveNotAsDeclared() {
        let events = parse("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\na;x=y\r\n0123456789\r\n0\r\n\r\n")
        #expect(reported(events).reduce(0, +) == 13)
        #expect(requests(events).first?.body == Array("abc0123456789".utf8))
        // A chunk declared as 0x10000 bytes with 2 of them sent is charged 2 bytes.
        let declared = parse("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n10000\r\nab")
        #expect(reported(declared) == [2])
        // Fed byte by byte, each data byte is reported once, none before it arrives.
        let slow = parse("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", step: 1)
        #expect(reported(slow) == [1, 1, 1])
    }

    @Test func contentLengthBodyBytesAreReportedAsTheyArriveNotAsDeclared() {
        let declared = parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1048576\r\n\r\nx")
        #expect(reported(declared) == [1])
        #expect(requests(declared).isEmpty)
        let whole = parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhelloGET / HTTP/1.1\r\nHost: h\r\n\r\n", step: 3)
        #expect(reported(whole).reduce(0, +) == 5)
        #expect(requests(whole).map(\.body) == [Array("hello".utf8), []])
        // The declared length is still checked before any byte: an early 413.
        let tooLarge = parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2000\r\n\r\n", limits: HTTPLimits(maxBodyBytes: 1000))
        #expect(error(tooLarge)?.status == .contentTooLarge)
    }

    @Test(arguments: [("http://h/a/b?x=1", "/a/b", "x=1"), ("https://h:1", "/", nil), ("HTTP://h?q", "/", "q"),
                      ("/a?b?c", "/a", "b?c"), ("*", "*", nil)] as [(String, String, String?)])
    func rfc9112_3_2_pathAndQueryOfEachTargetForm(_ target: String, _ path: String, _ query: String?) {
        let request = HTTPRequest(method: "GET", target: target)
        #expect(request.path == path)
        #expect(request.query == query)
        #expect(request.target == target)
    }

    @Test func rfc9112_3_2_4_asteriskFormIsForOptionsOnly() {
        #expect(requests(parse("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n")).first?.path == "*")
        #expect(error(parse("GET * HTTP/1.1\r\nHost: h\r\n\r\n"))?.status == .badRequest)
    }

    @Test func keepAliveFollowsVersionAndConnection() {
        func keepAlive(_ text: String) -> Bool? {
            if case .head(let h)? = parse(text).first { h.keepAlive } else { nil }
        }
        #expect(keepAlive("GET / HTTP/1.1\r\nHost: h\r\n\r\n") == true)
        #expect(keepAlive("GET / HTTP/1.1\r\nHost: h\r\nConnection: foo, Close\r\n\r\n") == false)
        #expect(keepAlive("GET / HTTP/1.0\r\n\r\n") == false)
        #expect(keepAlive("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n") == true)
    }
}
