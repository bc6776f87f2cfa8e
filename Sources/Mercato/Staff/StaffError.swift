import Vapor

/// What can go wrong signing staff in, checking their access and managing staff, roles and keys.
enum StaffError: AppError, Equatable {
    /// No credentials, or a token that is unknown, expired or revoked.
    case unauthenticated
    /// Signed in, but the role or key lacks the permission the route declares.
    case forbidden(StaffPermission)
    case invalidCredentials
    /// The password was right and the account has a second factor: send `code` too.
    case codeRequired
    case invalidCode
    case tooManyAttempts(retryAfterSeconds: Int)
    case invalidLink
    case emailTaken
    case roleNameTaken
    case unknownRole(String)
    case staffNotFound
    case roleNotFound
    case apiKeyNotFound
    /// Granting permissions the acting staff member doesn't hold.
    case cannotGrant([StaffPermission])
    /// Demoting, disabling or removing the only active owner.
    case lastOwner
    case roleInUse(members: Int)
    case totpAlreadyEnabled
    case totpNotStarted
    /// A call about one's own account, made with an API key.
    case sessionRequired

    var code: String {
        switch self {
        case .unauthenticated: "unauthorized"
        case .forbidden: "forbidden"
        case .invalidCredentials: "invalid_credentials"
        case .codeRequired: "code_required"
        case .invalidCode: "invalid_code"
        case .tooManyAttempts: "too_many_attempts"
        case .invalidLink: "invalid_link"
        case .emailTaken: "email_taken"
        case .roleNameTaken: "role_name_taken"
        case .unknownRole: "unknown_role"
        case .staffNotFound, .roleNotFound, .apiKeyNotFound: "not_found"
        case .cannotGrant: "cannot_grant"
        case .lastOwner: "last_owner"
        case .roleInUse: "role_in_use"
        case .totpAlreadyEnabled: "totp_already_enabled"
        case .totpNotStarted: "totp_not_started"
        case .sessionRequired: "staff_session_required"
        }
    }

    var status: HTTPResponseStatus {
        switch self {
        case .unauthenticated, .invalidCredentials, .codeRequired, .invalidCode: .unauthorized
        case .forbidden, .cannotGrant, .sessionRequired: .forbidden
        case .tooManyAttempts: .tooManyRequests
        case .invalidLink, .unknownRole: .badRequest
        case .emailTaken, .roleNameTaken, .lastOwner, .roleInUse, .totpAlreadyEnabled, .totpNotStarted: .conflict
        case .staffNotFound, .roleNotFound, .apiKeyNotFound: .notFound
        }
    }

    var headers: HTTPHeaders {
        switch self {
        case .unauthenticated: ["WWW-Authenticate": "Bearer realm=\"mercato-admin\""]
        case .tooManyAttempts(let seconds): ["Retry-After": String(seconds)]
        default: [:]
        }
    }

    var reason: String {
        switch self {
        case .unauthenticated:
            "Sign in first: send Authorization: Bearer <staff session token or API key>."
        case .forbidden(let permission): "This needs the \(permission.rawValue) permission."
        case .invalidCredentials: "Email address or password is wrong."
        case .codeRequired: "code: this account has two-step sign-in; send the authenticator's 6-digit code."
        case .invalidCode: "code: wrong or expired authenticator or recovery code."
        case .tooManyAttempts(let seconds):
            "Too many failed sign-ins. Try again in \(seconds) second\(seconds == 1 ? "" : "s")."
        case .invalidLink: "token: this link is invalid, expired or already used."
        case .emailTaken: "email: a member of staff with this address already exists."
        case .roleNameTaken: "name: a role with this name already exists."
        case .unknownRole(let name): "role: there is no role named '\(name.prefix(64))'."
        case .staffNotFound: "No member of staff with this id."
        case .roleNotFound: "No custom role with this name."
        case .apiKeyNotFound: "No API key with this id."
        case .cannotGrant(let missing):
            "permissions: you can only grant permissions you hold; you lack "
                + missing.sorted().map(\.rawValue).joined(separator: ", ") + "."
        case .lastOwner: "role: the shop's last active owner can't be demoted, disabled or removed."
        case .roleInUse(let members):
            "This role is held by \(members) member\(members == 1 ? "" : "s") of staff; give them another role first."
        case .totpAlreadyEnabled: "Two-step sign-in is already on; turn it off first to enrol a new authenticator."
        case .totpNotStarted: "Start enrolment first (POST /api/v1/admin/me/totp)."
        case .sessionRequired: "This is about a member of staff's own account: sign in as them, not with an API key."
        }
    }
}
