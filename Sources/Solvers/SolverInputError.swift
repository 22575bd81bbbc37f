/// Input a solver refuses, with where the value sits in the solver's own input (``location``): which argument,
/// which index, as ``RootFindingInput``, ``KinematicsInput`` or ``RotationInput`` say. The solvers know nothing of
/// any request format; an API maps the location to the pointer of its own field, in one place per endpoint.
public struct SolverInputError<Location: Hashable & Sendable>: Error, Hashable, Sendable, CustomStringConvertible {
    /// Where the refused value is, relative to the solver's input.
    public let location: Location
    /// Why the value was refused, as a sentence.
    public let message: String

    /// An error about the value at `location`.
    public init(_ location: Location, _ message: String) {
        self.location = location
        self.message = message
    }

    /// "location: message".
    public var description: String { "\(location): \(message)" }

    /// Throws unless every entry is a finite number, naming the first that is not by `location(index)`.
    static func requireFinite(_ values: [Double], at location: (Int) -> Location) throws {
        if let index = values.firstIndex(where: { !$0.isFinite }) {
            throw SolverInputError(location(index), "must be a finite number")
        }
    }

    /// Throws unless every entry is finite with magnitude at most ``KinematicChain/magnitudeLimit``.
    static func requireBounded(_ values: [Double], at location: (Int) -> Location) throws {
        if let index = values.firstIndex(where: { !(abs($0) <= KinematicChain.magnitudeLimit) }) {
            throw SolverInputError(location(index),
                                   "must be a finite number of magnitude at most \(KinematicChain.magnitudeLimit)")
        }
    }

    /// Throws unless `value` is finite and strictly positive.
    static func requirePositive(_ value: Double, at location: Location) throws {
        if !(value.isFinite && value > 0) {
            throw SolverInputError(location, "must be a finite number greater than zero, got \(value)")
        }
    }

    /// Throws unless `value` is finite and not negative.
    static func requireNonNegative(_ value: Double, at location: Location) throws {
        if !(value.isFinite && value >= 0) {
            throw SolverInputError(location, "must be a finite number not below zero, got \(value)")
        }
    }

    /// Throws unless 0 ≤ `count` ≤ `limit`; the limit bounds the work and the trajectory's memory.
    static func requireIterationCount(_ count: Int, limit: Int, at location: Location) throws {
        if count < 0 || count > limit {
            throw SolverInputError(location, "must be between 0 and \(limit), got \(count)")
        }
    }
}
