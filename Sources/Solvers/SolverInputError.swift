/// Input a solver refuses, naming the offending request field as a JSON pointer (RFC 6901) such as
/// `/target`, `/joint_limits/1` or `/max_iterations`, so an API can point at it in a problem+json response.
///
/// Pointers name the request's snake_case fields at the top level of the body; an API nesting them
/// differently prefixes or rewrites ``field``.
public struct SolverInputError: Error, Hashable, Sendable, CustomStringConvertible {
    /// JSON pointer to the offending field.
    public let field: String
    /// Why the value was refused, as a sentence.
    public let message: String

    /// An error about `field`.
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    /// "field: message".
    public var description: String { "\(field): \(message)" }

    /// Throws unless every entry is a finite number. Field names are autoclosures: building the pointer string
    /// costs more than the check, and is needed only on failure.
    static func requireFinite(_ values: [Double], field: @autoclosure () -> String) throws {
        if let index = values.firstIndex(where: { !$0.isFinite }) {
            throw SolverInputError(field: "\(field())/\(index)", message: "must be a finite number")
        }
    }

    /// The largest magnitude a kinematic quantity (length, angle, coordinate, limit) may have. Far beyond any
    /// physical arm in any unit, and small enough that products of a few hundred such numbers, as in J·Jᵀ, stay
    /// finite: no overflow can reach the solvers.
    public static let kinematicMagnitudeLimit = 1e9

    /// Throws unless every entry is finite with magnitude at most ``kinematicMagnitudeLimit``.
    static func requireBounded(_ values: [Double], field: @autoclosure () -> String) throws {
        if let index = values.firstIndex(where: { !(abs($0) <= kinematicMagnitudeLimit) }) {
            throw SolverInputError(field: "\(field())/\(index)",
                                   message: "must be a finite number of magnitude at most \(kinematicMagnitudeLimit)")
        }
    }

    /// Throws unless `value` is finite and strictly positive.
    static func requirePositive(_ value: Double, field: @autoclosure () -> String) throws {
        if !(value.isFinite && value > 0) {
            throw SolverInputError(field: field(), message: "must be a finite number greater than zero, got \(value)")
        }
    }

    /// Throws unless `value` is finite and not negative.
    static func requireNonNegative(_ value: Double, field: @autoclosure () -> String) throws {
        if !(value.isFinite && value >= 0) {
            throw SolverInputError(field: field(), message: "must be a finite number not below zero, got \(value)")
        }
    }

    /// Throws unless 0 ≤ `count` ≤ `limit`; the limit bounds the work and the trajectory's memory.
    static func requireIterationCount(_ count: Int, limit: Int, field: @autoclosure () -> String) throws {
        if count < 0 || count > limit {
            throw SolverInputError(field: field(), message: "must be between 0 and \(limit), got \(count)")
        }
    }
}
