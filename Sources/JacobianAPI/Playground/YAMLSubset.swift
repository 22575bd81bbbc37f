/// A node of a YAML document, as far as `YAMLSubset` reads YAML.
enum YAMLNode: Equatable, Sendable {
    /// A scalar's text. `plain` when it was written unquoted, so that `0.5`, `true` or `null` may be read as a
    /// number, a boolean or null (YAML 1.2's core schema); a quoted scalar is always a string.
    case scalar(String, plain: Bool)
    case sequence([YAMLNode])
    /// Entries in document order (OpenAPI's order is the order a reader expects: paths, responses by status).
    case mapping([YAMLEntry])

    /// The empty plain scalar, YAML's null (`key:` with nothing after it).
    static let null = YAMLNode.scalar("", plain: true)

    /// The value of `key` in a mapping; nil for other nodes and missing keys.
    subscript(key: String) -> YAMLNode? {
        guard case .mapping(let entries) = self else { return nil }
        return entries.first { $0.key == key }?.value
    }

    /// The text of a scalar; nil for collections.
    var text: String? {
        if case .scalar(let text, _) = self { return text }
        return nil
    }

    /// The items of a sequence; empty for other nodes.
    var items: [YAMLNode] {
        if case .sequence(let items) = self { return items }
        return []
    }

    /// The entries of a mapping; empty for other nodes.
    var entries: [YAMLEntry] {
        if case .mapping(let entries) = self { return entries }
        return []
    }
}

/// One `key: value` of a mapping.
struct YAMLEntry: Equatable, Sendable {
    var key: String
    var value: YAMLNode
}

/// Why a document is outside the subset, with its 1-based line.
struct YAMLSubsetError: Error, Equatable, CustomStringConvertible {
    var line: Int
    var message: String
    var description: String { "line \(line): \(message)" }
}

/// Reads the part of YAML 1.2 that hand-written OpenAPI documents use, and nothing more: block mappings and
/// sequences (compact `- key: value` items too), flow collections `[a, b]` and `{a: 1}` over several lines,
/// plain, single- and double-quoted scalars (folded over lines), literal `|` and folded `>` block scalars with
/// chomping and indentation indicators, and comments. Anchors, aliases, tags, directives, complex keys and several
/// documents are refused with a `YAMLSubsetError` rather than misread.
///
/// It exists so that the server can render its own openapi.yaml as a page (`/docs`) without a YAML dependency;
/// it is not a general YAML parser and is never given a client's input.
struct YAMLSubset {
    private let bytes: [UInt8]
    private var index = 0
    private var depth = 0
    /// Deeper nesting than this is refused: the recursion would otherwise follow the document's depth.
    static let maxDepth = 64

    /// Parses `text` into one node.
    static func parse(_ text: String) throws(YAMLSubsetError) -> YAMLNode {
        var parser = YAMLSubset(bytes: Array(text.utf8))
        return try parser.document()
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    // MARK: Block structure. Block-level functions start at the beginning of a line.

    private mutating func document() throws(YAMLSubsetError) -> YAMLNode {
        if let indent = nextContentLine(), indent == 0, starts(with: "---") { skipLine() }
        if let indent = nextContentLine(), indent == 0, starts(with: "%") { throw failure("directives are not supported") }
        let node = try block(minIndent: 0, sequenceIndent: nil)
        if nextContentLine() != nil { throw failure("unexpected content after the document's top-level node") }
        return node
    }

    /// The node on the next content line if it is indented at least `minIndent` (or is a `- ` entry at
    /// `sequenceIndent`, as YAML allows for a mapping's value); null otherwise.
    private mutating func block(minIndent: Int, sequenceIndent: Int?) throws(YAMLSubsetError) -> YAMLNode {
        guard let indent = nextContentLine() else { return .null }
        let entryAtParent = indent == sequenceIndent && isSequenceEntry(at: index + indent)
        guard indent >= minIndent || entryAtParent else { return .null }
        index += indent
        try enter()
        defer { depth -= 1 }
        if isSequenceEntry(at: index) { return try sequence(indent: indent) }
        if hasMappingKey(at: index) { return try mapping(indent: indent) }
        return try inlineValue(parentIndent: minIndent - 1)
    }

    /// A block mapping whose keys sit at column `indent`; starts at its first key (possibly mid-line after `- `).
    private mutating func mapping(indent: Int) throws(YAMLSubsetError) -> YAMLNode {
        var entries: [YAMLEntry] = []
        while true {
            let key = try mappingKey()
            if entries.contains(where: { $0.key == key }) { throw failure("duplicate key '\(key)'") }
            let value = try value(parentIndent: indent, sequenceAllowedAtParent: true)
            entries.append(YAMLEntry(key: key, value: value))
            guard let next = nextContentLine() else { break }
            if next > indent { throw failure("unexpected indentation (\(next) spaces; keys of this mapping have \(indent))") }
            if next < indent || isSequenceEntry(at: index + next) { break }
            index += next
            guard hasMappingKey(at: index) else { throw failure("expected 'key: value'") }
        }
        return .mapping(entries)
    }

    /// A block sequence whose `-` sit at column `indent`; starts at its first `-`.
    private mutating func sequence(indent: Int) throws(YAMLSubsetError) -> YAMLNode {
        var items: [YAMLNode] = []
        while true {
            index += 1  // the "-"
            skipSpaces()
            let column = self.column(of: index)
            if atLineEnd() {
                skipLine()
                items.append(try block(minIndent: indent + 1, sequenceIndent: nil))
            } else if isSequenceEntry(at: index) {
                try enter()
                items.append(try sequence(indent: column))
                depth -= 1
            } else if hasMappingKey(at: index) {
                try enter()
                items.append(try mapping(indent: column))
                depth -= 1
            } else {
                items.append(try value(parentIndent: indent, sequenceAllowedAtParent: false))
            }
            guard let next = nextContentLine() else { break }
            if next > indent { throw failure("unexpected indentation (\(next) spaces; items of this sequence have \(indent))") }
            guard next == indent, isSequenceEntry(at: index + next) else { break }
            index += next
        }
        return .sequence(items)
    }

    /// The value after `key:` or `- `, on this line or the following ones. Leaves the index at a line start.
    private mutating func value(parentIndent: Int, sequenceAllowedAtParent: Bool) throws(YAMLSubsetError) -> YAMLNode {
        skipSpaces()
        if atLineEnd() {
            skipLine()
            return try block(minIndent: parentIndent + 1, sequenceIndent: sequenceAllowedAtParent ? parentIndent : nil)
        }
        switch bytes[index] {
        case UInt8(ascii: "|"), UInt8(ascii: ">"): return try blockScalar(parentIndent: parentIndent)
        default: return try inlineValue(parentIndent: parentIndent)
        }
    }

    /// A flow collection, a quoted scalar or a plain scalar starting at the index, continuing on lines indented
    /// more than `parentIndent`. Leaves the index at a line start.
    private mutating func inlineValue(parentIndent: Int) throws(YAMLSubsetError) -> YAMLNode {
        let node: YAMLNode
        switch bytes[index] {
        case UInt8(ascii: "["), UInt8(ascii: "{"): node = try flowCollection()
        case UInt8(ascii: "\""), UInt8(ascii: "'"): node = .scalar(try quoted(), plain: false)
        case UInt8(ascii: "&"), UInt8(ascii: "*"), UInt8(ascii: "!"):
            throw failure("anchors, aliases and tags are not supported")
        case UInt8(ascii: "?") where index + 1 == bytes.count || [UInt8(ascii: " "), UInt8(ascii: "\n")].contains(bytes[index + 1]):
            throw failure("complex keys are not supported")
        default: return .scalar(try plainBlockScalar(parentIndent: parentIndent), plain: true)
        }
        skipSpaces()
        guard atLineEnd() else { throw failure("unexpected text after a value") }
        skipLine()
        return node
    }

    /// A plain scalar in block context: the rest of the line, then each following line indented more than
    /// `parentIndent`, folded (one line break is a space, n empty lines are n line breaks).
    private mutating func plainBlockScalar(parentIndent: Int) throws(YAMLSubsetError) -> String {
        var text = try plainLine()
        while true {
            let mark = index
            var breaks = 0
            var indent: Int?
            while index < bytes.count {
                let spaces = countSpaces(at: index)
                let end = index + spaces
                if end >= bytes.count || bytes[end] == UInt8(ascii: "\n") {
                    breaks += 1
                    index = min(end + 1, bytes.count)
                    continue
                }
                indent = spaces
                break
            }
            guard let indent, indent > parentIndent, bytes[index + indent] != UInt8(ascii: "#") else {
                index = mark
                return text
            }
            index += indent
            text += breaks == 0 ? " " : String(repeating: "\n", count: breaks)
            text += try plainLine()
        }
    }

    /// One line of a plain scalar. `: ` cannot occur in one (YAML would read a mapping there), so a line with
    /// it is refused rather than read as text: quoting the scalar is the fix.
    private mutating func plainLine() throws(YAMLSubsetError) -> String {
        let line = restOfLine()
        if line.contains(": ") || line.hasSuffix(":") {
            throw failure("a plain scalar may not contain ': '; quote it")
        }
        skipLine()
        return line
    }

    /// `|` or `>` with optional chomping (`-`, `+`) and indentation (1-9) indicators, then its lines.
    private mutating func blockScalar(parentIndent: Int) throws(YAMLSubsetError) -> YAMLNode {
        let folded = bytes[index] == UInt8(ascii: ">")
        index += 1
        var chomping = UInt8(ascii: " ")
        var explicitIndent: Int?
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") {
                chomping = byte
            } else if (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(byte) {
                explicitIndent = Int(byte - UInt8(ascii: "0"))
            } else {
                break
            }
            index += 1
        }
        skipSpaces()
        guard atLineEnd() else { throw failure("unexpected text after a block scalar indicator") }
        skipLine()

        var lines: [String] = []
        var contentIndent = explicitIndent.map { max(parentIndent, 0) + $0 }
        while index < bytes.count {
            let spaces = countSpaces(at: index)
            let end = index + spaces
            let blank = end >= bytes.count || bytes[end] == UInt8(ascii: "\n")
            if blank {
                lines.append("")
                index = min(end + 1, bytes.count)
                continue
            }
            if contentIndent == nil {
                guard spaces > parentIndent else { break }
                contentIndent = spaces
            }
            guard let contentIndent, spaces >= contentIndent else { break }
            index += contentIndent
            lines.append(restOfLine(stoppingAtComment: false))
            skipLine()
        }
        // Blank lines that were read past the end belong to the chomping, not to the content.
        var trailing = 0
        while let last = lines.last, last.isEmpty {
            trailing += 1
            lines.removeLast()
        }
        var text = folded ? Self.fold(lines) : lines.joined(separator: "\n")
        switch chomping {
        case UInt8(ascii: "-"): break
        case UInt8(ascii: "+"): text += String(repeating: "\n", count: (lines.isEmpty ? 0 : 1) + trailing)
        default: if !lines.isEmpty { text += "\n" }
        }
        return .scalar(text, plain: false)
    }

    /// Folding of `>` scalars: a break between two ordinary lines is a space, n empty lines are n breaks, and
    /// lines indented further than the first keep their breaks.
    private static func fold(_ lines: [String]) -> String {
        var text = ""
        var previous: String?
        var blanks = 0
        for line in lines {
            if line.isEmpty {
                blanks += 1
                continue
            }
            if let previous {
                let literal = line.first == " " || previous.first == " "
                text += blanks == 0 ? (literal ? "\n" : " ") : String(repeating: "\n", count: literal ? blanks + 1 : blanks)
            } else {
                text += String(repeating: "\n", count: blanks)
            }
            text += line
            previous = line
            blanks = 0
        }
        return text
    }

    // MARK: Keys and quoted scalars

    /// A mapping key and its `:`; the index is left after the colon.
    private mutating func mappingKey() throws(YAMLSubsetError) -> String {
        if bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") {
            let key = try quoted()
            skipSpaces()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw failure("expected ':' after a key") }
            index += 1
            return key
        }
        if bytes[index] == UInt8(ascii: "?") { throw failure("complex keys are not supported") }
        let start = index
        while index < bytes.count, !isMappingColon(at: index) { index += 1 }
        let key = Self.trimmed(bytes[start..<index])
        index += 1
        return key
    }

    /// A single- or double-quoted scalar, which may be folded over several lines.
    private mutating func quoted() throws(YAMLSubsetError) -> String {
        let quote = bytes[index]
        let startLine = line(of: index)
        index += 1
        var text: [UInt8] = []
        while true {
            guard index < bytes.count else {
                throw YAMLSubsetError(line: startLine, message: "a quoted scalar is not closed")
            }
            let byte = bytes[index]
            if byte == quote {
                if quote == UInt8(ascii: "'"), index + 1 < bytes.count, bytes[index + 1] == quote {
                    text.append(quote)
                    index += 2
                    continue
                }
                index += 1
                return String(decoding: text, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\n") {
                foldQuotedBreak(into: &text)
                continue
            }
            if quote == UInt8(ascii: "\""), byte == UInt8(ascii: "\\") {
                try escape(into: &text)
                continue
            }
            text.append(byte)
            index += 1
        }
    }

    /// A line break inside quotes: trailing and leading spaces go, one break becomes a space, n empty lines n breaks.
    private mutating func foldQuotedBreak(into text: inout [UInt8]) {
        while let last = text.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { text.removeLast() }
        index += 1
        var blanks = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                index += 1
            } else if byte == UInt8(ascii: "\n") {
                blanks += 1
                index += 1
            } else {
                break
            }
        }
        if blanks == 0 {
            text.append(UInt8(ascii: " "))
        } else {
            text.append(contentsOf: repeatElement(UInt8(ascii: "\n"), count: blanks))
        }
    }

    /// One backslash escape of a double-quoted scalar.
    private mutating func escape(into text: inout [UInt8]) throws(YAMLSubsetError) {
        index += 1
        guard index < bytes.count else { throw failure("a quoted scalar ends in a backslash") }
        let code = bytes[index]
        index += 1
        let simple: [UInt8: String] = [
            UInt8(ascii: "0"): "\0", UInt8(ascii: "a"): "\u{07}", UInt8(ascii: "b"): "\u{08}", UInt8(ascii: "t"): "\t",
            UInt8(ascii: "\t"): "\t", UInt8(ascii: "n"): "\n", UInt8(ascii: "v"): "\u{0B}", UInt8(ascii: "f"): "\u{0C}",
            UInt8(ascii: "r"): "\r", UInt8(ascii: "e"): "\u{1B}", UInt8(ascii: " "): " ", UInt8(ascii: "\""): "\"",
            UInt8(ascii: "/"): "/", UInt8(ascii: "\\"): "\\", UInt8(ascii: "N"): "\u{85}", UInt8(ascii: "_"): "\u{A0}",
            UInt8(ascii: "L"): "\u{2028}", UInt8(ascii: "P"): "\u{2029}",
        ]
        if let replacement = simple[code] {
            text.append(contentsOf: replacement.utf8)
            return
        }
        if code == UInt8(ascii: "\n") {  // an escaped line break joins the lines without a space
            while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") { index += 1 }
            return
        }
        let digits: Int
        switch code {
        case UInt8(ascii: "x"): digits = 2
        case UInt8(ascii: "u"): digits = 4
        case UInt8(ascii: "U"): digits = 8
        default: throw failure("unknown escape '\\\(Character(Unicode.Scalar(code)))'")
        }
        guard index + digits <= bytes.count,
              let value = UInt32(String(decoding: bytes[index..<index + digits], as: UTF8.self), radix: 16),
              let scalar = Unicode.Scalar(value)
        else { throw failure("a malformed \\\(Character(Unicode.Scalar(code))) escape") }
        index += digits
        text.append(contentsOf: String(Character(scalar)).utf8)
    }

    // MARK: Flow collections

    /// `[a, b]` or `{a: 1, b: 2}`, possibly over several lines, nested.
    private mutating func flowCollection() throws(YAMLSubsetError) -> YAMLNode {
        try enter()
        defer { depth -= 1 }
        let isMapping = bytes[index] == UInt8(ascii: "{")
        let close = isMapping ? UInt8(ascii: "}") : UInt8(ascii: "]")
        index += 1
        var items: [YAMLNode] = []
        var entries: [YAMLEntry] = []
        while true {
            skipFlowSpace()
            guard index < bytes.count else { throw failure("a flow collection is not closed") }
            if bytes[index] == close {
                index += 1
                break
            }
            if isMapping {
                let key = try flowNode(asKey: true)
                guard let keyText = key.text else { throw failure("flow mapping keys must be scalars") }
                skipFlowSpace()
                var value = YAMLNode.null
                if index < bytes.count, bytes[index] == UInt8(ascii: ":") {
                    index += 1
                    skipFlowSpace()
                    value = try flowNode(asKey: false)
                }
                if entries.contains(where: { $0.key == keyText }) { throw failure("duplicate key '\(keyText)'") }
                entries.append(YAMLEntry(key: keyText, value: value))
            } else {
                items.append(try flowNode(asKey: false))
                skipFlowSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: ":") {
                    throw failure("single-pair mappings inside [ ] are not supported")
                }
            }
            skipFlowSpace()
            guard index < bytes.count else { throw failure("a flow collection is not closed") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] != close {
                throw failure("expected ',' or '\(Character(Unicode.Scalar(close)))' in a flow collection")
            }
        }
        return isMapping ? .mapping(entries) : .sequence(items)
    }

    /// One node inside a flow collection.
    private mutating func flowNode(asKey: Bool) throws(YAMLSubsetError) -> YAMLNode {
        guard index < bytes.count else { throw failure("a flow collection is not closed") }
        switch bytes[index] {
        case UInt8(ascii: "["), UInt8(ascii: "{"): return try flowCollection()
        case UInt8(ascii: "\""), UInt8(ascii: "'"): return .scalar(try quoted(), plain: false)
        case UInt8(ascii: "&"), UInt8(ascii: "*"), UInt8(ascii: "!"):
            throw failure("anchors, aliases and tags are not supported")
        default: break
        }
        // A plain scalar ends at , [ ] { }, at ": " (or ":" before an indicator), or at a comment; lines fold.
        var text: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            if [UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}")].contains(byte) {
                break
            }
            if byte == UInt8(ascii: ":") {
                let next = index + 1 < bytes.count ? bytes[index + 1] : UInt8(ascii: " ")
                if [UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}")].contains(next) {
                    break
                }
            }
            if byte == UInt8(ascii: "#"), index > 0, bytes[index - 1] == UInt8(ascii: " ") || bytes[index - 1] == UInt8(ascii: "\n") {
                break
            }
            if byte == UInt8(ascii: "\n") {
                foldQuotedBreak(into: &text)
                continue
            }
            text.append(byte)
            index += 1
        }
        let scalar = Self.trimmed(text[...])
        if scalar.isEmpty, !asKey { throw failure("an empty value in a flow collection") }
        return .scalar(scalar, plain: true)
    }

    /// Spaces, line breaks and comments between flow tokens.
    private mutating func skipFlowSpace() {
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") {
                index += 1
            } else if byte == UInt8(ascii: "#") {
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            } else {
                return
            }
        }
    }

    // MARK: Lines

    /// Skips empty and comment-only lines from a line start; the indentation of the next content line (the index
    /// stays at its start), or nil at the end. Tabs may not indent (YAML forbids them there).
    private mutating func nextContentLine() -> Int? {
        while index < bytes.count {
            let spaces = countSpaces(at: index)
            let end = index + spaces
            if end >= bytes.count { index = bytes.count; return nil }
            let byte = bytes[end]
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "#") || byte == UInt8(ascii: "\r") {
                skipLine()
                continue
            }
            return spaces
        }
        return nil
    }

    private func countSpaces(at position: Int) -> Int {
        var end = position
        while end < bytes.count, bytes[end] == UInt8(ascii: " ") { end += 1 }
        return end - position
    }

    private mutating func skipSpaces() {
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") { index += 1 }
    }

    /// At a line break, the end, or a comment.
    private func atLineEnd() -> Bool {
        index >= bytes.count || bytes[index] == UInt8(ascii: "\n") || bytes[index] == UInt8(ascii: "\r")
            || bytes[index] == UInt8(ascii: "#")
    }

    /// Moves past the next line break.
    private mutating func skipLine() {
        while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
        if index < bytes.count { index += 1 }
    }

    /// The rest of the line from the index, without a trailing comment (` #...`) or trailing spaces; the index
    /// is left at the line break.
    private mutating func restOfLine(stoppingAtComment: Bool = true) -> String {
        let start = index
        var end = index
        while end < bytes.count, bytes[end] != UInt8(ascii: "\n") {
            if stoppingAtComment, bytes[end] == UInt8(ascii: "#"), end > start,
               bytes[end - 1] == UInt8(ascii: " ") || bytes[end - 1] == UInt8(ascii: "\t") {
                break
            }
            end += 1
        }
        index = end
        if stoppingAtComment { return Self.trimmed(bytes[start..<end]) }
        var last = end
        if last > start, bytes[last - 1] == UInt8(ascii: "\r") { last -= 1 }
        return String(decoding: bytes[start..<last], as: UTF8.self)
    }

    private func isSequenceEntry(at position: Int) -> Bool {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "-") else { return false }
        return position + 1 == bytes.count || [UInt8(ascii: " "), UInt8(ascii: "\n")].contains(bytes[position + 1])
    }

    /// A `:` that ends a block mapping key: followed by a space, a line break or the end.
    private func isMappingColon(at position: Int) -> Bool {
        guard bytes[position] == UInt8(ascii: ":") else { return false }
        return position + 1 == bytes.count || [UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r")].contains(bytes[position + 1])
    }

    /// Whether the line from `position` is `key: ...` (plain or quoted key), as opposed to a scalar.
    private func hasMappingKey(at position: Int) -> Bool {
        guard position < bytes.count else { return false }
        let first = bytes[position]
        if first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") {
            var probe = self
            probe.index = position
            guard (try? probe.quoted()) != nil else { return false }
            probe.skipSpaces()
            return probe.index < bytes.count && probe.isMappingColon(at: probe.index)
        }
        if [UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: "#"), UInt8(ascii: "|"), UInt8(ascii: ">")].contains(first) {
            return false
        }
        var end = position
        while end < bytes.count, bytes[end] != UInt8(ascii: "\n") {
            if isMappingColon(at: end) { return true }
            if bytes[end] == UInt8(ascii: "#"), end > position, bytes[end - 1] == UInt8(ascii: " ") { return false }
            end += 1
        }
        return false
    }

    private func starts(with prefix: String) -> Bool {
        let prefixBytes = Array(prefix.utf8)
        return bytes.count - index >= prefixBytes.count && Array(bytes[index..<index + prefixBytes.count]) == prefixBytes
    }

    private func column(of position: Int) -> Int {
        var start = position
        while start > 0, bytes[start - 1] != UInt8(ascii: "\n") { start -= 1 }
        return position - start
    }

    private func line(of position: Int) -> Int {
        bytes[..<min(position, bytes.count)].reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
    }

    private mutating func enter() throws(YAMLSubsetError) {
        depth += 1
        if depth > Self.maxDepth { throw failure("nesting deeper than \(Self.maxDepth) levels") }
    }

    private func failure(_ message: String) -> YAMLSubsetError {
        YAMLSubsetError(line: line(of: index), message: message)
    }

    private static func trimmed(_ slice: ArraySlice<UInt8>) -> String {
        var lower = slice.startIndex, upper = slice.endIndex
        let blank: Set<UInt8> = [UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r")]
        while lower < upper, blank.contains(slice[lower]) { lower += 1 }
        while upper > lower, blank.contains(slice[upper - 1]) { upper -= 1 }
        return String(decoding: slice[lower..<upper], as: UTF8.self)
    }
}
