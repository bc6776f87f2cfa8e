import ArgumentParser
import Fluent
import Foundation
import Vapor

/// `mercato staff`: staff accounts and API keys from the command line, for the first owner of a
/// new shop and for scripts that need a key.
struct StaffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staff", abstract: "Create staff accounts and API keys, and list them.",
        subcommands: [Create.self, List.self, APIKey.self])

    /// `mercato staff create --email … --name … --role owner [--password-stdin]`.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a member of staff: prints a one-time link to choose a password, or reads it from stdin.")

        @ArgumentParser.OptionGroup var options: EnvironmentOptions

        @ArgumentParser.Option(help: "Their email address (they sign in with it).")
        var email: String

        @ArgumentParser.Option(help: "Their name, as the back office shows it.")
        var name: String

        @ArgumentParser.Option(
            help: "A built-in role (\(BuiltInRole.allCases.map(\.rawValue).joined(separator: ", "))) or a custom one.")
        var role: String

        @ArgumentParser.Flag(
            name: .customLong("password-stdin"), help: "Read the password from the first line of stdin instead.")
        var passwordFromStandardInput = false

        func run() async throws {
            let settings = try await options.loadSettings()
            LoggingBootstrap.bootstrap(settings.log.quietForCommands)
            var password: String?
            if passwordFromStandardInput {
                guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                    throw CommandFailure("--password-stdin given but stdin had no password line")
                }
                password = line
            }
            try await MercatoApplication.withApplication(settings: settings) { app in
                let (member, link) = try await StaffCommand.reporting {
                    try await app.staff.create(email: email, name: name, role: role, password: password)
                }
                print("Created \(member.email) (\(member.role)).")
                if let link {
                    print("Send them this link to choose a password (works once, for 72 hours):\n\(link)")
                }
            }
        }
    }

    /// `mercato staff list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List staff and their roles.")

        @ArgumentParser.OptionGroup var options: EnvironmentOptions

        func run() async throws {
            let settings = try await options.loadSettings()
            LoggingBootstrap.bootstrap(settings.log.quietForCommands)
            try await MercatoApplication.withApplication(settings: settings) { app in
                let members = try await app.staff.list()
                guard !members.isEmpty else {
                    print("No staff yet. Create the first owner: mercato staff create --email … --name … --role owner")
                    return
                }
                for member in members {
                    let dto = try StaffMemberDTO(member)
                    print("\(dto.email)  \(dto.name)  \(dto.role)  \(dto.status.rawValue)")
                }
            }
        }
    }

    /// `mercato staff api-key --name … (--role R | --permissions a,b)`: prints the key once.
    struct APIKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "api-key", abstract: "Create an API key; the key is printed once and stored only as a hash.")

        @ArgumentParser.OptionGroup var options: EnvironmentOptions

        @ArgumentParser.Option(help: "What the key is for, e.g. \"warehouse sync\".")
        var name: String

        @ArgumentParser.Option(help: "Give the key every permission of this role.")
        var role: String?

        @ArgumentParser.Option(help: "Comma-separated permissions, e.g. orders:read,orders:write.")
        var permissions: String?

        func validate() throws {
            guard (role == nil) != (permissions == nil) else {
                throw ValidationError("give exactly one of --role and --permissions")
            }
        }

        func run() async throws {
            let settings = try await options.loadSettings()
            LoggingBootstrap.bootstrap(settings.log.quietForCommands)
            try await MercatoApplication.withApplication(settings: settings) { app in
                let secret = try await StaffCommand.reporting {
                    let names: [String]
                    if let role {
                        names = try await StaffRoles(db: app.db).permissions(of: role).sorted().map(\.rawValue)
                    } else {
                        names = (permissions ?? "").split(separator: ",").map {
                            $0.trimmingCharacters(in: .whitespaces)
                        }
                    }
                    return try await StaffAPIKeys(db: app.db).create(name: name, permissions: names, by: nil).secret
                }
                print(secret)
            }
        }
    }

    /// Runs `body`, turning a refusal (bad email, unknown role, taken address) into one `Error:` line.
    static func reporting<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as any AppError {
            throw CommandFailure(error.reason)
        }
    }
}
