#pragma once

// Verifies a backup and restores it over a SQLite file (a sqlite database or D1's local state)
// without ever leaving a half-written database in place:
//
//   1. verify: manifest read, payload size; the payload is copied to <target>.strata-restore-XXXX
//      and hashed on the way — a checksum mismatch, a failed integrity or foreign-key check or a
//      row count that differs from the manifest refuses the restore, removes the copy and leaves
//      the target byte-for-byte as it was;
//   2. under Strata's apply lock, the target is checkpointed and taken out of WAL mode (which
//      needs every other connection gone — else "busy", the target logically unchanged) and
//      locked exclusively; it gets a second name, <target>.strata-before-restore-<UTC time>
//      (a hard link, else a copy): the safety copy;
//   3. rename(2) puts the restored file in place, atomically.
//
// If the process dies at any point, the target path holds one complete database (the old one
// until the rename, the restored one after it) and the other is beside it. Details and the
// proof in docs/backups.md.

#include "backupmanifest.h"
#include "fileops.h"

#include <functional>

namespace strata {

enum class RestorePhase { Copy, Check, Swap };
// Copy: bytes; Check and Swap: 0 / 1 at the start, 1 / 1 at the end.
using RestoreProgressFn = std::function<void(RestorePhase phase, qint64 done, qint64 total)>;

struct RestoreOptions
{
    IntegrityLevel integrity = IntegrityLevel::Quick; // the check on the restored copy
    int lockTimeoutMs = 10000;                        // waiting for Strata's apply lock
    int busyTimeoutMs = 2000; // waiting for other connections to the target to let go
    RestoreProgressFn progress;
};

struct RestoreOutcome
{
    QString target;
    QString safetyCopy; // the database that was there; empty if there was none
    bool safetyIsHardLink = false;
    qint64 copyMs = 0;  // copy and hash
    qint64 checkMs = 0; // checks on the copy (its fsync alongside), journal mode
    qint64 swapMs = 0;  // checkpoint, lock, safety copy, rename
    qint64 totalMs = 0;
    QStringList notes; // what the restore did besides (e.g. cleared an earlier one's leftovers)
};

// Why a restore did not happen: drives the CLI's exit code.
enum class RestoreFailure { None, Refused, Busy, Failed };

class SqliteRestore final
{
public:
    // Size, SHA-256, integrity and foreign-key checks and row counts of a backup, read in place
    // (nothing is written). The Error says what does not match.
    static Status verify(const BackupEntry& backup, IntegrityLevel level = IntegrityLevel::Quick);

    Result<RestoreOutcome> restore(const BackupEntry& backup, const QString& targetPath,
                                   const RestoreOptions& options = {});
    RestoreFailure lastFailure() const { return m_lastFailure; }

private:
    Result<RestoreOutcome> refuse(RestoreFailure kind, const Error& error);
    RestoreFailure m_lastFailure = RestoreFailure::None;
};

// The manifest's row counts against those found; empty when they agree, else what differs.
QString compareRowCounts(const QList<TableRows>& expected, const QList<TableRows>& found);

} // namespace strata
