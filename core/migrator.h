#pragma once

// Applies and reverts the migrations of one database in one environment, and tells its status.
// Every rule of the product lives here: each migration and its history row in one transaction,
// a failure rolls that migration back whole and names file, line, statement and cause; one
// applier at a time; drift refused unless allowed; D1's limits checked before anything runs.

#include "migration.h"
#include "migrationstatus.h"
#include "project.h"
#include "result.h"

#include <functional>
#include <optional>

namespace strata {

// Takes the restore point for a migration about to run; returns the backup's id.
using RestorePointFn = std::function<Result<QString>(const MigrationEntry& entry)>;

struct RunOptions
{
    std::optional<qint64> toVersion; // up: apply up to and including it; down: revert above it
    int steps = 1;                   // down: how many to revert when toVersion is unset
    bool dryRun = false;             // run inside one transaction that is rolled back
    bool allowDrift = false;
    int lockTimeoutMs = 10000;       // how long to wait for another applier
    // up: a backup before each migration, its id recorded next to the migration in the history
    // (always on for protected environments; never in a dry run).
    bool backup = false;
    // Set by Migrator::up when restore points are taken; the appliers call it before each
    // migration, after what came before has been committed.
    RestorePointFn restorePoint;
};

struct StepResult
{
    QString fileName;
    qint64 version = 0;
    qint64 durationMs = 0;
    int statements = 0;
    QString backupId; // the restore point taken just before it (empty: none)
};

struct RunReport
{
    bool dryRun = false;
    bool down = false;
    QList<StepResult> steps;      // what was applied / reverted (or would be, in a dry run)
    std::optional<Error> failure; // the migration that failed; everything before it stands
    QStringList notes;            // what a person should know about the run (e.g. dry-run limits)
};

// Called before each migration: (index from 0, how many in the plan, file name).
using ProgressFn = std::function<void(int index, int total, const QString& fileName)>;

enum class ErrorKind { Project, Drift, Busy, Failed };
enum class ApplyDirection { Up, Down, Baseline };

class Migrator final
{
public:
    Migrator(Project project, QString binding, QString environment);
    Migrator(const Migrator&) = delete; // holds pointers into its own Project
    Migrator& operator=(const Migrator&) = delete;

    const Project& project() const { return m_project; }
    const Database& database() const { return *m_db; }
    const Environment& environment() const { return *m_env; }
    // Empty when the binding and environment exist and can be worked on from here.
    std::optional<Error> targetProblem() const;

    Result<DatabaseStatus> status() const;
    Result<RunReport> up(const RunOptions& options, const ProgressFn& progress = {});
    Result<RunReport> down(const RunOptions& options, const ProgressFn& progress = {});
    // Records every migration up to `version` as applied without running it.
    Result<RunReport> baseline(qint64 version);

    // Why the last Result failed: drives the CLI's exit code.
    ErrorKind lastErrorKind() const { return m_lastErrorKind; }

private:
    // The applier for the environment's kind: SQLite / D1 files or a PostgreSQL server.
    Result<RunReport> runApplier(ApplyDirection direction, const QList<Migration>& files,
                                 const RunOptions& options, const ProgressFn& progress);

    Project m_project;
    const Database* m_db = nullptr;
    const Environment* m_env = nullptr;
    QString m_binding;
    QString m_environment;
    ErrorKind m_lastErrorKind = ErrorKind::Project;
};

// Whether `strata up` with these options takes restore points on this environment.
bool takesRestorePoints(const Environment& env, const RunOptions& options);

// "user@host": who applied a migration.
QString currentApplier();

} // namespace strata
