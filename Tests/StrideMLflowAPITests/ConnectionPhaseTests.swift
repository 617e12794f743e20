import NIOCore
import Testing
@testable import StrideServer

@Suite("Connection timeouts: which one runs in each phase of a request")
struct ConnectionPhaseTests {
    let timeouts = ConnectionTimeouts(idle: .seconds(60), requestHead: .seconds(10), bodyProgress: .seconds(30))
    let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    func at(_ seconds: Int64) -> NIODeadline { start + .seconds(seconds) }

    @Test("a new connection gets the idle timeout; its first byte starts the head timeout, which more bytes do not extend")
    func headTimeout() {
        var phase = ConnectionPhase(timeouts: timeouts, now: start)
        #expect(phase.deadline == at(60))
        phase.bytesRead(at: at(5))
        #expect(phase.deadline == at(15))
        phase.bytesRead(at: at(9))
        #expect(phase.deadline == at(15))
    }

    @Test("each body read moves the body deadline; a finished request has none while the server works")
    func bodyProgress() {
        var phase = ConnectionPhase(timeouts: timeouts, now: start)
        phase.bytesRead(at: at(1))
        phase.headRead(at: at(1))
        #expect(phase.deadline == at(31))
        phase.bytesRead(at: at(20))
        #expect(phase.deadline == at(50))
        phase.requestEnded(at: at(21))
        #expect(phase.deadline == nil)
        phase.responseEnded(at: at(500))
        #expect(phase.deadline == at(560))
    }

    @Test("a response sent before the body was read (a refusal) returns to idle once the body is drained")
    func earlyRefusal() {
        var phase = ConnectionPhase(timeouts: timeouts, now: start)
        phase.bytesRead(at: at(1))
        phase.headRead(at: at(1))
        phase.responseEnded(at: at(2))
        #expect(phase.deadline == at(31))
        phase.requestEnded(at: at(3))
        #expect(phase.phase == .idle)
        #expect(phase.deadline == at(63))
    }

    @Test("durations read as flags", arguments: [
        ("500ms", Duration.milliseconds(500)), ("10s", .seconds(10)), ("2m", .seconds(120)), ("1.5", .milliseconds(1500)),
    ])
    func durations(text: String, expected: Duration) {
        #expect(ServerConfiguration.duration(text) == expected)
    }

    @Test("nonsense, zero, negative and enormous durations are refused", arguments: ["", "s", "0s", "-1s", "nan", "1e300s", "10h"])
    func badDurations(text: String) {
        #expect(ServerConfiguration.duration(text) == nil)
    }
}
