/// One line of an order as emails show it. Prices are preformatted in the order's currency
/// (`€12.00`), so templates never do money arithmetic.
public struct EmailOrderLine: Codable, Sendable, Hashable {
    public var name: String
    public var sku: String
    public var quantity: Int
    public var unitPrice: String
    public var lineTotal: String

    public init(name: String, sku: String, quantity: Int, unitPrice: String, lineTotal: String) {
        self.name = name
        self.sku = sku
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.lineTotal = lineTotal
    }
}

/// Sent when an order is paid.
public struct OrderConfirmationEmail: Codable, Sendable, Hashable {
    public var orderNumber: String
    public var customerName: String
    public var lines: [EmailOrderLine]
    public var subtotal: String
    /// Shown only when a promotion applied, as the order code formatted it (`-€5.00`).
    public var discount: String?
    public var shipping: String
    public var tax: String
    public var total: String
    /// The address lines in display order (name, street, postcode and city, country).
    public var shippingAddress: [String]
    /// The order's page in the customer's account.
    public var orderURL: String

    public init(
        orderNumber: String, customerName: String, lines: [EmailOrderLine], subtotal: String, discount: String?,
        shipping: String, tax: String, total: String, shippingAddress: [String], orderURL: String
    ) {
        self.orderNumber = orderNumber
        self.customerName = customerName
        self.lines = lines
        self.subtotal = subtotal
        self.discount = discount
        self.shipping = shipping
        self.tax = tax
        self.total = total
        self.shippingAddress = shippingAddress
        self.orderURL = orderURL
    }
}

/// Sent when (part of) an order leaves the warehouse.
public struct ShippingNotificationEmail: Codable, Sendable, Hashable {
    public var orderNumber: String
    public var customerName: String
    public var carrier: String?
    public var trackingNumber: String?
    public var trackingURL: String?
    /// The lines in this shipment.
    public var lines: [EmailOrderLine]
    public var orderURL: String

    public init(
        orderNumber: String, customerName: String, carrier: String?, trackingNumber: String?, trackingURL: String?,
        lines: [EmailOrderLine], orderURL: String
    ) {
        self.orderNumber = orderNumber
        self.customerName = customerName
        self.carrier = carrier
        self.trackingNumber = trackingNumber
        self.trackingURL = trackingURL
        self.lines = lines
        self.orderURL = orderURL
    }
}

/// Sent when a customer asks to reset their password; `resetURL` carries the single-use token.
public struct PasswordResetEmail: Codable, Sendable, Hashable {
    public var customerName: String
    public var resetURL: String
    public var expiresInMinutes: Int

    public init(customerName: String, resetURL: String, expiresInMinutes: Int) {
        self.customerName = customerName
        self.resetURL = resetURL
        self.expiresInMinutes = expiresInMinutes
    }
}

/// Sent to a member of staff: an invitation to choose a first password, or a password reset.
/// `linkURL` carries the single-use token.
public struct StaffAccessEmail: Codable, Sendable, Hashable {
    public enum Purpose: String, Codable, Sendable, Hashable {
        case invitation, passwordReset
    }

    public var purpose: Purpose
    public var staffName: String
    public var linkURL: String
    public var expiresInMinutes: Int

    /// Whole hours or days read better than minutes for a three-day invitation.
    public var expiresIn: String {
        if expiresInMinutes >= 2_880, expiresInMinutes % 1_440 == 0 { return "\(expiresInMinutes / 1_440) days" }
        if expiresInMinutes >= 120, expiresInMinutes % 60 == 0 { return "\(expiresInMinutes / 60) hours" }
        return "\(expiresInMinutes) minutes"
    }

    public init(purpose: Purpose, staffName: String, linkURL: String, expiresInMinutes: Int) {
        self.purpose = purpose
        self.staffName = staffName
        self.linkURL = linkURL
        self.expiresInMinutes = expiresInMinutes
    }
}

/// Which email to send, with its data.
///
/// Encoded as `{"kind": "orderConfirmation", "data": {…}}`, a stable shape for job payloads that
/// outlive a deploy.
public enum EmailTemplate: Codable, Sendable, Hashable {
    case orderConfirmation(OrderConfirmationEmail)
    case shippingNotification(ShippingNotificationEmail)
    case passwordReset(PasswordResetEmail)
    case staffAccess(StaffAccessEmail)

    private enum CodingKeys: String, CodingKey { case kind, data }
    private enum Kind: String, Codable {
        case orderConfirmation, shippingNotification, passwordReset, staffAccess
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(Kind.self, forKey: .kind) {
        case .orderConfirmation:
            self = .orderConfirmation(try container.decode(OrderConfirmationEmail.self, forKey: .data))
        case .shippingNotification:
            self = .shippingNotification(try container.decode(ShippingNotificationEmail.self, forKey: .data))
        case .passwordReset: self = .passwordReset(try container.decode(PasswordResetEmail.self, forKey: .data))
        case .staffAccess: self = .staffAccess(try container.decode(StaffAccessEmail.self, forKey: .data))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .orderConfirmation(let data):
            try container.encode(Kind.orderConfirmation, forKey: .kind)
            try container.encode(data, forKey: .data)
        case .shippingNotification(let data):
            try container.encode(Kind.shippingNotification, forKey: .kind)
            try container.encode(data, forKey: .data)
        case .passwordReset(let data):
            try container.encode(Kind.passwordReset, forKey: .kind)
            try container.encode(data, forKey: .data)
        case .staffAccess(let data):
            try container.encode(Kind.staffAccess, forKey: .kind)
            try container.encode(data, forKey: .data)
        }
    }
}

/// A queued email: the recipient and what to tell them. The job payload for ``EmailDelivery``.
public struct EmailJob: Codable, Sendable, Hashable {
    public var to: String
    public var template: EmailTemplate

    public init(to: String, template: EmailTemplate) {
        self.to = to
        self.template = template
    }
}
