import Foundation
import Testing
@testable import Pictures

@Suite struct ArmPictureTests {
    /// The tutorial's arm: links 1.0 and 0.8, from (0.5, 0.5) towards the target (1.5, 0.5).
    static let links = [1.0, 0.8]
    static let configurations = [[0.5, 0.5], [0.1, 0.9], [-0.12, 1.06]]

    private func point(_ node: SVGNode, _ x: String, _ y: String) -> (Double, Double) {
        (Double(node.attributes[x]!)!, Double(node.attributes[y]!)!)
    }

    @Test func eachPoseHasOneLineperLinkAndOneCirclePerJoint() throws {
        let svg = SVGPlot.planarArm(linkLengths: Self.links, configurations: Self.configurations, target: [1.5, 0.5], title: "IK")
        let root = try #require(SVGNode.parse(svg))
        #expect(root.descendants(withClass: "link").count == 3 * 2)
        #expect(root.descendants(withClass: "joint").count == 3 * 3)
        for role in ["start", "step", "final"] {
            let poses = root.descendants(withClass: role).filter { $0.name == "g" }
            #expect(poses.count == 1, "\(role)")
        }
        #expect(root.descendants(withClass: "target").count == 1)
        #expect(root.descendants(withClass: "workspace").count == 1)
        #expect(root.descendants(withClass: "axis-title").map(\.shownText).sorted() == ["x", "y"])
        #expect(safetyViolations(root).isEmpty)
    }

    @Test func theFinalPoseIsForwardKinematicsDrawnAtOneScale() throws {
        let svg = SVGPlot.planarArm(linkLengths: Self.links, configurations: Self.configurations, target: [1.5, 0.5], title: "IK")
        let root = try #require(SVGNode.parse(svg))
        let final = try #require(root.descendants(withClass: "final").first { $0.name == "g" })
        let joints = final.descendants(withClass: "joint")
        let angles = Self.configurations.last!
        let effector = (cos(angles[0]) + 0.8 * cos(angles[0] + angles[1]), sin(angles[0]) + 0.8 * sin(angles[0] + angles[1]))
        let expected = "end effector (" + NumberFormat.significant(effector.0, digits: 4) + ", " + NumberFormat.significant(effector.1, digits: 4) + ")"
        #expect(joints.last?.tooltip == expected)
        // Equal aspect ratio: pixel length / link length is the same for both links, and the reach circle
        // has the summed length at that scale.
        let pixels = joints.map { point($0, "cx", "cy") }
        let first = hypot(pixels[1].0 - pixels[0].0, pixels[1].1 - pixels[0].1) / 1.0
        let second = hypot(pixels[2].0 - pixels[1].0, pixels[2].1 - pixels[1].1) / 0.8
        #expect(abs(first - second) < 0.05)
        let reach = try #require(Double(root.descendants(withClass: "workspace").first?.attributes["r"] ?? ""))
        #expect(abs(reach - 1.8 * first) < 0.05)
        // y grows upwards: the first link points up-right at 0.5 rad... in the start pose.
        let start = try #require(root.descendants(withClass: "start").first { $0.name == "g" })
        let startPixels = start.descendants(withClass: "joint").map { point($0, "cx", "cy") }
        #expect(startPixels[1].1 < startPixels[0].1 && startPixels[1].0 > startPixels[0].0)
    }

    @Test func longTrajectoriesDrawABoundedNumberOfPoses() throws {
        let configurations = (0..<500).map { [Double($0) * 0.01, 0.5] }
        let root = try #require(SVGNode.parse(SVGPlot.planarArm(linkLengths: [1, 1], configurations: configurations, target: [0, 1], title: "long")))
        let steps = root.descendants(withClass: "step").filter { $0.name == "g" }
        #expect(steps.count == PoseDrawing.maxIntermediatePoses)
        let path = try #require(root.descendants(withClass: "effector-path").first?.attributes["points"])
        #expect(path.split(separator: " ").count == 500)
    }

    @Test func oneConfigurationIsDrawnAsTheFinalPose() throws {
        let root = try #require(SVGNode.parse(SVGPlot.planarArm(linkLengths: [1], configurations: [[0.3]], target: [], title: "one")))
        #expect(root.descendants(withClass: "final").filter { $0.name == "g" }.count == 1)
        #expect(root.descendants(withClass: "start").isEmpty)
        #expect(root.descendants(withClass: "target").isEmpty)
        #expect(root.descendants(withClass: "link").count == 1)
    }

    @Test func chainsAreProjectedOnTheChosenPlane() throws {
        let poses: [[[Double]]] = [
            [[0, 0, 0], [0, 0, 1], [1, 0, 1], [1, 1, 1]],
            [[0, 0, 0], [0, 0, 1], [0.8, 0.2, 1.4], [1.2, 0.6, 1.8]],
        ]
        let svg = SVGPlot.chainProjection(jointPositions: poses, target: [1.2, 0.6, 1.8], plane: .xz, title: "DH")
        let root = try #require(SVGNode.parse(svg))
        #expect(root.descendants(withClass: "axis-title").map(\.shownText).sorted() == ["x", "z"])
        #expect(root.descendants(withClass: "link").count == 2 * 3)
        #expect(root.descendants(withClass: "joint").count == 2 * 4)
        #expect(root.descendants(withClass: "workspace").isEmpty)
        #expect(root.children.first?.text == "DH (xz projection)")
        // In the xz projection the last two joints of the first pose coincide (they differ only in y).
        let start = try #require(root.descendants(withClass: "start").first { $0.name == "g" })
        let joints = start.descendants(withClass: "joint").map { point($0, "cx", "cy") }
        #expect(joints[2] == joints[3])
    }

    @Test func projectionPlanesComeFromTheirNames() {
        #expect(ProjectionPlane(rawValue: "xy") == .xy)
        #expect(ProjectionPlane(rawValue: "yz").map { $0.axes == (1, 2) } == true)
        #expect(ProjectionPlane(rawValue: "zz") == nil)
        #expect(ProjectionPlane.allCases.count == 3)
    }
}
