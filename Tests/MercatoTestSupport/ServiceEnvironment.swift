import Foundation
import Testing

/// Which real servers the integration suites of every test target may use, read from the
/// environment (`.ci/run` sets them all).
///
/// A suite runs when its variable is set. With `MERCATO_REQUIRE_SERVICES=1` it runs even without
/// one and fails with a message naming the variable, so CI can never pass by skipping.
public enum ServiceEnvironment {
    public static var variables: [String: String] { ProcessInfo.processInfo.environment }

    /// Whether every integration suite must run (CI).
    public static var required: Bool { variables["MERCATO_REQUIRE_SERVICES"] == "1" }

    /// The variable's value; unset and empty are the same.
    public static func value(_ name: String) -> String? {
        guard let value = variables[name], !value.isEmpty else { return nil }
        return value
    }

    /// Whether suites needing `variable` run: it is set, or servers are required.
    public static func enabled(_ variable: String) -> Bool {
        value(variable) != nil || required
    }

    /// The variable's value, or a failure telling how to start the server.
    public static func require(_ variable: String, start hint: String) throws -> String {
        try #require(value(variable), missing(variable, start: hint))
    }

    /// The failure message for a required server that isn't configured.
    public static func missing(_ variable: String, start hint: String) -> Comment {
        Comment(rawValue: "MERCATO_REQUIRE_SERVICES=1 but \(variable) is not set: \(hint)")
    }
}

/// `scripts/smtp-test-server`: its address (`MERCATO_TEST_SMTP_URL`) and the folder it writes
/// received messages to (`MERCATO_TEST_SMTP_MAILBOX`).
public enum SMTPTestServer {
    public static func locate() throws -> (host: String, port: Int, mailbox: URL) {
        let hint =
            "run `scripts/smtp-test-server --port PORT --mailbox DIR` and export MERCATO_TEST_SMTP_URL="
            + "smtp://127.0.0.1:PORT and MERCATO_TEST_SMTP_MAILBOX=DIR"
        let url = try #require(
            URLComponents(string: try ServiceEnvironment.require("MERCATO_TEST_SMTP_URL", start: hint)),
            "MERCATO_TEST_SMTP_URL is not a URL")
        let mailbox = try ServiceEnvironment.require("MERCATO_TEST_SMTP_MAILBOX", start: hint)
        return (try #require(url.host), url.port ?? 25, URL(fileURLWithPath: mailbox))
    }
}
