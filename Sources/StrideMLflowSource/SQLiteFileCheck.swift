import Foundation
import StrideStore

/// Checks on an SQLite file made from its header alone, before SQLite opens it: that it is one,
/// and that it is whole (SQLite notices a truncated file only when it reaches a missing page).
enum SQLiteFileCheck {
    static func requireWholeDatabase(at path: String) throws(MLflowSourceFailure) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw MLflowSourceFailure("\(path) cannot be opened: it does not exist or cannot be read.")
        }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 100)) ?? Data()
        let fileSize = (try? handle.seekToEnd()) ?? 0
        try check(header: [UInt8](header), fileSize: fileSize, path: path)
    }

    /// The header's rules, apart from the file system for tests.
    static func check(header: [UInt8], fileSize: UInt64, path: String) throws(MLflowSourceFailure) {
        guard header.count == 100, header.starts(with: Array("SQLite format 3\0".utf8)) else {
            throw MLflowSourceFailure("\(path) is not an SQLite database, so not an MLflow tracking database; nothing was imported.")
        }
        // Page size: two bytes at offset 16, where 1 means 65536.
        let rawPageSize = UInt64(header[16]) << 8 | UInt64(header[17])
        let pageSize = rawPageSize == 1 ? 65536 : rawPageSize
        func word(_ offset: Int) -> UInt64 { header[offset..<offset + 4].reduce(0) { $0 << 8 | UInt64($1) } }
        let pageCount = word(28)
        // The page count is valid only when the change counter matches "version-valid-for".
        guard pageSize >= 512, pageCount > 0, word(24) == word(92) else { return }
        let (expected, overflow) = pageCount.multipliedReportingOverflow(by: pageSize)
        if overflow || fileSize < expected {
            throw MLflowSourceFailure(
                "\(path) is truncated: its header counts \(pageCount) pages of \(pageSize) bytes (\(expected) bytes), "
                    + "but the file has \(fileSize). Copy it again from the MLflow server; nothing was imported.")
        }
    }
}
