import AWSClient
import Foundation
import NIOSSL
import SMTPClient
import Vapor

extension AdapterSetup {
    /// The mailer `adapters.mailer` names, built from the `mail` section.
    static func mailer(for settings: Settings, app: Application) throws -> any Mailer {
        let mail = settings.mail
        switch settings.adapters.mailer {
        case .file:
            return FileMailer(directory: URL(fileURLWithPath: mail.outboxDirectory))
        case .log:
            return LogMailer(logger: app.logger)
        case .smtp:
            let credentials = zip(mail.smtp.username, mail.smtp.password).map {
                SMTPConfiguration.Credentials(username: $0.0, password: $0.1)
            }
            let configuration = SMTPConfiguration(
                host: mail.smtp.host ?? "localhost", port: mail.smtp.port,
                security: mail.smtp.startTLS ? .startTLS : .none, credentials: credentials,
                clientName: URL(string: settings.server.baseURL)?.host ?? "localhost")
            return SMTPMailer(
                client: SMTPClient(configuration: configuration, eventLoopGroup: app.eventLoopGroup, logger: app.logger)
            )
        case .ses:
            let client = try SESv2Client(
                configuration: SESv2Configuration(region: mail.ses.region, endpoint: mail.ses.endpoint),
                credentialsProvider: app.awsCredentials, httpClient: app.http.client.shared,
                logger: app.logger)
            return SESMailer(client: client)
        }
    }
}

/// Both values, when both are there.
private func zip<A, B>(_ first: A?, _ second: B?) -> (A, B)? {
    guard let first, let second else { return nil }
    return (first, second)
}
