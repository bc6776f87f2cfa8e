import Fluent
import Foundation
import Vapor

/// What a search returns: the page of matching product ids in order, the total, facet counts for
/// the whole result, and the corrected text when the original had typos.
struct SearchHits: Sendable, Equatable {
    var productIDs: [UUID]
    var total: Int
    var facets: CatalogDTO.Facets?
    var correctedText: String?
}

/// The search port. The database adapter is the default; an OpenSearch adapter can implement the
/// same four calls (it reads product data from `database` when indexing) without callers changing.
protocol SearchEngine: Sendable {
    /// Active products matching text and filters, sorted and paged. Empty text lists everything.
    /// - Parameter categoryIDs: the requested category and all its descendants, already resolved.
    func search(_ query: CatalogQuery, categoryIDs: [UUID]?, on database: any Database) async throws -> SearchHits

    /// Active products whose words start with the typed prefix, best first: autocomplete.
    func suggest(_ prefix: String, limit: Int, on database: any Database) async throws -> [UUID]

    /// Brings the index up to date for these products (new, changed or deleted).
    func index(productIDs: [UUID], on database: any Database) async throws

    /// Re-indexes every product, reporting progress as (done, total).
    func rebuild(on database: any Database, progress: @Sendable (Int, Int) -> Void) async throws
}

extension Application {
    private struct SearchEngineKey: StorageKey {
        typealias Value = any SearchEngine
    }

    /// The configured search adapter.
    var searchEngine: any SearchEngine {
        get { storage[SearchEngineKey.self] ?? DatabaseSearchEngine() }
        set { storage[SearchEngineKey.self] = newValue }
    }
}
