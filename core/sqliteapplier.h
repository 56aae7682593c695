#pragma once

// Runs a plan of migrations (up, down or baseline) against one SQLite / D1-local database:
// takes the apply lock, checks drift and D1's limits before anything runs, then gives every
// migration and its history row one transaction of their own.

#include "applyplan.h"
#include "migrator.h"
#include "sqlitesession.h"

namespace strata {

class SqliteApplier final
{
public:
    using Direction = ApplyDirection;

    SqliteApplier(const Database& db, const Environment& env, const RunOptions& options);

    Result<RunReport> run(Direction direction, const QList<Migration>& files,
                          const ProgressFn& progress);
    ErrorKind errorKind() const { return m_kind; }

private:
    Error fail(ErrorKind kind, Error error);
    std::optional<Error> checkD1Limits(const QList<MigrationEntry>& plan, Direction direction) const;
    // The migration's statements (none for a baseline), timed into `step`.
    std::optional<Error> execute(const MigrationEntry& entry, Direction direction,
                                 StepResult* step);
    // Its history row: written for up and baseline, removed for down.
    std::optional<Error> record(const MigrationEntry& entry, Direction direction,
                                const StepResult& step);
    std::optional<Error> checkDeferredForeignKeys(const Migration& mig);
    std::optional<Error> begin(); // BEGIN IMMEDIATE, and the history tables made sure of
    std::optional<Error> commit();

    const Database& m_db;
    const Environment& m_env;
    RunOptions m_options;
    SqliteHistory m_history;
    std::unique_ptr<SqliteSession> m_session;
    ErrorKind m_kind = ErrorKind::Project;
    QString m_ranSql;    // the translated SQL of the migration just executed (PostgreSQL syntax)
    QStringList m_notes; // the translator's warnings and notes, for the report
};

} // namespace strata
