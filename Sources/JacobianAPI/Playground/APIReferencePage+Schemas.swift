/// The schemas of the API reference: one section per `#/components/schemas` entry, properties as tables, types
/// as short phrases ("array of Vector", "one of: string | object") linking to the schemas they name.
extension APIReferencePage {
    /// Nested object schemas are shown as nested tables down to this depth, then as a type phrase only.
    static let maxSchemaDepth = 4

    func schemas(_ page: inout HTMLWriter) {
        let schemas = document["components"]?["schemas"]?.entries ?? []
        guard !schemas.isEmpty else { return }
        page.element("h2", ["id": "schemas"], text: "Schemas")
        page.open("ul", ["class": "toc"])
        for entry in schemas {
            page.open("li")
            page.element("a", ["href": "#" + Self.anchor(schema: entry.key)], text: entry.key)
            page.close("li")
        }
        page.close("ul")
        for entry in schemas {
            page.open("section", ["class": "operation", "id": Self.anchor(schema: entry.key)])
            page.element("h3", text: entry.key)
            schema(&page, entry.value, depth: 0)
            page.close("section")
        }
    }

    /// A schema: its description, then its properties as a table, or its alternatives, or its type.
    func schema(_ page: inout HTMLWriter, _ node: YAMLNode, depth: Int) {
        if let description = node["description"]?.text { page.prose(description) }
        let alternatives = ["oneOf", "anyOf", "allOf"].compactMap { key in node[key].map { (key, $0.items) } }
        if let properties = node["properties"]?.entries, !properties.isEmpty {
            propertyTable(&page, properties, required: Set((node["required"]?.items ?? []).compactMap(\.text)), depth: depth)
            if node["additionalProperties"]?.text == "false" { page.element("p", ["class": "note"], text: "No other members.") }
        } else if alternatives.isEmpty {
            page.open("p")
            page.text("Type: ")
            type(&page, node)
            constraints(&page, node)
            page.close("p")
        }
        for (key, items) in alternatives {
            page.element("p", text: key == "allOf" ? "All of:" : "One of:")
            page.open("ul")
            for item in items {
                page.open("li")
                if item["properties"] != nil, item["$ref"] == nil, depth < Self.maxSchemaDepth {
                    schema(&page, item, depth: depth + 1)
                } else {
                    type(&page, item)
                    constraints(&page, item)
                }
                page.close("li")
            }
            page.close("ul")
        }
    }

    private func propertyTable(_ page: inout HTMLWriter, _ properties: [YAMLEntry], required: Set<String>, depth: Int) {
        page.openTable()
        page.raw("<thead><tr><th scope=\"col\">Member</th><th scope=\"col\">Type</th>"
            + "<th scope=\"col\">Description</th></tr></thead><tbody>")
        for property in properties {
            page.open("tr")
            page.open("th", ["scope": "row"])
            page.element("code", text: property.key)
            if required.contains(property.key) { page.element("span", ["class": "note"], text: " required") }
            page.close("th")
            page.open("td")
            type(&page, property.value)
            page.close("td")
            page.open("td")
            if let description = property.value["description"]?.text { page.inline(description) }
            constraints(&page, property.value)
            let nested = property.value["properties"] != nil ? property.value : property.value["items"]
            if let nested, nested["properties"] != nil, depth < Self.maxSchemaDepth {
                propertyTable(&page, nested["properties"]?.entries ?? [],
                              required: Set((nested["required"]?.items ?? []).compactMap(\.text)), depth: depth + 1)
            }
            page.close("td")
            page.close("tr")
        }
        page.raw("</tbody>")
        page.closeTable()
    }

    /// A short phrase for a schema's type, with links to named schemas.
    func type(_ page: inout HTMLWriter, _ node: YAMLNode) {
        if let target = node["$ref"]?.text {
            link(&page, toReference: target)
            return
        }
        if let constant = node["const"] {
            page.text("constant ")
            page.element("code", text: PrettyJSON.compact(constant.json))
            return
        }
        if let alternatives = node["oneOf"]?.items ?? node["anyOf"]?.items {
            page.text("one of: ")
            for (index, item) in alternatives.enumerated() {
                if index > 0 { page.text(" | ") }
                type(&page, item)
            }
            return
        }
        let types = node["type"].map { $0.items.isEmpty ? [$0.text ?? ""] : $0.items.compactMap(\.text) } ?? []
        if types == ["array"], let items = node["items"] {
            page.text("array of ")
            type(&page, items)
            return
        }
        if types.isEmpty, node["enum"] != nil {
            page.text("string")
            return
        }
        page.text(types.isEmpty ? (node["properties"] != nil ? "object" : "any") : types.joined(separator: " | "))
    }

    /// Enumerations, defaults, bounds and patterns, after the description.
    private func constraints(_ page: inout HTMLWriter, _ node: YAMLNode) {
        if let values = node["enum"]?.items, !values.isEmpty {
            page.text(" One of ")
            for (index, value) in values.enumerated() {
                if index > 0 { page.text(", ") }
                page.element("code", text: PrettyJSON.compact(value.json))
            }
            page.text(".")
        }
        for (key, label) in [("default", "Default"), ("minimum", "Minimum"), ("maximum", "Maximum"),
                             ("exclusiveMinimum", "Above"), ("minItems", "Items at least"),
                             ("maxItems", "Items at most"), ("minLength", "Minimum length"), ("pattern", "Pattern")] {
            guard let value = node[key] else { continue }
            page.text(" " + label + " ")
            page.element("code", text: key == "pattern" ? (value.text ?? "") : PrettyJSON.compact(value.json))
            page.text(".")
        }
    }

    /// A link to the schema a `$ref` names: `#/components/schemas/Vector` → Vector; a deeper pointer
    /// (`.../JacobianDiagnostics/properties/rank`) links to its schema and names the member.
    private func link(_ page: inout HTMLWriter, toReference reference: String) {
        let prefix = "#/components/schemas/"
        guard reference.hasPrefix(prefix) else {
            page.element("code", text: reference)
            return
        }
        let tokens = reference.dropFirst(prefix.count).split(separator: "/").map(String.init)
        guard let name = tokens.first else { return }
        let label = tokens.count >= 3 && tokens[1] == "properties" ? name + "." + tokens[2] : name
        page.element("a", ["href": "#" + Self.anchor(schema: name)], text: label)
    }
}
