// A VFS over SQLite's default one whose write-ahead-log files gather a transaction's frames.
//
// SQLite appends each WAL frame with two writes (its 24-byte header, then the page), so a commit of
// n pages costs 2n `pwrite` calls, and on Linux each one takes the inode lock, updates the file's
// times and looks up the page cache on its own: 15 % of a create-run's CPU on this machine. Here the
// appended bytes are kept in memory until the frame that completes a commit (its header carries the
// database size, nonzero only for commit frames) has been written, then reach the file in one write.
//
// Why this keeps SQLite's guarantees:
// - Readers in other connections find frames through the wal-index, which SQLite updates only after
//   sqlite3WalFrames has written every frame of the commit, and the commit frame's page is the last
//   of those writes: by then the gathered bytes are in the file.
// - Anything that looks at the file first writes what is gathered: a read (a transaction reading back
//   a frame it spilled), a write anywhere but the end of the gathered bytes (a rewritten header, a
//   restarted log), a size query, a truncation, a sync, a file control, a memory map, closing.
// - A process that dies with bytes still gathered had not committed them, as if it died before
//   writing them; a failed gathered write is reported by the call that flushed it, so SQLite rolls
//   the transaction back exactly as it would after a failed `pwrite`.
#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "CSQLiteWALWrites.h"

enum {
    frameHeaderSize = 24,
    // The most one write may carry: Unix's VFS writes at most 17 bits' worth of a request (SQLite
    // itself never asks for more than a 64 KiB page and its header). A larger transaction (a big
    // log-batch) is written in pieces of up to this size.
    maximumGathered = 0x1ffff,
};

typedef struct GatheringFile {
    sqlite3_file base;
    sqlite3_file *wrapped;
    unsigned char *bytes;
    sqlite3_int64 offset;  // where bytes[0] goes in the file
    sqlite3_int64 length;
    sqlite3_int64 capacity;
    sqlite3_int64 frames;  // frame headers among the gathered bytes
    sqlite3_int64 writes;  // writes this file made to the file system
    sqlite3_int64 framesWritten;
    // Where this handle's appends continue: the end of what it wrote since it opened the file or
    // last wrote the log's header, whichever came later.
    sqlite3_int64 end;
    int commitFrameStarted;  // the header just gathered is a commit frame's
} GatheringFile;

static sqlite3_vfs *wrappedVFS;

static int flushGathered(GatheringFile *file) {
    if (file->length == 0) return SQLITE_OK;
    int length = (int)file->length;  // at most maximumGathered
    int rc = file->wrapped->pMethods->xWrite(file->wrapped, file->bytes, length, file->offset);
    file->writes += 1;
    file->framesWritten += file->frames;
    file->length = 0;
    file->frames = 0;
    return rc;
}

static int gatherClose(sqlite3_file *base) {
    GatheringFile *file = (GatheringFile *)base;
    int flushed = flushGathered(file);
    int closed = file->wrapped->pMethods->xClose(file->wrapped);
    free(file->bytes);
    file->bytes = NULL;
    file->capacity = 0;
    return flushed != SQLITE_OK ? flushed : closed;
}

static int gatherRead(sqlite3_file *base, void *buffer, int amount, sqlite3_int64 offset) {
    GatheringFile *file = (GatheringFile *)base;
    int rc = flushGathered(file);
    if (rc != SQLITE_OK) return rc;
    return file->wrapped->pMethods->xRead(file->wrapped, buffer, amount, offset);
}

static int reserve(GatheringFile *file, sqlite3_int64 needed) {
    if (needed <= file->capacity) return SQLITE_OK;
    sqlite3_int64 capacity = file->capacity > 0 ? file->capacity : 64 * 1024;
    while (capacity < needed) capacity *= 2;
    unsigned char *grown = realloc(file->bytes, (size_t)capacity);
    if (grown == NULL) return SQLITE_IOERR_NOMEM;
    file->bytes = grown;
    file->capacity = capacity;
    return SQLITE_OK;
}

// Writes straight through, after whatever is gathered (which may lie under it).
static int writeThrough(GatheringFile *file, const void *data, int amount, sqlite3_int64 offset) {
    int rc = flushGathered(file);
    if (rc != SQLITE_OK) return rc;
    file->writes += 1;
    return file->wrapped->pMethods->xWrite(file->wrapped, data, amount, offset);
}

// Adds an append to the gathered bytes, after writing those out if it does not continue them or
// would not fit with them; written straight through if memory for it cannot be had.
static int gather(GatheringFile *file, const void *data, int amount, sqlite3_int64 offset) {
    if (file->length > 0 && (offset != file->offset + file->length || file->length + amount > maximumGathered)) {
        int rc = flushGathered(file);
        if (rc != SQLITE_OK) return rc;
    }
    if (reserve(file, file->length + amount) != SQLITE_OK) return writeThrough(file, data, amount, offset);
    if (file->length == 0) file->offset = offset;
    memcpy(file->bytes + file->length, data, (size_t)amount);
    file->length += amount;
    if (amount == frameHeaderSize) file->frames += 1;
    return SQLITE_OK;
}

static int gatherWrite(sqlite3_file *base, const void *data, int amount, sqlite3_int64 offset) {
    GatheringFile *file = (GatheringFile *)base;
    // Only the write right after a commit frame's header (its page) completes the commit.
    int completesCommit = file->commitFrameStarted;
    file->commitFrameStarted = 0;
    sqlite3_int64 end = offset + amount;
    int rc;
    if (offset == 0) {
        // The log's header: SQLite starts the log over (or begins it), and appends from here on.
        file->end = end;
        rc = writeThrough(file, data, amount, offset);
    } else if (offset < file->end || amount <= 0 || amount > maximumGathered) {
        // Not an append: a page rewritten in place, checksums rewritten at commit. These are written
        // at once, so nothing but appended frames of the open transaction ever waits in memory.
        if (end > file->end) file->end = end;
        rc = writeThrough(file, data, amount, offset);
    } else {
        file->end = end;
        rc = gather(file, data, amount, offset);
    }
    if (rc != SQLITE_OK) return rc;
    if (amount == frameHeaderSize) {
        // Bytes 4-7 of a frame header: the database size in pages after a commit, zero otherwise.
        // Noted whichever way the header went, so its page always ends what is gathered.
        const unsigned char *header = data;
        file->commitFrameStarted = (header[4] | header[5] | header[6] | header[7]) != 0;
        return SQLITE_OK;
    }
    if (completesCommit) return flushGathered(file);
    return SQLITE_OK;
}

static int gatherTruncate(sqlite3_file *base, sqlite3_int64 size) {
    GatheringFile *file = (GatheringFile *)base;
    int rc = flushGathered(file);
    if (rc != SQLITE_OK) return rc;
    if (size < file->end) file->end = size;
    return file->wrapped->pMethods->xTruncate(file->wrapped, size);
}

static int gatherSync(sqlite3_file *base, int flags) {
    GatheringFile *file = (GatheringFile *)base;
    int rc = flushGathered(file);
    if (rc != SQLITE_OK) return rc;
    return file->wrapped->pMethods->xSync(file->wrapped, flags);
}

static int gatherFileSize(sqlite3_file *base, sqlite3_int64 *size) {
    GatheringFile *file = (GatheringFile *)base;
    int rc = flushGathered(file);
    if (rc != SQLITE_OK) return rc;
    return file->wrapped->pMethods->xFileSize(file->wrapped, size);
}

static int gatherLock(sqlite3_file *base, int level) {
    GatheringFile *file = (GatheringFile *)base;
    return file->wrapped->pMethods->xLock(file->wrapped, level);
}

static int gatherUnlock(sqlite3_file *base, int level) {
    GatheringFile *file = (GatheringFile *)base;
    return file->wrapped->pMethods->xUnlock(file->wrapped, level);
}

static int gatherCheckReservedLock(sqlite3_file *base, int *isReserved) {
    GatheringFile *file = (GatheringFile *)base;
    return file->wrapped->pMethods->xCheckReservedLock(file->wrapped, isReserved);
}

static int gatherFileControl(sqlite3_file *base, int operation, void *argument) {
    GatheringFile *file = (GatheringFile *)base;
    int rc = flushGathered(file);
    if (rc != SQLITE_OK) return rc;
    return file->wrapped->pMethods->xFileControl(file->wrapped, operation, argument);
}

static int gatherSectorSize(sqlite3_file *base) {
    GatheringFile *file = (GatheringFile *)base;
    return file->wrapped->pMethods->xSectorSize(file->wrapped);
}

static int gatherDeviceCharacteristics(sqlite3_file *base) {
    GatheringFile *file = (GatheringFile *)base;
    return file->wrapped->pMethods->xDeviceCharacteristics(file->wrapped);
}

static int gatherShmMap(sqlite3_file *base, int region, int size, int extend, void volatile **memory) {
    GatheringFile *file = (GatheringFile *)base;
    if (file->wrapped->pMethods->iVersion < 2) return SQLITE_IOERR_SHMMAP;
    return file->wrapped->pMethods->xShmMap(file->wrapped, region, size, extend, memory);
}

static int gatherShmLock(sqlite3_file *base, int offset, int count, int flags) {
    GatheringFile *file = (GatheringFile *)base;
    if (file->wrapped->pMethods->iVersion < 2) return SQLITE_IOERR_SHMLOCK;
    return file->wrapped->pMethods->xShmLock(file->wrapped, offset, count, flags);
}

static void gatherShmBarrier(sqlite3_file *base) {
    GatheringFile *file = (GatheringFile *)base;
    if (file->wrapped->pMethods->iVersion >= 2) file->wrapped->pMethods->xShmBarrier(file->wrapped);
}

static int gatherShmUnmap(sqlite3_file *base, int deleteFlag) {
    GatheringFile *file = (GatheringFile *)base;
    if (file->wrapped->pMethods->iVersion < 2) return SQLITE_OK;
    return file->wrapped->pMethods->xShmUnmap(file->wrapped, deleteFlag);
}

static int gatherFetch(sqlite3_file *base, sqlite3_int64 offset, int amount, void **pages) {
    GatheringFile *file = (GatheringFile *)base;
    *pages = NULL;
    int rc = flushGathered(file);
    if (rc != SQLITE_OK) return rc;
    if (file->wrapped->pMethods->iVersion < 3) return SQLITE_OK;
    return file->wrapped->pMethods->xFetch(file->wrapped, offset, amount, pages);
}

static int gatherUnfetch(sqlite3_file *base, sqlite3_int64 offset, void *pages) {
    GatheringFile *file = (GatheringFile *)base;
    if (file->wrapped->pMethods->iVersion < 3) return SQLITE_OK;
    return file->wrapped->pMethods->xUnfetch(file->wrapped, offset, pages);
}

static const sqlite3_io_methods gatheringMethods = {
    3,
    gatherClose,
    gatherRead,
    gatherWrite,
    gatherTruncate,
    gatherSync,
    gatherFileSize,
    gatherLock,
    gatherUnlock,
    gatherCheckReservedLock,
    gatherFileControl,
    gatherSectorSize,
    gatherDeviceCharacteristics,
    gatherShmMap,
    gatherShmLock,
    gatherShmBarrier,
    gatherShmUnmap,
    gatherFetch,
    gatherUnfetch,
};

static int gatherOpen(sqlite3_vfs *vfs, const char *name, sqlite3_file *base, int flags, int *outFlags) {
    (void)vfs;
    if ((flags & SQLITE_OPEN_WAL) == 0) {
        // Not a log: the wrapped VFS's file, in place, with its own methods.
        return wrappedVFS->xOpen(wrappedVFS, name, base, flags, outFlags);
    }
    GatheringFile *file = (GatheringFile *)base;
    memset(file, 0, sizeof(*file));
    file->wrapped = (sqlite3_file *)(file + 1);
    int rc = wrappedVFS->xOpen(wrappedVFS, name, file->wrapped, flags, outFlags);
    if (rc != SQLITE_OK) {
        if (file->wrapped->pMethods != NULL) file->wrapped->pMethods->xClose(file->wrapped);
        file->base.pMethods = NULL;
        return rc;
    }
    file->base.pMethods = &gatheringMethods;
    return SQLITE_OK;
}

static int gatherDelete(sqlite3_vfs *vfs, const char *name, int syncDirectory) {
    (void)vfs;
    return wrappedVFS->xDelete(wrappedVFS, name, syncDirectory);
}

static int gatherAccess(sqlite3_vfs *vfs, const char *name, int flags, int *result) {
    (void)vfs;
    return wrappedVFS->xAccess(wrappedVFS, name, flags, result);
}

static int gatherFullPathname(sqlite3_vfs *vfs, const char *name, int size, char *output) {
    (void)vfs;
    return wrappedVFS->xFullPathname(wrappedVFS, name, size, output);
}

static void *gatherDlOpen(sqlite3_vfs *vfs, const char *name) {
    (void)vfs;
    return wrappedVFS->xDlOpen(wrappedVFS, name);
}

static void gatherDlError(sqlite3_vfs *vfs, int size, char *message) {
    (void)vfs;
    wrappedVFS->xDlError(wrappedVFS, size, message);
}

static void (*gatherDlSym(sqlite3_vfs *vfs, void *library, const char *symbol))(void) {
    (void)vfs;
    return wrappedVFS->xDlSym(wrappedVFS, library, symbol);
}

static void gatherDlClose(sqlite3_vfs *vfs, void *library) {
    (void)vfs;
    wrappedVFS->xDlClose(wrappedVFS, library);
}

static int gatherRandomness(sqlite3_vfs *vfs, int size, char *output) {
    (void)vfs;
    return wrappedVFS->xRandomness(wrappedVFS, size, output);
}

static int gatherSleep(sqlite3_vfs *vfs, int microseconds) {
    (void)vfs;
    return wrappedVFS->xSleep(wrappedVFS, microseconds);
}

static int gatherCurrentTime(sqlite3_vfs *vfs, double *now) {
    (void)vfs;
    return wrappedVFS->xCurrentTime(wrappedVFS, now);
}

static int gatherGetLastError(sqlite3_vfs *vfs, int size, char *message) {
    (void)vfs;
    return wrappedVFS->xGetLastError(wrappedVFS, size, message);
}

static int gatherCurrentTimeInt64(sqlite3_vfs *vfs, sqlite3_int64 *now) {
    (void)vfs;
    return wrappedVFS->xCurrentTimeInt64(wrappedVFS, now);
}

static int gatherSetSystemCall(sqlite3_vfs *vfs, const char *name, sqlite3_syscall_ptr call) {
    (void)vfs;
    return wrappedVFS->xSetSystemCall(wrappedVFS, name, call);
}

static sqlite3_syscall_ptr gatherGetSystemCall(sqlite3_vfs *vfs, const char *name) {
    (void)vfs;
    return wrappedVFS->xGetSystemCall(wrappedVFS, name);
}

static const char *gatherNextSystemCall(sqlite3_vfs *vfs, const char *name) {
    (void)vfs;
    return wrappedVFS->xNextSystemCall(wrappedVFS, name);
}

static sqlite3_vfs gatheringVFS;
static int installResult = -1;

static void install(void) {
    wrappedVFS = sqlite3_vfs_find(NULL);
    // The forwarding above calls every method of a version-3 VFS, which Unix's is.
    if (wrappedVFS == NULL || wrappedVFS->iVersion < 3) {
        installResult = SQLITE_ERROR;
        return;
    }
    gatheringVFS.iVersion = 3;
    gatheringVFS.szOsFile = (int)sizeof(GatheringFile) + wrappedVFS->szOsFile;
    gatheringVFS.mxPathname = wrappedVFS->mxPathname;
    gatheringVFS.zName = "stride-wal-gathering";
    gatheringVFS.xOpen = gatherOpen;
    gatheringVFS.xDelete = gatherDelete;
    gatheringVFS.xAccess = gatherAccess;
    gatheringVFS.xFullPathname = gatherFullPathname;
    gatheringVFS.xDlOpen = gatherDlOpen;
    gatheringVFS.xDlError = gatherDlError;
    gatheringVFS.xDlSym = gatherDlSym;
    gatheringVFS.xDlClose = gatherDlClose;
    gatheringVFS.xRandomness = gatherRandomness;
    gatheringVFS.xSleep = gatherSleep;
    gatheringVFS.xCurrentTime = gatherCurrentTime;
    gatheringVFS.xGetLastError = gatherGetLastError;
    gatheringVFS.xCurrentTimeInt64 = gatherCurrentTimeInt64;
    gatheringVFS.xSetSystemCall = gatherSetSystemCall;
    gatheringVFS.xGetSystemCall = gatherGetSystemCall;
    gatheringVFS.xNextSystemCall = gatherNextSystemCall;
    installResult = sqlite3_vfs_register(&gatheringVFS, 1);
}

static pthread_once_t installOnce = PTHREAD_ONCE_INIT;

int stride_install_wal_write_gathering(void) {
    pthread_once(&installOnce, install);
    return installResult;
}

int stride_wal_write_statistics(sqlite3 *connection, long long *writes, long long *frames) {
    sqlite3_file *log = NULL;
    int rc = sqlite3_file_control(connection, "main", SQLITE_FCNTL_JOURNAL_POINTER, &log);
    if (rc != SQLITE_OK) return rc;
    if (log == NULL || log->pMethods != &gatheringMethods) return SQLITE_NOTFOUND;
    const GatheringFile *file = (const GatheringFile *)log;
    *writes = file->writes;
    *frames = file->framesWritten;
    return SQLITE_OK;
}
