#if canImport(Glibc)
/// glibc's `mallopt(3)`; Swift's Glibc module does not import `<malloc.h>`.
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32

/// `M_MMAP_THRESHOLD` from `<malloc.h>`.
private let glibcMmapThreshold: Int32 = -3
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
}
