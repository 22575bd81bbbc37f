import Testing
@testable import Pictures

@Suite struct HeatmapTests {
    private func labels(_ prefix: String, _ count: Int) -> [String] { (0..<count).map { "\(prefix)[\($0)]" } }

    private func cells(_ root: SVGNode) -> [SVGNode] {
        root.descendants(named: "rect").filter { $0.attributes["data-value"] != nil }
    }

    @Test(arguments: [1, 3, 50, 200])
    func everyEntryIsOneCellHoldingItsExactValue(side: Int) throws {
        var values = TestValues(seed: UInt64(side))
        let matrix = values.matrix(rows: side, columns: side)
        let svg = SVGPlot.heatmap(matrix: matrix, rowLabels: labels("outputs", side), columnLabels: labels("x", side), title: "J")
        let root = try #require(SVGNode.parse(svg))
        #expect(root.name == "svg")
        let drawn = cells(root)
        #expect(drawn.count == side * side)
        // Row-major order, each value readable back exactly.
        #expect(drawn.map { Double($0.attributes["data-value"]!)! } == Array(matrix.joined()))
        #expect(safetyViolations(root).isEmpty)
        #expect(root.children.first?.name == "title")
    }

    @Test func smallHeatmapsCarryTooltipsLabelsAndValues() throws {
        let matrix = [[0.8217, 0, 0], [0, -0.0233, 0], [0, 0, 1.5039]]
        let svg = SVGPlot.heatmap(matrix: matrix, rowLabels: ["f", "g", "h"], columnLabels: ["x", "y", "z"], title: "Diagonal")
        let root = try #require(SVGNode.parse(svg))
        let drawn = cells(root)
        #expect(drawn[1].tooltip == "f, y: 0.0")
        #expect(drawn[4].tooltip == "g, y: -0.0233")
        #expect(root.descendants(withClass: "row-label").map(\.shownText) == ["f", "g", "h"])
        #expect(root.descendants(withClass: "column-label").map(\.shownText) == ["x", "y", "z"])
        #expect(root.descendants(withClass: "axis-title").map(\.shownText).sorted() == ["inputs", "outputs"])
        #expect(root.descendants(withClass: "title").first?.shownText == "Diagonal")
        let shownValues = root.descendants(withClass: "cell-values").first?.children.map(\.shownText)
        #expect(shownValues == ["0.822", "0", "0", "0", "-0.0233", "0", "0", "0", "1.5"])
    }

    @Test func legendShowsTheSymmetricScaleAndTheDataExtremes() throws {
        let svg = SVGPlot.heatmap(matrix: [[0.25, -1.5], [3, 0]], rowLabels: ["a", "b"], columnLabels: ["u", "v"], title: "t")
        let root = try #require(SVGNode.parse(svg))
        let marks = root.descendants(withClass: "legend-label")
        #expect(marks.compactMap { $0.attributes["data-value"] } == ["-3.0", "0.0", "3.0"])
        #expect(marks.map(\.shownText) == ["-3", "-1.5", "0", "1.5", "3"])
        #expect(root.descendants(withClass: "data-min").first?.attributes["data-value"] == "-1.5")
        #expect(root.descendants(withClass: "data-max").first?.attributes["data-value"] == "3.0")
    }

    @Test func largeHeatmapsThinTheirLabelsAndDropTooltips() throws {
        let svg = SVGPlot.heatmap(matrix: Array(repeating: Array(repeating: 1, count: 200), count: 200),
                                  rowLabels: labels("outputs", 200), columnLabels: labels("x", 200), title: "big")
        let root = try #require(SVGNode.parse(svg))
        let rowLabels = root.descendants(withClass: "row-label").map(\.shownText)
        // 3-px cells, 14 px per label: every 5th row.
        #expect(rowLabels == stride(from: 0, to: 200, by: 5).map { "outputs[\($0)]" })
        #expect(root.descendants(withClass: "column-label").count == 40)
        #expect(cells(root).allSatisfy { $0.tooltip == nil })
    }

    @Test func a200By200HeatmapStaysUnderFourMegabytes() {
        var values = TestValues(seed: 7)
        // Full-precision values are the worst case: 17 significant digits each.
        let svg = SVGPlot.heatmap(matrix: values.matrix(rows: 200, columns: 200), rowLabels: labels("outputs", 200),
                                  columnLabels: labels("layers[0].weight", 200), title: "200×200")
        #expect(svg.utf8.count < 4_000_000)
    }

    @Test func colorsDarkenMonotonicallyAwayFromAWhiteZero() throws {
        var values = TestValues(seed: 3)
        let row = (0..<400).map { _ in values.next() } + [0, -0.0, 1, -1]
        let svg = SVGPlot.heatmap(matrix: [row], rowLabels: ["f"], columnLabels: [], title: "scale")
        let root = try #require(SVGNode.parse(svg))
        let pairs = cells(root).map { (Double($0.attributes["data-value"]!)!, channels($0.attributes["fill"]!)!) }
            .sorted { $0.0 < $1.0 }
        for value in pairs where value.0 == 0 { #expect(value.1 == (255, 255, 255)) }
        let (darkestBlue, darkestRed) = (try #require(pairs.first).1, try #require(pairs.last).1)
        #expect(darkestBlue == (0x05, 0x30, 0x61))
        #expect(darkestRed == (0x67, 0x00, 0x1F))
        for (lower, higher) in zip(pairs, pairs.dropFirst()) {
            if higher.0 <= 0 {
                // Towards zero from below, every channel rises to white.
                #expect(lower.1.red <= higher.1.red && lower.1.green <= higher.1.green && lower.1.blue <= higher.1.blue)
            } else if lower.0 >= 0 {
                // Away from zero above, every channel falls.
                #expect(lower.1.red >= higher.1.red && lower.1.green >= higher.1.green && lower.1.blue >= higher.1.blue)
            }
        }
        // Hue tells the sign (a value within 5 % of zero may round to white).
        for (value, color) in pairs where abs(value) > 0.05 {
            #expect(value > 0 ? color.red > color.blue : color.blue > color.red)
        }
    }

    @Test func anAllZeroMatrixIsAllWhite() throws {
        let root = try #require(SVGNode.parse(SVGPlot.heatmap(matrix: [[0, 0], [0, 0]], rowLabels: [], columnLabels: [], title: "zero")))
        #expect(cells(root).allSatisfy { $0.attributes["fill"] == "#ffffff" })
        #expect(root.descendants(withClass: "row-label").map(\.shownText) == ["row 0", "row 1"])
    }

    /// Both heatmaps label an all-zero legend once, "0 (all zero)", rather than repeating 0 at every mark.
    @Test func allZeroLegendsSaySo() throws {
        let single = SVGPlot.heatmap(matrix: [[0, 0]], rowLabels: [], columnLabels: [], title: "zero")
        let batch = SVGPlot.heatmap(meanAbsoluteOf: [[[0, 0]], [[0, -0.0]]], rowLabels: [], columnLabels: [], title: "zero")
        for svg in [single, batch] {
            let root = try #require(SVGNode.parse(svg))
            #expect(root.descendants(withClass: "legend-label").map(\.shownText).contains("0 (all zero)"))
            #expect(root.descendants(withClass: "legend-label").filter { $0.shownText == "0" }.isEmpty)
        }
    }

    @Test func nonFiniteAndMissingEntriesAreGreyAndLeaveTheScaleAlone() throws {
        let svg = SVGPlot.heatmap(matrix: [[.nan, 2], [.infinity], [-1, 0]], rowLabels: ["a", "b", "c"], columnLabels: ["x", "y"], title: "holes")
        let root = try #require(SVGNode.parse(svg))
        let drawn = cells(root)
        #expect(drawn.map { $0.attributes["data-value"]! } == ["NaN", "2.0", "Infinity", "NaN", "-1.0", "0.0"])
        #expect(drawn.map { $0.attributes["fill"]! }.enumerated().filter { [0, 2, 3].contains($0.offset) }.allSatisfy { $0.element == "#bdbdbd" })
        #expect(drawn[1].attributes["fill"] == "#67001f")
        #expect(!svg.contains("nan\"") && !svg.contains("inf\""))
    }

    @Test func emptyAndOversizedMatricesGiveANotice() throws {
        for matrix in [[], [[]], [Array(repeating: 1.0, count: SVGPlot.heatmapEntryLimit + 1)]] as [[[Double]]] {
            let root = try #require(SVGNode.parse(SVGPlot.heatmap(matrix: matrix, rowLabels: [], columnLabels: [], title: "n")))
            #expect(cells(root).isEmpty)
            #expect(root.descendants(withClass: "note").count == 1)
        }
    }

    @Test func theBatchHeatmapShowsTheMeanAbsoluteValueOnAWhiteToRedScale() throws {
        let batch: [[[Double]]] = [[[1, -2], [0, 4]], [[-3, 2], [0, -2]]]
        let svg = SVGPlot.heatmap(meanAbsoluteOf: batch, rowLabels: ["f", "g"], columnLabels: ["x", "y"], title: "batch")
        let root = try #require(SVGNode.parse(svg))
        let drawn = cells(root)
        #expect(drawn.map { Double($0.attributes["data-value"]!)! } == [2, 2, 0, 3])
        #expect(drawn[2].attributes["fill"] == "#ffffff")
        #expect(drawn[3].attributes["fill"] == "#67001f")
        let red = channels(drawn[0].attributes["fill"]!)!
        #expect(red.red > red.blue && red.green < 255)
        #expect(root.descendants(withClass: "legend-label").compactMap { $0.attributes["data-value"] } == ["0.0", "3.0"])
        #expect(root.descendants(withClass: "note").first?.shownText == "batch of 2 points")
    }

    @Test func theBatchMeanMarksEntriesMissingFromARaggedMatrix() {
        let mean = SVGPlot.meanAbsolute([[[1, 2]], [[3]]])
        #expect(mean.count == 1 && mean[0][0] == 2 && mean[0][1].isNaN)
        #expect(SVGPlot.meanAbsolute([]).isEmpty)
    }

    /// The mean of finite values is finite even when their sum is not: two entries near Double.greatestFiniteMagnitude
    /// must not turn into a grey "non-finite" cell.
    @Test func theBatchMeanOfHugeValuesStaysFinite() {
        let huge = Double.greatestFiniteMagnitude
        let mean = SVGPlot.meanAbsolute([[[huge, 1]], [[-huge, 3]]])
        #expect(mean == [[huge, 2]])
    }

    @Test func wideMatricesKeepRowsTallEnoughForTheirLabels() {
        let layout = HeatmapLayout(rows: 2, columns: 200, shownRowLabels: ["a", "b"],
                                   shownColumnLabels: labels("w", 200), legendWidth: 60, title: "wide")
        #expect(layout.cellWidth == 3)
        #expect(layout.cellHeight == 16)
        #expect(layout.rowLabelEvery == 1)
        #expect(layout.columnLabelsVertical && layout.columnLabelEvery == 5)
    }
}
