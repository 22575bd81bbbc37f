import Testing
@testable import Pictures

@Suite struct AcceptNegotiationTests {
    /// What the API offers, JSON first so that `*/*` gives JSON.
    static let offered = ["application/json", "image/svg+xml"]
    static let json = "application/json"
    static let svg = "image/svg+xml"

    @Test(arguments: [
        // (Accept header, expected choice; nil means 406)
        (nil, json),
        ("", json),
        ("   ", json),
        ("image/svg+xml", svg),
        ("application/json", json),
        ("*/*", json),
        ("image/*", svg),
        ("application/*", json),
        ("text/html", nil),
        ("text/html, */*;q=0.1", json),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8", json),
        ("image/svg+xml;q=0.9, application/json;q=0.8", svg),
        ("application/json;q=0.5, image/svg+xml", svg),
        ("application/json, image/svg+xml", json),
        ("image/svg+xml, application/json", json),
        ("*/*;q=0.5, image/svg+xml", svg),
        ("image/svg+xml;q=0, */*", json),
        ("application/json;q=0, */*", svg),
        ("*/*, application/json;q=0", svg),
        ("application/json;q=0, image/svg+xml;q=0", nil),
        ("*/*;q=0", nil),
        ("image/*;q=0.2, image/svg+xml;q=0", nil),
        ("image/*;q=0, image/svg+xml;q=0.3", svg),
        ("IMAGE/SVG+XML", svg),
        ("Image/Svg+Xml; Q=0.7, application/json; q=0.6", svg),
        ("image/svg+xml; charset=utf-8", svg),
        ("application/json;charset=\"utf-8, really\";q=0.4, image/svg+xml;q=0.3", json),
        ("image/svg+xml;q=1.000", svg),
        ("image/svg+xml;q=0.001", svg),
        ("image/svg+xml ; q = 0.5 ", svg),
        // Malformed elements are skipped; the rest still count.
        ("garbage, image/svg+xml", svg),
        ("image/svg+xml;q=2, application/json;q=0.1", json),
        ("image/svg+xml;q=abc", json),
        ("image/svg+xml;q=0.5000", json),
        ("image/svg+xml;q=1.5", json),
        ("*/json, image/svg+xml;q=0.5", svg),
        ("image/svg+xml;level", json),
        ("/, ;;, ,,, image/", json),
        ("application/json;q=0,\u{00}\u{FF}ünïcödé/ßvg", nil),
    ] as [(String?, String?)])
    func choosesTheRepresentation(accept: String?, expected: String?) {
        #expect(MediaNegotiation.preferred(accept: accept, available: Self.offered) == expected)
    }

    @Test func serverPreferenceBreaksTies() {
        #expect(MediaNegotiation.preferred(accept: "*/*", available: [Self.svg, Self.json]) == Self.svg)
        #expect(MediaNegotiation.preferred(accept: "*/*", available: []) == nil)
    }

    @Test func weightsAreExactThousandths() {
        #expect(MediaNegotiation.parseWeight(Array("0.125".utf8)[...]) == 125)
        #expect(MediaNegotiation.parseWeight(Array("1".utf8)[...]) == 1000)
        #expect(MediaNegotiation.parseWeight(Array("0.".utf8)[...]) == 0)
        #expect(MediaNegotiation.parseWeight(Array("1.001".utf8)[...]) == nil)
        #expect(MediaNegotiation.parseWeight(Array(".5".utf8)[...]) == nil)
        #expect(MediaNegotiation.parseWeight(Array("".utf8)[...]) == nil)
    }

    @Test func quotedCommasDoNotSplitElements() {
        let ranges = MediaNegotiation.parse("a/b;x=\"1,2\\\",3\";q=0.5, c/d")
        #expect(ranges == [.init(type: "a", subtype: "b", weight: 500), .init(type: "c", subtype: "d", weight: 1000)])
    }

    @Test func hugeHostileHeadersAreBounded() {
        let repeated = String(repeating: "text/html;q=0.1, ", count: 6_000) + "image/svg+xml"
        #expect(repeated.utf8.count > 100_000)
        // The SVG range is past the element cap: only text/html counts, which is not offered.
        #expect(MediaNegotiation.parse(repeated).count == MediaNegotiation.maxRanges)
        #expect(MediaNegotiation.preferred(accept: repeated, available: Self.offered) == nil)
        let unterminatedQuote = "image/svg+xml;a=\"" + String(repeating: "x,", count: 60_000)
        #expect(MediaNegotiation.preferred(accept: unterminatedQuote, available: Self.offered) == Self.svg)
        let noise = String(repeating: ";=\"\\,", count: 30_000)
        _ = MediaNegotiation.preferred(accept: noise, available: Self.offered)
    }
}
