import Foundation

/// Builds an HTML document as text. Every text node and attribute value goes through `escaped`, so text taken
/// from a document (a description, an example) is always text, never markup.
struct HTMLWriter {
    private(set) var html = ""

    /// `&`, `<`, `>`, `"` and `'` as character references: safe in text and in quoted attribute values.
    static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }

    /// Markup the caller wrote itself (a doctype, fixed tags); never text from a document.
    mutating func raw(_ markup: String) {
        html += markup
    }

    mutating func open(_ tag: String, _ attributes: KeyValuePairs<String, String> = [:]) {
        html += "<" + tag
        for (name, value) in attributes { html += " " + name + "=\"" + Self.escaped(value) + "\"" }
        html += ">"
    }

    mutating func close(_ tag: String) {
        html += "</" + tag + ">"
    }

    mutating func text(_ text: String) {
        html += Self.escaped(text)
    }

    /// `<tag ...>text</tag>`.
    mutating func element(_ tag: String, _ attributes: KeyValuePairs<String, String> = [:], text: String) {
        open(tag, attributes)
        self.text(text)
        close(tag)
    }

    /// A table inside a box that scrolls sideways when the table is wider than the screen (a phone).
    mutating func openTable() {
        html += "<div class=\"table-scroll\"><table>"
    }

    mutating func closeTable() {
        html += "</table></div>"
    }

    /// A few inline marks of the descriptions (`code` and **bold**), the rest as text; paragraphs are separated
    /// by empty lines. Enough for openapi.yaml's prose; anything else stays as typed.
    mutating func prose(_ text: String) {
        let paragraphs = text.split(separator: "\n\n", omittingEmptySubsequences: true)
        for paragraph in paragraphs {
            let line = paragraph.split(separator: "\n").map { $0.trimmedSpaces() }.joined(separator: " ")
            guard !line.isEmpty else { continue }
            open("p")
            inline(line)
            close("p")
        }
    }

    /// One paragraph's inline marks.
    mutating func inline(_ text: String) {
        var rest = Substring(text)
        while !rest.isEmpty {
            if rest.hasPrefix("`"), let end = rest.dropFirst().firstIndex(of: "`") {
                element("code", text: String(rest[rest.index(after: rest.startIndex)..<end]))
                rest = rest[rest.index(after: end)...]
            } else if rest.hasPrefix("**"), let end = rest.dropFirst(2).range(of: "**") {
                element("strong", text: String(rest[rest.index(rest.startIndex, offsetBy: 2)..<end.lowerBound]))
                rest = rest[end.upperBound...]
            } else {
                let next = rest.dropFirst().firstIndex { $0 == "`" || $0 == "*" } ?? rest.endIndex
                self.text(String(rest[..<next]))
                rest = rest[next...]
            }
        }
    }
}

extension Substring {
    /// Without leading and trailing spaces.
    fileprivate func trimmedSpaces() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
