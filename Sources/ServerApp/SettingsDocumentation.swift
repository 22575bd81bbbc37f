/// The settings of `Setting.all` as people read them: the SETTINGS section of `--help`, and the Markdown table of
/// docs/OPERATIONS.md (`jacobian-server --print-settings-markdown`; a test holds the document equal to it).
enum SettingsDocumentation {
    /// The section `--help` prints after ArgumentParser's, laid out as ArgumentParser lays out options.
    static var help: String {
        var lines = ["SETTINGS (flag or environment variable):"]
        let labelWidth = 24, width = 80
        for setting in Setting.all {
            let label = "  \(setting.flag) <\(setting.placeholder)>"
            let text = "\(setting.meaning) (env: \(setting.variable), default: \(setting.defaultValue))"
            var wrapped = wrap(text, width: width - labelWidth - 2)
            if label.count < labelWidth + 2 {
                lines.append(label.padding(toLength: labelWidth + 2, withPad: " ", startingAt: 0) + wrapped.removeFirst())
            } else {
                lines.append(label)
            }
            lines += wrapped.map { String(repeating: " ", count: labelWidth + 2) + $0 }
        }
        return lines.joined(separator: "\n")
    }

    /// The table of docs/OPERATIONS.md, between its `settings` markers.
    static var markdownTable: String {
        var lines = ["| flag | environment variable | default | accepted | meaning |", "|---|---|---|---|---|"]
        for setting in Setting.all {
            // A documented default is a phrase ("number of cores"), not a value to type.
            let defaultValue = setting.documentedDefault ?? "`\(setting.defaultValue)`"
            lines.append("| `\(setting.flag)` | `\(setting.variable)` | \(defaultValue) | \(setting.accepted) | \(setting.meaning) |")
        }
        return lines.joined(separator: "\n")
    }

    /// `text` in lines of at most `width` characters, broken at spaces (a longer word stands alone).
    private static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        return lines + [line]
    }
}
