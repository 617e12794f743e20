import Foundation

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one start created on disk, so that a start that fails leaves nothing behind.
struct CreatedStorage: Sendable {
    /// Folders this start made, each after its parent.
    var folders: [String] = []
    /// The store file, when this start is the one that creates it.
    var storeFile: String?

    /// Creates the folders `locations` lists; the store file itself is created when the store opens.
    static func create(_ locations: StorageLocations) throws(StartupFailure) -> CreatedStorage {
        var created = CreatedStorage(storeFile: locations.storeExists ? nil : locations.storeFile)
        for folder in locations.foldersToCreate {
            guard mkdir(folder, 0o777) == 0 || errno == EEXIST else {
                let cause = StorageLocations.words(for: errno)
                created.remove()
                throw StartupFailure("The folder \(folder) could not be created: \(cause).")
            }
            created.folders.append(folder)
        }
        return created
    }

    /// Removes the store file (with SQLite's side files) and the folders this start created.
    func remove() {
        if let storeFile {
            for suffix in ["", "-wal", "-shm", "-journal"] { unlink(storeFile + suffix) }
        }
        // A folder inside another created one goes with it.
        let outermost = folders.filter { folder in !folders.contains { folder.hasPrefix($0 + "/") } }
        for folder in outermost { try? FileManager.default.removeItem(atPath: folder) }
    }
}
