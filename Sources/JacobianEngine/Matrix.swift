/// A dense matrix of doubles stored row-major: the shape every Jacobian, and every solver, shares.
public struct Matrix: Hashable, Sendable {
    /// Number of rows (a Jacobian's outputs).
    public let rows: Int
    /// Number of columns (a Jacobian's inputs or parameters).
    public let columns: Int
    /// Entries row by row: entry (i, j) is `storage[i * columns + j]`.
    public var storage: [Double]

    /// A matrix of the given shape filled with `value`.
    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && columns >= 0, "matrix dimensions must not be negative")
        self.rows = rows
        self.columns = columns
        self.storage = [Double](repeating: value, count: rows * columns)
    }

    /// A matrix over existing row-major storage; `storage.count` must be `rows * columns`.
    public init(rows: Int, columns: Int, storage: [Double]) {
        precondition(storage.count == rows * columns, "storage does not match the matrix shape")
        self.rows = rows
        self.columns = columns
        self.storage = storage
    }

    /// A matrix from nested rows, which must all have the same length.
    public init(_ rowArrays: [[Double]]) {
        let columns = rowArrays.first?.count ?? 0
        precondition(rowArrays.allSatisfy { $0.count == columns }, "rows must all have the same length")
        self.init(rows: rowArrays.count, columns: columns, storage: rowArrays.flatMap { $0 })
    }

    /// The entry in row `row` and column `column`.
    @inlinable
    public subscript(row: Int, column: Int) -> Double {
        get { storage[row * columns + column] }
        set { storage[row * columns + column] = newValue }
    }

    /// Row `index`, without copying it.
    @inlinable
    public func row(_ index: Int) -> ArraySlice<Double> {
        storage[(index * columns)..<((index + 1) * columns)]
    }

    /// The rows as nested arrays, the shape JSON responses use.
    public var rowArrays: [[Double]] {
        (0..<rows).map { Array(row($0)) }
    }

    /// The transpose.
    public var transposed: Matrix {
        var result = Matrix(rows: columns, columns: rows)
        for i in 0..<rows {
            for j in 0..<columns { result[j, i] = self[i, j] }
        }
        return result
    }
}
