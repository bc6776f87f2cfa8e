import Foundation

/// What staging and production refuse to start with, beyond well-formed values.
enum DeploymentRules {
    static func problems(in settings: Settings) -> [SettingsProblem] {
        var problems: [SettingsProblem] = []
        func refuse(_ key: String, _ message: String) {
            problems.append(
                SettingsProblem(key: key, message: message, location: "set \(SettingsReader.variableName(for: key))"))
        }
        let environment = settings.environment.rawValue
        if settings.environment.isDeployed, case .sqlite = settings.database {
            refuse("database.host", "\(environment) requires PostgreSQL; set a database host")
        }
        if settings.adapters.storage == .s3, (settings.storage.bucket ?? "").isEmpty {
            refuse("storage.bucket", "the s3 storage adapter needs a bucket")
        }
        if settings.adapters.cache == .redis, (settings.redis.host ?? "").isEmpty {
            refuse("redis.host", "the redis cache adapter needs a Redis host")
        }
        for problem in StripeSettings.deploymentProblems(in: settings) {
            refuse(problem.key, problem.message)
        }
        if settings.adapters.mailer == .smtp, (settings.mail.smtp.host ?? "").isEmpty {
            refuse("mail.smtp.host", "the smtp mailer needs an SMTP host")
        }
        if settings.redis.cluster, settings.redis.database != 0 {
            refuse("redis.database", "a Redis cluster only has database 0, not \(settings.redis.database)")
        }
        if let caFile = settings.redis.caFile {
            if !settings.redis.tls {
                refuse("redis.caFile", "a CA file is only used with redis.tls: true")
            } else if !FileManager.default.isReadableFile(atPath: caFile) {
                refuse("redis.caFile", "CA file '\(caFile)' does not exist or is not readable")
            }
        }
        // Production refuses the test provider outright (below).
        if settings.environment == .staging, settings.adapters.payments == .test,
            settings.checkout.testWebhookSecret == CheckoutSettings.defaultTestWebhookSecret
                || settings.checkout.testWebhookSecret.count < 16
        {
            // The default is in the source code: anyone could sign a "payment succeeded" event.
            refuse(
                "checkout.testWebhookSecret",
                "\(environment) needs its own test-provider webhook secret of at least 16 characters, not the default")
        }
        guard settings.environment == .production else { return problems }
        if case .postgres(let postgres) = settings.database {
            if (postgres.password ?? "").isEmpty {
                refuse("database.password", "production requires a database password")
            }
            if !postgres.ssl { refuse("database.ssl", "production requires ssl: true") }
        }
        if settings.adapters.cache == .redis, !settings.redis.tls {
            // The ElastiCache replication group has TransitEncryptionEnabled: plain TCP can't reach it.
            refuse("redis.tls", "production requires tls: true for Redis")
        }
        if settings.adapters.payments == .test {
            refuse("adapters.payments", "production cannot take payments with the test provider")
        }
        if !settings.server.baseURL.lowercased().hasPrefix("https://") {
            refuse("server.baseURL", "production requires an https:// base URL, got '\(settings.server.baseURL)'")
        }
        if [.file, .log].contains(settings.adapters.mailer) {
            refuse(
                "adapters.mailer",
                "production cannot deliver email with the \(settings.adapters.mailer.rawValue) mailer; use smtp or ses")
        }
        if settings.adapters.mailer == .smtp, settings.mail.smtp.password != nil, !settings.mail.smtp.startTLS {
            refuse("mail.smtp.startTLS", "production must not send SMTP credentials without STARTTLS")
        }
        if settings.mail.from == nil {
            refuse("mail.from", "production requires a sender address such as 'Shop <orders@example.com>'")
        }
        if [.trace, .debug].contains(settings.log.level) {
            refuse("log.level", "production must not log at \(settings.log.level.rawValue) level")
        }
        return problems
    }
}
