import ArgumentParser
import AsyncHTTPClient
import Foundation

/// `mercato smoke --base-url URL`: post-deployment verification of a running shop; exits non-zero
/// naming the failing step.
struct SmokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smoke",
        abstract: "Verify a running shop: health, version, catalogue, search, and a test-mode cart and checkout.")

    @ArgumentParser.Option(
        name: .customLong("base-url"), help: "The shop's public address, e.g. https://staging.mercato.example.")
    var baseURL: String

    @ArgumentParser.Option(help: "Seconds each request may take, 1–300.")
    var timeout = 10

    func validate() throws {
        guard Self.normalised(baseURL) != nil else {
            throw ValidationError(
                "--base-url must be an http:// or https:// URL such as https://shop.mercato.example, got '\(baseURL)'")
        }
        guard (1...300).contains(timeout) else {
            throw ValidationError("--timeout must be between 1 and 300 seconds, got \(timeout)")
        }
    }

    /// `baseURL` without a trailing slash, or `nil` when it is not an absolute http(s) URL without query.
    static func normalised(_ text: String) -> String? {
        guard let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty, components.query == nil, components.fragment == nil
        else { return nil }
        var url = text
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    func run() async throws {
        let base = Self.normalised(baseURL) ?? baseURL
        print("smoke: \(base)")
        let smoke = SmokeTest(baseURL: base, timeout: .seconds(timeout), httpClient: HTTPClient.shared)
        let width = SmokeTest.steps.map(\.count).max() ?? 0
        let results = await smoke.run { result in
            print(SmokeReport.line(result, width: width))
        }
        if let failed = results.first(where: { $0.status == .fail }) {
            throw CommandFailure("smoke failed at step '\(failed.step)': \(failed.detail)")
        }
        let ran = results.filter { $0.status == .ok }.count
        print("smoke passed: \(ran) steps ok")
    }
}

/// `ok   catalogue    41 ms  5 products; …`
enum SmokeReport {
    static func line(_ result: SmokeStepResult, width: Int) -> String {
        let status = result.status.rawValue.padding(toLength: 4, withPad: " ", startingAt: 0)
        let step = result.step.padding(toLength: width, withPad: " ", startingAt: 0)
        let components = result.duration.components
        let milliseconds = components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
        let time =
            result.status == .skip ? String(repeating: " ", count: 9) : String(milliseconds).leftPadded(to: 6) + " ms"
        return "\(status) \(step) \(time)  \(result.detail)"
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
