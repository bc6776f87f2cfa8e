import Vapor

extension Request {
    private struct ListingParametersKey: StorageKey {
        typealias Value = ListingParameters
    }

    /// The listing fields of the query (`ListingParameters`), parsed once per request: the page
    /// cache keys on them and the page, on a miss, renders from the same value.
    var listingParameters: ListingParameters {
        if let parsed = storage[ListingParametersKey.self] { return parsed }
        let parsed = ListingParameters(form: formQuery)
        storage[ListingParametersKey.self] = parsed
        return parsed
    }

    /// The SKU a product page was asked to show (`?variant=SKU`); empty counts as absent.
    var requestedVariantSKU: String? {
        formQuery["variant"]?.last.flatMap { $0.isEmpty ? nil : $0 }
    }
}
