import Foundation
import StrideService
import StrideStore
import Synchronization

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Progress on standard error: a bar redrawn in place on a terminal, else a plain line per tenth.
final class ProgressDisplay: Sendable {
    private struct State {
        var stage: ImportProgress.Stage?
        var lastDraw = ContinuousClock.now - .seconds(1)
        var lastTenth = -1
        var drewBar = false
    }

    private let isTerminal = isatty(STDERR_FILENO) == 1
    private let state = Mutex(State())

    func show(_ progress: ImportProgress) {
        state.withLock { state in
            let fraction = progress.total > 0 ? min(1, Double(progress.done) / Double(progress.total)) : 1
            let counts = "\(progress.done.formatted())/\(progress.total.formatted()) \(progress.stage.rawValue)"
            if isTerminal {
                let now = ContinuousClock.now
                guard now - state.lastDraw >= .milliseconds(100) || progress.done >= progress.total else { return }
                state.lastDraw = now
                if let stage = state.stage, stage != progress.stage { write("\n") }
                let width = 30
                let filled = Int(fraction * Double(width))
                let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
                write("\r[\(bar)] \(Int(fraction * 100))% \(counts)\u{1B}[K")
                state.drewBar = true
            } else {
                let tenth = Int(fraction * 10)
                guard state.stage != progress.stage || tenth > state.lastTenth else { return }
                state.lastTenth = tenth
                write("\(Int(fraction * 100))% \(counts)\n")
            }
            if state.stage != progress.stage {
                state.stage = progress.stage
                state.lastTenth = Int(fraction * 10)
            }
        }
    }

    /// Ends the bar's line, so what follows starts on its own.
    func finish() {
        state.withLock { state in
            if state.drewBar { write("\n") }
        }
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}

/// The lines `stride import` ends with.
enum ImportSummary {
    static func lines(_ report: ImportReport, dryRun: Bool, seconds: Double) -> [String] {
        let source = report.inventory
        var lines = [
            "MLflow database: schema \(source.schema); \(source.experiments) experiments, \(source.runs) runs, "
                + "\(source.metricPoints.formatted()) metric points, \(source.loggedModels) logged models, "
                + "\(source.registeredModels) registered models with \(source.modelVersions) versions."
        ]
        if dryRun {
            lines.append("Dry run: \(source.runs - report.runsAlreadyPresent) runs to import, \(report.runsAlreadyPresent) already stored; nothing was changed.")
            return lines
        }
        let rate = seconds > 0 ? Int(Double(report.metricPoints) / seconds) : 0
        lines.append(
            "Imported \(report.experimentsCreated) new experiments (\(report.experimentsMerged) already there by name), "
                + "\(report.runsImported) runs (\(report.runsAlreadyPresent) already stored), \(report.metricPoints.formatted()) metric points, "
                + "\(report.loggedModels) logged models, \(report.registeredModels) registered models, \(report.modelVersions) model versions.")
        lines.append(
            "Artifacts: \(report.artifactFilesCopied) files copied (\(report.artifactBytesCopied.formatted()) bytes), "
                + "\(report.artifactFilesPresent) already there.")
        lines.append("Took \((seconds * 10).rounded() / 10) s (\(rate.formatted()) metric points/s).")
        for warning in report.warnings { lines.append("Note: \(warning)") }
        return lines
    }
}
