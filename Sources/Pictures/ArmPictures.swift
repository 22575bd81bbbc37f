import Foundation

/// The plane a 3-D chain is projected on: the two coordinates kept, in order (horizontal, vertical).
public enum ProjectionPlane: String, CaseIterable, Sendable {
    case xy, xz, yz

    /// Indices of the kept coordinates in an (x, y, z) point.
    var axes: (Int, Int) {
        switch self {
        case .xy: (0, 1)
        case .xz: (0, 2)
        case .yz: (1, 2)
        }
    }

    var axisNames: (String, String) {
        switch self {
        case .xy: ("x", "y")
        case .xz: ("x", "z")
        case .yz: ("y", "z")
        }
    }
}

extension SVGPlot {
    /// A planar serial arm (the tutorial's two-joint arm and its kin) drawn at each configuration of an
    /// inverse-kinematics solve: the start pose faint grey, poses along the trajectory light blue (at most 48 of
    /// them, evenly spaced), the final pose bold dark blue, joints (base, each joint, end effector) as circles,
    /// the end effector's path dashed orange, the target as a red cross-hair, the reachable disc (radius the sum of
    /// the link lengths) dashed grey. Axes x and y share one scale.
    ///
    /// Joint `k`'s angle is relative to link `k - 1` (absolute for the first link), as in the tutorial:
    /// the end of link `k` is at the sum over `i ≤ k` of `L[i] (cos, sin)(θ[0] + … + θ[i])`.
    ///
    /// - Parameters:
    ///   - linkLengths: length of each link from the base outwards.
    ///   - configurations: joint angles (radians) at the start, along the trajectory, and at the end, in order.
    ///     A configuration with fewer angles than links draws only the links it has angles for.
    ///   - target: the target position (x, y); missing coordinates are 0, an empty array draws no target.
    ///   - title: shown at the top and as the document's `<title>`.
    public static func planarArm(linkLengths: [Double], configurations: [[Double]], target: [Double], title: String) -> String {
        let poses = configurations.map { angles in
            var point = (x: 0.0, y: 0.0)
            var heading = 0.0
            var pose: PoseDrawing.Pose = [point]
            for (length, angle) in zip(linkLengths, angles) {
                heading += angle
                point = (point.x + length * cos(heading), point.y + length * sin(heading))
                pose.append(point)
            }
            return pose
        }
        let reach = linkLengths.filter(\.isFinite).map(abs).reduce(0, +)
        return PoseDrawing(
            poses: poses, target: target.isEmpty ? nil : (coordinate(target, 0), coordinate(target, 1)),
            reach: reach, axisNames: ("x", "y"), title: title
        ).render()
    }

    /// A kinematic chain in 3-D (a Denavit–Hartenberg chain) projected orthographically on `plane`, drawn like
    /// `planarArm`: start pose faint, poses along the trajectory light, final pose bold, joints as circles, the
    /// end effector's path, the target. No reachable disc is drawn: with prismatic joints the reach is not a
    /// sum of fixed lengths.
    ///
    /// - Parameters:
    ///   - jointPositions: for each configuration along the trajectory (start first, final last), the 3-D
    ///     positions of the base, each joint and the end effector; missing coordinates are 0.
    ///   - target: the target position (x, y, z); missing coordinates are 0, an empty array draws no target.
    ///   - plane: the plane projected on; its two coordinates become the horizontal and vertical axes.
    ///   - title: shown at the top and as the document's `<title>`.
    public static func chainProjection(jointPositions: [[[Double]]], target: [Double], plane: ProjectionPlane, title: String) -> String {
        let (horizontal, vertical) = plane.axes
        let poses = jointPositions.map { pose in
            pose.map { point in (x: coordinate(point, horizontal), y: coordinate(point, vertical)) }
        }
        return PoseDrawing(
            poses: poses, target: target.isEmpty ? nil : (coordinate(target, horizontal), coordinate(target, vertical)),
            reach: nil, axisNames: plane.axisNames, title: title + " (" + plane.rawValue + " projection)"
        ).render()
    }

    /// `point[index]`, or 0 when the point is too short.
    private static func coordinate(_ point: [Double], _ index: Int) -> Double {
        index < point.count ? point[index] : 0
    }
}
