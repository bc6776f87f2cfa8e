import Logging
import NIOCore
import NIOPosix

/// A client for Redis Cluster: sends each command to the primary that owns its key's hash slot.
///
/// The slot map comes from `CLUSTER SLOTS`, asked of the seed nodes (for ElastiCache, the
/// configuration endpoint) on first use. Each primary gets its own ``RedisConnectionPool`` built
/// from the same ``RedisConfiguration`` (credentials, TLS, timeouts, pool size), with only host and
/// port replaced, so `AUTH` and TLS apply to every node.
///
/// ## Redirects and failures
/// - `MOVED slot host:port`: the slot has a new owner. The command goes there, the map records
///   the move at once and is reloaded in the background.
/// - `ASK slot host:port`: the slot is being migrated and this key already left; the command is
///   sent to the target once, preceded by `ASKING`, without changing the map.
/// - `TRYAGAIN` (a multi-key command while its keys are split by a migration) is retried after a
///   short pause. `CLUSTERDOWN` is returned to the caller and makes the client reload the map.
/// - A node that cannot be reached (nothing was sent) makes the client reload the map and try
///   once more, which covers a failover that promoted a replica. A connection that broke after
///   the command was written is reported as is, and the map reloaded, because the command may
///   have run: retrying could apply an `INCR` twice.
///
/// Commands are routed from a table of known commands (the ones in `RedisCommands.swift` and the
/// common single-key ones); anything else, and multi-key commands whose keys live in different
/// slots, fail with ``RedisError/clusterUnsupported(_:)`` before anything is sent.
///
/// Call ``shutdown()`` before the event loop group goes away.
public actor RedisClusterClient: RedisCommandExecutor {
    /// The nodes first asked for the slot map.
    public nonisolated let seeds: [RedisNodeAddress]
    /// The settings every node's pool uses; its host and port are ignored in favour of each node's.
    public nonisolated let configuration: RedisConfiguration
    private nonisolated let eventLoopGroup: any EventLoopGroup
    private nonisolated let logger: Logger

    /// How many redirects one command may follow before the client gives up; a healthy cluster
    /// needs at most two (a `MOVED` then an `ASK` during a migration).
    static let maximumRedirects = 5

    private var slotMap: RedisClusterSlotMap?
    private var pools: [RedisNodeAddress: RedisConnectionPool] = [:]
    private var refreshing: Task<RedisClusterSlotMap, any Error>?
    private var isShutDown = false

    /// A client for the cluster that `seeds` belong to; nothing is contacted until the first command.
    ///
    /// - Parameters:
    ///   - seeds: One or more nodes of the cluster (any node, primary or replica, knows the map).
    ///   - configuration: Credentials, TLS, timeouts and per-node pool size. `database` must be 0:
    ///     a cluster has only database 0.
    ///   - eventLoopGroup: Not owned by the client; in a Vapor app pass `app.eventLoopGroup`.
    /// - Throws: ``RedisError/invalidConfiguration(_:)`` for settings that could never work.
    public init(
        seeds: [RedisNodeAddress],
        configuration: RedisConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "mercato.redis")
    ) throws {
        guard !seeds.isEmpty else {
            throw RedisError.invalidConfiguration("a cluster client needs at least one seed node")
        }
        guard configuration.database == 0 else {
            throw RedisError.invalidConfiguration(
                "database \(configuration.database) cannot be selected in cluster mode, which only has database 0"
            )
        }
        for seed in seeds {
            var node = configuration
            node.host = seed.host
            node.port = seed.port
            try node.validate()
        }
        self.seeds = seeds
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// Sends one command to the node that owns its key; see ``RedisCommandExecutor/send(command:arguments:)``.
    ///
    /// - Throws: ``RedisError/clusterUnsupported(_:)`` for a command the client cannot route (see
    ///   the type's documentation), ``RedisError/clusterUnavailable(_:)`` when no node gives a slot
    ///   map, and the errors of ``RedisConnectionPool/send(command:arguments:)``.
    public nonisolated func send(command: String, arguments: [RedisArgument]) async throws -> RESPValue {
        let request = RedisCommand(command, arguments: arguments)
        let reply = try await execute([request], slot: RedisClusterKeys.slot(of: request))[0]
        if case .error(let message) = reply { throw RedisError.server(message) }
        return reply
    }

    /// Sends `commands` in one write to one node; they must all touch the same hash slot (or no
    /// key), or ``RedisError/clusterUnsupported(_:)`` is thrown before anything is sent. Replies
    /// that are redirects are followed one command at a time, so every position holds the
    /// command's real reply.
    public nonisolated func pipeline(_ commands: [RedisCommand]) async throws -> [RESPValue] {
        guard !commands.isEmpty else { return [] }
        return try await execute(commands, slot: RedisClusterKeys.slot(of: commands))
    }

    /// The primary that serves `slot` now, loading the slot map if there is none yet. For tests
    /// and diagnostics.
    public func node(forSlot slot: Int) async throws -> RedisNodeAddress {
        try await owner(of: slot)
    }

    /// The primaries in the current slot map, loading it if needed.
    public func primaries() async throws -> [RedisNodeAddress] {
        if let slotMap { return slotMap.primaries }
        return try await refreshSlotMap().primaries
    }

    /// Reloads the slot map now, e.g. after an operator resharded the cluster.
    public func refreshSlots() async throws {
        _ = try await refreshSlotMap()
    }

    /// Closes every node's connections; afterwards every command throws ``RedisError/poolShutDown``.
    public func shutdown() async {
        guard !isShutDown else { return }
        isShutDown = true
        refreshing?.cancel()
        let all = Array(pools.values)
        pools.removeAll()
        for pool in all { await pool.shutdown() }
    }

    // MARK: - Routing

    private nonisolated func execute(_ commands: [RedisCommand], slot: Int?) async throws -> [RESPValue] {
        var target = try await owner(of: slot)
        var replies: [RESPValue]
        do {
            replies = try await pool(for: target).pipeline(commands)
        } catch RedisError.connectionFailed(let reason) {
            // Nothing was sent, so one retry is safe; the node may have failed over.
            logger.warning(
                "Redis cluster node unreachable; reloading the slot map",
                metadata: ["redis.node": "\(target)", "error": "\(reason)"]
            )
            _ = try await refreshSlotMap()
            target = try await owner(of: slot)
            replies = try await pool(for: target).pipeline(commands)
        } catch let error as RedisError where error == .connectionClosed || error == .commandTimeout {
            await refreshInBackground()
            throw error
        }
        for index in replies.indices {
            guard case .error(let message) = replies[index] else { continue }
            if let redirect = Redirect(message, from: target) {
                replies[index] = try await follow(redirect, with: commands[index])
            } else if message.hasPrefix("CLUSTERDOWN") {
                // A node lost its slots' owner (a failover in progress); the reloaded map will show the new one.
                await refreshInBackground()
            }
        }
        return replies
    }

    /// Follows `redirect` (and any further ones) until `command` gets a real reply.
    private nonisolated func follow(_ first: Redirect, with command: RedisCommand) async throws -> RESPValue {
        var redirect = first
        for _ in 0..<Self.maximumRedirects {
            let target: RedisNodeAddress
            let reply: RESPValue
            switch redirect {
            case .moved(let slot, let node):
                await recordMove(of: slot, to: node)
                target = node
                reply = try await pool(for: node).pipeline([command])[0]
            case .ask(_, let node):
                target = node
                let replies = try await pool(for: node).pipeline([RedisCommand("ASKING"), command])
                if case .error(let message) = replies[0] { throw RedisError.server("ASKING refused: \(message)") }
                reply = replies[1]
            case .tryAgain(let node):
                // The keys are mid-migration; Redis suggests waiting a moment rather than failing.
                try await Task.sleep(for: .milliseconds(50))
                target = node
                reply = try await pool(for: node).pipeline([command])[0]
            }
            guard case .error(let message) = reply, let next = Redirect(message, from: target) else { return reply }
            redirect = next
        }
        await refreshInBackground()
        throw RedisError.clusterUnavailable(
            "\(command.name) was redirected more than \(Self.maximumRedirects) times; the cluster is still resharding"
        )
    }

    /// A redirect reply, or `TRYAGAIN`, with where to go next.
    private enum Redirect {
        case moved(slot: Int, node: RedisNodeAddress)
        case ask(slot: Int, node: RedisNodeAddress)
        case tryAgain(node: RedisNodeAddress)

        init?(_ message: String, from node: RedisNodeAddress) {
            if message.hasPrefix("TRYAGAIN") {
                self = .tryAgain(node: node)
                return
            }
            let parts = message.split(separator: " ")
            guard parts.count == 3, let slot = Int(parts[1]), (0..<RedisHashSlot.count).contains(slot),
                let target = RedisNodeAddress(redirectTarget: parts[2], defaultHost: node.host)
            else { return nil }
            switch parts[0] {
            case "MOVED": self = .moved(slot: slot, node: target)
            case "ASK": self = .ask(slot: slot, node: target)
            default: return nil
            }
        }
    }

    // MARK: - Slot map and pools

    /// The node for `slot`; a command without keys goes to any primary.
    private func owner(of slot: Int?) async throws -> RedisNodeAddress {
        if isShutDown { throw RedisError.poolShutDown }
        let map: RedisClusterSlotMap
        if let slotMap { map = slotMap } else { map = try await refreshSlotMap() }
        guard let slot else { return map.primaries[0] }
        if let node = map.owner(of: slot) { return node }
        // The map may predate a slot assignment; one reload before giving up.
        if let node = try await refreshSlotMap().owner(of: slot) { return node }
        throw RedisError.clusterUnavailable("hash slot \(slot) is not served by any node (CLUSTERDOWN)")
    }

    private func recordMove(of slot: Int, to node: RedisNodeAddress) {
        slotMap?.assign(slot, to: node)
        // Usually a whole range moved, not one slot: reload to learn the rest in one go.
        startRefresh()
    }

    private func refreshInBackground() {
        startRefresh()
    }

    @discardableResult
    private func startRefresh() -> Task<RedisClusterSlotMap, any Error> {
        if let refreshing { return refreshing }
        // Candidates: every primary we know (the map may be stale but they are still cluster
        // members), then the seeds, which matter when all known nodes changed.
        let candidates = (slotMap?.primaries ?? []) + seeds.filter { !(slotMap?.primaries ?? []).contains($0) }
        let task = Task { try await self.loadSlotMap(from: candidates) }
        refreshing = task
        Task {
            let result = await task.result
            self.finishRefresh(result)
        }
        return task
    }

    private func finishRefresh(_ result: Result<RedisClusterSlotMap, any Error>) {
        refreshing = nil
        if case .success(let map) = result { slotMap = map }
    }

    private func refreshSlotMap() async throws -> RedisClusterSlotMap {
        let map = try await startRefresh().value
        slotMap = map
        return map
    }

    private func loadSlotMap(from candidates: [RedisNodeAddress]) async throws -> RedisClusterSlotMap {
        var failures: [String] = []
        for node in candidates {
            if isShutDown { throw RedisError.poolShutDown }
            do {
                let reply = try await pool(for: node).send(command: "CLUSTER", arguments: ["SLOTS"])
                let map = try RedisClusterSlotMap(
                    clusterSlots: reply, queried: node, preferHostnames: configuration.tls != nil)
                logger.debug(
                    "Redis cluster slot map loaded",
                    metadata: ["redis.node": "\(node)", "redis.primaries": "\(map.primaries)"]
                )
                return map
            } catch RedisError.authenticationFailed(let message) {
                // Every node shares the credentials: no point asking the others.
                throw RedisError.authenticationFailed(message)
            } catch {
                failures.append("\(node): \(error)")
            }
        }
        throw RedisError.clusterUnavailable("no node answered CLUSTER SLOTS (\(failures.joined(separator: "; ")))")
    }

    /// The settings for one node: the shared ones with the node's address.
    ///
    /// With TLS, a node known only by IP address (a cluster that announces IPs) is verified
    /// against the seed's DNS name unless ``RedisTLSConfiguration/serverName`` says otherwise:
    /// managed clusters such as ElastiCache give every node a certificate for the cluster's
    /// wildcard domain, which the configuration endpoint's name belongs to, never for node IPs.
    static func configuration(
        for node: RedisNodeAddress, base: RedisConfiguration, seeds: [RedisNodeAddress]
    ) -> RedisConfiguration {
        var nodeConfiguration = base
        nodeConfiguration.host = node.host
        nodeConfiguration.port = node.port
        if var tls = base.tls, tls.serverName == nil, node.host.isIPAddress,
            let seedName = seeds.first(where: { !$0.host.isIPAddress })?.host
        {
            tls.serverName = seedName
            nodeConfiguration.tls = tls
        }
        return nodeConfiguration
    }

    private func pool(for node: RedisNodeAddress) throws -> RedisConnectionPool {
        if isShutDown { throw RedisError.poolShutDown }
        if let pool = pools[node] { return pool }
        let pool = try RedisConnectionPool(
            configuration: Self.configuration(for: node, base: configuration, seeds: seeds),
            eventLoopGroup: eventLoopGroup, logger: logger)
        pools[node] = pool
        return pool
    }
}
