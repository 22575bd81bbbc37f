import Foundation

/// One setting of `jacobian-server`, declared once in `Setting.all`: its flag, its environment variable, what it
/// means, how its text is parsed and checked, and where its value lives in `ServiceConfiguration`.
///
/// Its default is not written here: it is whatever `ServiceConfiguration()` holds at that place, which is the
/// default of the module's own configuration (`HTTPLimits`, `EngineLimits`, `APIConfiguration`...). `--help`,
/// the environment reading (`ServiceCommandLine`) and the table in docs/OPERATIONS.md are all derived from it.
struct Setting {
    /// The flag without its dashes: `queue-depth`.
    let name: String
    /// The environment variable: `JACOBIAN_QUEUE_DEPTH`.
    let variable: String
    /// What the setting does, for `--help` and the documentation.
    let meaning: String
    /// Completes "expected ..." in error messages: `an integer from 0 to 65535`.
    let expectation: String
    /// The accepted values, short, for the documentation: `0–65535`.
    let accepted: String
    /// The value's name in `--help`: `integer`.
    let placeholder: String
    /// The default as documented, when it is not the value of `ServiceConfiguration()` on this machine (`workers`).
    let documentedDefault: String?
    /// Parses `text` into `configuration`; false, leaving it unchanged, if the text is invalid.
    let apply: (String, inout ServiceConfiguration) -> Bool
    /// The value in `configuration`, as a user would type it.
    let value: (ServiceConfiguration) -> String

    /// A setting stored at `keyPath`, parsed by `parser`. Its environment variable is `JACOBIAN_` and the name in
    /// upper snake case (`queue-depth`: `JACOBIAN_QUEUE_DEPTH`) unless `variable` names another (`PORT`).
    init<Value>(
        _ name: String, variable: String? = nil, _ keyPath: WritableKeyPath<ServiceConfiguration, Value>,
        _ parser: SettingParser<Value>, _ meaning: String, documentedDefault: String? = nil
    ) {
        self.name = name
        self.variable = variable ?? "JACOBIAN_" + name.uppercased().replacingOccurrences(of: "-", with: "_")
        self.meaning = meaning
        expectation = parser.expectation
        accepted = parser.accepted
        placeholder = parser.placeholder
        self.documentedDefault = documentedDefault
        apply = { text, configuration in
            guard let value = parser.parse(text) else { return false }
            configuration[keyPath: keyPath] = value
            return true
        }
        value = { configuration in parser.format(configuration[keyPath: keyPath]) }
    }

    /// `--queue-depth`.
    var flag: String { "--" + name }

    /// The default shown by `--help` and the documentation.
    var defaultValue: String { documentedDefault ?? value(ServiceConfiguration()) }
}
