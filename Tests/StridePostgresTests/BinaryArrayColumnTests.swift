import NIOCore
import PostgresNIO
@testable import StridePostgres
import Testing

@Suite("Arrays read from PostgreSQL's binary format")
struct BinaryArrayColumnTests {
    /// A one-dimensional array as PostgreSQL sends it: header, one dimension, then length-prefixed elements.
    private func arrayCell(_ type: PostgresDataType, elementType: PostgresDataType, elements: [ByteBuffer?], hasNulls: Int32 = 0)
        -> PostgresCell
    {
        var buffer = ByteBuffer()
        buffer.writeInteger(Int32(elements.isEmpty ? 0 : 1))
        buffer.writeInteger(hasNulls)
        buffer.writeInteger(elementType.rawValue)
        if !elements.isEmpty {
            buffer.writeInteger(Int32(elements.count))
            buffer.writeInteger(Int32(1))
        }
        for element in elements {
            if var element {
                buffer.writeInteger(Int32(element.readableBytes))
                buffer.writeBuffer(&element)
            } else {
                buffer.writeInteger(Int32(-1))
            }
        }
        return PostgresCell(bytes: buffer, dataType: type, format: .binary, columnName: "a", columnIndex: 0)
    }

    private func int64(_ value: Int64) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(value)
        return buffer
    }

    @Test("integers, doubles and strings read back as written, in order")
    func values() throws {
        let integers = arrayCell(.int8Array, elementType: .int8, elements: [int64(-3), int64(0), int64(.max)])
        #expect(try BinaryArrayColumn.int64s(integers) == [-3, 0, .max])

        let doubles = [1.5, -0.0, .infinity, 1e-300].map { value -> ByteBuffer? in
            var buffer = ByteBuffer()
            buffer.writeInteger(value.bitPattern)
            return buffer
        }
        #expect(try BinaryArrayColumn.doubles(arrayCell(.float8Array, elementType: .float8, elements: doubles)) == [1.5, -0.0, .infinity, 1e-300])

        let strings = ["lr", "", "ünïcødé 🚀"].map { ByteBuffer(string: $0) }
        #expect(try BinaryArrayColumn.strings(arrayCell(.textArray, elementType: .text, elements: strings)) == ["lr", "", "ünïcødé 🚀"])
    }

    @Test("a NULL array (no row aggregated) and an empty array read as empty")
    func empty() throws {
        let null = PostgresCell(bytes: nil, dataType: .int8Array, format: .binary, columnName: "a", columnIndex: 0)
        #expect(try BinaryArrayColumn.int64s(null) == [])
        #expect(try BinaryArrayColumn.strings(arrayCell(.textArray, elementType: .text, elements: [])) == [])
    }

    @Test("another element type, NULL elements, a wrong element size, a truncated or overlong buffer are errors")
    func malformed() throws {
        #expect(throws: PostgresArrayShapeMismatch.self) {
            try BinaryArrayColumn.int64s(arrayCell(.textArray, elementType: .text, elements: [ByteBuffer(string: "1")]))
        }
        #expect(throws: PostgresArrayShapeMismatch.self) {
            try BinaryArrayColumn.int64s(arrayCell(.int8Array, elementType: .int8, elements: [int64(1), nil], hasNulls: 1))
        }
        #expect(throws: PostgresArrayShapeMismatch.self) {
            try BinaryArrayColumn.int64s(arrayCell(.int8Array, elementType: .int8, elements: [ByteBuffer(bytes: [1, 2, 3])]))
        }
        var truncated = try #require(arrayCell(.int8Array, elementType: .int8, elements: [int64(1), int64(2)]).bytes)
        truncated.moveWriterIndex(to: truncated.writerIndex - 3)
        #expect(throws: PostgresArrayShapeMismatch.self) {
            try BinaryArrayColumn.int64s(PostgresCell(bytes: truncated, dataType: .int8Array, format: .binary, columnName: "a", columnIndex: 0))
        }
        var overlong = try #require(arrayCell(.int8Array, elementType: .int8, elements: [int64(1)]).bytes)
        overlong.writeInteger(UInt8(0))
        #expect(throws: PostgresArrayShapeMismatch.self) {
            try BinaryArrayColumn.int64s(PostgresCell(bytes: overlong, dataType: .int8Array, format: .binary, columnName: "a", columnIndex: 0))
        }
    }
}
