/// Byte-level helpers for HTTP list headers (RFC 9110 §5.6): splitting outside quoted strings, trimming
/// optional whitespace, checking tokens.
enum HeaderSplitter {
    /// Splits `bytes` on `separator` where it is not inside a quoted string (a backslash escapes the next byte
    /// there), returning at most `limit` pieces; the rest of the input is dropped. Linear in the input.
    static func split(_ bytes: ArraySlice<UInt8>, on separator: UInt8, limit: Int) -> [ArraySlice<UInt8>] {
        var pieces: [ArraySlice<UInt8>] = []
        var start = bytes.startIndex
        var quoted = false
        var escaped = false
        var index = bytes.startIndex
        while index < bytes.endIndex, pieces.count < limit {
            let byte = bytes[index]
            if escaped {
                escaped = false
            } else if quoted && byte == UInt8(ascii: "\\") {
                escaped = true
            } else if byte == UInt8(ascii: "\"") {
                quoted.toggle()
            } else if !quoted && byte == separator {
                pieces.append(bytes[start..<index])
                start = index + 1
            }
            index += 1
        }
        if pieces.count < limit, start <= bytes.endIndex, index == bytes.endIndex {
            pieces.append(bytes[start..<bytes.endIndex])
        }
        return pieces
    }

    static func split(_ bytes: [UInt8], on separator: UInt8, limit: Int) -> [ArraySlice<UInt8>] {
        split(bytes[...], on: separator, limit: limit)
    }

    /// Without leading and trailing spaces and tabs (OWS).
    static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, first == 0x20 || first == 0x09 { slice = slice.dropFirst() }
        while let last = slice.last, last == 0x20 || last == 0x09 { slice = slice.dropLast() }
        return slice
    }

    /// `token = 1*tchar`, tchar being letters, digits and ``!#$%&'*+-.^_`|~``.
    static func isToken(_ bytes: ArraySlice<UInt8>) -> Bool {
        !bytes.isEmpty && bytes.allSatisfy(isTokenCharacter)
    }

    private static let tokenPunctuation = Array("!#$%&'*+-.^_`|~".utf8)

    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            tokenPunctuation.contains(byte)
        }
    }

    /// ASCII lower-casing of a token (tokens are ASCII, checked before).
    static func lowercased(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)
    }
}
