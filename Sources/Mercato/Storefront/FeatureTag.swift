import Leaf
import Vapor

/// `#feature("reviewSystem")` in templates: the same answer routes and services get for this visitor.
struct FeatureTag: LeafTag {
    struct MissingName: Error {}

    func render(_ ctx: LeafContext) throws -> LeafData {
        guard let name = ctx.parameters.first?.string else { throw MissingName() }
        guard let request = ctx.request else { return .bool(false) }
        return .bool(request.application.settings.features.isEnabled(name, for: request.featureSubject))
    }
}

extension Request {
    /// Who a percentage rollout is decided for: the visitor's session cookie (read without a
    /// database lookup, so templates can ask); without one only full rollouts apply. The token
    /// rotates at sign-in and sign-out, so a visitor may change bucket then.
    var featureSubject: String? {
        cookies[WebSessionCookie.name]?.string
    }

    /// Whether a feature is on for this request's customer or visitor.
    func isFeatureEnabled(_ name: String) -> Bool {
        application.settings.features.isEnabled(name, for: featureSubject)
    }
}
