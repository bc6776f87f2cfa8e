import Foundation
import Leaf
import LeafKit
import Logging
import NIOConcurrencyHelpers
import Testing
import Vapor
import VaporTesting

@testable import Mercato

@Suite struct StructuredLoggingTests {
    /// Collects the JSON lines a handler writes.
    final class LogCapture: Sendable {
        private let lines = NIOLockedValueBox<[Data]>([])

        func append(_ data: Data) {
            lines.withLockedValue { $0.append(data) }
        }

        /// Every line parsed as a JSON object; a line that isn't one fails the test.
        func entries() -> [[String: Any]] {
            lines.withLockedValue { $0 }.compactMap { data in
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
                if object == nil { Issue.record("not a JSON object: \(String(decoding: data, as: UTF8.self))") }
                return object
            }
        }
    }

    @Test func everyRequestLineIsJSONCarryingTheRequestID() async throws {
        try await TestSupport.withApp { app in
            // setup
            let capture = LogCapture()
            app.logger = Logger(label: "test") { label in
                JSONLogHandler(label: label, level: .info) { capture.append($0) }
            }
            // MUT
            try await app.testing().test(.GET, "/no/such/route", headers: ["X-Request-ID": "trace-77"]) { response in
                #expect(response.status == .notFound)
            }
            // validate
            let entries = capture.entries()
            #expect(entries.count >= 2)  // the rejection notice and the access line
            for entry in entries {
                #expect(entry["request-id"] as? String == "trace-77")
                #expect(entry["timestamp"] is String)
                #expect(entry["level"] is String)
            }
            #expect(
                entries.contains {
                    ($0["message"] as? String) == "GET /no/such/route 404" && $0["status"] as? String == "404"
                })
        }
    }

    @Test func productionAndStagingLogJSONDevelopmentText() throws {
        let deployed = TestSupport.deployedVariables
        #expect(try TestSupport.settings(.staging, variables: deployed).log.format == .json)
        #expect(try TestSupport.settings(.production, variables: deployed).log.format == .json)
        #expect(try TestSupport.settings(.development).log.format == .text)
    }

    @Test func templatesAreCachedEverywhereButDevelopment() async throws {
        try await TestSupport.withApp(try TestSupport.settings(.development), migrate: false) { app in
            #expect(!app.leaf.cache.isEnabled)
        }
        try await TestSupport.withApp(migrate: false) { app in
            #expect(app.leaf.cache.isEnabled)
        }
    }
}
