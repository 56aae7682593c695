#include "migrator.h"

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

Result<RunReport> Migrator::up(const RunOptions& options, const ProgressFn& progress)
{
    m_lastErrorKind = ErrorKind::Project;
    if (auto problem = targetProblem())
        return *problem;
    auto files = migrationsFor(m_project, *m_db);
    if (!files)
        return files.error();

    return runApplier(ApplyDirection::Up, files.value(), options, progress);
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
