import ArgumentParser
import Logging

/// Turns the process's arguments and environment into what to do: serve, probe, or stop with a message.
///
/// Precedence for every setting of `Setting.all`: the flag, then its environment variable, then the default of
/// `ServiceConfiguration`. Any invalid value, from either source, ends the process with exit status 2 and a
/// message naming the flag or variable, before anything is started.
public enum ServiceCommandLine {
    /// What the process should do.
    public enum Outcome: Sendable {
        /// Run the service with this configuration.
        case serve(ServiceConfiguration)
        /// Probe the service this configuration points at (`--healthcheck`), exit 0 if healthy.
        case healthcheck(ServiceConfiguration)
        /// Print `message` (to standard output when `code` is 0, as for `--help`, else to standard error) and exit.
        case exit(code: Int32, message: String)
    }

    /// The exit status for any invalid argument or environment variable, the usual one for usage errors.
    /// (ArgumentParser would use 64, EX_USAGE; the service's contract with its operators is 2.)
    public static let usageErrorExitCode: Int32 = 2

    /// Decides what to do from `arguments` (without the program name) and `environment`.
    public static func outcome(arguments: [String], environment: [String: String]) -> Outcome {
        do {
            let options = try ServerOptions.parse(arguments)
            if options.printSettingsMarkdown { return .exit(code: 0, message: SettingsDocumentation.markdownTable) }
            let configuration = try resolve(options.settings, environment: environment)
            return options.healthcheck ? .healthcheck(configuration) : .serve(configuration)
        } catch let error as SettingError {
            return usageError(ValidationError(error.description))
        } catch {
            let code = ServerOptions.exitCode(for: error)
            guard code == .success else { return usageError(error) }
            // --help: the text ArgumentParser renders for the modes, then the settings, on standard output, exit 0.
            return .exit(code: 0, message: ServerOptions.fullMessage(for: error).trimmingSuffixNewlines + "\n\n" + SettingsDocumentation.help)
        }
    }

    /// The full message (error, usage line, hint) with the service's usage exit status.
    private static func usageError(_ error: any Error) -> Outcome {
        .exit(code: usageErrorExitCode, message: ServerOptions.fullMessage(for: error))
    }

    /// Resolves each setting of `Setting.all`: flag, else environment variable, else default; each parsed and
    /// range-checked. `arguments` are the `--name value` and `--name=value` pairs ArgumentParser left over.
    static func resolve(_ arguments: [String], environment: [String: String]) throws(SettingError)
        -> ServiceConfiguration
    {
        let settings = Setting.all
        let flags = try flagValues(arguments, known: Set(settings.map(\.name)))
        var configuration = ServiceConfiguration()
        for setting in settings {
            let text: String, source: String
            if let flagText = flags[setting.name] {
                (text, source) = (flagText, setting.flag)
            } else if let variableText = environment[setting.variable], !variableText.isEmpty {
                (text, source) = (variableText, "environment variable \(setting.variable)")
            } else {
                continue
            }
            guard setting.apply(text, &configuration) else {
                throw SettingError(text: text, source: source, expected: setting.expectation)
            }
        }
        return configuration
    }

    /// The text of each flag in `arguments`, by name; a repeated flag keeps its last value, as ArgumentParser does.
    private static func flagValues(_ arguments: [String], known: Set<String>) throws(SettingError) -> [String: String] {
        var values: [String: String] = [:]
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            guard argument.hasPrefix("--"), argument.count > 2 else {
                throw SettingError("unexpected argument '\(argument)'")
            }
            let name: String, value: String
            if let equals = argument.firstIndex(of: "=") {
                name = String(argument[argument.index(argument.startIndex, offsetBy: 2)..<equals])
                value = String(argument[argument.index(after: equals)...])
            } else {
                name = String(argument.dropFirst(2))
                // A value may start with one dash (`-1`, refused later by its parser with a clear message), not two.
                guard index + 1 < arguments.count, !arguments[index + 1].hasPrefix("--") else {
                    throw known.contains(name)
                        ? SettingError("missing value for '--\(name) <value>'") : SettingError("unknown option '--\(name)'")
                }
                index += 1
                value = arguments[index]
            }
            guard known.contains(name) else { throw SettingError("unknown option '--\(name)'") }
            values[name] = value
            index += 1
        }
        return values
    }
}

extension String {
    /// Without the line breaks at its end (ArgumentParser's help ends with one).
    fileprivate var trimmingSuffixNewlines: String {
        var text = self
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}
