import Foundation

extension CatalogCache {
    /// After a command changed the catalogue behind the serving processes (seed, reindex): moves
    /// the shared catalogue version so they stop serving what they cached. A cache that can't be
    /// reached doesn't fail the command, whose work is done; the operator is told how long the old
    /// reads can last.
    func retireAfterCommand() async {
        do {
            try await invalidate()
        } catch {
            print(
                "Warning: cached catalogue reads were not retired (\(error)); they expire within "
                    + "\(ttl.components.seconds) s.")
        }
    }
}
