/// The version of this repro, recorded in every entry and manifest.
public enum ReproVersion {
    public static let current = "0.1.0"
}
