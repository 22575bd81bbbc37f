/// Which expression of a specification something comes from: an output or a definition.
struct ExpressionSite: Hashable, Sendable {
    /// Whether the expression is a definition (else an output).
    let isDefinition: Bool
    /// Its index in `definitions` or `outputs`.
    let index: Int

    static func output(_ index: Int) -> ExpressionSite { ExpressionSite(isDefinition: false, index: index) }
    static func definition(_ index: Int) -> ExpressionSite { ExpressionSite(isDefinition: true, index: index) }

    /// "outputs[1]" or "definitions[0]", as messages name it.
    var label: String { isDefinition ? "definitions[\(index)]" : "outputs[\(index)]" }
    /// "/outputs/1" or "/definitions/0", the JSON pointer into the specification.
    var pointer: String { isDefinition ? "/definitions/\(index)" : "/outputs/\(index)" }
}

/// A position in a specification's expressions: the site and the 1-based column, counted in Unicode scalars.
struct SourceLocation: Hashable, Sendable {
    let site: ExpressionSite
    let column: Int

    /// "outputs[1] at column 5".
    var description: String { "\(site.label) at column \(column)" }
}
