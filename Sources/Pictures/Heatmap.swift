extension SVGPlot {
    /// Matrices with more entries than this are not drawn cell by cell: the picture says so instead. At about
    /// 85 bytes per cell, this caps a heatmap near 8.5 MB whatever the request.
    public static let heatmapEntryLimit = 100_000

    /// A heatmap of a signed matrix (a Jacobian): one cell per entry, colored on a diverging blue–white–red scale
    /// (ColorBrewer RdBu, negative blue, positive red) symmetric around zero, from -max|value| to +max|value|;
    /// zero is exactly white, an all-zero matrix is all white, NaN or infinite entries are grey.
    ///
    /// Each cell is a `<rect>` with a `data-value` attribute holding the exact value (Swift's shortest round-trip
    /// `description`); up to 10,000 entries each cell also has a `<title>` tooltip "row, column: value".
    /// Rows are labelled with `rowLabels` (outputs), columns with `columnLabels` (inputs); labels are thinned to
    /// every k-th when cells are smaller than a line of text, shortened to 24 characters when shown.
    /// Small matrices show their values inside the cells (3 significant digits).
    /// A legend bar gives the scale's numbers at -max, -max/2, 0, +max/2, +max, and the data's min and max.
    /// A 200×200 matrix of full-precision values takes about 3.4 MB (documented bound: under 4 MB).
    ///
    /// - Parameters:
    ///   - matrix: rows of values; ragged rows are padded with missing (grey) entries.
    ///   - rowLabels: one name per row; missing names become "row i".
    ///   - columnLabels: one name per column; missing names become "column j".
    ///   - title: shown at the top and as the document's `<title>`.
    public static func heatmap(matrix: [[Double]], rowLabels: [String], columnLabels: [String], title: String) -> String {
        let finite = matrix.joined().filter(\.isFinite)
        let bound = finite.map(abs).max() ?? 0
        let legend = ColorLegend(
            color: { t in HeatmapScale.diverging(bound: bound).color(for: (2 * t - 1) * bound) },
            marks: bound > 0
                ? [
                    .init(position: 0, label: NumberFormat.significant(-bound), exactValue: -bound),
                    .init(position: 0.25, label: NumberFormat.significant(-bound / 2), exactValue: nil),
                    .init(position: 0.5, label: "0", exactValue: 0),
                    .init(position: 0.75, label: NumberFormat.significant(bound / 2), exactValue: nil),
                    .init(position: 1, label: NumberFormat.significant(bound), exactValue: bound),
                ]
                : [.init(position: 0.5, label: "0 (all zero)", exactValue: 0)],
            caption: "∂ output / ∂ input"
        )
        return HeatmapRenderer(
            matrix: matrix, rowLabels: rowLabels, columnLabels: columnLabels, title: title,
            scale: .diverging(bound: bound), legend: legend,
            dataRange: finite.isEmpty ? nil : (finite.min()!, finite.max()!)
        ).render()
    }

    /// A heatmap of the batch mean of absolute values, `mean over points of |J[i][j]|`: how strongly each output
    /// depends on each input across a batch, sign discarded. Drawn on the sequential white-to-red half of the same
    /// scale (the values are non-negative): 0 is white, the largest mean is darkest red.
    ///
    /// The shape is the first matrix's; an entry missing from a ragged matrix, or non-finite in any matrix,
    /// makes that mean non-finite and its cell grey. Cells, labels, thinning and size are as in
    /// `heatmap(matrix:rowLabels:columnLabels:title:)`.
    public static func heatmap(meanAbsoluteOf matrices: [[[Double]]], rowLabels: [String], columnLabels: [String], title: String) -> String {
        let mean = meanAbsolute(matrices)
        let finite = mean.joined().filter(\.isFinite)
        let bound = finite.max() ?? 0
        let legend = ColorLegend(
            color: { t in HeatmapScale.magnitude(bound: bound).color(for: t * bound) },
            marks: bound > 0
                ? [
                    .init(position: 0, label: "0", exactValue: 0),
                    .init(position: 0.5, label: NumberFormat.significant(bound / 2), exactValue: nil),
                    .init(position: 1, label: NumberFormat.significant(bound), exactValue: bound),
                ]
                : [.init(position: 0, label: "0 (all zero)", exactValue: 0)],
            caption: "mean |∂ output / ∂ input|"
        )
        return HeatmapRenderer(
            matrix: mean, rowLabels: rowLabels, columnLabels: columnLabels, title: title,
            scale: .magnitude(bound: bound), legend: legend,
            dataRange: finite.isEmpty ? nil : (finite.min()!, finite.max()!),
            note: "batch of \(matrices.count) point" + (matrices.count == 1 ? "" : "s")
        ).render()
    }

    /// Entrywise mean of |value| over `matrices`, in the first matrix's shape.
    static func meanAbsolute(_ matrices: [[[Double]]]) -> [[Double]] {
        guard let first = matrices.first else { return [] }
        let count = Double(matrices.count)
        return first.indices.map { row in
            first[row].indices.map { column in
                // Each term divided first: the mean of finite values stays finite even when their sum overflows.
                var mean = 0.0
                for matrix in matrices {
                    guard row < matrix.count, column < matrix[row].count else { return .nan }
                    mean += abs(matrix[row][column]) / count
                }
                return mean
            }
        }
    }
}
