import Vapor

/// The server-rendered shop. Every path comes from `SiteURL.Route`, the same source links use.
struct StorefrontRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.Route.home.pathComponents, use: HomePage.show)
        routes.get(SiteURL.Route.category.pathComponents) {
            try await PublicPageCache.serve($0, .category, CategoryPage.show)
        }
        routes.get(SiteURL.Route.product.pathComponents) {
            try await PublicPageCache.serve($0, .product, ProductPage.show)
        }
        routes.get(SiteURL.Route.search.pathComponents) {
            try await PublicPageCache.serve($0, .search, SearchPage.show)
        }
        try routes.register(collection: StaticAssetRoutes())

        // Per-visitor pages: they may open or rotate the session, and are never cached.
        let visitor = routes.grouped(WebSessionCookieMiddleware())
        visitor.get(SiteURL.Route.cart.pathComponents, use: CartPage.show)
        visitor.get(SiteURL.Route.checkout.pathComponents, use: CheckoutPage.show)
        visitor.get(SiteURL.Route.checkoutPay.pathComponents, use: PaymentPage.show)
        visitor.get(SiteURL.Route.checkoutReturn.pathComponents, use: PaymentPage.returned)
        visitor.get(SiteURL.Route.checkoutAuthenticate.pathComponents, use: AuthenticationPage.show)
        visitor.get(SiteURL.Route.order.pathComponents, use: OrderPage.show)
        visitor.get(SiteURL.Route.account.pathComponents, use: AccountPage.show)
        visitor.get(SiteURL.Route.accountRegister.pathComponents, use: SignInPages.showRegister)
        visitor.get(SiteURL.Route.accountLogin.pathComponents, use: SignInPages.showLogin)
        visitor.get(SiteURL.Route.accountOrder.pathComponents, use: OrderPage.showInAccount)
        visitor.get(SiteURL.Route.passwordReset.pathComponents, use: PasswordResetPages.showRequest)
        visitor.get(SiteURL.Route.passwordResetToken.pathComponents, use: PasswordResetPages.showChoose)

        // Every storefront POST is behind FormProtection (CSRF); see there for the one exception.
        visitor.grouped(FormProtection(acceptsSameOriginWithoutToken: true))
            .post(SiteURL.Route.cartItems.pathComponents, use: CartPage.add)
        let forms = visitor.grouped(FormProtection())
        forms.post(SiteURL.Route.cartUpdate.pathComponents, use: CartPage.update)
        forms.post(SiteURL.Route.cartRemove.pathComponents, use: CartPage.remove)
        forms.post(SiteURL.Route.cartCoupon.pathComponents, use: CartPage.applyCoupon)
        forms.post(SiteURL.Route.cartCouponRemove.pathComponents, use: CartPage.removeCoupon)
        forms.post(SiteURL.Route.checkout.pathComponents, use: CheckoutPage.submit)
        forms.post(SiteURL.Route.checkoutPay.pathComponents, use: PaymentPage.submit)
        forms.post(SiteURL.Route.checkoutAuthenticate.pathComponents, use: AuthenticationPage.submit)
        forms.post(SiteURL.Route.accountRegister.pathComponents, use: SignInPages.register)
        forms.post(SiteURL.Route.accountLogin.pathComponents, use: SignInPages.login)
        forms.post(SiteURL.Route.accountLogout.pathComponents, use: SignInPages.logout)
        forms.post(SiteURL.Route.accountAddresses.pathComponents, use: AccountPage.addAddress)
        forms.post(SiteURL.Route.accountAddressDelete.pathComponents, use: AccountPage.deleteAddress)
        forms.post(SiteURL.Route.passwordReset.pathComponents, use: PasswordResetPages.request)
        forms.post(SiteURL.Route.passwordResetToken.pathComponents, use: PasswordResetPages.choose)
    }
}
