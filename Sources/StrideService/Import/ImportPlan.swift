import Foundation
public import StrideDomain

/// What the importer learned while importing experiments and uses for everything after: where each
/// source experiment went, how source artifact URIs translate, and which folders to copy.
public struct ImportPlan: Sendable {
    /// A source folder and the Stride artifact URI its files go to.
    public struct Copy: Sendable, Equatable {
        public var folder: String
        public var uri: String
    }

    /// Source experiment id → Stride experiment id and artifact location.
    public var experiments: [ExperimentID: (id: ExperimentID, location: String)] = [:]
    public var rewrite = LocationRewrite()
    public var copies: [Copy] = []

    public init() {}

    /// A run's or logged model's new artifact URI: moved with its experiment's location; else (stored
    /// elsewhere) `strideLocation`, the place Stride gives a new one in the experiment, with its folder
    /// copied there (or referenced where it is); else, for files this machine cannot reach, kept.
    public mutating func relocated(
        _ uri: String, handling: MLflowImporter.ArtifactHandling, sourceRoot: SourceArtifactRoot, strideLocation: () -> String
    ) -> String {
        if let moved = rewrite.rewritten(uri) { return moved }
        guard let folder = sourceRoot.localFolder(for: uri) else { return uri }
        let target: String
        switch handling {
        case .copy:
            target = strideLocation()
            copies.append(Copy(folder: folder, uri: target))
        case .reference:
            target = Self.fileURI(folder)
        }
        rewrite.add(from: uri, to: target)
        return target
    }

    /// `file://` and the absolute path, percent-encoded as MLflow's `path_to_local_file_uri` writes it.
    public static func fileURI(_ absolutePath: String) -> String {
        URL(fileURLWithPath: absolutePath).absoluteString
    }
}
