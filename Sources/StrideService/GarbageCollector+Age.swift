import StrideDomain

extension GarbageCollector {
    /// Reads `--older-than` as `mlflow gc` does: days, hours, minutes and seconds in that order,
    /// each optional and possibly fractional (`30d`, `1d2h3m4s`, `1.5h`), as milliseconds; nil for
    /// anything else, or an age beyond a million days.
    public static func age(parsing text: String) -> Int64? {
        let units: [(suffix: Character, milliseconds: Double)] = [("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000)]
        var rest = Substring(text)
        var total = 0.0
        var unitIndex = 0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            rest = rest.dropFirst(number.count)
            guard let suffix = rest.first, let value = Double(number), value.isFinite,
                let offset = units[unitIndex...].firstIndex(where: { $0.suffix == suffix })
            else { return nil }
            total += value * units[offset].milliseconds
            unitIndex = offset + 1
            rest = rest.dropFirst()
            if !rest.isEmpty, unitIndex == units.count { return nil }
        }
        guard total <= 1_000_000 * 86_400_000 else { return nil }
        return Int64(total.rounded())
    }
}
