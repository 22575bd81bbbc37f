import ArgumentParser

/// The command line of `jacobian-server` as ArgumentParser sees it: the modes (`--healthcheck`,
/// `--print-settings-markdown`, `--help`), the usage line and the error format.
///
/// The settings are not declared here but in `Setting.all`, which ArgumentParser cannot take as a list of options:
/// its options are property wrappers, one Swift property each, which would be a second declaration of every
/// setting. So every `--name value` it does not know is handed over as `settings`, and `ServiceCommandLine` reads
/// them against the table, with the same parser and messages as the environment variables.
struct ServerOptions: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jacobian-server",
        abstract: "Serve exact Jacobians, Newton steps and inverse kinematics over HTTP/1.1 and h2c.",
        usage: "jacobian-server [--<setting> <value> ...] [--healthcheck]",
        discussion: """
            Every setting below can also be set by the environment variable named in its help; a flag beats the \
            variable, which beats the default. An empty variable counts as unset. Durations are seconds and may \
            have decimals. Invalid values stop the server at start with exit status 2.
            """)

    @Flag(help: """
        Instead of serving, GET /healthz from the server on this host and port and exit 0 if it answers 200, \
        1 otherwise (the container's HEALTHCHECK).
        """)
    var healthcheck = false

    @Flag(help: "Print the settings as the Markdown table of docs/OPERATIONS.md and exit.")
    var printSettingsMarkdown = false

    /// Every `--name value` or `--name=value` pair ArgumentParser does not know: the settings.
    @Argument(parsing: .allUnrecognized, help: .hidden)
    var settings: [String] = []
}
