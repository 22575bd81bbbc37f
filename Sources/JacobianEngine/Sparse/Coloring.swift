/// A partition of a matrix's columns into groups that share no row (structurally orthogonal columns), so one
/// forward sweep seeded with the sum of a group's unit vectors yields every column of the group: each nonzero of
/// the compressed product belongs to exactly one column of the group. Reverse mode colours rows the same way
/// (columns of the transposed pattern). This is the greedy distance-2 colouring of the column intersection graph
/// that CasADi and ColPack use for direct recovery; in natural order a banded matrix of bandwidth b gets b colours
/// whatever its size.
public struct ColumnColoring: Sendable, Hashable {
    /// The colour of each column, from 0.
    public let colors: [Int]
    /// Number of colours: the sweeps a compressed Jacobian needs.
    public let count: Int

    /// Colours at most this many pair visits (Σ over rows of the row's length squared); denser patterns, where a
    /// colouring would save little, get one colour per column without the cost of computing it.
    static let workBudget = 1 << 24

    /// One colour per column (no compression).
    static func identity(_ columns: Int) -> ColumnColoring {
        ColumnColoring(colors: Array(0..<columns), count: columns)
    }

    private init(colors: [Int], count: Int) {
        self.colors = colors
        self.count = count
    }

    /// Greedy distance-2 colouring of `pattern`'s columns, in natural order: each column takes the smallest colour
    /// no column sharing a row with it has yet.
    init(columnsOf pattern: SparsityPattern) {
        var work = 0
        for row in 0..<pattern.rows {
            let length = pattern.rowStarts[row + 1] - pattern.rowStarts[row]
            work += length * length
            if work > Self.workBudget {
                self = .identity(pattern.columns)
                return
            }
        }
        let byColumn = pattern.transposed
        var colors = [Int](repeating: -1, count: pattern.columns)
        // forbiddenBy[c] == j: colour c is used by a neighbour of column j (stamps avoid clearing per column).
        var forbiddenBy = [Int](repeating: -1, count: pattern.columns + 1)
        var count = 0
        for column in 0..<pattern.columns {
            for row in byColumn.columns(inRow: column) {
                for neighbour in pattern.columns(inRow: row) where colors[neighbour] >= 0 {
                    forbiddenBy[colors[neighbour]] = column
                }
            }
            var color = 0
            while forbiddenBy[color] == column { color += 1 }
            colors[column] = color
            count = max(count, color + 1)
        }
        self.init(colors: colors, count: count)
    }
}
