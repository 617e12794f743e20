import StrideDomain
import StrideStore
import Synchronization

/// Answers "does this id belong to the request's project?" for every id-based call, so another
/// project's experiment or run looks exactly like one that does not exist (ids cannot be probed).
///
/// Experiments and runs never change project and their ids are never reused, so a verified owner
/// can be remembered; the memory is bounded by forgetting everything when it fills up. With it
/// the check costs a dictionary lookup on the logging hot path instead of a database read.
final class ProjectOwnership: Sendable {
    private let store: any TrackingStore
    private let owners = Mutex<[String: String]>([:])
    static let capacity = 65_536

    init(store: any TrackingStore) {
        self.store = store
    }

    func requireExperiment(_ id: ExperimentID, in project: String) async throws {
        let key = "e" + id.description
        if owners.withLock({ $0[key] }) == project { return }
        guard let owner = try await store.projectOfExperiment(id: id) else { throw Self.missingExperiment(id) }
        remember(key, owner)
        guard owner == project else { throw Self.missingExperiment(id) }
    }

    /// Whether `project` owns the experiment; an unknown experiment is owned by no project.
    func owns(_ id: ExperimentID, _ project: String) async throws -> Bool {
        do {
            try await requireExperiment(id, in: project)
            return true
        } catch let error as StrideError where error.code == .resourceDoesNotExist {
            return false
        }
    }

    /// `allowMissing` lets an unknown id through (history reads answer it with no points).
    func requireRun(_ id: String, in project: String, allowMissing: Bool = false) async throws {
        let key = "r" + id
        if owners.withLock({ $0[key] }) == project { return }
        guard let owner = try await store.projectOfRun(id: id) else {
            if allowMissing { return }
            throw Self.missingRun(id)
        }
        remember(key, owner)
        guard owner == project else { throw Self.missingRun(id) }
    }

    private func remember(_ key: String, _ owner: String) {
        owners.withLock { owners in
            if owners.count >= Self.capacity { owners.removeAll(keepingCapacity: true) }
            owners[key] = owner
        }
    }

    static func missingExperiment(_ id: ExperimentID) -> StrideError {
        .missing(.experiment(id))
    }

    static func missingRun(_ id: String) -> StrideError {
        .missing(.run(id: id))
    }
}
