import Foundation
import Vapor

/// Why a coupon can't be used; each a 422 the customer can read.
enum CouponError: AppError, Equatable {
    case unknown(String)
    case notYetValid(String)
    case expired(String)
    case exhausted(String)
    case alreadyUsed(String)
    case belowMinimum(code: String, minimum: Money)
    case wrongCurrency(String)

    var code: String {
        switch self {
        case .unknown: "coupon_unknown"
        case .notYetValid: "coupon_not_yet_valid"
        case .expired: "coupon_expired"
        case .exhausted: "coupon_exhausted"
        case .alreadyUsed: "coupon_already_used"
        case .belowMinimum: "coupon_below_minimum"
        case .wrongCurrency: "coupon_wrong_currency"
        }
    }

    var status: HTTPResponseStatus { .unprocessableEntity }

    var reason: String {
        switch self {
        case .unknown(let code): "There is no coupon '\(code)'."
        case .notYetValid(let code): "Coupon '\(code)' isn't valid yet."
        case .expired(let code): "Coupon '\(code)' has expired."
        case .exhausted(let code): "Coupon '\(code)' has been used up."
        case .alreadyUsed(let code): "You have already used coupon '\(code)' as often as it allows."
        case .belowMinimum(let code, let minimum):
            "Coupon '\(code)' needs a subtotal of at least \(minimum.formatted)."
        case .wrongCurrency(let code): "Coupon '\(code)' isn't valid in this currency."
        }
    }
}
