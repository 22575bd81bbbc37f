/// A failure of a linear-algebra routine, with LAPACK's `info` code translated into a sentence.
///
/// Thrown for conditions that depend on the numbers (a singular matrix, an SVD that did not converge,
/// non-finite entries); shape mismatches between arguments are programmer errors and trap instead.
public struct LinearAlgebraError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as a sentence fit for an API error message.
    public let message: String

    /// An error with the given message.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }

    /// LAPACK reports bad arguments with a negative `info`; our wrappers build every argument
    /// themselves, so reaching this is a bug in the wrapper, not in the caller's numbers.
    static func illegalArgument(_ routine: String, _ info: Int32) -> LinearAlgebraError {
        LinearAlgebraError("\(routine): argument \(-info) had an illegal value (internal error)")
    }

    /// LAPACK misbehaves on NaN and infinity (wrong answers, or iterations that never settle),
    /// so every wrapper refuses them up front.
    static func checkFinite(_ values: [Double], _ what: String) throws {
        if !values.allSatisfy(\.isFinite) {
            throw LinearAlgebraError("\(what) contains non-finite entries (NaN or infinity)")
        }
    }

    /// LAPACK indexes with 32-bit integers.
    static func checkLAPACKSize(_ counts: Int...) throws {
        if counts.contains(where: { $0 > Int(Int32.max) }) {
            throw LinearAlgebraError("matrix too large for LAPACK's 32-bit indices")
        }
    }
}
