import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import Pictures

/// An SVG document parsed back into a tree with Foundation's XMLParser, so tests check structure rather than
/// substrings; parsing fails (nil) exactly when the text is not well-formed XML.
final class SVGNode {
    let name: String
    let attributes: [String: String]
    var children: [SVGNode] = []
    var text = ""

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    /// This node and all its descendants, depth first.
    var all: [SVGNode] { [self] + children.flatMap(\.all) }

    func descendants(named name: String) -> [SVGNode] { all.filter { $0.name == name } }

    /// Descendants whose `class` attribute holds `className` among its space-separated words.
    func descendants(withClass className: String) -> [SVGNode] {
        all.filter { ($0.attributes["class"] ?? "").split(separator: " ").contains(Substring(className)) }
    }

    /// Text of this node and its descendants except `<title>` tooltips: what is drawn on screen.
    var shownText: String {
        name == "title" ? "" : text + children.map(\.shownText).joined()
    }

    /// The `<title>` child's text, if any.
    var tooltip: String? { children.first { $0.name == "title" }?.text }

    /// Parses `svg`; nil when it is not well-formed XML.
    static func parse(_ svg: String) -> SVGNode? {
        let builder = TreeBuilder()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = builder
        guard parser.parse(), builder.failed == false else { return nil }
        return builder.root
    }
}

private final class TreeBuilder: NSObject, XMLParserDelegate {
    var root: SVGNode?
    var stack: [SVGNode] = []
    var failed = false

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        let node = SVGNode(name: elementName, attributes: attributes)
        if let parent = stack.last { parent.children.append(node) } else if root == nil { root = node } else { failed = true }
        stack.append(node)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        stack.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        stack.last?.text += string
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
        failed = true
    }
}

/// Everything that would make a picture unsafe to embed: active content, references out of the document,
/// event handlers, style sheets. Returns a description of each offence, empty when the picture is clean.
func safetyViolations(_ root: SVGNode) -> [String] {
    let forbiddenElements: Set<String> = ["script", "foreignObject", "image", "use", "a", "iframe", "style", "object", "embed", "link"]
    var violations: [String] = []
    for node in root.all {
        if forbiddenElements.contains(node.name) { violations.append("element <\(node.name)>") }
        for (key, value) in node.attributes {
            let lowerKey = key.lowercased()
            if lowerKey.hasPrefix("on") { violations.append("event attribute \(key)") }
            if lowerKey.hasSuffix("href") { violations.append("reference attribute \(key)") }
            if value.lowercased().contains("url(") || value.lowercased().contains("javascript:") {
                violations.append("reference in \(key)=\(value)")
            }
        }
    }
    return violations
}

/// Channels of a `#rrggbb` fill.
func channels(_ hex: String) -> (red: Int, green: Int, blue: Int)? {
    guard hex.count == 7, hex.first == "#", let value = Int(hex.dropFirst(), radix: 16) else { return nil }
    return ((value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF)
}

/// A deterministic stream of values in -1...1 (a linear congruential generator), for large test matrices.
struct TestValues {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) / Double(1 << 53) * 2 - 1
    }

    mutating func matrix(rows: Int, columns: Int) -> [[Double]] {
        (0..<rows).map { _ in (0..<columns).map { _ in next() } }
    }
}
