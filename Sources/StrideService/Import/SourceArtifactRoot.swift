import Foundation
import StrideDomain

/// Where an MLflow server's artifact URIs are on this machine: `mlflow-artifacts:` paths below the
/// root given with `--artifacts`, `file:` URIs and absolute paths where they point, or, when that
/// folder is gone (the data was moved), the same trailing path below the root.
public struct SourceArtifactRoot: Sendable {
    /// The absolute folder MLflow's artifact root is in now.
    public let root: String
    let isFolder: @Sendable (String) -> Bool

    public init(root: String, isFolder: @escaping @Sendable (String) -> Bool) {
        self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        self.isFolder = isFolder
    }

    /// The local folder `uri` names; nil for a remote scheme (`s3://`, ...) or a location found nowhere.
    public func localFolder(for uri: String) -> String? {
        if uri.hasPrefix("mlflow-artifacts:") {
            var rest = uri.dropFirst("mlflow-artifacts:".count)
            if rest.hasPrefix("//") {
                rest = rest.dropFirst(2)
                rest = rest.firstIndex(of: "/").map { rest[$0...] } ?? ""
            }
            return joined(root, Self.segments(String(rest)))
        }
        let path: String
        if uri.hasPrefix("file://") {
            path = String(uri.dropFirst("file://".count))
        } else if uri.hasPrefix("file:") {
            path = String(uri.dropFirst("file:".count))
        } else if uri.contains("://") {
            return nil
        } else {
            path = uri
        }
        let decoded = path.removingPercentEncoding ?? path
        let segments = Self.segments(decoded)
        if decoded.hasPrefix("/"), isFolder(joined("", segments)) { return joined("", segments) }
        // Moved data: the longest trailing part of the recorded path that exists below the root.
        for drop in 0..<segments.count {
            let candidate = joined(root, Array(segments[drop...]))
            if isFolder(candidate) { return candidate }
        }
        return nil
    }

    private func joined(_ base: String, _ segments: [String]) -> String {
        segments.isEmpty ? (base.isEmpty ? "/" : base) : base + "/" + segments.joined(separator: "/")
    }

    private static func segments(_ path: String) -> [String] {
        path.split(separator: "/").map(String.init).filter { $0 != "." && !$0.isEmpty }
    }
}

/// Rewrites artifact URIs from the source's locations to Stride's: a URI at or below a mapped
/// location moves with it (the longest mapped location wins); others stay as they are.
public struct LocationRewrite: Sendable, Equatable {
    private var moves: [(from: String, to: String)] = []

    public init() {}

    public mutating func add(from source: String, to target: String) {
        moves.append((Self.trimmed(source), Self.trimmed(target)))
        moves.sort { $0.from.count > $1.from.count }
    }

    /// The rewritten URI, or nil when no mapped location holds it.
    public func rewritten(_ uri: String) -> String? {
        let trimmed = Self.trimmed(uri)
        for move in moves {
            if trimmed == move.from { return move.to }
            if trimmed.hasPrefix(move.from + "/") { return move.to + trimmed.dropFirst(move.from.count) }
        }
        return nil
    }

    private static func trimmed(_ uri: String) -> String {
        var uri = uri
        while uri.hasSuffix("/"), !uri.hasSuffix(":/"), uri.count > 1 { uri.removeLast() }
        return uri
    }

    public static func == (lhs: LocationRewrite, rhs: LocationRewrite) -> Bool {
        lhs.moves.map(\.from) == rhs.moves.map(\.from) && lhs.moves.map(\.to) == rhs.moves.map(\.to)
    }
}
