import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// Hummingbird's HTTP/1 channel plus Stride's connection timeouts (``ConnectionClock``).
///
/// Hummingbird's own `idleTimeout` counts only decoded HTTP parts, so it cannot tell an idle
/// connection from a head arriving byte by byte; the clock watches raw bytes as well.
struct TimedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let http1: HTTP1Channel
    let timeouts: ConnectionTimeouts

    /// The server builder an `Application` takes.
    static func builder(timeouts: ConnectionTimeouts) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in TimedHTTP1Channel(http1: HTTP1Channel(responder: responder), timeouts: timeouts) }
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let timeouts = self.timeouts
        return http1.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let clock = ConnectionClock(timeouts: timeouts)
            let pipeline = channel.pipeline.syncOperations
            let decoder = try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try pipeline.addHandler(RequestPartObserver(clock: clock), position: .after(decoder))
            try pipeline.addHandler(RawBytesObserver(clock: clock), position: .first)
            return value
        }
    }

    /// Serves the connection on its event loop (``EventLoopTaskExecutor``); requests other than
    /// small writes leave it (``RequestPlacementMiddleware``).
    func handle(value: Value, logger: Logger) async {
        await withTaskExecutorPreference(EventLoopTaskExecutor(value.channel.eventLoop)) {
            await http1.handle(value: value, logger: logger)
        }
    }
}
