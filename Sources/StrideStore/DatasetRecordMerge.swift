public import StrideDomain

/// The records one upsert writes, worked out the same way by every backend: each change is
/// merged into the record holding its inputs (stored, or inserted earlier in the same request,
/// as MLflow's session sees it) or becomes a new record.
public struct DatasetRecordMerge {
    /// The dataset's records touched so far, by input hash.
    private var records: [String: DatasetRecord]
    /// Input hashes in first-written order, and as a set.
    private var order: [String] = []
    private var touched = Set<String>()
    public private(set) var inserted = 0
    public private(set) var updated = 0
    /// The last `mlflow.user` among the changes: the dataset's `last_updated_by` (nil clears it, as in MLflow).
    public private(set) var lastWriter: String?

    /// `existing`: the dataset's stored records among the upsert's input hashes.
    public init(existing: [String: DatasetRecord]) {
        records = existing
    }

    public mutating func apply(_ upsert: DatasetRecordsUpsert, datasetID: String) throws(StoreError) {
        for item in upsert.items {
            if let user = item.change.user { lastWriter = user }
            let record: DatasetRecord
            if let current = records[item.inputHash] {
                guard let merged = item.change.merged(into: current, at: upsert.time) else {
                    throw .unreadable(.evaluationDataset(id: datasetID))
                }
                record = merged
                updated += 1
            } else {
                record = item.change.newRecord(id: item.newID, datasetID: datasetID, inputHash: item.inputHash, at: upsert.time)
                inserted += 1
            }
            if touched.insert(item.inputHash).inserted { order.append(item.inputHash) }
            records[item.inputHash] = record
        }
    }

    /// Every record to write (insert or replace by id), once each.
    public var written: [DatasetRecord] {
        order.compactMap { records[$0] }
    }
}
