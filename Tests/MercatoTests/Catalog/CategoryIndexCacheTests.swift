import Foundation
import NIOConcurrencyHelpers
import Testing

@testable import Mercato

/// The category tree every product page and listing needs is read once per catalogue version, not
/// once per request, and a catalogue write (or a seed or reindex from the CLI) retires it.
struct CategoryIndexCacheTests {
    static let shoes = CategoryIndex.Node(id: UUID(), name: "Shoes", slug: "shoes", parentID: nil, position: 0)
    static let hats = CategoryIndex.Node(id: UUID(), name: "Hats", slug: "hats", parentID: nil, position: 1)

    @Test func theTreeIsLoadedOncePerCatalogueVersion() async throws {
        // setup: a loader that counts its database reads
        let cache = CatalogCache(cache: MemoryCache(), versionRefresh: .zero)
        let loads = NIOLockedValueBox(0)
        let tree = NIOLockedValueBox([Self.shoes])
        let load: @Sendable () async throws -> CategoryIndex = {
            loads.withLockedValue { $0 += 1 }
            return CategoryIndex(nodes: tree.withLockedValue { $0 })
        }
        // act: three requests, then a write adds a category, then two more requests
        for _ in 0..<3 { _ = try await cache.categoryIndex(load: load) }
        tree.withLockedValue { $0.append(Self.hats) }
        try await cache.invalidate()
        let afterWrite = try await cache.categoryIndex(load: load)
        _ = try await cache.categoryIndex(load: load)
        // verify
        #expect(loads.withLockedValue { $0 } == 2)
        #expect(afterWrite.node(slug: "hats") != nil)
    }

    @Test func requestsThatMissTogetherShareOneLoad() async throws {
        // setup: a slow loader that counts its database reads
        let cache = CatalogCache(cache: MemoryCache(), versionRefresh: .zero)
        let loads = NIOLockedValueBox(0)
        let load: @Sendable () async throws -> CategoryIndex = {
            loads.withLockedValue { $0 += 1 }
            try await Task.sleep(for: .milliseconds(200))
            return CategoryIndex(nodes: [Self.shoes])
        }
        // act: twenty requests arrive while the tree is cold
        let found = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<20 { group.addTask { try await cache.categoryIndex(load: load).node(slug: "shoes") != nil } }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        // verify: every request got the tree, read once
        #expect(found == Array(repeating: true, count: 20))
        #expect(loads.withLockedValue { $0 } == 1)
    }

    @Test func aCommandRetiresWhatServingProcessesHold() async throws {
        // setup: a serving process and a CLI command sharing one cache
        let shared = MemoryCache()
        let serving = CatalogCache(cache: shared, versionRefresh: .zero)
        let command = CatalogCache(cache: shared, versionRefresh: .zero)
        _ = try await serving.categoryIndex { CategoryIndex(nodes: [Self.shoes]) }
        // act: the command seeds a category and retires the cached reads
        await command.retireAfterCommand()
        let seen = try await serving.categoryIndex { CategoryIndex(nodes: [Self.shoes, Self.hats]) }
        // verify
        #expect(seen.node(slug: "hats") != nil)
    }
}
