#if canImport(Glibc)
/// glibc's `mallopt(3)`; Swift's Glibc module does not import `<malloc.h>`.
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32

/// glibc's `malloc_trim(3)`.
@_silgen_name("malloc_trim")
private func glibcMallocTrim(_ pad: Int) -> Int32

/// `M_MMAP_THRESHOLD` from `<malloc.h>`.
private let glibcMmapThreshold: Int32 = -3
/// `M_ARENA_MAX` from `<malloc.h>`.
private let glibcArenaMax: Int32 = -8
#endif

/// Process-wide allocator settings for a server that streams large files.
enum AllocatorTuning {
    /// Makes glibc hand every allocation of 128 KiB or more straight to `mmap` and back with `munmap`.
    ///
    /// By default glibc raises that threshold each time such a block is freed, after which artifact
    /// transfer buffers (512 KiB chunks, read on one thread and freed on another) come from per-thread
    /// arenas that keep their pages: measured on a 2 GiB download, RSS peaked about 25 MB higher and
    /// stayed up afterwards. A fixed threshold turns the adaptive behaviour off.
    static func returnLargeBlocksToTheSystem() {
        #if canImport(Glibc)
        _ = glibcMallopt(glibcMmapThreshold, 128 * 1024)
        #endif
    }

    /// Hands the free pages inside every malloc arena back to the system (`madvise`), not only
    /// those at an arena's top, which is all `free` itself returns. Called once requests stop after a
    /// load, and once SQLite's store has emptied its page caches: those pages and the requests'
    /// buffers are scattered through the arenas, and without this they stayed resident.
    @Sendable static func returnFreedMemoryToTheSystem() {
        #if canImport(Glibc)
        _ = glibcMallocTrim(0)
        #endif
    }

    /// Caps glibc's malloc arenas at two instead of eight per core.
    ///
    /// Requests run on whichever NIO, Swift-concurrency or GRDB thread is free, so over time each of
    /// those threads gets an arena of its own, and each arena keeps the freed small blocks of the
    /// largest request it served. With four clients sending maximum-size bodies (bench/max_bodies.py)
    /// that held about 30 MB more at the peak than two arenas do; small allocations still come from
    /// each thread's cache (tcache) without taking an arena's lock.
    static func shareArenasBetweenThreads() {
        #if canImport(Glibc)
        _ = glibcMallopt(glibcArenaMax, 2)
        #endif
    }
}
