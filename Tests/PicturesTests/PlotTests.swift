import Foundation
import Testing
@testable import Pictures

@Suite struct PlotTests {
    /// The tutorial's ten-step trajectory shape: eleven iterates.
    static let iterates = (0...10).map { [Double($0) * 0.1, 1 - exp(-Double($0) * 0.3)] }

    private func pointCount(_ node: SVGNode?) -> Int {
        node?.attributes["points"]?.split(separator: " ").count ?? -1
    }

    @Test func theTrajectoryConnectsEveryIterateAndMarksItsEnds() throws {
        let svg = SVGPlot.trajectory2D(points: Self.iterates, field: nil, axisLabels: ["x[0]", "x[1]"], title: "Newton")
        let root = try #require(SVGNode.parse(svg))
        #expect(pointCount(root.descendants(withClass: "trajectory").first) == 11)
        #expect(root.descendants(withClass: "iterate").count == 11)
        #expect(root.descendants(withClass: "start").count == 1 && root.descendants(withClass: "last").count == 1)
        #expect(root.descendants(withClass: "start-label").first?.shownText == "start")
        #expect(root.descendants(withClass: "last-label").first?.shownText == "last")
        #expect(root.descendants(withClass: "axis-title").map(\.shownText).sorted() == ["x[0]", "x[1]"])
        #expect(root.descendants(withClass: "field").isEmpty)
        #expect(safetyViolations(root).isEmpty)
    }

    @Test func theFieldIsSampledOnAGridInsideThePaddedBox() throws {
        var calls: [(Double, Double)] = []
        let svg = SVGPlot.trajectory2D(points: [[0, 0], [2, 1]], field: { x, y in
            calls.append((x, y))
            return hypot(x - 2, y - 1)
        }, axisLabels: ["a", "b"], title: "field")
        #expect(calls.count == SVGPlot.fieldGridSide * SVGPlot.fieldGridSide)
        #expect(calls.allSatisfy { $0.0 > -0.2 && $0.0 < 2.2 && $0.1 > -0.1 && $0.1 < 1.1 })
        let root = try #require(SVGNode.parse(svg))
        let field = try #require(root.descendants(withClass: "field").first)
        #expect(field.descendants(named: "rect").count == 3600)
        #expect(root.descendants(withClass: "legend").count == 1)
        #expect(root.descendants(withClass: "legend-label").map(\.shownText) == ["0.1", "0.2", "0.5", "1"])
    }

    @Test func aSinglePointAndAFlatFieldStillDraw() throws {
        let svg = SVGPlot.trajectory2D(points: [[3, 3]], field: { _, _ in 2 }, axisLabels: [], title: "one")
        let root = try #require(SVGNode.parse(svg))
        #expect(pointCount(root.descendants(withClass: "trajectory").first) == 1)
        #expect(root.descendants(withClass: "axis-title").map(\.shownText).sorted() == ["x[0]", "x[1]"])
        #expect(root.descendants(withClass: "legend-label").map(\.shownText) == ["2"])
    }

    @Test func residualsAreDrawnOnALogAxis() throws {
        let norms = [3.2, 0.5, 0.01, 1e-5, 1e-11]
        let root = try #require(SVGNode.parse(SVGPlot.residualPlot(norms: norms, title: "converging")))
        #expect(pointCount(root.descendants(withClass: "residuals").first) == 5)
        #expect(root.descendants(withClass: "residual").count == 5)
        let ticks = root.descendants(withClass: "tick").filter { ($0.attributes["class"] ?? "").contains("y") }.map(\.shownText)
        #expect(ticks == ["1e-10", "1e-8", "1e-6", "1e-4", "0.01", "1"])
        // Equal ratios are equal distances on a log axis.
        let ys = root.descendants(withClass: "residual").map { Double($0.attributes["cy"]!)! }
        let perDecade = (ys[4] - ys[3]) / 6
        #expect(abs((ys[3] - ys[2]) / 3 - perDecade) < 0.02)
        #expect(root.descendants(withClass: "axis-title").map(\.shownText).sorted() == ["iteration", "‖F‖ (log scale)"])
    }

    @Test func zeroResidualsSitOnTheBottomEdge() throws {
        let root = try #require(SVGNode.parse(SVGPlot.residualPlot(norms: [1, 0.01, 0], title: "exact")))
        #expect(pointCount(root.descendants(withClass: "residuals").first) == 3)
        let zero = try #require(root.descendants(withClass: "zero").first)
        #expect(zero.tooltip == "iteration 2: exactly 0")
        let ticks = root.descendants(withClass: "tick").filter { ($0.attributes["class"] ?? "").contains("y") }.map(\.shownText)
        #expect(ticks.first == "0.001")
    }

    @Test(arguments: [[0.7], [0, 0], [Double]()])
    func degenerateResidualsStillDraw(norms: [Double]) throws {
        let root = try #require(SVGNode.parse(SVGPlot.residualPlot(norms: norms, title: "edge")))
        #expect(pointCount(root.descendants(withClass: "residuals").first) == norms.count)
        #expect(!root.descendants(withClass: "tick").isEmpty)
    }
}
