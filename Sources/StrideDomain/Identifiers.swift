/// An experiment's id: an integer that MLflow shows as a decimal string.
public struct ExperimentID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let value: Int64

    public init(_ value: Int64) { self.value = value }

    /// Parses the wire form, with MLflow's message for anything that is not an integer.
    public init(parsing text: String) throws(StrideError) {
        guard let value = Int64(text) else {
            throw .invalidParameter("Invalid experiment ID '\(text)'. Experiment ID must be a valid integer.")
        }
        self.value = value
    }

    /// The experiments a search names, at most ``Limits/maxSearchExperimentIDs`` of them (each is
    /// a bound SQL value).
    public static func searchList(_ texts: [String]) throws(StrideError) -> [ExperimentID] {
        guard texts.count <= Limits.maxSearchExperimentIDs else {
            throw .invalidParameter(
                "experiment_ids: \(texts.count) ids is more than \(Limits.maxSearchExperimentIDs) (the limit of experiments in one search).")
        }
        return try texts.map { (text) throws(StrideError) in try ExperimentID(parsing: text) }
    }

    /// The experiment every server has from its first start, named `Default`.
    public static let defaultExperiment = ExperimentID(0)

    public var description: String { String(value) }

    public static func < (lhs: ExperimentID, rhs: ExperimentID) -> Bool { lhs.value < rhs.value }
}

/// Makes the 32-hex-character ids MLflow gives runs (a random UUID without dashes).
public enum RunIDGenerator {
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return make(using: &generator)
    }

    public static func make(using generator: inout some RandomNumberGenerator) -> String {
        // Two draws of 64 bits: the system generator makes one getrandom(2) call per draw.
        let words = (generator.next(), generator.next())
        var bytes = withUnsafeBytes(of: words) { Array($0) }
        // Version 4 and the RFC 4122 variant, so the id is a real uuid4 like MLflow's.
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(32)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Python's `\w` for `str` patterns: Unicode letters, digits and the underscore.
func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
    if scalar == "_" { return true }
    let properties = scalar.properties
    return properties.isAlphabetic || properties.numericType != nil
}
