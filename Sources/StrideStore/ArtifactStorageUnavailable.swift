/// The artifact storage could not be used: an object store that refuses the credentials, names no
/// such bucket, or stayed unreachable through every retry. Nothing was written.
///
/// `reason` is for the server log; the API answers 503 without it, so no bucket or key reaches a client.
public struct ArtifactStorageUnavailable: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }

    public var description: String { "Artifact storage unavailable: \(reason)" }
}
