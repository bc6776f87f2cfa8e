import Vapor

extension Application {
    private struct PaymentsKey: StorageKey {
        typealias Value = any PaymentProvider
    }

    /// The configured payment provider (`adapters.payments`).
    var payments: any PaymentProvider {
        get {
            guard let provider = storage[PaymentsKey.self] else { fatalError("AdapterSetup sets the payment provider") }
            return provider
        }
        set { storage[PaymentsKey.self] = newValue }
    }
}
