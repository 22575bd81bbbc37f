/// Where a matrix (a Jacobian, or a Hessian) can be nonzero, whatever the point: its structural sparsity, worked
/// out from the program at compile time. Entries are listed row by row, columns ascending within a row (compressed
/// sparse rows), the order `SparseMatrix` values and the API's coordinate lists follow.
public struct SparsityPattern: Sendable, Hashable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// Row `r`'s entries are `rowStarts[r]..<rowStarts[r + 1]` of `columnIndices` (`rows + 1` entries).
    public let rowStarts: [Int]
    /// The column of each entry, row by row.
    public let columnIndices: [Int]
    /// False when the pattern is a superset of the true structure: rows whose dependencies were too costly to
    /// trace exactly (see docs/ENGINE.md) list every column in their dependency span. Still safe for colouring.
    public let isExact: Bool

    /// A pattern from its compressed rows; `rowStarts` must be nondecreasing from 0 to `columnIndices.count`.
    public init(rows: Int, columns: Int, rowStarts: [Int], columnIndices: [Int], isExact: Bool = true) {
        precondition(rowStarts.count == rows + 1 && rowStarts.first == 0 && rowStarts.last == columnIndices.count,
                     "rowStarts must run from 0 to the entry count, one per row plus one")
        self.rows = rows
        self.columns = columns
        self.rowStarts = rowStarts
        self.columnIndices = columnIndices
        self.isExact = isExact
    }

    /// Every entry of a `rows × columns` matrix: the pattern of a function with no structural zeros (`isExact`), or
    /// the stand-in for one whose pattern was too large to keep (`isExact` false).
    public static func dense(rows: Int, columns: Int, isExact: Bool = true) -> SparsityPattern {
        var indices: [Int] = []
        indices.reserveCapacity(rows * columns)
        for _ in 0..<rows { indices.append(contentsOf: 0..<columns) }
        return SparsityPattern(rows: rows, columns: columns, rowStarts: (0...rows).map { $0 * columns },
                               columnIndices: indices, isExact: isExact)
    }

    /// Number of structurally nonzero entries.
    public var nnz: Int { columnIndices.count }

    /// `nnz / (rows × columns)`, 0 for an empty matrix.
    public var density: Double { rows * columns == 0 ? 0 : Double(nnz) / (Double(rows) * Double(columns)) }

    /// The row of each entry, in entry order (the coordinate form's first list).
    public var rowIndices: [Int] {
        var indices = [Int](repeating: 0, count: nnz)
        for row in 0..<rows {
            for entry in rowStarts[row]..<rowStarts[row + 1] { indices[entry] = row }
        }
        return indices
    }

    /// The columns of row `row`.
    public func columns(inRow row: Int) -> ArraySlice<Int> { columnIndices[rowStarts[row]..<rowStarts[row + 1]] }

    /// The transposed pattern (columns become rows), still row-major ordered.
    public var transposed: SparsityPattern {
        var counts = [Int](repeating: 0, count: columns + 1)
        for column in columnIndices { counts[column + 1] += 1 }
        for c in 0..<columns { counts[c + 1] += counts[c] }
        var next = counts
        var indices = [Int](repeating: 0, count: nnz)
        for row in 0..<rows {
            for entry in rowStarts[row]..<rowStarts[row + 1] {
                let column = columnIndices[entry]
                indices[next[column]] = row
                next[column] += 1
            }
        }
        return SparsityPattern(rows: columns, columns: rows, rowStarts: counts, columnIndices: indices,
                               isExact: isExact)
    }
}

/// A matrix held as a `SparsityPattern` and one value per pattern entry, in the pattern's row-major order.
public struct SparseMatrix: Sendable, Hashable {
    /// Where the entries are.
    public let pattern: SparsityPattern
    /// The value of each pattern entry (a structural nonzero may still be 0 at a given point).
    public var values: [Double]

    /// A matrix from a pattern and one value per entry.
    public init(pattern: SparsityPattern, values: [Double]) {
        precondition(values.count == pattern.nnz, "one value per pattern entry")
        self.pattern = pattern
        self.values = values
    }

    /// The dense matrix, zeros outside the pattern.
    public var dense: Matrix {
        var matrix = Matrix(rows: pattern.rows, columns: pattern.columns)
        for row in 0..<pattern.rows {
            for entry in pattern.rowStarts[row]..<pattern.rowStarts[row + 1] {
                matrix[row, pattern.columnIndices[entry]] = values[entry]
            }
        }
        return matrix
    }
}
