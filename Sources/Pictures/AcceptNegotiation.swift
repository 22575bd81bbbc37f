/// Proactive content negotiation on the `Accept` request header (RFC 9110 §12.5.1).
///
/// The header is a comma-separated list of media ranges (`type/subtype`, `type/*` or `*/*`), each with optional
/// parameters and an optional weight `q` from 0 to 1 (default 1). For each representation the server can send,
/// the most specific range that matches it decides its weight (`image/svg+xml` overrides `image/*`, which overrides
/// `*/*`); weight 0 means "not acceptable". The representation with the highest weight wins, ties going to the
/// server's order of preference.
///
/// Leniency, chosen so that a sloppy client still gets an answer:
/// - a missing, empty or entirely unparsable header accepts anything, so the server's first choice is returned;
/// - a malformed element (`foo`, `*/json`, `q=2`, `q=abc`) is skipped, the others still count;
/// - parameters other than `q` (`charset=utf-8`) are accepted and ignored: the service's representations have
///   no parameters that would tell variants apart (JSON and SVG are always UTF-8);
/// - names are compared case-insensitively; when equally specific ranges repeat, the highest weight counts.
///
/// Work is linear in the header length, and at most `maxRanges` elements are considered.
public enum MediaNegotiation {
    /// Elements past this many are ignored: real clients send fewer than 20, and the cap bounds the work on a
    /// hostile header.
    public static let maxRanges = 1_000

    /// The member of `available` the client prefers, or nil when it accepts none of them (answer 406).
    ///
    /// - Parameters:
    ///   - accept: the `Accept` header value (several header lines joined with ", "), or nil when absent.
    ///   - available: the media types the server can produce, most preferred first, e.g.
    ///     `["application/json", "image/svg+xml"]` so that `*/*` gives JSON.
    public static func preferred(accept: String?, available: [String]) -> String? {
        guard let first = available.first else { return nil }
        // No header, or curl's default `*/*`: every type is equally welcome, so the first. This is most requests,
        // and it saves parsing on each.
        guard let accept, accept != "*/*" else { return first }
        let ranges = parse(accept)
        guard !ranges.isEmpty else { return first }
        var best: (type: String, weight: Int)?
        for candidate in available {
            let weight = weight(of: candidate, under: ranges)
            if weight > 0, weight > (best?.weight ?? 0) {
                best = (candidate, weight)
            }
        }
        return best?.type
    }

    /// One parsed element of the header; `weight` in thousandths (q=0.5 is 500) so comparisons are exact.
    struct MediaRange: Equatable {
        var type: String
        var subtype: String
        var weight: Int

        /// 2 for `type/subtype`, 1 for `type/*`, 0 for `*/*`.
        var specificity: Int { type == "*" ? 0 : subtype == "*" ? 1 : 2 }

        func matches(type otherType: String, subtype otherSubtype: String) -> Bool {
            (type == "*" || type == otherType) && (subtype == "*" || subtype == otherSubtype)
        }
    }

    /// Weight (thousandths) the ranges give `mediaType`: that of its most specific matching range, 0 if none.
    static func weight(of mediaType: String, under ranges: [MediaRange]) -> Int {
        // The server's own types go through the same parser, which lower-cases them and drops parameters.
        guard let own = parse(mediaType).first, own.specificity == 2 else { return 0 }
        var best: (specificity: Int, weight: Int)?
        for range in ranges where range.matches(type: own.type, subtype: own.subtype) {
            let specificity = range.specificity
            if let current = best, current.specificity > specificity { continue }
            if let current = best, current.specificity == specificity {
                best = (specificity, max(current.weight, range.weight))
            } else {
                best = (specificity, range.weight)
            }
        }
        return best?.weight ?? 0
    }

    /// The well-formed elements of an Accept header, in order, at most `maxRanges`.
    static func parse(_ header: String) -> [MediaRange] {
        var ranges: [MediaRange] = []
        for element in HeaderSplitter.split(Array(header.utf8), on: UInt8(ascii: ","), limit: maxRanges) {
            if let range = parseElement(element) { ranges.append(range) }
        }
        return ranges
    }

    /// `type/subtype *( OWS ";" OWS name=value )`, or nil when malformed.
    private static func parseElement(_ element: ArraySlice<UInt8>) -> MediaRange? {
        let pieces = HeaderSplitter.split(element, on: UInt8(ascii: ";"), limit: 64)
        guard let head = pieces.first else { return nil }
        let name = HeaderSplitter.trimmed(head)
        guard let slash = name.firstIndex(of: UInt8(ascii: "/")) else { return nil }
        let type = name[name.startIndex..<slash], subtype = name[(slash + 1)...]
        guard HeaderSplitter.isToken(type), HeaderSplitter.isToken(subtype) else { return nil }
        let typeText = HeaderSplitter.lowercased(type), subtypeText = HeaderSplitter.lowercased(subtype)
        // `*/json` is not a media range.
        if typeText == "*" && subtypeText != "*" { return nil }
        var weight = 1000
        for parameter in pieces.dropFirst() {
            let trimmed = HeaderSplitter.trimmed(parameter)
            if trimmed.isEmpty { continue }
            guard let equals = trimmed.firstIndex(of: UInt8(ascii: "=")) else { return nil }
            let key = HeaderSplitter.trimmed(trimmed[trimmed.startIndex..<equals])
            guard HeaderSplitter.isToken(key) else { return nil }
            if HeaderSplitter.lowercased(key) == "q" {
                guard let parsed = parseWeight(HeaderSplitter.trimmed(trimmed[(equals + 1)...])) else { return nil }
                weight = parsed
            }
        }
        return MediaRange(type: typeText, subtype: subtypeText, weight: weight)
    }

    /// `qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )`, in thousandths.
    static func parseWeight(_ text: ArraySlice<UInt8>) -> Int? {
        let bytes = Array(text)
        guard let lead = bytes.first, lead == UInt8(ascii: "0") || lead == UInt8(ascii: "1") else { return nil }
        var value = Int(lead - UInt8(ascii: "0")) * 1000
        guard bytes.count > 1 else { return value }
        guard bytes[1] == UInt8(ascii: "."), bytes.count <= 5 else { return nil }
        var scale = 100
        for digit in bytes.dropFirst(2) {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) else { return nil }
            value += Int(digit - UInt8(ascii: "0")) * scale
            scale /= 10
        }
        return value <= 1000 ? value : nil
    }
}
