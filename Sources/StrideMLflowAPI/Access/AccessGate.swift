public import HTTPTypes
public import StrideDomain
public import StrideService

/// The access check each guarded route runs before it decodes anything: authenticate the
/// request's credentials, then authorize the route's declared role in the request's project.
/// The decisions are the service layer's (``AccessService``); this only carries them to HTTP.
public struct AccessGate: Sendable {
    let service: AccessService

    public init(service: AccessService) {
        self.service = service
    }

    /// The principal the request acts as, or an error in MLflow's shape: `UNAUTHENTICATED` (401)
    /// without valid credentials, `RESOURCE_DOES_NOT_EXIST` (404) for another project's token,
    /// `PERMISSION_DENIED` (403) for too weak a role.
    @discardableResult
    public func admit(_ headers: HTTPFields, access: RouteAccess, project: String = Project.defaultName) async throws -> Principal? {
        guard case .role(let needed) = access else { return nil }
        let principal = try await service.authenticate(headerValue: headers[.authorization])
        try service.authorize(principal, project: project, needed: needed, authEnabled: true)
        return principal
    }
}
