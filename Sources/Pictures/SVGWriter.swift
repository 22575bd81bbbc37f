/// Builds one SVG document as text. Every attribute value and text node goes through `XMLText.escaped`,
/// except the few hot-path numbers and colors the writer formats itself.
struct SVGWriter {
    private(set) var markup = ""

    /// Sizes of text used across pictures, in pixels.
    static let fontSize = 11.0
    static let titleFontSize = 14.0
    /// Titles and labels are cut to this many characters in `<title>` elements: labels repeat (one per heatmap
    /// cell), so an unbounded label would make the document grow as labels × cells.
    static let maxTitleCharacters = 200

    /// Opens the document: root element with its size, the accessible `<title>`, white background and the visible
    /// title centred at the top.
    init(width: Double, height: Double, title: String) {
        let w = NumberFormat.coordinate(width)
        let h = NumberFormat.coordinate(height)
        markup.reserveCapacity(4096)
        markup += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(w)\" height=\"\(h)\" "
        markup += "viewBox=\"0 0 \(w) \(h)\" role=\"img\" font-family=\"sans-serif\" font-size=\"\(NumberFormat.coordinate(Self.fontSize))\">\n"
        let fullTitle = XMLText.truncated(title, to: Self.maxTitleCharacters)
        markup += "<title>\(XMLText.escaped(fullTitle))</title>\n"
        rect(x: 0, y: 0, width: width, height: height, attributes: [("fill", "#ffffff")])
        // The visible title is cut to what fits across the picture.
        let fitting = max(8, Int((width - 16) / (Self.titleFontSize * 0.6)))
        self.text(
            XMLText.truncated(title, to: fitting), x: width / 2, y: 20,
            attributes: [("text-anchor", "middle"), ("font-size", NumberFormat.coordinate(Self.titleFontSize)),
                         ("font-weight", "bold"), ("class", "title")]
        )
    }

    /// Closes the root element and returns the document.
    mutating func finished() -> String {
        markup += "</svg>\n"
        return markup
    }

    // MARK: Elements

    /// `<name a="v" ...>` (or self-closed with `/>` when `selfClosing`).
    mutating func open(_ name: String, _ attributes: [(String, String)], selfClosing: Bool = false) {
        markup += "<" + name
        for (key, value) in attributes {
            markup += " " + key + "=\"" + XMLText.escaped(value) + "\""
        }
        markup += selfClosing ? "/>\n" : ">"
    }

    mutating func close(_ name: String) {
        markup += "</" + name + ">\n"
    }

    /// Appends markup the caller has built from numbers and fixed names only (the heatmap's cells), skipping the
    /// escaping pass that would cost more than the cell itself.
    mutating func appendTrusted(_ fragment: String) {
        markup += fragment
    }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, attributes: [(String, String)] = []) {
        open("rect", geometry([("x", x), ("y", y), ("width", width), ("height", height)]) + attributes, selfClosing: true)
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, attributes: [(String, String)]) {
        open("line", geometry([("x1", x1), ("y1", y1), ("x2", x2), ("y2", y2)]) + attributes, selfClosing: true)
    }

    mutating func circle(cx: Double, cy: Double, r: Double, attributes: [(String, String)], tooltip: String? = nil) {
        let all = geometry([("cx", cx), ("cy", cy), ("r", r)]) + attributes
        guard let tooltip else {
            open("circle", all, selfClosing: true)
            return
        }
        open("circle", all)
        titleElement(tooltip)
        close("circle")
    }

    /// A polyline through `points` (already in pixels; non-finite points are dropped).
    mutating func polyline(_ points: [(Double, Double)], attributes: [(String, String)]) {
        let list = points.filter { $0.0.isFinite && $0.1.isFinite }
            .map { NumberFormat.coordinate($0.0) + "," + NumberFormat.coordinate($0.1) }
            .joined(separator: " ")
        open("polyline", [("points", list), ("fill", "none")] + attributes, selfClosing: true)
    }

    /// A text element; `tooltip` adds a `<title>` child, used when the shown text is a shortened label.
    mutating func text(_ content: String, x: Double, y: Double, attributes: [(String, String)] = [], tooltip: String? = nil) {
        open("text", geometry([("x", x), ("y", y)]) + attributes)
        if let tooltip, tooltip != content { titleElement(tooltip) }
        markup += XMLText.escaped(content)
        close("text")
    }

    /// Text turned by -90° about its anchor, reading upwards (vertical axis titles, crowded column labels).
    mutating func verticalText(_ content: String, x: Double, y: Double, attributes: [(String, String)] = [], tooltip: String? = nil) {
        let turn = "rotate(-90 \(NumberFormat.coordinate(x)) \(NumberFormat.coordinate(y)))"
        self.text(content, x: x, y: y, attributes: [("transform", turn)] + attributes, tooltip: tooltip)
    }

    /// A `<title>` child: a tooltip in browsers and an accessible name.
    mutating func titleElement(_ content: String) {
        markup += "<title>" + XMLText.escaped(XMLText.truncated(content, to: Self.maxTitleCharacters)) + "</title>"
    }

    private func geometry(_ values: [(String, Double)]) -> [(String, String)] {
        values.map { ($0.0, NumberFormat.coordinate($0.1)) }
    }
}
