/// Where everything goes in a heatmap, computed from the matrix shape and the label lengths alone.
///
/// Cells get as close as possible to a 600-pixel grid side, between 1 and 64 pixels, and no more than three times
/// (or 16 px) taller than wide (or the reverse) so that a 2×200 matrix stays readable. Labels then take one row
/// (or column) every `k`, where `k` is the number of cells a label needs: `ceil(14 px / cell side)`.
struct HeatmapLayout {
    static let targetGridSide = 600.0
    static let maxCellSide = 64.0
    /// Vertical room one line of 11-px text needs before the next one: labels closer than this overlap.
    static let labelPitch = 14.0
    /// Labels are shown with at most this many characters (the whole label stays in a tooltip).
    static let shownLabelCharacters = 24
    /// Up to this many entries each cell has a `<title>` tooltip "row, column: value"; past it only the
    /// `data-value` attribute, which keeps a 200×200 heatmap under 4 MB.
    static let cellTitleEntryLimit = 10_000

    let rows: Int
    let columns: Int
    let cellWidth: Double
    let cellHeight: Double
    let rowLabelEvery: Int
    let columnLabelEvery: Int
    let columnLabelsVertical: Bool
    let grid: PixelRect
    let legendX: Double
    let legendHeight: Double
    let width: Double
    let height: Double
    /// Baseline of the "inputs" axis title, just under the column labels.
    let columnTitleY: Double

    /// - Parameters:
    ///   - shownRowLabels, shownColumnLabels: the labels as they will be printed (already shortened).
    ///   - legendWidth: room the color legend needs right of the grid.
    ///   - title: the picture title, which may widen the picture (up to 720 px).
    init(rows: Int, columns: Int, shownRowLabels: [String], shownColumnLabels: [String], legendWidth: Double, title: String) {
        precondition(rows > 0 && columns > 0, "an empty matrix has no layout")
        self.rows = rows
        self.columns = columns
        let naturalWidth = Self.cellSide(fitting: columns)
        let naturalHeight = Self.cellSide(fitting: rows)
        cellWidth = min(naturalWidth, max(naturalHeight * 3, 16))
        cellHeight = min(naturalHeight, max(naturalWidth * 3, 16))

        let font = SVGWriter.fontSize
        rowLabelEvery = Self.every(pitch: Self.labelPitch, cell: cellHeight)
        let widestColumnLabel = shownColumnLabels.map { XMLText.estimatedWidth($0, fontSize: font) }.max() ?? 0
        columnLabelsVertical = widestColumnLabel + 6 > cellWidth
        columnLabelEvery = columnLabelsVertical ? Self.every(pitch: Self.labelPitch, cell: cellWidth) : 1
        let widestRowLabel = Self.widest(shownRowLabels, every: rowLabelEvery)
        let widestShownColumn = Self.widest(shownColumnLabels, every: columnLabelEvery)

        // Left: margin, vertical axis title "outputs", gap, row labels, tick. Bottom: tick, column labels,
        // gap, axis title "inputs", margin. Top: the picture title and the legend caption.
        let left = 12 + 16 + 8 + widestRowLabel + 8
        let top = 52.0
        let columnLabelDepth = columnLabelsVertical ? widestShownColumn : font
        let bottom = 8 + columnLabelDepth + 12 + 16 + 10
        columnTitleY = top + cellHeight * Double(rows) + 8 + columnLabelDepth + 22
        grid = PixelRect(x: left, y: top, width: cellWidth * Double(columns), height: cellHeight * Double(rows))
        legendX = grid.maxX + 24
        legendHeight = max(grid.height, 160)
        // Up to three lines ("min", "max", the batch note) under the legend bar.
        let legendBottom = top + legendHeight + 60
        let titleWidth = min(720, XMLText.estimatedWidth(title, fontSize: SVGWriter.titleFontSize) + 24)
        width = max(legendX + legendWidth + 12, titleWidth)
        height = max(grid.maxY + bottom, legendBottom)
    }

    /// Whether the values fit printed inside the cells (small matrices): 3 significant digits need about 7 glyphs.
    func showsValues(widestValueText: Double) -> Bool {
        cellHeight >= 18 && cellWidth >= widestValueText + 6
    }

    var showsCellTitles: Bool { rows * columns <= Self.cellTitleEntryLimit }

    /// Whole pixels, so cell edges fall on pixel boundaries at 1:1 zoom.
    private static func cellSide(fitting count: Int) -> Double {
        min(maxCellSide, max(1, (targetGridSide / Double(count)).rounded(.down)))
    }

    private static func every(pitch: Double, cell: Double) -> Int {
        max(1, Int((pitch / cell).rounded(.up)))
    }

    private static func widest(_ labels: [String], every: Int) -> Double {
        stride(from: 0, to: labels.count, by: every)
            .map { XMLText.estimatedWidth(labels[$0], fontSize: SVGWriter.fontSize) }
            .max() ?? 0
    }
}
