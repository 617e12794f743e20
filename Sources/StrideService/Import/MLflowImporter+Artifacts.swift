import StrideDomain
import StrideStore

extension MLflowImporter {
    /// Copies each planned folder into the artifact store; a file already there with the same size
    /// is skipped, so a second import copies only what is missing.
    func copyArtifacts(
        _ copies: [ImportPlan.Copy], report: inout ImportReport, progress: @escaping @Sendable (ImportProgress) -> Void
    ) async throws {
        var work: [(source: String, target: ArtifactPath, size: Int64)] = []
        var seen = Set<ArtifactPath>()
        for copy in copies {
            let base = try artifacts.storePath(of: copy.uri, .root, project: options.project)
            for file in try await files.files(below: copy.folder) {
                guard let relative = try? ArtifactPath(validating: file.path) else {
                    report.warnings.append("Artifact \(copy.folder)/\(file.path) has a name Stride does not accept; it was not copied.")
                    continue
                }
                let target = base.appending(relative)
                guard seen.insert(target).inserted else { continue }
                work.append((copy.folder + "/" + file.path, target, file.size))
            }
        }
        let totalBytes = work.reduce(0 as Int64) { $0 + $1.size }
        var doneBytes: Int64 = 0
        progress(ImportProgress(stage: .artifacts, done: 0, total: Int(clamping: totalBytes)))
        for file in work {
            if case .file(let size)? = try await artifacts.store.item(at: file.target), size == file.size {
                report.artifactFilesPresent += 1
            } else {
                try await artifacts.store.write(file.target, body: files.contents(of: file.source))
                report.artifactFilesCopied += 1
                report.artifactBytesCopied += file.size
            }
            doneBytes += file.size
            progress(ImportProgress(stage: .artifacts, done: Int(clamping: doneBytes), total: Int(clamping: totalBytes)))
        }
    }
}
