import Foundation
import Testing
@testable import Pictures

@Suite struct PathPictureTests {
    /// A two-link arm's joint positions at each solution of a path.
    static func poses(_ count: Int) -> [[[Double]]] {
        (0..<count).map { k in
            let a = 0.1 * Double(k), b = 0.5
            return [[0, 0], [cos(a), sin(a)], [cos(a) + 0.8 * cos(a + b), sin(a) + 0.8 * sin(a + b)]]
        }
    }

    @Test func everyTargetAndReachedPointIsDrawnAndThePathIsJoined() throws {
        let poses = Self.poses(5)
        let svg = SVGPlot.ikPath(jointPositions: poses, targets: poses.map { $0[2] }, plane: .xy, title: "path", projected: false)
        let root = try #require(SVGNode.parse(svg))
        #expect(root.descendants(withClass: "targets").first?.descendants(named: "circle").count == 5)
        #expect(root.descendants(withClass: "reached").first?.descendants(named: "circle").count == 5)
        #expect(root.descendants(withClass: "target-path").count == 1)
        #expect(root.descendants(withClass: "pose").count == 5)
        #expect(root.descendants(withClass: "final").count == 1)
        #expect(safetyViolations(root).isEmpty)
    }

    @Test func aLongPathDrawsABoundedNumberOfPosesAndSurvivesNonFinitePoints() throws {
        var poses = Self.poses(1_000)
        poses[10][1] = [.nan, .infinity]
        let svg = SVGPlot.ikPath(jointPositions: poses.map { $0.map { $0 + [0.5] } }, targets: poses.map { $0[2] },
                                 plane: .xz, title: "long <path> & more", projected: true)
        let root = try #require(SVGNode.parse(svg))
        #expect(root.descendants(withClass: "pose").count == SVGPlot.maxPathPoses)
        #expect(!svg.contains("nan") && !svg.contains("inf"))
        #expect(svg.contains("(xz projection)"))
        #expect(safetyViolations(root).isEmpty)
    }
}
