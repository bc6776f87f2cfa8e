import Vapor

/// What can go wrong signing up, signing in and managing an account.
enum CustomerError: AppError, Equatable {
    case emailTaken
    case invalidCredentials
    case tooManyAttempts(retryAfterSeconds: Int)
    case authenticationRequired
    case invalidResetToken
    case weakPassword
    case csrfMismatch
    /// Staff disabled the account.
    case accountDisabled
    /// Staff asked for a customer id that isn't one.
    case customerNotFound

    static let minimumPasswordLength = 10
    static let maximumPasswordLength = 128

    var code: String {
        switch self {
        case .emailTaken: "email_taken"
        case .invalidCredentials: "invalid_credentials"
        case .tooManyAttempts: "too_many_attempts"
        case .authenticationRequired: "authentication_required"
        case .invalidResetToken: "invalid_reset_token"
        case .weakPassword: "weak_password"
        case .csrfMismatch: "csrf_token_invalid"
        case .accountDisabled: "account_disabled"
        case .customerNotFound: "not_found"
        }
    }

    var status: HTTPResponseStatus {
        switch self {
        case .emailTaken: .conflict
        case .invalidCredentials, .authenticationRequired: .unauthorized
        case .tooManyAttempts: .tooManyRequests
        case .invalidResetToken, .weakPassword: .badRequest
        case .csrfMismatch, .accountDisabled: .forbidden
        case .customerNotFound: .notFound
        }
    }

    var headers: HTTPHeaders {
        switch self {
        case .tooManyAttempts(let seconds): ["Retry-After": String(seconds)]
        case .authenticationRequired: ["WWW-Authenticate": "Bearer"]
        default: [:]
        }
    }

    var reason: String {
        switch self {
        case .emailTaken: "An account with this email address already exists."
        case .invalidCredentials: "Email address or password is wrong."
        case .tooManyAttempts(let seconds) where seconds < 120:
            "Too many failed sign-ins. Try again in \(seconds) second\(seconds == 1 ? "" : "s")."
        case .tooManyAttempts(let seconds):
            "Too many failed sign-ins. Try again in \(seconds / 60) minutes."
        case .authenticationRequired: "Sign in first: send Authorization: Bearer <token>."
        case .invalidResetToken: "This password-reset link is invalid, expired or already used."
        case .weakPassword:
            "password must be \(Self.minimumPasswordLength) to \(Self.maximumPasswordLength) characters long"
        case .csrfMismatch: "The form expired or didn't come from this shop. Reload the page and try again."
        case .accountDisabled: "This account is disabled. Contact the shop if you think that is a mistake."
        case .customerNotFound: "No customer with this id."
        }
    }
}
