/// Draws one heatmap: the grid of cells, the row and column labels with their axis titles, and the legend.
struct HeatmapRenderer {
    let matrix: [[Double]]
    let rowLabels: [String]
    let columnLabels: [String]
    let title: String
    let scale: HeatmapScale
    let legend: ColorLegend
    /// Smallest and largest finite entry, printed under the legend; nil when there is none.
    let dataRange: (Double, Double)?
    var note: String? = nil

    func render() -> String {
        let rows = matrix.count
        let columns = matrix.map(\.count).max() ?? 0
        guard rows > 0, columns > 0 else { return notice("empty matrix: nothing to draw") }
        guard rows * columns <= SVGPlot.heatmapEntryLimit else {
            return notice("\(rows)×\(columns) matrix: more than \(SVGPlot.heatmapEntryLimit) entries, too large to draw")
        }
        let rowNames = (0..<rows).map { $0 < rowLabels.count ? rowLabels[$0] : "row \($0)" }
        let columnNames = (0..<columns).map { $0 < columnLabels.count ? columnLabels[$0] : "column \($0)" }
        let shownRows = rowNames.map { XMLText.truncated($0, to: HeatmapLayout.shownLabelCharacters) }
        let shownColumns = columnNames.map { XMLText.truncated($0, to: HeatmapLayout.shownLabelCharacters) }
        let layout = HeatmapLayout(rows: rows, columns: columns, shownRowLabels: shownRows, shownColumnLabels: shownColumns,
                                   legendWidth: legend.width(), title: title)

        var svg = SVGWriter(width: layout.width, height: layout.height, title: title)
        drawCells(into: &svg, layout: layout, rowNames: rowNames, columnNames: columnNames)
        drawValues(into: &svg, layout: layout)
        drawLabels(into: &svg, layout: layout, rowNames: rowNames, columnNames: columnNames,
                   shownRows: shownRows, shownColumns: shownColumns)
        legend.draw(into: &svg, x: layout.legendX, y: layout.grid.y, height: layout.legendHeight)
        drawLegendNotes(into: &svg, layout: layout)
        return svg.finished()
    }

    /// Value of entry (row, column); entries missing from ragged rows read as NaN (grey).
    private func entry(_ row: Int, _ column: Int) -> Double {
        column < matrix[row].count ? matrix[row][column] : .nan
    }

    /// One `<rect>` per entry. The grid is drawn in cell units (`scale(cw,ch)`, one `<g>` per row) so that a cell
    /// is `<rect x="j" width="1" height="1" fill=".." data-value=".."/>`: the bytes per cell decide the size bound.
    private func drawCells(into svg: inout SVGWriter, layout: HeatmapLayout, rowNames: [String], columnNames: [String]) {
        let origin = "translate(\(NumberFormat.coordinate(layout.grid.x)) \(NumberFormat.coordinate(layout.grid.y)))"
        let zoom = "scale(\(NumberFormat.coordinate(layout.cellWidth)) \(NumberFormat.coordinate(layout.cellHeight)))"
        svg.open("g", [("class", "cells"), ("transform", origin + " " + zoom), ("shape-rendering", "crispEdges")])
        svg.appendTrusted("\n")
        let withTitles = layout.showsCellTitles
        // Labels repeat in every cell's tooltip: escape and shorten each once.
        let rowTitles = withTitles ? rowNames.map { XMLText.escaped(XMLText.truncated($0, to: 40)) } : []
        let columnTitles = withTitles ? columnNames.map { XMLText.escaped(XMLText.truncated($0, to: 40)) } : []
        for row in 0..<layout.rows {
            var line = "<g transform=\"translate(0 " + String(row) + ")\">"
            line.reserveCapacity(layout.columns * (withTitles ? 160 : 90))
            for column in 0..<layout.columns {
                let value = entry(row, column)
                let exact = NumberFormat.exact(value)
                line += "<rect x=\""
                line += String(column)
                line += "\" width=\"1\" height=\"1\" fill=\""
                line += scale.color(for: value).hex
                line += "\" data-value=\""
                line += exact
                if withTitles {
                    line += "\"><title>" + rowTitles[row] + ", " + columnTitles[column] + ": " + exact + "</title></rect>"
                } else {
                    line += "\"/>"
                }
            }
            svg.appendTrusted(line + "</g>\n")
        }
        svg.close("g")
        drawSeparators(into: &svg, layout: layout)
        svg.rect(x: layout.grid.x, y: layout.grid.y, width: layout.grid.width, height: layout.grid.height,
                 attributes: [("fill", "none"), ("stroke", "#737373"), ("stroke-width", "1")])
    }

    /// Hairlines between cells large enough to tell apart (8 px and more), so that neighbouring near-white cells
    /// still read as separate entries.
    private func drawSeparators(into svg: inout SVGWriter, layout: HeatmapLayout) {
        guard layout.cellWidth >= 8, layout.cellHeight >= 8 else { return }
        let grid = layout.grid
        svg.open("g", [("class", "separators"), ("stroke", "#d9d9d9"), ("stroke-width", "0.5")])
        for row in 1..<max(1, layout.rows) {
            let y = grid.y + Double(row) * layout.cellHeight
            svg.line(x1: grid.x, y1: y, x2: grid.maxX, y2: y, attributes: [])
        }
        for column in 1..<max(1, layout.columns) {
            let x = grid.x + Double(column) * layout.cellWidth
            svg.line(x1: x, y1: grid.y, x2: x, y2: grid.maxY, attributes: [])
        }
        svg.close("g")
    }

    /// Values printed inside cells when they fit (small matrices), black on light cells and white on dark ones.
    private func drawValues(into svg: inout SVGWriter, layout: HeatmapLayout) {
        // Even the shortest value ("0") needs a cell this big; checking first skips formatting 40,000 values.
        guard layout.showsValues(widestValueText: XMLText.estimatedWidth("0", fontSize: SVGWriter.fontSize)) else { return }
        let texts = (0..<layout.rows).map { row in (0..<layout.columns).map { NumberFormat.significant(entry(row, $0)) } }
        let widest = texts.joined().map { XMLText.estimatedWidth($0, fontSize: SVGWriter.fontSize) }.max() ?? 0
        guard layout.showsValues(widestValueText: widest) else { return }
        svg.open("g", [("class", "cell-values"), ("text-anchor", "middle")])
        for row in 0..<layout.rows {
            for column in 0..<layout.columns {
                let fill = scale.color(for: entry(row, column))
                svg.text(texts[row][column],
                         x: layout.grid.x + (Double(column) + 0.5) * layout.cellWidth,
                         y: layout.grid.y + (Double(row) + 0.5) * layout.cellHeight + 4,
                         attributes: [("fill", fill.luma < 120 ? "#ffffff" : "#000000")])
            }
        }
        svg.close("g")
    }

    /// Every k-th row and column label (k from the layout), with a tick at its cell, and the axis titles.
    private func drawLabels(into svg: inout SVGWriter, layout: HeatmapLayout, rowNames: [String], columnNames: [String],
                            shownRows: [String], shownColumns: [String]) {
        let grid = layout.grid
        svg.open("g", [("class", "row-labels"), ("text-anchor", "end")])
        for row in stride(from: 0, to: layout.rows, by: layout.rowLabelEvery) {
            let y = grid.y + (Double(row) + 0.5) * layout.cellHeight
            svg.line(x1: grid.x - 4, y1: y, x2: grid.x, y2: y, attributes: [("stroke", "#444444")])
            svg.text(shownRows[row], x: grid.x - 6, y: y + 4, attributes: [("class", "row-label")], tooltip: rowNames[row])
        }
        svg.close("g")
        svg.open("g", [("class", "column-labels"), ("text-anchor", layout.columnLabelsVertical ? "end" : "middle")])
        for column in stride(from: 0, to: layout.columns, by: layout.columnLabelEvery) {
            let x = grid.x + (Double(column) + 0.5) * layout.cellWidth
            svg.line(x1: x, y1: grid.maxY, x2: x, y2: grid.maxY + 4, attributes: [("stroke", "#444444")])
            if layout.columnLabelsVertical {
                svg.verticalText(shownColumns[column], x: x + 4, y: grid.maxY + 7,
                                 attributes: [("class", "column-label")], tooltip: columnNames[column])
            } else {
                svg.text(shownColumns[column], x: x, y: grid.maxY + 17,
                         attributes: [("class", "column-label")], tooltip: columnNames[column])
            }
        }
        svg.close("g")
        let axisFont = [("font-size", NumberFormat.coordinate(SVGWriter.fontSize + 1)), ("text-anchor", "middle")]
        svg.text("inputs", x: grid.x + grid.width / 2, y: layout.columnTitleY, attributes: axisFont + [("class", "axis-title x")])
        svg.verticalText("outputs", x: 24, y: grid.y + grid.height / 2, attributes: axisFont + [("class", "axis-title y")])
    }

    /// The data's own extremes (which may be narrower than the symmetric scale) and the batch note, under the bar.
    private func drawLegendNotes(into svg: inout SVGWriter, layout: HeatmapLayout) {
        var y = layout.grid.y + layout.legendHeight + 18
        if let (low, high) = dataRange {
            svg.text("min " + NumberFormat.significant(low), x: layout.legendX, y: y,
                     attributes: [("class", "data-min"), ("data-value", NumberFormat.exact(low))])
            y += 14
            svg.text("max " + NumberFormat.significant(high), x: layout.legendX, y: y,
                     attributes: [("class", "data-max"), ("data-value", NumberFormat.exact(high))])
            y += 14
        }
        if let note {
            svg.text(note, x: layout.legendX, y: y, attributes: [("class", "note")])
        }
    }

    /// A picture holding only the title and a sentence, for matrices that cannot be drawn.
    private func notice(_ message: String) -> String {
        let width = max(360, XMLText.estimatedWidth(message, fontSize: SVGWriter.fontSize) + 40)
        var svg = SVGWriter(width: width, height: 90, title: title)
        svg.text(message, x: width / 2, y: 56, attributes: [("text-anchor", "middle"), ("class", "note")])
        return svg.finished()
    }
}
