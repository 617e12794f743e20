import PostgresNIO
import Testing
@testable import StridePostgres

@Suite("Statements as PostgreSQL receives them")
struct SQLNumberingTests {
    @Test("each ? becomes $1, $2, ... in order, past nine too")
    func numbering() {
        let twelve = SQL("VALUES (" + Array(repeating: "?", count: 12).joined(separator: ", ") + ")", Array(repeating: .integer(1), count: 12))
        #expect(twelve.numberedText == "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)")
        #expect(SQL("SELECT ?::int8[] WHERE a = ?", [.integers([1]), .text("x")]).numberedText == "SELECT $1::int8[] WHERE a = $2")
    }

    @Test("a ? inside quoted text stays, and text beyond ASCII is kept byte for byte")
    func quotedAndWide() {
        let statement = SQL("SELECT '?', 'é ?', ? AS \"größe\" WHERE name = 'it''s' AND v = ?", [.integer(1), .integer(2)])
        #expect(statement.numberedText == "SELECT '?', 'é ?', $1 AS \"größe\" WHERE name = 'it''s' AND v = $2")
        #expect(statement.query.sql == statement.numberedText)
    }
}
