import NIOCore
import NIOHTTP1
import StrideMLflowAPI

/// One connection's timer: the two observers below report its request cycle here, and it closes
/// the connection when the current phase's timeout passes.
///
/// Lives on the connection's event loop, like the handlers that own it. One task is scheduled at a
/// time: it re-arms itself when the deadline moved later (body progress) instead of being cancelled
/// on every read; only a deadline moved earlier (idle to head) replaces it.
final class ConnectionClock {
    private var phase: ConnectionPhase
    /// The first handler's context: raw bytes written here go straight to the socket.
    fileprivate var socket: ChannelHandlerContext?
    private var scheduled: (task: Scheduled<Void>, deadline: NIODeadline)?
    /// A malformed head was answered; the connection is closing.
    fileprivate var hasAnswered = false

    init(timeouts: ConnectionTimeouts) {
        phase = ConnectionPhase(timeouts: timeouts, now: .now())
    }

    fileprivate var isBetweenRequests: Bool {
        phase.phase == .idle || phase.phase == .head
    }

    fileprivate func record(_ event: (inout ConnectionPhase, NIODeadline) -> Void) {
        event(&phase, .now())
        arm()
    }

    fileprivate func arm() {
        guard let socket, let deadline = phase.deadline else { return }
        if let scheduled {
            guard deadline < scheduled.deadline else { return }
            scheduled.task.cancel()
        }
        let task = socket.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            self.scheduled = nil
            self.deadlinePassed()
        }
        scheduled = (task, deadline)
    }

    private func deadlinePassed() {
        guard let deadline = phase.deadline else { return }  // responding: the next event re-arms
        guard deadline <= .now() else { return arm() }
        if phase.phase == .head { socket?.writeAndFlush(NIOAny(MalformedRequestAnswer.headTimeout()), promise: nil) }
        socket?.close(promise: nil)
    }

    /// Answers a request head NIO could not decode with MLflow's error JSON, then closes.
    fileprivate func answer(_ error: any Error) {
        hasAnswered = true
        socket?.writeAndFlush(NIOAny(MalformedRequestAnswer.response(to: error)), promise: nil)
        socket?.close(promise: nil)
    }

    fileprivate func stop() {
        scheduled?.task.cancel()
        scheduled = nil
        socket = nil
    }
}

/// First in the pipeline: sees every byte a client sends, before HTTP decoding, so a head that
/// trickles in byte by byte (Slowloris) is timed from its first byte.
final class RawBytesObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    private let clock: ConnectionClock

    init(clock: ConnectionClock) {
        self.clock = clock
    }

    func handlerAdded(context: ChannelHandlerContext) {
        clock.socket = context
        if context.channel.isActive { clock.arm() }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        clock.stop()
    }

    func channelActive(context: ChannelHandlerContext) {
        clock.arm()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        clock.stop()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        clock.record { phase, now in phase.bytesRead(at: now) }
        context.fireChannelRead(data)
    }
}

/// Right after NIO's HTTP decoder: sees where each request's head and end fall and where each
/// response ends, and answers decoding errors of a head in MLflow's shape.
final class RequestPartObserver: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    private let clock: ConnectionClock

    init(clock: ConnectionClock) {
        self.clock = clock
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: clock.record { phase, now in phase.headRead(at: now) }
        case .end: clock.record { phase, now in phase.requestEnded(at: now) }
        case .body: break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            clock.record { phase, now in phase.responseEnded(at: now) }
        }
        context.write(data, promise: promise)
    }

    /// A decoding error before a request began has no handler to answer it (Hummingbird would send
    /// an empty 400); one inside a body goes on to the handler reading that body.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard clock.isBetweenRequests else { return context.fireErrorCaught(error) }
        if !clock.hasAnswered { clock.answer(error) }
    }
}
