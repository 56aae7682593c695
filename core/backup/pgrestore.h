#pragma once

// Verifies a PostgreSQL backup and restores it without ever leaving the target half-restored:
//
//   1. verify: manifest, payload size, SHA-256, pg_restore reads the archive's table of contents
//      — any failure refuses the restore before the server is touched;
//   2. from a maintenance connection (database `postgres`, else `template1`: the renames cannot
//      be issued from the target itself): the role's privileges (CREATEDB, ownership of the
//      target) and the sessions connected to the target — another session refuses the restore
//      ("busy"), naming it; Strata never terminates other sessions;
//   3. pg_restore into a new scratch database on the same server, made with the target's owner,
//      encoding, locale and tablespace, and given its database-level settings and privileges;
//      then the rows of every table are counted against the manifest;
//   4. the sessions are checked again, and in one transaction the target is renamed
//      <target>_strata_before_restore_<UTC time> and the scratch database renamed to the target.
//
// Any failure before the renames drops the scratch database: the target is untouched. The
// renames commit together or not at all. One restore of a database runs at a time (an advisory
// lock in the maintenance database; a second is refused as busy), and a restore drops the
// scratch databases an earlier, interrupted restore of the same target left behind.
// Details in docs/backups.md.

#include "backupmanifest.h"
#include "project.h"
#include "sqliterestore.h"

namespace strata {

class PgSession;

class PgRestore final
{
public:
    // The checks that need no database: manifest, size, SHA-256, pg_restore --list (with the
    // pg_restore located for the manifest's server version). Nothing is written.
    static Status verify(const BackupEntry& backup, const Environment& env,
                         const RestoreOptions& options = {});

    Result<RestoreOutcome> restore(const BackupEntry& backup, const Environment& env,
                                   const RestoreOptions& options = {});
    RestoreFailure lastFailure() const { return m_lastFailure; }

    // "…_strata_before_restore_20250314T091522Z": where the database that was there is kept.
    static QString asideName(const QString& target, const QDateTime& utc);

private:
    Result<RestoreOutcome> refuse(RestoreFailure kind, const Error& error);
    RestoreFailure m_lastFailure = RestoreFailure::None;
};

// The other sessions connected to `database`, one line each ("pid 123, user app, application
// 'psql', from 127.0.0.1, since 2025-03-14 09:15:22 UTC"); empty when there are none.
// Autovacuum workers are left out: the rename ends them itself.
Result<QStringList> pgOtherSessions(PgSession& session, const QString& database);

} // namespace strata
