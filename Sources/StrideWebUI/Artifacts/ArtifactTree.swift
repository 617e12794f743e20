import StrideService
import StrideStore

/// One directory level of the artifact tree; the directory on the way to the selected path is
/// listed inside its entry, so the page shows the path opened from the root.
struct ArtifactTreeLevel: Sendable {
    var entries: [ArtifactTreeNode]
    var more: Int
    var hasMore: Bool
}

struct ArtifactTreeNode: Sendable {
    var name: String
    var href: String
    var isDirectory: Bool
    var size: String
    var current: Bool
    /// The listing of this directory when the selection lies inside it: zero or one level.
    var children: [ArtifactTreeLevel]
}

/// Lists the directories from a run's artifact root down to the selected path.
struct ArtifactTreeBuilder: Sendable {
    let artifacts: ArtifactService
    let runID: String
    let selected: String

    /// Entries listed per directory; a larger directory ends in "and N more".
    static let maxEntriesPerLevel = 500
    static let maxDepth = 16

    /// The tree, and the selected entry's size when the selection is a file.
    func build() async throws -> (tree: ArtifactTreeLevel, selectedFileSize: Int64?) {
        var selectedFileSize: Int64?
        func level(_ directory: String, depth: Int) async throws -> ArtifactTreeLevel {
            let entries = try await artifacts.listRunArtifacts(runID: runID, path: directory.isEmpty ? nil : directory).entries
            var nodes: [ArtifactTreeNode] = []
            for entry in entries.prefix(Self.maxEntriesPerLevel) {
                let name = entry.name.split(separator: "/").last.map(String.init) ?? entry.name
                var node = ArtifactTreeNode(
                    name: name, href: PageLink("/runs/\(runID)/artifacts").with("path", entry.name).url, isDirectory: false, size: "",
                    current: entry.name == selected, children: [])
                switch entry.item {
                case .directory:
                    node.isDirectory = true
                    if depth < Self.maxDepth, selected == entry.name || selected.hasPrefix(entry.name + "/") {
                        node.children = [try await level(entry.name, depth: depth + 1)]
                    }
                case .file(let size):
                    node.size = Formatting.bytes(size)
                    if entry.name == selected { selectedFileSize = size }
                }
                nodes.append(node)
            }
            let more = max(0, entries.count - Self.maxEntriesPerLevel)
            return ArtifactTreeLevel(entries: nodes, more: more, hasMore: more > 0)
        }
        let tree = try await level("", depth: 0)
        return (tree, selectedFileSize)
    }
}
