import BuildInfo

/// The version of this repro, recorded in every entry and manifest.
public enum ReproVersion {
    public static let current = "0.1.0"

    /// This build: the version, the git commit it was built from and whether that tree had uncommitted changes
    /// (read at build time by `scripts/build-info`).
    public static let build = ReproBuild(version: current, commit: BuildInfo.commit, dirty: BuildInfo.dirty)
}
