/// A test helper's failure with a message for the log (a client process that timed out, a malformed answer).
public struct TestFailure: Error, CustomStringConvertible {
    /// What went wrong.
    public var description: String
    /// A failure saying `description`.
    public init(_ description: String) { self.description = description }
}
