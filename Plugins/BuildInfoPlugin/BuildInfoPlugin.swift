import Foundation
import PackagePlugin

/// Stamps the `VERSION` file and the git commit into the binary before every build, so
/// `mercato --version` and `/version` say exactly what is running.
@main
struct BuildInfoPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("Generated")
        let root = context.package.directoryURL
        return [
            .prebuildCommand(
                displayName: "Stamping version and commit",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: [root.appendingPathComponent("scripts/build-info").path, root.path, output.path],
                outputFilesDirectory: output
            )
        ]
    }
}
