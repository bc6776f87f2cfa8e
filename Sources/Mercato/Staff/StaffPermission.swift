/// One thing a member of staff or an API key may do in the Admin API: `resource:read` or
/// `resource:write`, plus `orders:refund`, kept apart from `orders:write` because moving money back
/// is a decision many shops give fewer people than fulfilment.
enum StaffPermission: String, CaseIterable, Codable, Sendable, Comparable {
    case catalogRead = "catalog:read"
    case catalogWrite = "catalog:write"
    case inventoryRead = "inventory:read"
    case inventoryWrite = "inventory:write"
    case ordersRead = "orders:read"
    case ordersWrite = "orders:write"
    case ordersRefund = "orders:refund"
    case customersRead = "customers:read"
    case customersWrite = "customers:write"
    case promotionsRead = "promotions:read"
    case promotionsWrite = "promotions:write"
    /// Shipping methods and tax rates.
    case shippingRead = "shipping:read"
    case shippingWrite = "shipping:write"
    /// Reviews and other shopper-written content.
    case contentRead = "content:read"
    case contentWrite = "content:write"
    case staffRead = "staff:read"
    case staffWrite = "staff:write"
    case settingsRead = "settings:read"
    case settingsWrite = "settings:write"
    case jobsRead = "jobs:read"
    case jobsWrite = "jobs:write"
    case auditRead = "audit:read"

    static func < (lhs: Self, rhs: Self) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }

    /// Every permission that only reads.
    static var reads: Set<StaffPermission> { Set(allCases.filter { $0.rawValue.hasSuffix(":read") }) }

    /// The permissions named in `names`; an unknown name is an error naming `field`.
    static func parse(_ names: [String], field: String) throws -> Set<StaffPermission> {
        guard names.count <= allCases.count * 2 else {
            throw InvalidField(name: field, problem: "has at most \(allCases.count * 2) entries")
        }
        return try Set(
            names.map { name in
                guard let permission = StaffPermission(rawValue: name) else {
                    throw InvalidField(
                        name: field,
                        problem: "has an unknown permission '\(name.prefix(40))' (known: "
                            + allCases.map(\.rawValue).joined(separator: ", ") + ")")
                }
                return permission
            })
    }

    /// Stored as one comma-separated column, in the order `allCases` lists them.
    static func stored(_ permissions: Set<StaffPermission>) -> String {
        permissions.sorted().map(\.rawValue).joined(separator: ",")
    }

    /// The stored column read back; names no version of Mercato writes are an error, not dropped.
    static func fromStored(_ text: String) throws -> Set<StaffPermission> {
        try Set(
            text.split(separator: ",").map { name in
                guard let permission = StaffPermission(rawValue: String(name)) else {
                    throw UnknownStoredValue(column: "permissions", value: String(name))
                }
                return permission
            })
    }
}

/// The roles every shop has. Their permissions are defined here, not stored, so a release can give
/// a built-in role a permission that arrives with a new feature; a shop that wants different sets
/// makes custom roles.
enum BuiltInRole: String, CaseIterable, Sendable {
    case owner
    case manager
    case catalog
    case fulfilment
    case support
    case readOnly = "read-only"

    var permissions: Set<StaffPermission> {
        switch self {
        case .owner:
            Set(StaffPermission.allCases)
        case .manager:
            // Runs the shop day to day; who works here and how the shop is set up stay with owners.
            Set(StaffPermission.allCases).subtracting([.staffWrite, .settingsWrite])
        case .catalog:
            [
                .catalogRead, .catalogWrite, .inventoryRead, .inventoryWrite, .contentRead, .contentWrite,
                .promotionsRead, .ordersRead,
            ]
        case .fulfilment:
            [.ordersRead, .ordersWrite, .inventoryRead, .inventoryWrite, .catalogRead, .customersRead, .shippingRead]
        case .support:
            [
                .ordersRead, .ordersWrite, .ordersRefund, .customersRead, .customersWrite, .catalogRead,
                .inventoryRead, .contentRead, .contentWrite, .promotionsRead, .shippingRead,
            ]
        case .readOnly:
            StaffPermission.reads.subtracting([.auditRead, .staffRead])
        }
    }

    var summary: String {
        switch self {
        case .owner: "Everything, including staff, roles and settings."
        case .manager: "Everything except managing staff and settings."
        case .catalog: "Products, categories, stock and reviews."
        case .fulfilment: "Orders to pick, pack and ship, and the stock they take."
        case .support: "Customers, their orders, refunds and reviews."
        case .readOnly: "Sees the catalogue, orders, customers and settings; changes nothing."
        }
    }
}
