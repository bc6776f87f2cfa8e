/// A cluster node's address as clients reach it.
public struct RedisNodeAddress: Sendable, Hashable, CustomStringConvertible {
    /// Host name or IP address.
    public var host: String
    /// Client port (not the cluster bus port).
    public var port: Int

    /// The node at `host:port`.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `host:port`, with IPv6 addresses in brackets.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Parses `host:port` (or `[v6]:port`), as Redis writes node addresses; `nil` if it is not one.
    public init?(redirectTarget text: Substring) {
        self.init(redirectTarget: text, defaultHost: "")
        if host.isEmpty { return nil }
    }

    /// Parses the `host:port` of a `MOVED`/`ASK` redirect; an empty host (a node that does not
    /// know its own address) means the host of the node that answered.
    init?(redirectTarget text: Substring, defaultHost: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]) else {
            return nil
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.init(host: host.isEmpty ? defaultHost : host, port: port)
    }
}

/// Which primary owns each of the 16384 slots, as reported by `CLUSTER SLOTS`.
struct RedisClusterSlotMap: Sendable {
    private(set) var primaries: [RedisNodeAddress] = []
    /// Index into ``primaries`` for each slot, `-1` for a slot no node serves.
    private var owners = [Int](repeating: -1, count: RedisHashSlot.count)

    /// The primary serving `slot`, if any.
    func owner(of slot: Int) -> RedisNodeAddress? {
        let index = owners[slot]
        return index < 0 ? nil : primaries[index]
    }

    /// Records that `slot` moved to `node`, as a `MOVED` redirect says, until the next full refresh.
    mutating func assign(_ slot: Int, to node: RedisNodeAddress) {
        owners[slot] = index(of: node)
    }

    private mutating func index(of node: RedisNodeAddress) -> Int {
        if let index = primaries.firstIndex(of: node) { return index }
        primaries.append(node)
        return primaries.count - 1
    }

    /// Reads a `CLUSTER SLOTS` reply: `[[start, end, [host, port, id, metadata…], replica…], …]`.
    ///
    /// - Parameters:
    ///   - queried: The node that answered; an empty host in the reply means this node's host.
    ///   - preferHostnames: Use the `hostname` metadata (Redis 7) when a node announces one, so TLS
    ///     can verify a certificate issued for names rather than IP addresses.
    init(clusterSlots reply: RESPValue, queried: RedisNodeAddress, preferHostnames: Bool) throws {
        guard let ranges = reply.array else {
            throw RedisError.unexpectedReply("CLUSTER SLOTS answered \(reply)")
        }
        for range in ranges {
            guard let fields = range.array, fields.count >= 3,
                case .integer(let start) = fields[0], case .integer(let end) = fields[1],
                0 <= start, start <= end, end < RedisHashSlot.count,
                let node = fields[2].array, node.count >= 2,
                let reportedHost = node[0].string, case .integer(let port) = node[1]
            else {
                throw RedisError.unexpectedReply("CLUSTER SLOTS entry \(range) is not [start, end, [host, port…]…]")
            }
            var host = reportedHost == "?" || reportedHost.isEmpty ? queried.host : reportedHost
            if preferHostnames, node.count >= 4, let metadata = node[3].array {
                // RESP2 sends the metadata map as a flat list: key, value, key, value…
                var iterator = metadata.makeIterator()
                while let key = iterator.next(), let value = iterator.next() {
                    if key.string == "hostname", let name = value.string, !name.isEmpty { host = name }
                }
            }
            let owner = index(of: RedisNodeAddress(host: host, port: port))
            for slot in start...end { owners[slot] = owner }
        }
        if primaries.isEmpty {
            throw RedisError.clusterUnavailable("\(queried) reports no slots assigned (is the cluster created?)")
        }
    }
}
