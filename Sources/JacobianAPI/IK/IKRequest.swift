import JacobianEngine
import Pictures
import Solvers

/// A decoded POST /v1/ik request. Shapes are checked here; lengths against the chain by the solver, whose
/// errors already carry the pointer of the field at fault.
struct IKRequest {
    var chain: KinematicChain
    var jointAngles: [Double]
    /// The targets: one for `target`, the path's for `targets`.
    var targets: [IKTarget]
    /// Whether the request gave `targets` (a path) rather than `target`.
    var isPath: Bool
    var options: IKOptions
    /// The plane a DH chain is projected on in the SVG drawing.
    var plane: ProjectionPlane

    /// The single target (the first of a path).
    var target: IKTarget { targets[0] }

    static let fields = ["arm", "joint_angles", "target", "targets", "method", "max_iterations", "tolerance", "step_size",
                         "damping", "joint_limits", "weights", "plane", "restarts", "timeout_ms", "prefer"]

    /// The default `timeout_ms`, unless the server's limit is lower.
    static let defaultTimeout = IKOptions.defaultTimeLimit

    /// - Parameters:
    ///   - maxIterations: the largest `max_iterations` accepted.
    ///   - timeLimit: the largest `timeout_ms` accepted (the server's computeTimeLimit).
    init(_ body: JSONValue, maxIterations: Int, timeLimit: Duration) throws(Problem) {
        let reader = try FieldReader(body, at: "", allowed: Self.fields)
        let arm = try Self.chain(try reader.value("arm"))
        chain = arm.chain
        jointAngles = try reader.numbers("joint_angles")
        let isPlanar = if case .planar = chain { true } else { false }
        switch (reader.has("target"), reader.has("targets")) {
        case (true, false):
            targets = [try Self.target(try reader.value("target"), planar: isPlanar, at: "/target")]
            isPath = false
        case (false, true):
            guard case .array(let items) = try reader.value("targets") else {
                throw Problem.invalid("/targets", "/targets must be an array of targets")
            }
            guard !items.isEmpty else { throw Problem.invalid("/targets", "/targets needs at least one target") }
            guard items.count <= ikPathTargetLimit else {
                let message = "/targets has \(items.count) targets; a path may have at most \(ikPathTargetLimit) (limit maxPathTargets)"
                throw Problem(.limitExceeded, detail: message, errors: [.init(pointer: "/targets", detail: message)],
                              extensions: [("limit", .string("maxPathTargets"))])
            }
            var list: [IKTarget] = []
            for (index, item) in items.enumerated() {
                list.append(try Self.target(item, planar: isPlanar, at: JSONPointer.appending("/targets", index)))
            }
            targets = list
            isPath = true
        default:
            throw Problem.invalid("/target", "give either 'target' (one target) or 'targets' (a path of targets), not both or neither")
        }
        let defaults = IKOptions()
        options = IKOptions()
        options.method = try reader.choice("method", default: defaults.method, among: IKMethod.allCases)
        options.maxIterations = try reader.integer("max_iterations", default: defaults.maxIterations,
                                                   in: 1...maxIterations, limitName: "maxIterations")
        options.tolerance = try reader.nonNegativeNumber("tolerance", default: defaults.tolerance)
        options.stepSize = try reader.positiveNumber("step_size", default: defaults.stepSize)
        if reader.has("damping") { options.damping = try reader.nonNegativeNumber("damping", default: 0) }
        options.jointLimits = arm.limits
        if reader.has("joint_limits") { options.jointLimits = try FieldReader.rows(try reader.value("joint_limits"), at: "/joint_limits") }
        if reader.has("weights") { options.weights = try reader.numbers("weights") }
        if reader.has("restarts") {
            options.restarts = try reader.integer("restarts", default: 0, in: 0...IKOptions.restartLimit, limitName: "restartLimit")
        }
        let largestTimeout = max(1, Int(timeLimit / .milliseconds(1)))
        let defaultTimeout = min(Int(Self.defaultTimeout / .milliseconds(1)), largestTimeout)
        let timeout = try reader.integer("timeout_ms", default: defaultTimeout, in: 1...largestTimeout, limitName: "computeTimeLimit")
        options.timeLimit = .milliseconds(timeout)
        options.preference = try reader.choice("prefer", default: defaults.preference, among: IKPreference.allCases)
        plane = try reader.choice("plane", default: .xy, among: ProjectionPlane.allCases)
    }

    /// The arm, and the joint limits it declares (URDF) for requests that give none.
    static func chain(_ value: JSONValue) throws(Problem) -> (chain: KinematicChain, limits: [[Double]]?) {
        let kind = try FieldReader(value, at: "/arm", allowed: ["type", "link_lengths", "joints", "urdf", "base", "tip"]).string("type")
        switch kind {
        case "planar":
            let reader = try FieldReader(value, at: "/arm", allowed: ["type", "link_lengths"])
            return (.planar(linkLengths: try reader.numbers("link_lengths")), nil)
        case "dh":
            let reader = try FieldReader(value, at: "/arm", allowed: ["type", "joints"])
            guard case .array(let items) = try reader.value("joints") else {
                throw Problem.invalid("/arm/joints", "/arm/joints must be an array of Denavit-Hartenberg joints")
            }
            var joints: [DHJoint] = []
            for (index, item) in items.enumerated() {
                let pointer = JSONPointer.appending("/arm/joints", index)
                let joint = try FieldReader(item, at: pointer, allowed: ["a", "alpha", "d", "offset", "type"])
                joints.append(DHJoint(
                    a: try joint.number("a"), alpha: try joint.number("alpha"), d: try joint.number("d"),
                    offset: try joint.number("offset", default: 0),
                    type: try joint.choice("type", default: .revolute, among: [.revolute, .prismatic])))
            }
            return (.denavitHartenberg(joints), nil)
        case "urdf":
            let reader = try FieldReader(value, at: "/arm", allowed: ["type", "urdf", "base", "tip"])
            let urdf = try reader.string("urdf"), base = try reader.string("base"), tip = try reader.string("tip")
            do {
                let arm = try URDFArm(urdf: urdf, base: base, tip: tip)
                return (arm.chain, arm.limits)
            } catch let error as SolverInputError {
                let pointer = IKEndpoint.requestPointer(error.field)
                throw Problem.invalid(pointer, "\(pointer): \(error.message)")
            } catch {
                throw Problem.invalid("/arm/urdf", "/arm/urdf: \(error)")
            }
        default:
            var message = "unknown arm type '\(kind)'; expected 'planar', 'dh' or 'urdf'"
            if let suggestion = Suggestion.closest(to: kind, among: ["planar", "dh", "urdf"]) { message += " (did you mean '\(suggestion)'?)" }
            throw Problem.invalid("/arm/type", message)
        }
    }

    /// `[x, y]`, `[x, y, φ]` (planar), `[x, y, z]`, or `{"position", "orientation": {"quaternion"} | {"matrix"}}`,
    /// at `pointer` (`/target` or `/targets/i`).
    static func target(_ value: JSONValue, planar: Bool, at pointer: String) throws(Problem) -> IKTarget {
        if case .array = value {
            let numbers = try FieldReader.numbers(value, at: pointer)
            if planar {
                guard numbers.count == 2 || numbers.count == 3 else {
                    throw Problem.invalid(pointer, "a planar target is [x, y] or [x, y, phi], got \(numbers.count) numbers")
                }
                return .planar(position: Array(numbers.prefix(2)), orientation: numbers.count == 3 ? numbers[2] : nil)
            }
            guard numbers.count == 3 else {
                throw Problem.invalid(pointer, "a target for a spatial chain is [x, y, z] or an object with position and orientation, got \(numbers.count) numbers")
            }
            return .spatial(position: numbers, orientation: nil)
        }
        let reader = try FieldReader(value, at: pointer, allowed: ["position", "orientation"])
        let position = try reader.numbers("position")
        if planar {
            let orientation = reader.has("orientation") ? try reader.number("orientation") : nil
            guard position.count == 2 else { throw Problem.invalid(pointer + "/position", "a planar position is [x, y]") }
            return .planar(position: position, orientation: orientation)
        }
        guard position.count == 3 else { throw Problem.invalid(pointer + "/position", "a position is [x, y, z]") }
        guard reader.has("orientation") else { return .spatial(position: position, orientation: nil) }
        let orientationPointer = pointer + "/orientation"
        let orientation = try FieldReader(try reader.value("orientation"), at: orientationPointer,
                                          allowed: ["quaternion", "matrix"])
        do {
            switch (orientation.has("quaternion"), orientation.has("matrix")) {
            case (true, false):
                return .spatial(position: position, orientation: try Rotation(quaternion: try orientation.numbers("quaternion")))
            case (false, true):
                let rows = try FieldReader.rows(try orientation.value("matrix"), at: orientationPointer + "/matrix")
                return .spatial(position: position, orientation: try Rotation(rows: rows))
            default:
                throw Problem.invalid(orientationPointer, "give the orientation as either 'quaternion' [w, x, y, z] or 'matrix' (3×3 rows)")
            }
        } catch let error as SolverInputError {
            // Rotation names `/target/orientation…`; a path's target sits elsewhere.
            let field = pointer + error.field.dropFirst("/target".count)
            throw Problem.invalid(field, error.message)
        } catch let problem as Problem {
            throw problem
        } catch {
            throw Problem.invalid(orientationPointer, "\(error)")
        }
    }
}
