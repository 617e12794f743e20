public import StrideDomain
import StrideStore

/// Prompt versions a trace used (`traces/link-prompts`).
extension TraceService {
    /// A prompt version a trace names: the prompt's name and its version number.
    public struct PromptVersionRef: Sendable, Hashable {
        public var name: String
        public var version: String

        public init(name: String, version: String) {
            self.name = name
            self.version = version
        }
    }

    /// Links the caller's trace to prompt versions (repeats kept once); `trace.prompt = 'name/version'` then finds it.
    public func linkPrompts(traceID: String, versions: [PromptVersionRef], project: String = ProjectContext.current) async throws {
        guard !versions.isEmpty else { return }
        guard versions.count <= Limits.maxTracesPerRequest else {
            throw StrideError.invalidParameter("\(versions.count) prompt versions is more than \(Limits.maxTracesPerRequest) (the limit of one request).")
        }
        let keys = try versions.map { (ref) throws(StrideError) -> String in
            guard !ref.name.isEmpty else { throw .missingValue("prompt_versions.name") }
            guard !ref.name.contains("/"), ref.name.utf8.count <= 256 else {
                throw .invalidParameter("Invalid prompt name '\(ref.name.prefix(256))'.")
            }
            guard let number = Int64(ref.version), number >= 1 else {
                throw .invalidParameter("Invalid prompt version '\(ref.version.prefix(64))' for prompt '\(ref.name)': expected a positive integer.")
            }
            return "\(ref.name)/\(number)"
        }
        try await requireTraces([traceID], in: project)
        guard let links = store as? any TraceLinkStore else {
            throw StrideError(.notImplemented, "Linking prompts to traces is not served by this backend store yet.")
        }
        try await links.linkPrompts(traceID: traceID, versions: keys)
    }
}
