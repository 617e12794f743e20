import Testing
@testable import StrideMLflowSource
import StrideStore

@Suite("MLflow schema revisions: which databases stride import reads")
struct MLflowSchemaRevisionTests {
    @Test("MLflow 2.0's revision is read as 2.x, without aliases or datasets")
    func mlflow2() throws {
        let schema = try MLflowSchemaRevision.supported("97727af70f4d").get()
        #expect(schema.releases == "MLflow 2.x")
        #expect(!schema.hasAliases)
        #expect(!schema.hasDatasets)
        #expect(!schema.hasLoggedModels)
    }

    @Test("MLflow 2.22's revision has aliases, datasets and storage locations but no logged models")
    func lateMLflow2() throws {
        let schema = try MLflowSchemaRevision.supported("0584bdc529eb").get()
        #expect(schema.releases == "MLflow 2.x")
        #expect(schema.hasAliases && schema.hasDatasets && schema.hasStorageLocation)
        #expect(!schema.hasLoggedModels)
    }

    @Test("MLflow 3.0's first revision has logged models but not the input step; 3.17's head has both")
    func mlflow3() throws {
        let first = try MLflowSchemaRevision.supported("400f98739977").get()
        #expect(first.releases == "MLflow 3.x")
        #expect(first.hasLoggedModels && !first.hasInputStep)
        let head = try MLflowSchemaRevision.supported("dc11669786a5").get()
        #expect(head.hasLoggedModels && head.hasInputStep)
    }

    @Test("an MLflow 1.x revision is refused with the upgrade command to run first")
    func mlflow1() {
        guard case .failure(let failure) = MLflowSchemaRevision.supported("cc1f77228345") else {
            Issue.record("1.x revision accepted")
            return
        }
        #expect(failure.message.contains("MLflow 1.x"))
        #expect(failure.message.contains("mlflow db upgrade"))
    }

    @Test("an unknown revision is refused, naming the range Stride reads")
    func unknown() {
        guard case .failure(let failure) = MLflowSchemaRevision.supported("ffffffffffff") else {
            Issue.record("unknown revision accepted")
            return
        }
        #expect(failure.message == "Unknown MLflow schema revision 'ffffffffffff': Stride reads the databases of MLflow 2.0 to 3.17 "
            + "(revisions 97727af70f4d to dc11669786a5). A newer MLflow wrote it, or it is not MLflow's.")
    }
}

@Suite("SQLite header check: foreign and truncated files are refused before SQLite opens them")
struct SQLiteFileCheckTests {
    /// A header of `pages` pages of 4096 bytes whose page count is valid.
    static func header(pages: UInt32) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 100)
        bytes.replaceSubrange(0..<16, with: Array("SQLite format 3\0".utf8))
        bytes[16] = 0x10
        bytes[17] = 0x00
        let count = withUnsafeBytes(of: pages.bigEndian) { Array($0) }
        bytes.replaceSubrange(28..<32, with: count)
        bytes.replaceSubrange(24..<28, with: [0, 0, 0, 7])
        bytes.replaceSubrange(92..<96, with: [0, 0, 0, 7])
        return bytes
    }

    @Test("a whole file passes")
    func whole() throws {
        try SQLiteFileCheck.check(header: Self.header(pages: 3), fileSize: 3 * 4096, path: "mlflow.db")
    }

    @Test("a file shorter than its header's page count is refused as truncated")
    func truncated() {
        #expect(throws: MLflowSourceFailure(
            "mlflow.db is truncated: its header counts 3 pages of 4096 bytes (12288 bytes), but the file has 8192. "
                + "Copy it again from the MLflow server; nothing was imported.")
        ) {
            try SQLiteFileCheck.check(header: Self.header(pages: 3), fileSize: 2 * 4096, path: "mlflow.db")
        }
    }

    @Test("a file that is not SQLite is refused")
    func foreign() {
        #expect(throws: MLflowSourceFailure("notes.txt is not an SQLite database, so not an MLflow tracking database; nothing was imported.")) {
            try SQLiteFileCheck.check(header: Array(repeating: 0x41, count: 100), fileSize: 100, path: "notes.txt")
        }
    }
}
