#pragma once

// Backups of one database in one environment of a project, as Migrator is for applying: takes a
// backup into the project's store and applies retention, lists them, finds the restore point
// for "before migration V", and restores. SQLite and D1 local state (SqliteBackup,
// SqliteRestore) and PostgreSQL (PgBackup: pg_dump -Fc; PgRestore: pg_restore into a scratch
// database and a rename); remote D1 is refused with a clear message.
//
// For `strata up --backup`, before applying migration V:
//     BackupManager(project, binding, env).backup({.beforeVersion = V})
// returns the manifest whose id goes into the history next to V.

#include "backupstore.h"
#include "pgbackup.h"
#include "pgrestore.h"
#include "sqlitebackup.h"
#include "sqliterestore.h"

namespace strata {

struct BackupOutcome
{
    BackupEntry entry;   // the new backup
    PruneReport pruned;  // what retention removed (and kept as restore points)
    BackupTimings timings;
};

enum class BackupErrorKind { Project, Unsupported, Busy, Refused, Failed };

class BackupManager final
{
public:
    BackupManager(Project project, QString binding, QString environment);
    BackupManager(const BackupManager&) = delete; // holds pointers into its own Project
    BackupManager& operator=(const BackupManager&) = delete;

    const Project& project() const { return m_project; }
    // Valid when targetProblem() is empty.
    const Database& database() const { return *m_db; }
    const Environment& environment() const { return *m_env; }
    const BackupStore& store() const { return m_store; }

    // Empty when the binding and environment exist and are SQLite files (sqlite, d1 local) or
    // PostgreSQL servers; kind: Project or Unsupported (remote D1).
    std::optional<Error> targetProblem(BackupErrorKind* kind = nullptr) const;

    // A new backup in the store, then retention (project.backups.keep, keeping the newest
    // restore point of every migration the database records as applied).
    Result<BackupOutcome> backup(const BackupOptions& options = {});

    // This database's backups in this environment, newest first.
    QList<BackupEntry> list(QStringList* problems = nullptr) const;
    // By id or folder path; refused when it is another database's backup.
    Result<BackupEntry> find(const QString& idOrPath) const;
    // The restore point for "just before migration V" (BackupStore::restorePointBefore).
    Result<BackupEntry> restorePointBefore(qint64 version) const;

    Result<RestoreOutcome> restore(const BackupEntry& backup, const RestoreOptions& options = {});

    BackupErrorKind lastErrorKind() const { return m_lastErrorKind; }

private:
    template <typename T>
    Result<T> failWith(BackupErrorKind kind, const Error& e)
    {
        m_lastErrorKind = kind;
        return e;
    }
    Result<QList<AppliedMigration>> appliedNow() const;
    bool isPostgres() const { return m_env->kind == Environment::Kind::Postgres; }

    Project m_project;
    QString m_binding;
    QString m_environment;
    const Database* m_db = nullptr;
    const Environment* m_env = nullptr;
    BackupStore m_store;
    BackupErrorKind m_lastErrorKind = BackupErrorKind::Project;
};

// "20250314T091522Z-3f9a1c": the time a backup was started (UTC) and a random part.
QString newBackupId(const QDateTime& createdUtc);

} // namespace strata
