import ArgumentParser

/// `mercato`: one binary for every role and every operational task.
public struct MercatoCommand: AsyncParsableCommand {
    public static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "mercato",
            abstract: "Mercato: an e-commerce platform — shop, API, admin and workers in one binary.",
            version: BuildInfo.summary,
            subcommands: [
                ServeCommand.self, MigrateCommand.self, MigrationCommand.self, SeedCommand.self, ReindexCommand.self,
                ConfigCommand.self, JobsCommand.self, PreflightCommand.self, SmokeCommand.self,
                AssetsCommand.self, StaffCommand.self, InventoryCommand.self,
            ],
            defaultSubcommand: ServeCommand.self
        )
    }

    public init() {}

    /// Parses the process arguments, runs the command and exits with its status.
    public static func runFromCommandLine() async {
        await main()
    }
}
