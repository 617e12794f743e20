/// This build's version, as `stride --version` prints it.
public enum StrideVersion {
    public static let current = "0.9.0"
}
