import PostgresNIO
@testable import StridePostgres
import Testing

@Suite("Names of statements prepared once per connection")
struct ReusedStatementNamesTests {
    @Test("one statement shape keeps its name; other text or other parameter types get another")
    func namesByShape() throws {
        let sql = "SELECT ? -- ReusedStatementNamesTests.namesByShape"
        let shape = try #require(ReusedStatementNames.shape(of: SQL(sql, [.integer(1)])))
        #expect(shape.sql == "SELECT $1 -- ReusedStatementNamesTests.namesByShape")
        #expect(shape.types == [.int8])
        #expect(ReusedStatementNames.shape(of: SQL(sql, [.integer(2)]))?.name == shape.name)
        #expect(ReusedStatementNames.shape(of: SQL(sql, [.null]))?.name != shape.name)
        #expect(ReusedStatementNames.shape(of: SQL(sql + " ", [.integer(1)]))?.name != shape.name)
    }

    @Test("a statement's parameter types are the types its arguments bind as")
    func parameterTypes() {
        let statement = SQL("SELECT ?, ?, ?, ?, ?", [.integer(1), .null, .texts(["a"]), .real(1), .bool(true)])
        #expect(statement.parameterTypes == [.int8, .null, .textArray, .float8, .bool])
        #expect(statement.reused().isReused && !statement.isReused)
        #expect((statement.reused() + SQL(" LIMIT ?", 1)).isReused)
    }
}
