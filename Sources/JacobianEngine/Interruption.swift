/// When a computation must stop before it is done: its time limit has passed, or whoever asked for it has gone.
///
/// Long computations call `check()` at natural break points (every few points of a batch, every solver
/// iteration) and unwind with the error it throws. The engine knows nothing of HTTP: the caller supplies the
/// cancellation as a closure (the server's `CancellationToken.isCancelled`) and the time limit with its name,
/// so that the error says which setting to change. `Interruption.none` never interrupts.
///
/// Other long computations (the IK solver's iterations, a future restart loop) can take an `Interruption` and
/// call `check()` the same way; the API builds one per request.
public struct Interruption: Sendable {
    /// The name of the time limit in errors, `computeTimeLimit` unless the caller says otherwise.
    public static let defaultLimitName = "computeTimeLimit"

    /// When the computation must stop; nil for no time limit.
    public let deadline: ContinuousClock.Instant?
    /// The time limit, for the message.
    public let timeLimit: Duration?
    /// The setting that holds the time limit, named in the error.
    public let limitName: String
    private let cancelled: (@Sendable () -> Bool)?

    /// Never interrupts.
    public static let none = Interruption()

    /// Interrupts `timeLimit` after now (when given), or as soon as `isCancelled` returns true.
    public init(
        timeLimit: Duration? = nil, limitName: String = Interruption.defaultLimitName,
        isCancelled: (@Sendable () -> Bool)? = nil
    ) {
        self.deadline = timeLimit.map { ContinuousClock.now + $0 }
        self.timeLimit = timeLimit
        self.limitName = limitName
        self.cancelled = isCancelled
    }

    /// True when nobody will read the result.
    public var isCancelled: Bool { cancelled?() ?? false }

    /// Throws `EngineError` `.cancelled` when the requester has gone, `.limitExceeded` naming `limitName` once
    /// the deadline has passed; returns otherwise. Costs a clock read and a load.
    public func check() throws(EngineError) {
        if isCancelled {
            throw EngineError(kind: .cancelled, message: "the computation was cancelled: its requester has gone")
        }
        if let deadline, ContinuousClock.now >= deadline {
            throw EngineError(
                kind: .limitExceeded,
                message: "the computation did not finish within \(limitName) (\(timeLimit.map { "\($0)" } ?? "?"))",
                limit: limitName)
        }
    }
}
