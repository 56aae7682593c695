#pragma once

// Takes one backup of a PostgreSQL database into a folder: `pg_dump --format=custom` under a
// snapshot Strata exports from a REPEATABLE READ transaction of its own, so that the row counts
// and the schema version in the manifest — read in that same snapshot while pg_dump runs — are
// exactly what the archive holds. Then fsync and rename, SHA-256 and the check on the archive
// itself (pg_restore reads its table of contents, or the whole archive), and the manifest,
// written last and atomically. The password reaches pg_dump only through its environment.

#include "backupmanifest.h"
#include "project.h"
#include "sqlitebackup.h"

namespace strata {

class PgBackup final
{
public:
    // Dumps env's database into `folder` (which must exist and be empty) as manifest.payload
    // ("database.dump"), completes `manifest` (whose identity fields the caller sets) and writes
    // it. On failure the folder's contents are removed.
    Result<BackupManifest> take(const Database& db, const Environment& env, const QString& folder,
                                BackupManifest manifest, const BackupOptions& options,
                                BackupTimings* timings = nullptr);

    // After a failure: true when it was pg_dump / pg_restore missing or too old (not the
    // database's fault).
    bool toolsMissing() const { return m_toolsMissing; }

private:
    bool m_toolsMissing = false;
};

// What the archive check ran: "pg_restore --list" (its table of contents, every entry) or
// "pg_restore --file=/dev/null" (every data block read and decompressed too).
QString pgArchiveCheckName(IntegrityLevel level);

// Checks a custom-format archive with `pgRestore`: "ok", or what is wrong. Also "not ok" when
// a table in `tables` has no data entry in the archive. `entries` receives the number of
// entries in its table of contents.
QString checkPgArchive(const QString& pgRestore, const QString& archive, IntegrityLevel level,
                       const Environment& env, const QList<TableRows>& tables,
                       int* entries = nullptr);

} // namespace strata
