#include "migrator.h"

#include "backupmanager.h"
#include "migrationset.h"
#include "pgapplier.h"
#include "sqliteapplier.h"
#include "sqlitesession.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QSysInfo>

#include <pwd.h>
#include <unistd.h>

namespace strata {

QString currentApplier()
{
    QString user = qEnvironmentVariable("USER");
    if (user.isEmpty())
        user = qEnvironmentVariable("LOGNAME");
    if (user.isEmpty()) {
        const passwd* pw = getpwuid(geteuid());
        user = pw ? QString::fromLocal8Bit(pw->pw_name) : QStringLiteral("unknown");
    }
    return user + QLatin1Char('@') + QSysInfo::machineHostName();
}

Migrator::Migrator(Project project, QString binding, QString environment)
    : m_project(std::move(project)), m_binding(std::move(binding)),
      m_environment(std::move(environment))
{
    m_db = m_project.database(m_binding);
    if (m_db)
        m_env = m_environment.isEmpty() ? m_db->defaultEnvironment()
                                        : m_db->environment(m_environment);
}

std::optional<Error> Migrator::targetProblem() const
{
    const QString file = m_project.sourceFile;
    if (!m_db) {
        QStringList known;
        for (const Database& db : m_project.databases)
            known << db.binding;
        return Error{QStringLiteral("no database with binding '%1' (known: %2)")
                         .arg(m_binding, known.join(QStringLiteral(", "))),
                     file, 0, 0, {}};
    }
    if (!m_env) {
        QStringList known;
        for (const Environment& env : m_db->environments)
            known << env.name;
        return Error{QStringLiteral("database %1 has no environment '%2' (known: %3)")
                         .arg(m_binding, m_environment, known.join(QStringLiteral(", "))),
                     file, 0, 0, {}};
    }
    if (m_env->kind == Environment::Kind::D1Remote)
        return Error{QStringLiteral("%1/%2 is a remote Cloudflare D1 database (%3); Strata works on "
                                    "its local state and on SQLite files. Apply remotely with "
                                    "`wrangler d1 migrations apply %1 --remote --env %2`.")
                         .arg(m_db->binding, m_env->name, m_env->d1DatabaseId),
                     file, 0, 0, {}};
    if (m_env->kind == Environment::Kind::Postgres && m_db->history == HistoryKind::Wrangler)
        return Error{QStringLiteral("%1/%2 is a PostgreSQL database: wrangler's history is for D1 "
                                    "and SQLite (use history = \"strata\" or \"dbmate\")")
                         .arg(m_db->binding, m_env->name),
                     file, 0, 0, {}};
    return std::nullopt;
}

Result<DatabaseStatus> Migrator::status() const
{
    if (auto problem = targetProblem())
        return *problem;
    auto files = migrationsFor(m_project, *m_db);
    if (!files)
        return files.error();
    if (m_env->kind == Environment::Kind::Postgres)
        return PgApplier::status(*m_db, *m_env, files.value());

    DatabaseStatus st;
    st.binding = m_db->binding;
    st.environment = m_env->name;
    st.location = m_env->displayLocation();
    st.isProtected = m_env->isProtected;
    const SqliteHistory history(m_db->history, m_db->historyTable);
    st.history = history.description();
    st.databaseExists = QFileInfo::exists(m_env->path);

    QList<AppliedMigration> applied;
    if (st.databaseExists) {
        auto session = SqliteSession::open(m_env->path, SqliteSession::Mode::ReadOnly, 2000);
        if (!session)
            return session.error();
        auto read = session.value()->readHistory(history, &st.foreign);
        if (!read)
            return read.error();
        applied = read.value();
    }
    st.entries = matchMigrations(files.value(), applied, history.keyedByFileName());
    return st;
}

Result<RunReport> Migrator::runApplier(ApplyDirection direction, const QList<Migration>& files,
                                      const RunOptions& options, const ProgressFn& progress)
{
    if (m_env->kind == Environment::Kind::Postgres) {
        PgApplier applier(*m_db, *m_env, options);
        auto report = applier.run(direction, files, progress);
        m_lastErrorKind = applier.errorKind();
        return report;
    }
    SqliteApplier applier(*m_db, *m_env, options);
    auto report = applier.run(direction, files, progress);
    m_lastErrorKind = applier.errorKind();
    return report;
}

bool takesRestorePoints(const Environment& env, const RunOptions& options)
{
    return !options.dryRun && (options.backup || env.isProtected);
}

Result<RunReport> Migrator::up(const RunOptions& options, const ProgressFn& progress)
{
    m_lastErrorKind = ErrorKind::Project;
    if (auto problem = targetProblem())
        return *problem;
    auto files = migrationsFor(m_project, *m_db);
    if (!files)
        return files.error();
    if (!takesRestorePoints(*m_env, options)) {
        auto report = runApplier(ApplyDirection::Up, files.value(), options, progress);
        if (report && options.dryRun && (options.backup || m_env->isProtected))
            report->notes << QStringLiteral("dry run: no restore points were taken");
        return report;
    }

    // A restore point before each migration: the appliers commit what came before, then ask
    // for the backup, and record its id next to the migration.
    BackupManager backups(m_project, m_db->binding, m_env->name);
    if (auto problem = backups.targetProblem())
        return Error{QStringLiteral("restore points are taken before applying to %1 · %2%3, but "
                                    "this database cannot be backed up: %4")
                         .arg(m_db->binding, m_env->name,
                              m_env->isProtected ? QStringLiteral(" (a protected environment)")
                                                 : QString(),
                              problem->message),
                     problem->file, 0, 0, {}};
    RunOptions withBackups = options;
    withBackups.restorePoint = [&backups](const MigrationEntry& entry) -> Result<QString> {
        BackupOptions backupOptions;
        backupOptions.beforeVersion = entry.version;
        auto taken = backups.backup(backupOptions);
        if (!taken)
            return Error{QStringLiteral("the restore point before %1 could not be taken, so it "
                                        "was not applied: %2")
                             .arg(entry.fileName, taken.error().message),
                         taken.error().file, 0, 0, {}};
        return taken->entry.manifest.id;
    };
    return runApplier(ApplyDirection::Up, files.value(), withBackups, progress);
}

Result<RunReport> Migrator::down(const RunOptions& options, const ProgressFn& progress)
{
    m_lastErrorKind = ErrorKind::Project;
    if (auto problem = targetProblem())
        return *problem;
    auto files = migrationsFor(m_project, *m_db);
    if (!files)
        return files.error();

    return runApplier(ApplyDirection::Down, files.value(), options, progress);
}

Result<RunReport> Migrator::baseline(qint64 version)
{
    m_lastErrorKind = ErrorKind::Project;
    if (auto problem = targetProblem())
        return *problem;
    auto files = migrationsFor(m_project, *m_db);
    if (!files)
        return files.error();
    RunOptions options;
    options.toVersion = version;
    return runApplier(ApplyDirection::Baseline, files.value(), options, {});
}

} // namespace strata
