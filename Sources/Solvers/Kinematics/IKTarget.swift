/// Where the end effector should go.
public enum IKTarget: Hashable, Sendable {
    /// For a planar chain: position [x, y] and, optionally, the direction φ of the last link in radians.
    case planar(position: [Double], orientation: Double?)
    /// For a Denavit–Hartenberg chain: position [x, y, z] and, optionally, the end frame's orientation.
    case spatial(position: [Double], orientation: Rotation?)

    /// The target position.
    public var position: [Double] {
        switch self {
        case .planar(let position, _), .spatial(let position, _): position
        }
    }

    /// Whether an orientation is asked for.
    public var hasOrientation: Bool {
        switch self {
        case .planar(_, let orientation): orientation != nil
        case .spatial(_, let orientation): orientation != nil
        }
    }

    /// The length of the task vector: position entries plus orientation entries (1 in the plane, 3 in space).
    public var taskSize: Int {
        switch self {
        case .planar(_, let orientation): orientation == nil ? 2 : 3
        case .spatial(_, let orientation): orientation == nil ? 3 : 6
        }
    }

    /// Entries of the task vector that are position; the rest are orientation.
    var positionSize: Int {
        switch self {
        case .planar: 2
        case .spatial: 3
        }
    }
}
