import NIOCore

/// How long a connection may sit in each phase before the server closes it.
public struct ConnectionTimeouts: Sendable, Equatable {
    /// Between requests on a keep-alive connection (and before the first byte of the first).
    public var idle: Duration
    /// From the first byte of a request to the end of its head (URL and headers): slow headers.
    public var requestHead: Duration
    /// Between two reads of a request body: a body that stops making progress.
    public var bodyProgress: Duration

    public init(idle: Duration = .seconds(60), requestHead: Duration = .seconds(10), bodyProgress: Duration = .seconds(60)) {
        self.idle = idle
        self.requestHead = requestHead
        self.bodyProgress = bodyProgress
    }
}

/// Where one connection is in its request cycle, and so which timeout runs: a value that the
/// channel handlers feed with events and ask for the current deadline.
struct ConnectionPhase {
    enum Phase: Equatable {
        /// Waiting for the first byte of a request.
        case idle
        /// Bytes have arrived, the head is not complete.
        case head
        /// The head is in; the body is being read.
        case body
        /// The request is read; the server is working on the answer (no timeout: searches may be slow).
        case responding
    }

    let timeouts: ConnectionTimeouts
    private(set) var phase = Phase.idle
    /// When the running timeout started: the last response, the first byte, or the last body read.
    private(set) var since: NIODeadline
    /// The current response's end was written while the body was still being read (an early refusal).
    private var answeredEarly = false

    init(timeouts: ConnectionTimeouts, now: NIODeadline) {
        self.timeouts = timeouts
        self.since = now
    }

    /// When the connection is to be closed, if the phase has a timeout.
    var deadline: NIODeadline? {
        switch phase {
        case .idle: since + TimeAmount(timeouts.idle)
        case .head: since + TimeAmount(timeouts.requestHead)
        case .body: since + TimeAmount(timeouts.bodyProgress)
        case .responding: nil
        }
    }

    mutating func bytesRead(at now: NIODeadline) {
        switch phase {
        case .idle:
            phase = .head
            since = now
        case .body:
            since = now
        case .head, .responding:
            break
        }
    }

    mutating func headRead(at now: NIODeadline) {
        phase = .body
        since = now
        answeredEarly = false
    }

    mutating func requestEnded(at now: NIODeadline) {
        if answeredEarly {
            phase = .idle
            since = now
        } else {
            phase = .responding
        }
    }

    mutating func responseEnded(at now: NIODeadline) {
        switch phase {
        case .body:
            answeredEarly = true
        case .responding:
            phase = .idle
            since = now
        case .idle, .head:
            break
        }
    }
}
