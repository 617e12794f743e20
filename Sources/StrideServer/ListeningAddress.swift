import NIOCore
import NIOPosix

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The address `stride server` listens on, checked before anything is created and explained in words
/// when it cannot be bound.
struct ListeningAddress: Sendable {
    var host: String
    var port: Int

    /// Binds and releases the address with the options the server itself uses (`SO_REUSEADDR`, so a
    /// port in TIME_WAIT counts as free), so a taken port is refused before a store is created.
    func checkAvailable() async throws(StartupFailure) {
        do {
            let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
                .bind(host: host, port: port).get()
            try await channel.close().get()
        } catch {
            throw failure(error)
        }
    }

    /// `error` from binding, as one sentence naming the flag that changes it.
    func failure(_ error: any Error) -> StartupFailure {
        if let error = error as? IOError {
            switch error.errnoCode {
            case EADDRINUSE:
                return StartupFailure(
                    "Port \(port) on \(host) is already in use (by another server, or a Stride already running): stop that one or choose another port with --port.")
            case EACCES:
                return StartupFailure("Port \(port) needs privileges this user does not have: choose a port above 1023 with --port.")
            case EADDRNOTAVAIL:
                return StartupFailure(
                    "\(host) is not an address of this machine: choose another with --host (127.0.0.1 for this machine only, 0.0.0.0 for every interface).")
            default:
                return StartupFailure("Cannot listen on \(host) port \(port): \(StorageLocations.words(for: error.errnoCode)); see --host and --port.")
            }
        }
        if error is SocketAddressError {
            return StartupFailure("--host '\(host)' is neither an address nor a name this machine can resolve.")
        }
        return StartupFailure("Cannot listen on \(host) port \(port): \(error); see --host and --port.")
    }

    /// The URL clients use, with the port actually bound (it differs from `port` when that is 0).
    func url(boundPort: Int?) -> String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "http://\(shownHost):\(boundPort ?? port)"
    }
}
