/// What was built: the semantic version from `VERSION` and the git commit, stamped in at build time
/// by `BuildInfoPlugin` (see `scripts/build-info`).
public enum BuildInfo {
    /// `0.1.0 (commit 3f2a9c1d0b7e)`, as `mercato --version` prints it.
    public static var summary: String { "\(version) (commit \(commit), built \(builtAt))" }
}
