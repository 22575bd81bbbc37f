/// What may end a solve before its iterations and restarts are spent: the time limit, and a caller's check (for
/// instance that the client has gone). Consulted once per iteration and between attempts, so a solve overruns either
/// by at most one iteration.
struct IKStopCheck {
    private let deadline: ContinuousClock.Instant?
    private let isCancelled: (() -> Bool)?

    init(timeLimit: Duration?, isCancelled: (() -> Bool)?) {
        deadline = timeLimit.map { ContinuousClock.now + $0 }
        self.isCancelled = isCancelled
    }

    /// Whether the solve must stop now.
    func shouldStop() -> Bool {
        if let deadline, ContinuousClock.now >= deadline { return true }
        return isCancelled?() ?? false
    }
}
