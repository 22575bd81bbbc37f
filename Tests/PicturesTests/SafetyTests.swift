import Testing
@testable import Pictures

/// Labels and titles come from user expressions: no text may break the XML or smuggle active content in.
@Suite struct SafetyTests {
    static let hostile = [
        "<script>alert(1)</script>",
        "]]><svg onload=alert(1)>",
        "\"' onmouseover=\"alert(1)",
        "a&b &amp; &#x3C;",
        "bell\u{07}null\u{00}esc\u{1B}\u{FFFE}",
        "<!-- comment --><?pi?>",
        "tab\there\nnewline",
        "<image href=\"http://example.com/x.png\"/>",
    ]

    @Test func escapingCoversMarkupQuotesAndForbiddenCharacters() {
        #expect(XMLText.escaped("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;")
        #expect(XMLText.escaped("a\u{00}b\u{1F}c\u{FFFF}d") == "a\u{FFFD}b\u{FFFD}c\u{FFFD}d")
        #expect(XMLText.escaped("x\ty\nz\r") == "x y z ")
        #expect(XMLText.escaped("∂y/∂x ✓ 😀") == "∂y/∂x ✓ 😀")
    }

    @Test func truncationKeepsShortTextAndMarksCuts() {
        #expect(XMLText.truncated("short", to: 10) == "short")
        #expect(XMLText.truncated("abcdefghijkl", to: 5) == "abcd…")
    }

    /// Every kind of picture, each given the hostile strings wherever it takes text.
    static func allPictures(labels: [String], title: String) -> [String] {
        let n = labels.count
        return [
            SVGPlot.heatmap(matrix: Array(repeating: Array(repeating: 0.5, count: n), count: n), rowLabels: labels, columnLabels: labels, title: title),
            SVGPlot.heatmap(meanAbsoluteOf: [[[1, -1]]], rowLabels: labels, columnLabels: labels, title: title),
            SVGPlot.planarArm(linkLengths: [1, 0.8], configurations: [[0.5, 0.5], [0.2, 0.9]], target: [1.5, 0.5], title: title),
            SVGPlot.chainProjection(jointPositions: [[[0, 0, 0], [0, 0, 1], [1, 0, 1]]], target: [1, 1, 1], plane: .yz, title: title),
            SVGPlot.trajectory2D(points: [[0, 0], [1, 2], [1.5, 2]], field: { x, y in x * x + y * y }, axisLabels: labels, title: title),
            SVGPlot.residualPlot(norms: [10, 1, 0.01, 0], title: title),
        ]
    }

    @Test func hostileTextYieldsWellFormedPicturesWithoutActiveContent() throws {
        for title in Self.hostile {
            for svg in Self.allPictures(labels: Self.hostile, title: title) {
                let root = try #require(SVGNode.parse(svg), "not well-formed with title \(title)")
                #expect(safetyViolations(root).isEmpty)
                #expect(root.descendants(named: "script").isEmpty)
                #expect(root.children.first?.name == "title")
            }
        }
    }

    @Test func hostileLabelsReadBackAsTheirTextNotAsMarkup() throws {
        let svg = SVGPlot.heatmap(matrix: [[1, 2], [3, 4]], rowLabels: ["<script>x</script>", "]]>\u{01}"],
                                  columnLabels: ["\"q\"", "it's"], title: "a < b & c")
        let root = try #require(SVGNode.parse(svg))
        #expect(root.children.first?.text == "a < b & c")
        #expect(root.descendants(withClass: "row-label").map(\.shownText) == ["<script>x</script>", "]]>\u{FFFD}"])
        #expect(root.descendants(withClass: "column-label").map(\.shownText) == ["\"q\"", "it's"])
        let firstCell = try #require(root.descendants(named: "rect").first { $0.attributes["data-value"] != nil })
        #expect(firstCell.tooltip == "<script>x</script>, \"q\": 1.0")
    }

    @Test func hugeLabelsAreBoundedInEveryCell() throws {
        let long = String(repeating: "x", count: 100_000)
        let svg = SVGPlot.heatmap(matrix: Array(repeating: Array(repeating: 1, count: 10), count: 10),
                                  rowLabels: Array(repeating: long, count: 10), columnLabels: Array(repeating: long, count: 10), title: long)
        #expect(SVGNode.parse(svg) != nil)
        // 100 cells × 2 labels × 100 k characters would be 20 MB; shortened labels keep it small.
        #expect(svg.utf8.count < 200_000)
    }

    @Test func nonFiniteInputsNeverReachTheDocument() throws {
        let pictures = [
            SVGPlot.planarArm(linkLengths: [1, .nan], configurations: [[.infinity, 0], [0.1, 0.2]], target: [.nan, 1], title: "arm"),
            SVGPlot.chainProjection(jointPositions: [[[.nan, 0, 0], [1, 1, 1]]], target: [], plane: .xy, title: "chain"),
            SVGPlot.trajectory2D(points: [[.nan, 1], [0, 0], [1, .infinity], [1, 1]], field: { _, _ in .nan }, axisLabels: [], title: "t"),
            SVGPlot.trajectory2D(points: [], field: { _, _ in 0 }, axisLabels: [], title: "empty"),
            SVGPlot.residualPlot(norms: [.nan, .infinity, -1, 1], title: "r"),
            SVGPlot.residualPlot(norms: [], title: "none"),
            SVGPlot.planarArm(linkLengths: [1e300, 1e300], configurations: [[0, 0]], target: [1e308, -1e308], title: "huge"),
        ]
        for svg in pictures {
            let root = try #require(SVGNode.parse(svg))
            for node in root.all {
                for (key, value) in node.attributes where key != "data-value" {
                    #expect(!value.lowercased().contains("nan") && !value.lowercased().contains("inf"), "\(key)=\(value)")
                }
            }
        }
    }
}
