/// Request limits per client and route class (`throttle.*`): what the specification's API gateway
/// would enforce, done inside the app so it holds with or without AWS in front.
public struct ThrottleSettings: Sendable, Equatable {
    /// Off in the test configuration, whose suites and fuzzers send thousands of requests.
    public var enabled: Bool
    /// Requests one client may make per window, by route class: the burst a quiet client may send
    /// at once, and the sustained rate (a token bucket of this size refilled over the window).
    public var limits: [RouteClass: Int]
    /// The window the limits are a rate over.
    public var windowSeconds: Int

    public init(enabled: Bool = true, limits: [RouteClass: Int] = Self.defaultLimits, windowSeconds: Int = 60) {
        self.enabled = enabled
        self.limits = limits
        self.windowSeconds = windowSeconds
    }

    /// Generous for shoppers and crawlers, tight where a request costs us or a customer something.
    public static let defaultLimits: [RouteClass: Int] = [
        .read: 600, .search: 120, .write: 120, .signIn: 20, .passwordReset: 5, .checkout: 20, .payment: 30,
        .admin: 1_200,
    ]

    /// What a request is, for limiting.
    public enum RouteClass: String, Sendable, CaseIterable, Hashable {
        case read, search, write, signIn, passwordReset, checkout, payment, admin
    }
}

extension ThrottleSettings {
    init(reading reader: inout SettingsReader) {
        var limits: [RouteClass: Int] = [:]
        for routeClass in RouteClass.allCases {
            limits[routeClass] = reader.integer(
                "throttle.limits.\(routeClass.rawValue)", default: Self.defaultLimits[routeClass] ?? 60,
                range: 1...1_000_000)
        }
        self.init(
            enabled: reader.boolean("throttle.enabled", default: true), limits: limits,
            windowSeconds: reader.integer("throttle.windowSeconds", default: 60, range: 1...3_600))
    }
}
