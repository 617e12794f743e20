import StrideDomain

extension JSONWriter {
    /// The points of a metric history, each as ``write(_:runID:)`` writes it.
    ///
    /// A history's points share their key, so its member is escaped once per key rather than once
    /// per point.
    mutating func writeHistoryPoints(_ metrics: some Sequence<Metric>) {
        var keyMember: (key: String, bytes: [UInt8])?
        for metric in metrics {
            if keyMember?.key != metric.key {
                var member = JSONWriter(capacity: metric.key.utf8.count + 16)
                member.field("key", metric.key)
                keyMember = (metric.key, member.bytes)
            }
            beginObject()
            encodedMembers(keyMember?.bytes ?? [])
            field("value", metric.value)
            field("timestamp", metric.timestamp)
            field("step", metric.step)
            endObject()
        }
    }
}
