import ArgumentParser

/// What a `mercato serve` process does. Replicas of one image take different roles.
public enum ServerRole: String, CaseIterable, Sendable, ExpressibleByArgument {
    /// API, storefront, admin and worker in one process: the laptop default.
    case all
    /// Only `/api/*` (plus health and metrics).
    case api
    /// Only the server-rendered pages (plus health and metrics).
    case storefront
    /// Background jobs; serves only health and metrics so orchestrators can probe it.
    case worker

    var servesAPI: Bool { self == .all || self == .api }
    var servesStorefront: Bool { self == .all || self == .storefront }
    var runsJobs: Bool { self == .all || self == .worker }
}
