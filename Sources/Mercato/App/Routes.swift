import Vapor

/// Every route of the process, by role. Domains register their own routes here.
enum Routes {
    static func register(on app: Application, role: ServerRole) throws {
        try app.register(collection: HealthRoutes())
        try app.register(collection: VersionRoutes())
        try app.register(collection: MetricsRoutes())
        if role.servesAPI {
            try app.register(collection: CatalogRoutes())
            try app.register(collection: ProductImageRoutes())
            try app.register(collection: ProductAdminRoutes())
            try app.register(collection: CategoryAdminRoutes())
            try app.register(collection: JobAdminRoutes())
            try app.register(collection: CartRoutes())
            try app.register(collection: OrderRoutes())
            try app.register(collection: CheckoutRoutes())
            try app.register(collection: ShippingRoutes())
            try app.register(collection: CustomerRoutes())
            try app.register(collection: PaymentRoutes())
            try app.register(collection: AdminOrderRoutes())
            try app.register(collection: AdminCommerceRoutes())
            try app.register(collection: StaffRoutes())
            try app.register(collection: InventoryAdminRoutes())
            try app.register(collection: AdminCustomerRoutes())
            try app.register(collection: OpenAPIRoutes(loadingAtBootOf: app))
        }
        if role.servesStorefront {
            try app.register(collection: StorefrontRoutes())
            try app.register(collection: MediaRoutes())
            try app.register(collection: AdminAccessPage())
        }
    }
}
