import HTTPTypes
public import Hummingbird
import Logging
import NIOHTTP1
import StrideDomain
import StrideService
import StrideStore

/// Turns every failure into MLflow's error shape so the client never sees an HTML or empty error.
///
/// Client errors keep 4xx statuses: the mlflow client retries 5xx answers for minutes. A 5xx never
/// carries internal text: its message and `X-Request-Id` header carry the request id that the
/// error's log line also has.
public struct MLflowErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Paths that exist with some method: a miss on one of them is 405, as in MLflow, not 404.
    let knownPaths: Set<String>
    /// Prefixes under which every path exists with some method (artifact paths are URL tails).
    let knownPathPrefixes: [String]

    public init(knownPaths: Set<String>, knownPathPrefixes: [String] = []) {
        self.knownPaths = knownPaths
        self.knownPathPrefixes = knownPathPrefixes
    }

    private func isKnown(_ path: String) -> Bool {
        knownPaths.contains(path) || knownPathPrefixes.contains { path.hasPrefix($0) }
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as StrideError where error.code.httpStatus.code < 500 {
            return MLflowErrorResponse.make(error)
        } catch let error as StrideError where error.code == .notImplemented {
            // A documented 501 (presigned downloads, artifacts at a location Stride cannot read): its
            // message is ours, and the client does not retry it.
            return MLflowErrorResponse.make(error)
        } catch let error as StrideError where error.code == .temporarilyUnavailable {
            return MLflowErrorResponse.serverFault(code: error.code, message: error.message, status: .serviceUnavailable, requestID: context.id)
        } catch let error as StoreError {
            // Services phrase store outcomes where they call the store; one that reaches here unphrased
            // (a path that forgot to) still gets MLflow's answer, never a 500.
            return MLflowErrorResponse.make(error.mlflowError)
        } catch let error as StoreUnavailable {
            context.logger.warning("Database busy for \(error.waitedSeconds) s on \(request.method) \(request.uri.path)")
            return MLflowErrorResponse.serverFault(
                code: .temporarilyUnavailable, message: "The database is busy; retry the request later", status: .serviceUnavailable,
                requestID: context.id)
        } catch let error as ArtifactStorageUnavailable {
            context.logger.error("\(error) on \(request.method) \(request.uri.path)")
            return MLflowErrorResponse.serverFault(
                code: .temporarilyUnavailable, message: "The artifact storage is unavailable; retry the request later",
                status: .serviceUnavailable, requestID: context.id)
        } catch let error as HTTPError {
            switch error.status {
            case .notFound where isKnown(request.uri.path), .methodNotAllowed:
                return MLflowErrorResponse.make(
                    code: StrideError.Code.endpointNotFound.rawValue,
                    message: "Method \(request.method.rawValue) is not allowed for \(request.uri.path)", status: .methodNotAllowed)
            case .notFound:
                return MLflowErrorResponse.make(
                    code: StrideError.Code.endpointNotFound.rawValue,
                    message: "No API endpoint for \(request.method.rawValue) \(request.uri.path)", status: .notFound)
            case .contentTooLarge:
                return MLflowErrorResponse.make(
                    code: StrideError.Code.invalidParameterValue.rawValue, message: "Request body is too large.", status: .badRequest)
            default:
                let status = error.status.code >= 500 ? HTTPResponse.Status.badRequest : error.status
                return MLflowErrorResponse.make(
                    code: StrideError.Code.badRequest.rawValue, message: error.body ?? error.status.reasonPhrase, status: status)
            }
        } catch let error as HTTPParserError {
            return MLflowErrorResponse.make(RequestBodyLimit.malformed(error))
        } catch {
            context.logger.error("Unhandled error on \(request.method) \(request.uri.path): \(String(reflecting: error))")
            return MLflowErrorResponse.serverFault(
                code: .internalError, message: "Internal server error", status: .internalServerError, requestID: context.id)
        }
    }
}
