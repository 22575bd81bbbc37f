import Solvers

/// Where the kinematics solvers' inputs sit in a POST /v1/ik request: the one place a ``KinematicsInput`` becomes
/// the JSON pointer of a 422.
///
/// The solvers name their own arguments (`.dhParameters(row: 1, column: .alpha)`); the request nests the chain
/// under `arm` (`/arm/joints/1/alpha`) and writes a target as an array or an object, which only the request knows.
struct IKRequestPointers {
    /// Where each target's parts are: one for `target`, one per entry of `targets`, in order.
    var targets: [TargetPointers] = []

    /// Where one target's position and orientation are.
    struct TargetPointers {
        /// The array of coordinates: `/target` for `[x, y]` or `[x, y, z]`, `/target/position` in an object.
        var position: String
        /// The orientation: `/target/2` in a planar `[x, y, φ]`, `/target/orientation` in an object.
        var orientation: String

        /// The target `[x, y(, φ)]` or `{"position", "orientation"}` at `pointer`.
        init(at pointer: String, isObject: Bool) {
            position = isObject ? pointer + "/position" : pointer
            orientation = isObject ? pointer + "/orientation" : JSONPointer.appending(pointer, 2)
        }

        func pointer(for part: IKTargetPart) -> String {
            switch part {
            case .position(nil): position
            case .position(let index?): JSONPointer.appending(position, index)
            case .orientation(nil): orientation
            case .orientation(.matrix): orientation + "/matrix"
            case .orientation(.matrixEntry(let row, let column)): orientation + "/matrix/\(row)/\(column)"
            case .orientation(.quaternion): orientation + "/quaternion"
            case .orientation(.quaternionComponent(let index)): orientation + "/quaternion/\(index)"
            }
        }
    }

    /// The pointer of the request field holding `location`.
    func pointer(for location: KinematicsInput) -> String {
        switch location {
        case .linkLengths(nil): "/arm/link_lengths"
        case .linkLengths(let index?): "/arm/link_lengths/\(index)"
        case .dhJoints: "/arm/joints"
        case .dhParameters(let row, let column): "/arm/joints/\(row)/\(Self.name(of: column))"
        case .urdf: "/arm/urdf"
        case .base: "/arm/base"
        case .tip: "/arm/tip"
        case .jointAngles(nil): "/joint_angles"
        case .jointAngles(let index?): "/joint_angles/\(index)"
        case .target(let part): target(0, else: "/target").pointer(for: part)
        case .pathTarget(let index, let part): target(index, else: "/targets/\(index)").pointer(for: part)
        case .targets: "/targets"
        case .maxIterations: "/max_iterations"
        case .tolerance: "/tolerance"
        case .stepSize: "/step_size"
        case .restarts: "/restarts"
        case .timeLimit: "/timeout_ms"
        case .damping: "/damping"
        case .jointLimits(nil, _): "/joint_limits"
        case .jointLimits(let row?, nil): "/joint_limits/\(row)"
        case .jointLimits(let row?, let column?): "/joint_limits/\(row)/\(column)"
        case .weights(nil): "/weights"
        case .weights(let index?): "/weights/\(index)"
        }
    }

    /// The 422 for `error`, pointing at its field.
    func problem(_ error: SolverInputError<KinematicsInput>) -> Problem {
        error.problem(at: pointer(for: error.location))
    }

    /// Target `index`'s pointers; for one the request has not reached yet, those of an array at `pointer`.
    private func target(_ index: Int, else pointer: String) -> TargetPointers {
        targets.indices.contains(index) ? targets[index] : TargetPointers(at: pointer, isObject: false)
    }

    /// The request's key for a Denavit–Hartenberg parameter.
    private static func name(of parameter: DHJoint.Parameter) -> String {
        switch parameter {
        case .a: "a"
        case .alpha: "alpha"
        case .d: "d"
        case .offset: "offset"
        }
    }
}
