import JacobianEngine

/// JSON forms of sparsity patterns, coordinate-form matrices and gradient-check reports, shared by /v1/jacobian
/// and /v1/hessian.
enum SparseJSON {
    /// `{nnz, density, row_indices, column_indices}`, row-major.
    static func pattern(_ pattern: SparsityPattern) -> JSONValue {
        .object([
            "nnz": .number(Double(pattern.nnz)),
            "density": .number(pattern.density),
            "row_indices": .numbers(pattern.rowIndices.map(Double.init)),
            "column_indices": .numbers(pattern.columnIndices.map(Double.init)),
        ])
    }

    /// `{nnz, row_indices, column_indices, values}`, row-major (coordinate form).
    static func matrix(_ matrix: SparseMatrix) -> JSONValue {
        .object([
            "nnz": .number(Double(matrix.pattern.nnz)),
            "row_indices": .numbers(matrix.pattern.rowIndices.map(Double.init)),
            "column_indices": .numbers(matrix.pattern.columnIndices.map(Double.init)),
            "values": .numbers(matrix.values),
        ])
    }

    /// The gradient check, saying that it (and only it) uses finite differences.
    static func check(_ check: GradientCheck) -> JSONValue {
        func discrepancy(_ item: GradientCheck.Discrepancy?) -> JSONValue {
            guard let item else { return .null }
            return .object([
                "error": .number(item.error), "row": .number(Double(item.row)),
                "column": .number(Double(item.column)), "exact": .number(item.exact),
                "estimate": .number(item.estimate),
            ])
        }
        return .object([
            "method": .string(GradientCheck.method),
            "note": .string("Only this check uses finite differences: the Jacobian itself is exact (automatic "
                            + "differentiation). Estimates carry truncation and rounding error."),
            "passed": .bool(check.passed),
            "tolerance": .object([
                "absolute": .number(GradientCheck.absoluteTolerance),
                "relative": .number(GradientCheck.relativeTolerance),
            ]),
            "max_absolute_error": discrepancy(check.maxAbsolute),
            "max_relative_error": discrepancy(check.maxRelative),
            "steps": .numbers(check.steps),
            "unchecked_columns": .numbers(check.uncheckedColumns.map(Double.init)),
        ])
    }
}
