/// Turning untrusted text (labels come from user expressions) into safe XML character data.
enum XMLText {
    /// Escapes `&`, `<`, `>`, `"` and `'`, and replaces every character XML 1.0 forbids (C0 controls other than tab,
    /// line feed and carriage return; U+FFFE and U+FFFF) with U+FFFD, so the result is valid both as element text
    /// and inside a double- or single-quoted attribute.
    static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            // Tab, line feed and carriage return are legal XML but would be normalised away in attributes;
            // a label is one line, so they become spaces.
            case "\t", "\n", "\r": out += " "
            default:
                if isAllowedInXML(scalar) {
                    out.unicodeScalars.append(scalar)
                } else {
                    out += "\u{FFFD}"
                }
            }
        }
        return out
    }

    /// XML 1.0 `Char` production, minus the three whitespace controls handled by the caller.
    /// Swift strings cannot hold lone surrogates, so only the C0 range and the two non-characters remain to exclude.
    private static func isAllowedInXML(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x20 { return false }
        if value == 0xFFFE || value == 0xFFFF { return false }
        return true
    }

    /// Shortens `text` to at most `limit` characters, ending with "…" when it was cut.
    /// Used to bound the size of repeated labels and to keep them inside the layout.
    static func truncated(_ text: String, to limit: Int) -> String {
        precondition(limit >= 1, "a truncation limit must leave room for the ellipsis")
        guard text.count > limit else { return text }
        return String(text.prefix(limit - 1)) + "…"
    }

    /// Estimated rendered width in pixels of `text` in a sans-serif font of `fontSize` pixels.
    /// 0.6 em per character over-estimates most proportional glyphs, which errs on the side of no overlap.
    static func estimatedWidth(_ text: String, fontSize: Double) -> Double {
        Double(text.count) * fontSize * 0.6
    }
}
