import Solvers

extension SolverInputError {
    /// The 422 for this refusal at `pointer`, the request field its endpoint maps ``location`` to.
    func problem(at pointer: String) -> Problem {
        Problem.invalid(pointer, "\(pointer): \(message)")
    }
}
