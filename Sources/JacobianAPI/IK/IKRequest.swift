import Pictures
import Solvers

/// A decoded POST /v1/ik request. Shapes are checked here; lengths against the chain by the solver, whose
/// errors already carry the pointer of the field at fault.
struct IKRequest {
    var chain: KinematicChain
    var jointAngles: [Double]
    var target: IKTarget
    var options: IKOptions
    /// The plane a DH chain is projected on in the SVG drawing.
    var plane: ProjectionPlane

    static let fields = ["arm", "joint_angles", "target", "method", "max_iterations", "tolerance", "step_size",
                         "damping", "joint_limits", "weights", "plane"]

    init(_ body: JSONValue, maxIterations: Int) throws(Problem) {
        let reader = try FieldReader(body, at: "", allowed: Self.fields)
        chain = try Self.chain(try reader.value("arm"))
        jointAngles = try reader.numbers("joint_angles")
        let isPlanar = if case .planar = chain { true } else { false }
        target = try Self.target(try reader.value("target"), planar: isPlanar)
        let defaults = IKOptions()
        options = IKOptions()
        options.method = try reader.choice("method", default: defaults.method, among: IKMethod.allCases)
        options.maxIterations = try reader.integer("max_iterations", default: defaults.maxIterations,
                                                   in: 1...maxIterations, limitName: "maxIterations")
        options.tolerance = try reader.nonNegativeNumber("tolerance", default: defaults.tolerance)
        options.stepSize = try reader.positiveNumber("step_size", default: defaults.stepSize)
        if reader.has("damping") { options.damping = try reader.nonNegativeNumber("damping", default: 0) }
        if reader.has("joint_limits") { options.jointLimits = try FieldReader.rows(try reader.value("joint_limits"), at: "/joint_limits") }
        if reader.has("weights") { options.weights = try reader.numbers("weights") }
        plane = try reader.choice("plane", default: .xy, among: ProjectionPlane.allCases)
    }

    static func chain(_ value: JSONValue) throws(Problem) -> KinematicChain {
        let kind = try FieldReader(value, at: "/arm", allowed: ["type", "link_lengths", "joints"]).string("type")
        switch kind {
        case "planar":
            let reader = try FieldReader(value, at: "/arm", allowed: ["type", "link_lengths"])
            return .planar(linkLengths: try reader.numbers("link_lengths"))
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
            return .denavitHartenberg(joints)
        default:
            throw Problem.invalid("/arm/type", "unknown arm type '\(kind)'; expected 'planar' or 'dh'")
        }
    }

    /// `[x, y]`, `[x, y, φ]` (planar), `[x, y, z]`, or `{"position", "orientation": {"quaternion"} | {"matrix"}}`.
    static func target(_ value: JSONValue, planar: Bool) throws(Problem) -> IKTarget {
        if case .array = value {
            let numbers = try FieldReader.numbers(value, at: "/target")
            if planar {
                guard numbers.count == 2 || numbers.count == 3 else {
                    throw Problem.invalid("/target", "a planar target is [x, y] or [x, y, phi], got \(numbers.count) numbers")
                }
                return .planar(position: Array(numbers.prefix(2)), orientation: numbers.count == 3 ? numbers[2] : nil)
            }
            guard numbers.count == 3 else {
                throw Problem.invalid("/target", "a target for a DH chain is [x, y, z] or an object with position and orientation, got \(numbers.count) numbers")
            }
            return .spatial(position: numbers, orientation: nil)
        }
        let reader = try FieldReader(value, at: "/target", allowed: ["position", "orientation"])
        let position = try reader.numbers("position")
        if planar {
            let orientation = reader.has("orientation") ? try reader.number("orientation") : nil
            guard position.count == 2 else { throw Problem.invalid("/target/position", "a planar position is [x, y]") }
            return .planar(position: position, orientation: orientation)
        }
        guard position.count == 3 else { throw Problem.invalid("/target/position", "a position is [x, y, z]") }
        guard reader.has("orientation") else { return .spatial(position: position, orientation: nil) }
        let orientation = try FieldReader(try reader.value("orientation"), at: "/target/orientation",
                                          allowed: ["quaternion", "matrix"])
        do {
            switch (orientation.has("quaternion"), orientation.has("matrix")) {
            case (true, false):
                return .spatial(position: position, orientation: try Rotation(quaternion: try orientation.numbers("quaternion")))
            case (false, true):
                let rows = try FieldReader.rows(try orientation.value("matrix"), at: "/target/orientation/matrix")
                return .spatial(position: position, orientation: try Rotation(rows: rows))
            default:
                throw Problem.invalid("/target/orientation", "give the orientation as either 'quaternion' [w, x, y, z] or 'matrix' (3×3 rows)")
            }
        } catch let error as SolverInputError {
            throw Problem.invalid(error.field, error.message)
        } catch let problem as Problem {
            throw problem
        } catch {
            throw Problem.invalid("/target/orientation", "\(error)")
        }
    }
}
