import Hummingbird
import NIOCore

extension JSONResponse {
    /// Items written and sent at a time by ``streamedPage(_:_:bytesPerItem:write:)``.
    static let streamedItemsPerPiece = 5_000

    /// `{"<key>": [...]}` like ``page(_:_:nextPageToken:bytesPerItem:write:)``, but a long list leaves
    /// in pieces as it is written: a 250,000-point bulk-interval answer (about 30 MB of JSON) never
    /// exists whole, and the client receives its start while the rest is written.
    static func streamedPage<Item: Sendable>(
        _ key: String, _ items: [Item], bytesPerItem: Int, write: @escaping @Sendable (inout JSONWriter, Item) -> Void
    ) -> Response {
        guard items.count > streamedItemsPerPiece else {
            return page(key, items, bytesPerItem: bytesPerItem, write: write)
        }
        let body = ResponseBody { output in
            var json = JSONWriter(capacity: streamedItemsPerPiece * bytesPerItem)
            json.beginObject()
            json.key(key)
            json.beginArray()
            var start = items.startIndex
            while start < items.endIndex {
                let end = items.index(start, offsetBy: streamedItemsPerPiece, limitedBy: items.endIndex) ?? items.endIndex
                for item in items[start..<end] { write(&json, item) }
                try await output.write(ByteBuffer(bytes: json.takeBytes()))
                start = end
            }
            json.endArray()
            json.endObject()
            try await output.write(ByteBuffer(bytes: json.takeBytes()))
            try await output.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: body)
    }
}
