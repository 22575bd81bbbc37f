import Foundation

/// The API reference at `/docs`: openapi.yaml rendered as one HTML page on the server, once.
///
/// Rendered in Swift rather than by a script in the browser, so that the page needs no script at all (its
/// Content-Security-Policy allows none), reads the same with JavaScript off, and its YAML reader is covered by the
/// Swift tests against the real document. Operations come grouped by tag, each with its parameters, request body
/// (examples as JSON and as a `curl` command) and responses; then every schema, with links between them.
/// If the document ever leaves the YAML subset this reads, the page shows the document as text, with the reason.
struct APIReferencePage {
    let document: YAMLNode

    /// The page for `yaml`.
    static func render(yaml: String) -> String {
        do throws(YAMLSubsetError) {
            return APIReferencePage(document: try YAMLSubset.parse(yaml)).html()
        } catch {
            return fallback(yaml: yaml, reason: error.description)
        }
    }

    static let httpMethods = ["get", "put", "post", "delete", "patch", "head", "options"]

    /// The anchor of an operation: `op-post-v1-jacobian`, `op-get-root` for `/`.
    static func anchor(method: String, path: String) -> String {
        let slug = path.split { !($0.isLetter || $0.isNumber) }.joined(separator: "-").lowercased()
        return "op-" + method + "-" + (slug.isEmpty ? "root" : slug)
    }

    /// The anchor of a schema of `#/components/schemas`.
    static func anchor(schema name: String) -> String { "schema-" + name }

    func html() -> String {
        var page = HTMLWriter()
        let info = document["info"] ?? .null
        let title = info["title"]?.text ?? "API"
        Self.head(&page, title: title + " API reference")
        page.open("header", ["class": "page-header"])
        page.element("h1", text: title + " API reference")
        if let version = info["version"]?.text { page.element("p", ["class": "summary"], text: "Version " + version) }
        if let summary = info["summary"]?.text { page.element("p", text: summary) }
        page.open("nav", ["aria-label": "Pages"])
        page.element("a", ["href": "/"], text: "Playground")
        page.text(" · ")
        page.element("a", ["href": "/openapi.yaml"], text: "openapi.yaml")
        page.text(" · ")
        page.element("a", ["href": "#endpoints"], text: "Endpoints")
        page.text(" · ")
        page.element("a", ["href": "#schemas"], text: "Schemas")
        page.close("nav")
        page.close("header")
        page.open("main", ["class": "docs"])
        if let description = info["description"]?.text { page.prose(description) }
        operations(&page)
        schemas(&page)
        page.close("main")
        page.raw("</body>\n</html>\n")
        return page.html
    }

    /// Doctype, head (no script) and the body's opening tag.
    static func head(_ page: inout HTMLWriter, title: String) {
        page.raw("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        page.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        page.element("title", text: title)
        page.raw("\n<link rel=\"stylesheet\" href=\"/playground/playground.css\">\n</head>\n<body>\n")
    }

    /// (method, path, operation) in document order.
    var allOperations: [(method: String, path: String, operation: YAMLNode)] {
        (document["paths"]?.entries ?? []).flatMap { path in
            Self.httpMethods.compactMap { method in path.value[method].map { (method, path.key, $0) } }
        }
    }

    // MARK: Operations

    private func operations(_ page: inout HTMLWriter) {
        let operations = allOperations
        page.element("h2", ["id": "endpoints"], text: "Endpoints")
        page.open("ul", ["class": "toc"])
        for (method, path, operation) in operations {
            page.open("li")
            page.open("a", ["href": "#" + Self.anchor(method: method, path: path)])
            page.text(method.uppercased() + " " + path)
            page.close("a")
            if let summary = operation["summary"]?.text { page.text(": " + summary) }
            page.close("li")
        }
        page.close("ul")

        // Grouped by the document's tags, in their order; operations without a known tag come last.
        var tags = (document["tags"]?.items ?? []).compactMap { tag in tag["name"]?.text.map { ($0, tag["description"]?.text) } }
        let known = Set(tags.map(\.0))
        let tagOf = { (operation: YAMLNode) -> String in
            let first = operation["tags"]?.items.first?.text ?? ""
            return known.contains(first) ? first : "other"
        }
        if operations.contains(where: { tagOf($0.operation) == "other" }), !known.contains("other") {
            tags.append(("other", nil))
        }
        for (tag, description) in tags {
            let members = operations.filter { tagOf($0.operation) == tag }
            guard !members.isEmpty else { continue }
            page.element("h2", ["id": "tag-" + tag], text: tag.prefix(1).uppercased() + tag.dropFirst())
            if let description { page.prose(description) }
            for (method, path, operation) in members { self.operation(&page, method: method, path: path, operation) }
        }
    }

    private func operation(_ page: inout HTMLWriter, method: String, path: String, _ operation: YAMLNode) {
        page.open("section", ["class": "operation", "id": Self.anchor(method: method, path: path)])
        page.open("h3")
        page.element("span", ["class": "method method-" + method], text: method.uppercased())
        page.text(" " + path)
        page.close("h3")
        if let summary = operation["summary"]?.text { page.element("p", ["class": "op-summary"], text: summary) }
        if let description = operation["description"]?.text { page.prose(description) }
        parameters(&page, operation["parameters"]?.items ?? [])
        if let body = operation["requestBody"].map(resolve) { requestBody(&page, body, path: path) }
        responses(&page, operation["responses"]?.entries ?? [])
        page.close("section")
    }

    private func parameters(_ page: inout HTMLWriter, _ parameters: [YAMLNode]) {
        guard !parameters.isEmpty else { return }
        page.element("h4", text: "Parameters")
        page.openTable()
        page.raw("<thead><tr><th scope=\"col\">Name</th><th scope=\"col\">In</th><th scope=\"col\">Type</th>"
            + "<th scope=\"col\">Description</th></tr></thead><tbody>")
        for parameter in parameters.map(resolve) {
            page.open("tr")
            page.open("th", ["scope": "row"])
            page.element("code", text: parameter["name"]?.text ?? "")
            page.close("th")
            page.element("td", text: (parameter["in"]?.text ?? "") + (parameter["required"]?.text == "true" ? ", required" : ""))
            page.open("td")
            if let schema = parameter["schema"] { type(&page, schema) }
            page.close("td")
            page.open("td")
            if let description = parameter["description"]?.text { page.inline(description) }
            page.close("td")
            page.close("tr")
        }
        page.raw("</tbody>")
        page.closeTable()
    }

    private func requestBody(_ page: inout HTMLWriter, _ body: YAMLNode, path: String) {
        page.element("h4", text: "Request body" + (body["required"]?.text == "true" ? " (required)" : ""))
        for (mediaType, media) in (body["content"]?.entries ?? []).map({ ($0.key, $0.value) }) {
            page.open("p")
            page.element("code", text: mediaType)
            if let schema = media["schema"] {
                page.text(": ")
                type(&page, schema)
            }
            page.close("p")
            for (name, example) in examples(media) {
                let summary = example["summary"]?.text
                let value = (example["value"] ?? example).json
                page.open("details")
                page.element("summary", text: "Example " + name + (summary.map { ": " + $0 } ?? ""))
                page.element("pre", text: PrettyJSON.text(value))
                if mediaType == "application/json" {
                    let quoted = PrettyJSON.compact(value).replacingOccurrences(of: "'", with: "'\\''")
                    page.element("pre", ["class": "curl-example"],
                                 text: "curl -s --json '" + quoted + "' http://localhost:8080" + path)
                }
                page.close("details")
            }
        }
    }

    private func responses(_ page: inout HTMLWriter, _ responses: [YAMLEntry]) {
        guard !responses.isEmpty else { return }
        page.element("h4", text: "Responses")
        page.openTable()
        page.raw("<thead><tr><th scope=\"col\">Status</th><th scope=\"col\">Description</th>"
            + "<th scope=\"col\">Content</th></tr></thead><tbody>")
        for entry in responses {
            let response = resolve(entry.value)
            page.open("tr")
            page.element("th", ["scope": "row"], text: entry.key)
            page.open("td")
            if let description = response["description"]?.text { page.inline(description) }
            page.close("td")
            page.open("td")
            for (mediaType, media) in (response["content"]?.entries ?? []).map({ ($0.key, $0.value) }) {
                page.open("div")
                page.element("code", text: mediaType)
                if let schema = media["schema"] {
                    page.text(": ")
                    type(&page, schema)
                }
                for (name, example) in examples(media) {
                    page.open("details")
                    page.element("summary", text: "Example " + name)
                    let value = example["value"] ?? example
                    let shown = mediaType.hasSuffix("json") ? PrettyJSON.text(value.json) : (value.text ?? "")
                    page.element("pre", text: shown)
                    page.close("details")
                }
                page.close("div")
            }
            page.close("td")
            page.close("tr")
        }
        page.raw("</tbody>")
        page.closeTable()
    }

    /// (name, example) of a media type object: its `example`, then each of its `examples`.
    private func examples(_ media: YAMLNode) -> [(String, YAMLNode)] {
        var result: [(String, YAMLNode)] = []
        if let example = media["example"] { result.append(("", .mapping([YAMLEntry(key: "value", value: example)]))) }
        for entry in media["examples"]?.entries ?? [] { result.append((entry.key, entry.value)) }
        return result
    }

    /// Follows a local `$ref` (`#/components/responses/BadRequest`) to what it names; other nodes unchanged.
    func resolve(_ node: YAMLNode) -> YAMLNode {
        var current = node
        for _ in 0..<16 {
            guard let reference = current["$ref"]?.text, reference.hasPrefix("#/") else { return current }
            var target = document
            for token in reference.dropFirst(2).split(separator: "/") {
                let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
                guard let next = target[key] else { return current }
                target = next
            }
            current = target
        }
        return current
    }

    /// The document as preformatted text, when it cannot be read as the YAML subset.
    static func fallback(yaml: String, reason: String) -> String {
        var page = HTMLWriter()
        head(&page, title: "API reference")
        page.open("main", ["class": "docs"])
        page.element("h1", text: "API reference")
        page.element("p", text: "The page could not lay out openapi.yaml (" + reason + "); here it is as written.")
        page.element("pre", text: yaml)
        page.close("main")
        page.raw("</body>\n</html>\n")
        return page.html
    }
}
