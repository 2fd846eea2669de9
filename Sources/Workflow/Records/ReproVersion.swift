/// The version of this repro, recorded in every entry and manifest.
public enum ReproVersion {
    public static let current = "0.1.0"

    /// This build: the version, and (once known) the commit it was built from.
    public static let build = ReproBuild(version: current)
}
