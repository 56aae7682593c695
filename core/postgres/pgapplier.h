#pragma once

// Runs a plan of migrations (up, down or baseline) against one PostgreSQL database: takes the
// apply lock (a PostgreSQL advisory lock, polled until the timeout), reads the history, plans with
// the rules every applier shares (applyplan.h), then gives each migration and its history row one
// transaction of their own — sent to the server as one query, one round trip per migration. A
// no-transaction file runs statement by statement in autocommit, then its history row. A dry run
// is the whole plan inside one transaction that is rolled back.

#include "applyplan.h"
#include "migrator.h"
#include "pghistory.h"
#include "pgsession.h"

namespace strata {

class PgApplier final
{
public:
    PgApplier(const Database& db, const Environment& env, const RunOptions& options);

    Result<RunReport> run(ApplyDirection direction, const QList<Migration>& files,
                          const ProgressFn& progress);
    ErrorKind errorKind() const { return m_kind; }

    // The status of `files` on the environment: reachable means the database exists; a server
    // that answers "database does not exist" gives databaseExists = false and all pending.
    static Result<DatabaseStatus> status(const Database& db, const Environment& env,
                                         const QList<Migration>& files);

private:
    Error fail(ErrorKind kind, Error error);
    Status lock();
    Error busyError(qint64 waitedMs);
    // One migration (or its down section) with its history row; the step is filled in.
    std::optional<Error> runOne(const MigrationEntry& entry, ApplyDirection direction,
                                StepResult* step, RunReport* report);
    std::optional<Error> runBaseline(const QList<MigrationEntry>& steps, RunReport* report);
    AppliedMigration historyRow(const MigrationEntry& entry, ApplyDirection direction) const;

    const Database& m_db;
    const Environment& m_env;
    RunOptions m_options;
    PgHistory m_history;
    std::unique_ptr<PgSession> m_session;
    ErrorKind m_kind = ErrorKind::Project;
};

} // namespace strata
