#pragma once

// The few file operations backups and restores need to be durable and atomic: flushing a file
// and its folder to disk, an atomic replace (rename(2)), a hard link, a chunked copy that hashes
// what it copies, and SHA-256 of a file. Errors come back as values naming the file.

#include "result.h"

#include <QByteArray>
#include <QString>

#include <functional>

namespace strata::fileops {

// (bytes done, bytes in all)
using ByteProgressFn = std::function<void(qint64 done, qint64 total)>;

// Flushes a file's data to the disk (fsync).
Status syncFile(const QString& path);
// Flushes a folder's entries (after a rename or a new file in it). A no-op where folders
// cannot be synced.
Status syncDir(const QString& dir);

// Asks the system to start writing the file's changed pages to disk now, without waiting for
// it, so that the fsync that follows a long write has little left to do (Linux:
// sync_file_range). Best effort: nothing happens where that is not available.
void startWriteback(const QString& path);

// Renames `from` onto `to`, replacing `to` if it exists, atomically on one filesystem: at any
// moment `to` is either the old file or the new one.
Status replaceFile(const QString& from, const QString& to);
// A second name for the same file. Fails across filesystems or where links are not supported.
Status hardLink(const QString& existing, const QString& newName);

enum class Durability { Sync, NoSync };

// Copies `from` to the new file `to` (which must not exist) and returns the SHA-256 (hex) of the
// bytes copied — on Linux, of the new file's bytes, hashed by a second thread while the kernel
// copies (copy_file_range). With Durability::Sync `to` is fsync'd before returning; NoSync
// leaves that to the caller (who may overlap it with other work). On failure `to` is removed.
// `mode` (e.g. 0600, the file being replaced's): the new file has exactly these permission bits
// from its creation on, whatever the umask; -1: 0644 less the umask.
Result<QByteArray> copyAndHash(const QString& from, const QString& to,
                               const ByteProgressFn& progress = {},
                               Durability durability = Durability::Sync, int mode = -1);
// SHA-256 (hex) of a whole file.
Result<QByteArray> sha256OfFile(const QString& path, const ByteProgressFn& progress = {});

// Removes a file if it exists; true when it is gone.
bool removeIfExists(const QString& path);

// Ten random hex digits, for a file name beside another that must not collide.
QString uniqueSuffix();

} // namespace strata::fileops
