#pragma once

// Takes one backup of a SQLite file (a sqlite database or D1's local state) into a folder:
// SQLite's online backup API under one read transaction — a consistent snapshot while other
// connections keep writing (in WAL mode they are not even slowed; in rollback mode their commits
// wait for the copy) — into a temporary file; then, side by side, its fsync, its SHA-256 and the
// checks on the copy itself; then the rename into place, and the manifest, written last and
// atomically.

#include "backupmanifest.h"
#include "history.h"

#include <functional>
#include <optional>

namespace strata {

enum class BackupPhase { Copy, Check };
// Copy: pages copied / pages in all. Check: 0 / 1, then 1 / 1 when done.
using BackupProgressFn = std::function<void(BackupPhase phase, qint64 done, qint64 total)>;

struct BackupOptions
{
    std::optional<qint64> beforeVersion; // this backup is the restore point for that migration
    IntegrityLevel integrity = IntegrityLevel::Quick;
    int pagesPerStep = 1024;
    int busyTimeoutMs = 10000; // for the read lock on the source (rollback mode)
    BackupProgressFn progress;
};

// Where the time went, for the benchmark and for people wondering.
struct BackupTimings
{
    qint64 copyMs = 0;   // the backup API, into the temporary file
    qint64 finishMs = 0; // journal mode, rename (and, for PostgreSQL, the fsync)
    qint64 checkMs = 0;  // fsync, SHA-256, the integrity check and the foreign-key check and
                         // row counts, side by side (for PostgreSQL: SHA-256 and pg_restore)
    qint64 totalMs = 0;  // everything, manifest included
};

class SqliteBackup final
{
public:
    // Copies `sourcePath` into `folder` (which must exist and be empty) as manifest.payload,
    // and completes `manifest` (whose identity fields — id, binding, environment, dialect,
    // location, created — the caller sets) with what was found, then writes it. The schema
    // version is read from the copy's history table (`history`). On failure the folder's
    // contents are removed; a backup whose copy fails its checks is refused, with the problems.
    static Result<BackupManifest> take(const QString& sourcePath, const QString& folder,
                                       BackupManifest manifest, const SqliteHistory& history,
                                       const BackupOptions& options,
                                       BackupTimings* timings = nullptr);
};

} // namespace strata
