import StrideDomain

/// Keeps the last value for each key, in first-seen order: a request naming a tag twice sets it
/// once, to the later value, as MLflow's stores do.
func uniqueByKey(_ tags: [Tag]) -> [Tag] {
    var lastValue: [String: String] = [:]
    for tag in tags { lastValue[tag.key] = tag.value }
    var seen = Set<String>()
    return tags.compactMap { tag in
        seen.insert(tag.key).inserted ? Tag(key: tag.key, value: lastValue[tag.key]!) : nil
    }
}
