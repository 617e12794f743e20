#ifndef C_SQLITE_WAL_WRITES_H
#define C_SQLITE_WAL_WRITES_H

/// Installs, once per process, a VFS that wraps SQLite's default one and becomes the default: its
/// write-ahead-log files gather the frames of a transaction and hand them to the file system in one
/// write when the commit frame is complete, instead of two `pwrite` calls per frame. Every other file
/// (database, journals, shared memory) is the wrapped VFS's own, untouched.
///
/// Returns SQLITE_OK, or SQLite's error if the VFS could not be registered.
int stride_install_wal_write_gathering(void);

#include <sqlite3.h>

/// How many writes the write-ahead log of `connection` has made to the file system since it was
/// opened, and how many frames they carried. SQLITE_NOTFOUND when that log is not a gathering one
/// (not in WAL mode, or not opened yet).
int stride_wal_write_statistics(sqlite3 *connection, long long *writes, long long *frames);

#endif
