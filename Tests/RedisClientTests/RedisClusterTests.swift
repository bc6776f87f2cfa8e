import Foundation
import NIOCore
import RedisClient
import Testing

/// Needs a Redis cluster with three primaries (replicas optional), its nodes' URLs comma-separated
/// in MERCATO_TEST_REDIS_CLUSTER_URLS. `.ci/run` starts six nodes and joins them with
/// `redis-cli --cluster create … --cluster-replicas 1`.
///
/// The resharding tests move one slot (the slot of a fresh random key) to another primary for
/// real, with `CLUSTER SETSLOT` and `MIGRATE`, so the cluster stays fully covered afterwards; the
/// failover test swaps a primary and its replica. Serialized, so a test that checks where keys
/// live never runs while another one is moving them.
@Suite(
    "Redis cluster client",
    .serialized,
    .enabled(
        if: TestServices.redisClusterEnabled,
        "set MERCATO_TEST_REDIS_CLUSTER_URLS to the nodes of a Redis cluster (redis-cli --cluster create)"
    )
)
struct RedisClusterTests {
    static func seeds() throws -> [RedisNodeAddress] {
        try TestServices.url(TestServices.redisClusterURLsVariable).split(separator: ",").map {
            let node = try RedisConfiguration(url: String($0.trimmingCharacters(in: .whitespaces)))
            return RedisNodeAddress(host: node.host, port: node.port)
        }
    }

    func withCluster(
        password: String? = nil,
        _ body: (RedisClusterClient) async throws -> Void
    ) async throws {
        let configuration = RedisConfiguration(
            password: password, maximumConnections: 4, connectTimeout: .seconds(2), commandTimeout: .seconds(5))
        let client = try RedisClusterClient(seeds: Self.seeds(), configuration: configuration)
        do {
            try await body(client)
            await client.shutdown()
        } catch {
            await client.shutdown()
            throw error
        }
    }

    /// Runs `body` with a plain (not cluster-aware) connection to one node, for checking where a
    /// key really is and for the operator commands that move slots.
    private func withNode<T>(_ node: RedisNodeAddress, _ body: (RedisConnection) async throws -> T) async throws -> T {
        let connection = try await RedisConnection.connect(
            configuration: RedisConfiguration(host: node.host, port: node.port, connectTimeout: .seconds(2)))
        do {
            let result = try await body(connection)
            await connection.close()
            return result
        } catch {
            await connection.close()
            throw error
        }
    }

    @Test("keys are spread over all three primaries and each is stored on the node that owns its slot")
    func routesToEveryPrimary() async throws {
        try await withCluster { client in
            let primaries = try await client.primaries()
            #expect(primaries.count == 3)
            var usedNodes: Set<RedisNodeAddress> = []
            for index in 0..<24 {
                let key = uniqueKey("route-\(index)")
                try await client.set(key, to: "v\(index)", expiresInMilliseconds: 30_000)
                let node = try await client.node(forSlot: RedisHashSlot.slot(of: key))
                usedNodes.insert(node)
                // Read straight from that node: a wrong routing would answer MOVED here.
                let direct = try await withNode(node) { try await $0.getString(key) }
                #expect(direct == "v\(index)")
                let viaCluster = try await client.getString(key)
                #expect(viaCluster == "v\(index)")
            }
            #expect(usedNodes == Set(primaries))
        }
    }

    @Test("the client's hash slots agree with the server's CLUSTER KEYSLOT, hash tags included")
    func slotsAgreeWithServer() async throws {
        let keys = ["foo", "{user1000}.following", "foo{}{bar}", "foo{{bar}}zap", "mercato:cache:product:42", "é→✓"]
        let seed = try #require(try Self.seeds().first)
        for key in keys {
            let serverSlot = try await withNode(seed) { try await $0.send("CLUSTER", "KEYSLOT", .string(key)) }
            #expect(serverSlot.int == RedisHashSlot.slot(of: key), "\(key)")
        }
    }

    @Test("multi-key commands work on keys sharing a hash tag and are refused across slots, changing nothing")
    func hashTagsAndCrossSlotRefusal() async throws {
        try await withCluster { client in
            let tag = "{\(UUID().uuidString)}"
            let first = "\(tag):first"
            let second = "\(tag):second"
            _ = try await client.send("MSET", .string(first), "1", .string(second), "2")
            let values = try await client.mget([first, second]).map { $0.map { String(buffer: $0) } }
            #expect(values == ["1", "2"])
            let existing = try await client.exists(first, second)
            #expect(existing == 2)

            let elsewhere = uniqueKey("cross")
            try await client.set(elsewhere, to: "3")
            try #require(RedisHashSlot.slot(of: elsewhere) != RedisHashSlot.slot(of: first))
            let error = await thrownError { try await client.delete(first, elsewhere) }
            guard case .clusterUnsupported(let reason)? = error as? RedisError else {
                Issue.record("expected clusterUnsupported, got \(String(describing: error))")
                return
            }
            #expect(reason.contains("DEL") && reason.contains("different hash slots"))
            let stillThere = try await client.exists(first, second)
            let otherStillThere = try await client.exists(elsewhere)
            #expect(stillThere == 2 && otherStillThere == 1)

            let pipelineError = await thrownError {
                try await client.pipeline([
                    RedisCommand("GET", .string(first)), RedisCommand("GET", .string(elsewhere)),
                ])
            }
            #expect(pipelineError.flatMap { $0 as? RedisError }.map { "\($0)" }?.contains("one hash slot") == true)

            let deleted = try await client.delete(first, second)
            let deletedOther = try await client.delete(elsewhere)
            #expect(deleted == 2 && deletedOther == 1)
        }
    }

    @Test("a pipeline of commands in one slot runs in one write and returns replies in order")
    func sameSlotPipeline() async throws {
        try await withCluster { client in
            let counter = "{\(UUID().uuidString)}:counter"
            let replies = try await client.pipeline([
                RedisCommand("INCRBY", .string(counter), 5),
                RedisCommand("PEXPIRE", .string(counter), 30_000),
                RedisCommand("GET", .string(counter)),
                RedisCommand("PING"),
            ])
            #expect(replies == [.integer(5), .integer(1), .bulkString(.init(string: "5")), .simpleString("PONG")])
        }
    }

    @Test("commands the client cannot route are refused before anything is sent")
    func unroutableCommands() async throws {
        try await withCluster { client in
            let flush = await thrownError { try await client.flushdb() }
            #expect(flush.flatMap { $0 as? RedisError }.map { "\($0)" }?.contains("FLUSHDB is not routed") == true)
            let keys = await thrownError { try await client.send("KEYS", "*") }
            guard case .clusterUnsupported? = keys as? RedisError else {
                Issue.record("expected clusterUnsupported, got \(String(describing: keys))")
                return
            }
            let pong = try await client.ping()
            #expect(pong == "PONG")
        }
    }

    @Test("after a slot moves to another primary, MOVED sends the command there and updates the map")
    func followsMovedAfterResharding() async throws {
        try await withCluster { client in
            let key = uniqueKey("moved")
            let slot = RedisHashSlot.slot(of: key)
            try await client.set(key, to: "before-move", expiresInMilliseconds: 60_000)
            let source = try await client.node(forSlot: slot)
            let target = try #require(try await client.primaries().first { $0 != source })

            try await moveSlot(slot, from: source, to: target, migrating: .all)

            // The client still believes the old owner; the old owner answers MOVED.
            let stale = try await client.node(forSlot: slot)
            #expect(stale == source)
            let value = try await client.getString(key)
            #expect(value == "before-move")
            let now = try await client.node(forSlot: slot)
            #expect(now == target)
            let onTarget = try await withNode(target) { try await $0.getString(key) }
            #expect(onTarget == "before-move")
            // Writes go to the new owner directly from now on.
            let count = try await client.incrBy(key + "-n", by: 3)
            #expect(count == 3)
            try await client.delete(key)
            try await client.delete(key + "-n")
        }
    }

    @Test("while a slot is migrating, ASK sends ASKING then the command to the target, keys left behind still work")
    func followsAskDuringMigration() async throws {
        try await withCluster { client in
            let tag = "{\(UUID().uuidString)}"
            let moved = "\(tag):moved"
            let staying = "\(tag):staying"
            let slot = RedisHashSlot.slot(of: moved)
            try await client.set(moved, to: "migrated", expiresInMilliseconds: 60_000)
            try await client.set(staying, to: "still-here", expiresInMilliseconds: 60_000)
            let source = try await client.node(forSlot: slot)
            let target = try #require(try await client.primaries().first { $0 != source })

            try await moveSlot(slot, from: source, to: target, migrating: .only([moved]))
            do {
                let movedValue = try await client.getString(moved)
                let stayingValue = try await client.getString(staying)
                #expect(movedValue == "migrated")
                #expect(stayingValue == "still-here")
                // ASK does not change the owner: the slot is still the source's until it finishes.
                let owner = try await client.node(forSlot: slot)
                #expect(owner == source)
                // A new key in a migrating slot that the source doesn't have is created on the target.
                try await client.set("\(tag):new", to: "fresh", expiresInMilliseconds: 60_000)
                let created = try await withNode(target) { node in
                    try await node.pipeline([RedisCommand("ASKING"), RedisCommand("GET", .string("\(tag):new"))])
                }
                #expect(created.last == .bulkString(.init(string: "fresh")))
            } catch {
                try await moveSlot(slot, from: source, to: target, migrating: .all)
                throw error
            }
            // Finish the migration so the cluster is whole again for other tests.
            try await moveSlot(slot, from: source, to: target, migrating: .all)
            let afterwards = try await client.mget([moved, staying, "\(tag):new"]).map { $0.map { String(buffer: $0) } }
            #expect(afterwards == ["migrated", "still-here", "fresh"])
            try await client.delete([moved, staying, "\(tag):new"])
        }
    }

    @Test("after a failover promotes a replica, commands follow MOVED to the new primary and the map is updated")
    func followsFailover() async throws {
        try await withCluster { client in
            let key = uniqueKey("failover")
            let slot = RedisHashSlot.slot(of: key)
            try await client.set(key, to: "survives", expiresInMilliseconds: 60_000)
            let oldPrimary = try await client.node(forSlot: slot)
            let oldID = try await nodeID(oldPrimary)
            let replicas = try await withNode(oldPrimary) { try await $0.send("CLUSTER", "REPLICAS", .string(oldID)) }
            // Each line reads "<id> <ip>:<port>@<bus port> slave <primary id> …".
            let line = try #require(replicas.array?.first?.string, "the test cluster needs a replica per primary")
            let endpoint = try #require(line.split(separator: " ").dropFirst().first?.split(separator: "@").first)
            let replica = try #require(RedisNodeAddress(redirectTarget: endpoint))

            // A manual failover, as ElastiCache runs one: the replica takes over without data loss.
            _ = try await withNode(replica) { try await $0.send("CLUSTER", "FAILOVER") }
            var promoted = false
            for _ in 0..<100 where !promoted {
                let role = try await withNode(replica) { try await $0.send("ROLE") }
                promoted = role.array?.first?.string == "master"
                if !promoted { try await Task.sleep(for: .milliseconds(100)) }
            }
            try #require(promoted, "\(replica) was not promoted within 10 s")
            // Until the old primary hears of it, it still serves reads; wait until it is a replica.
            var demoted = false
            for _ in 0..<100 where !demoted {
                let role = try await withNode(oldPrimary) { try await $0.send("ROLE") }
                demoted = role.array?.first?.string == "slave"
                if !demoted { try await Task.sleep(for: .milliseconds(100)) }
            }
            try #require(demoted, "\(oldPrimary) did not become a replica within 10 s")

            // The client still sends to the old primary, now a replica, which answers MOVED.
            let stale = try await client.node(forSlot: slot)
            #expect(stale == oldPrimary)
            let value = try await client.getString(key)
            #expect(value == "survives")
            let incremented = try await client.incrBy(key + "-n", by: 1)
            #expect(incremented == 1)
            let owner = try await client.node(forSlot: slot)
            #expect(owner == replica)
            try await client.delete(key)
            try await client.delete(key + "-n")
        }
    }

    @Test("unreachable seeds are skipped when loading the slot map; with none reachable the error names them")
    func unreachableSeeds() async throws {
        let deadPort = try await freeLocalPort()
        let dead = RedisNodeAddress(host: "127.0.0.1", port: deadPort)
        let configuration = RedisConfiguration(connectTimeout: .seconds(1))
        let client = try RedisClusterClient(seeds: [dead] + Self.seeds(), configuration: configuration)
        let key = uniqueKey()
        try await client.set(key, to: "ok", expiresInMilliseconds: 10_000)
        let value = try await client.getString(key)
        #expect(value == "ok")
        await client.shutdown()

        let lonely = try RedisClusterClient(seeds: [dead], configuration: configuration)
        let error = await thrownError { try await lonely.get("anything") }
        await lonely.shutdown()
        guard case .clusterUnavailable(let reason)? = error as? RedisError else {
            Issue.record("expected clusterUnavailable, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("127.0.0.1:\(deadPort)"))
    }

    @Test("a node that cannot be reached makes the client reload the slot map and try once more")
    func reloadsSlotMapWhenANodeIsUnreachable() async throws {
        // A seed that claims every slot belongs to a node that is gone, as right after a crash.
        let deadPort = try await freeLocalPort()
        let slots = "*1\r\n*3\r\n:0\r\n:16383\r\n*2\r\n$9\r\n127.0.0.1\r\n:\(deadPort)\r\n"
        try await withFakeServer(.replyEveryTime(Array(slots.utf8))) { seed in
            let client = try RedisClusterClient(
                seeds: [RedisNodeAddress(host: "127.0.0.1", port: seed.port)],
                configuration: RedisConfiguration(connectTimeout: .seconds(1)))
            let error = await thrownError { try await client.get("anything") }
            await client.shutdown()
            guard case .connectionFailed(let reason)? = error as? RedisError else {
                Issue.record("expected connectionFailed, got \(String(describing: error))")
                return
            }
            #expect(reason.contains("127.0.0.1:\(deadPort)"))
            // Once for the first map, once more after the node failed.
            #expect(seed.requests == 2)
        }
    }

    @Test("AUTH is sent to cluster nodes: a password the nodes don't expect fails with an authentication error")
    func authIsSentToNodes() async throws {
        try await withCluster(password: "not-the-password") { client in
            let error = await thrownError { try await client.get("anything") }
            guard case .authenticationFailed? = error as? RedisError else {
                Issue.record("expected authenticationFailed, got \(String(describing: error))")
                return
            }
        }
    }

    @Test("a database other than 0 is refused: clusters only have database 0")
    func databaseMustBeZero() throws {
        #expect(throws: RedisError.self) {
            try RedisClusterClient(seeds: Self.seeds(), configuration: RedisConfiguration(database: 1))
        }
    }

    // MARK: - Resharding one slot, the way redis-cli --cluster reshard does

    private enum Migration {
        case all
        case only([String])
    }

    private func nodeID(_ node: RedisNodeAddress) async throws -> String {
        try await withNode(node) { try await $0.send("CLUSTER", "MYID") }.string ?? ""
    }

    /// Starts moving `slot` from `source` to `target` and moves `migrating` keys; with `.all` the
    /// move is finished and every primary learns the new owner.
    private func moveSlot(
        _ slot: Int, from source: RedisNodeAddress, to target: RedisNodeAddress, migrating: Migration
    ) async throws {
        let sourceID = try await nodeID(source)
        let targetID = try await nodeID(target)
        try await withNode(target) { node in
            _ = try await node.send("CLUSTER", "SETSLOT", .init(slot), "IMPORTING", .string(sourceID))
        }
        try await withNode(source) { node in
            _ = try await node.send("CLUSTER", "SETSLOT", .init(slot), "MIGRATING", .string(targetID))
            let keys: [String]
            switch migrating {
            case .all:
                let reply = try await node.send("CLUSTER", "GETKEYSINSLOT", .init(slot), 1000)
                keys = (reply.array ?? []).compactMap(\.string)
            case .only(let chosen):
                keys = chosen
            }
            guard !keys.isEmpty else { return }
            _ = try await node.send(
                command: "MIGRATE",
                arguments: [.string(target.host), .init(target.port), "", 0, 5000, "KEYS"] + keys.map { .string($0) }
            )
        }
        guard case .all = migrating else { return }
        for node in try await allPrimaries(from: source) {
            try await withNode(node) { connection in
                _ = try await connection.send("CLUSTER", "SETSLOT", .init(slot), "NODE", .string(targetID))
            }
        }
    }

    private func allPrimaries(from node: RedisNodeAddress) async throws -> [RedisNodeAddress] {
        let reply = try await withNode(node) { try await $0.send("CLUSTER", "SLOTS") }
        var nodes: [RedisNodeAddress] = []
        for range in reply.array ?? [] {
            guard let owner = range.array?[2].array, let host = owner[0].string, let port = owner[1].int else {
                continue
            }
            let address = RedisNodeAddress(host: host.isEmpty ? node.host : host, port: port)
            if !nodes.contains(address) { nodes.append(address) }
        }
        return nodes
    }
}
