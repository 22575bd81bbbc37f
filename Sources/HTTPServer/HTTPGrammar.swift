/// Byte classes of the HTTP grammar (RFC 9110 §5.6, RFC 9112 §2), as lookup-free comparisons.
enum HTTPGrammar {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let colon: UInt8 = 0x3A

    /// tchar (RFC 9110 §5.6.2): the characters of a token, such as a method or a field name.
    @inline(__always)
    static func isTokenChar(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// field-vchar, SP or HTAB (RFC 9110 §5.5): what a field value may contain. CR, LF, NUL and the other
    /// controls are rejected, since they are what request-smuggling and header-injection attacks use.
    @inline(__always)
    static func isFieldValueChar(_ b: UInt8) -> Bool {
        b == tab || (b >= 0x20 && b != 0x7F)
    }

    /// The characters allowed in a request target: visible ASCII (RFC 3986 plus what clients send unescaped).
    @inline(__always)
    static func isTargetChar(_ b: UInt8) -> Bool { b > 0x20 && b < 0x7F }

    @inline(__always)
    static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    /// The value of a HEXDIG (RFC 5234 §B.1, either case), or nil.
    @inline(__always)
    static func hexValue(_ b: UInt8) -> Int? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(b - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(b - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(b - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    /// Parses `1*DIGIT` (RFC 9110 §8.6) without Swift's `Int(_:)`, which accepts `+5` and `-0`.
    /// Nil for an empty string, any non-digit, or a value that overflows `Int`.
    static func parseDecimal(_ text: some StringProtocol) -> Int? {
        var value = 0
        var sawDigit = false
        for b in text.utf8 {
            guard isDigit(b) else { return nil }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int(b - UInt8(ascii: "0")))
            if o1 || o2 { return nil }
            value = sum
            sawDigit = true
        }
        return sawDigit ? value : nil
    }

    /// Whether `host` is a valid Host field value: `uri-host [ ":" port ]` (RFC 9110 §7.2, RFC 3986 §3.2.2).
    /// Empty is valid (RFC 9112 §3.2: a target without authority).
    static func isValidHost(_ host: String) -> Bool {
        var bytes = Array(host.utf8)[...]
        if bytes.first == UInt8(ascii: "[") {
            guard let close = bytes.firstIndex(of: UInt8(ascii: "]")) else { return false }
            let literal = bytes[bytes.index(after: bytes.startIndex)..<close]
            guard !literal.isEmpty, literal.allSatisfy({ hexValue($0) != nil || $0 == UInt8(ascii: ":")
                || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "v") }) else { return false }
            bytes = bytes[bytes.index(after: close)...]
        } else {
            let end = bytes.firstIndex(of: colon) ?? bytes.endIndex
            guard bytes[..<end].allSatisfy(isRegNameChar) else { return false }
            bytes = bytes[end...]
        }
        guard let first = bytes.first else { return true }
        return first == colon && bytes.dropFirst().allSatisfy(isDigit)
    }

    /// reg-name characters (RFC 3986 §3.2.2): unreserved, pct-encoded and sub-delims.
    private static func isRegNameChar(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "%"),
            UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("),
            UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"),
            UInt8(ascii: "="):
            return true
        default:
            return false
        }
    }
}

/// Validation of the header fields a handler sets, shared by every protocol that sends them (HTTP/1.1 here,
/// HTTP/2 in HTTP2Server), so that a field refused on one is refused on the other.
public enum HTTPFieldValidation {
    /// Whether `name` is a field name: a non-empty token (RFC 9110 §5.1, §5.6.2).
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy(HTTPGrammar.isTokenChar)
    }

    /// Whether `value` is a field value: visible characters, spaces and tabs, no CR, LF, NUL or other control
    /// (RFC 9110 §5.5), which is what header injection needs.
    public static func isValidValue(_ value: String) -> Bool {
        value.utf8.allSatisfy(HTTPGrammar.isFieldValueChar)
    }

    /// A Content-Length value as `1*DIGIT` (RFC 9110 §8.6), the one rule for both protocols; nil for anything
    /// else, including `+5` and `-0`, which Swift's `Int(_:)` accepts.
    public static func contentLength(_ value: some StringProtocol) -> Int? {
        HTTPGrammar.parseDecimal(value)
    }
}
