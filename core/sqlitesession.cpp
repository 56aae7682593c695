#include "sqlitesession.h"

#include "sqlsplitter.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>

#include <sqlite3.h>

namespace strata {

Result<std::unique_ptr<SqliteSession>> SqliteSession::open(const QString& path, Mode mode,
                                                           int busyTimeoutMs)
{
    std::unique_ptr<SqliteSession> s(new SqliteSession);
    s->m_path = path;
    try {
        const int flags = mode == Mode::ReadOnly ? SQLite::OPEN_READONLY
                                                 : SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE;
        s->m_db = std::make_unique<SQLite::Database>(
            mode == Mode::Memory ? std::string(":memory:") : path.toStdString(), flags,
            busyTimeoutMs);
        // Reading the schema fails here, not later, when the file is not a database.
        s->m_db->exec("SELECT count(*) FROM sqlite_schema");
    } catch (const SQLite::Exception& e) {
        return Error{QStringLiteral("cannot open the database: ") + QString::fromUtf8(e.what()),
                     path, 0, 0, {}};
    }
    return s;
}

SqliteSession::~SqliteSession() = default;

bool SqliteSession::exec(const QByteArray& sql, QString* message, int* code)
{
    char* err = nullptr;
    const int rc = sqlite3_exec(m_db->getHandle(), sql.constData(), nullptr, nullptr, &err);
    if (rc == SQLITE_OK)
        return true;
    if (message)
        *message = QString::fromUtf8(err ? err : sqlite3_errstr(rc));
    if (code)
        *code = rc;
    sqlite3_free(err);
    return false;
}

std::optional<Error> SqliteSession::execScript(const QString& sql, int firstLine,
                                              const QString& filePath, const QString& what,
                                              int* count, bool prepareOnly)
{
    const QList<SqlStatement> statements = splitSqliteStatements(sql, firstLine);
    if (count)
        *count = int(statements.size());
    for (const SqlStatement& s : statements) {
        QString message;
        const bool ok = prepareOnly ? prepare(s.sql.toUtf8(), &message)
                                    : exec(s.sql.toUtf8(), &message);
        if (!ok)
            return Error{QStringLiteral("%1 failed: %2").arg(what, message), filePath, s.line, 0,
                         s.sql};
    }
    return std::nullopt;
}

bool SqliteSession::prepare(const QByteArray& sql, QString* message)
{
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v2(m_db->getHandle(), sql.constData(), int(sql.size()), &stmt,
                                      nullptr);
    sqlite3_finalize(stmt);
    if (rc == SQLITE_OK)
        return true;
    if (message)
        *message = QString::fromUtf8(sqlite3_errmsg(m_db->getHandle()));
    return false;
}

Result<QList<AppliedMigration>> SqliteSession::readHistory(const SqliteHistory& history,
                                                           QList<ForeignHistory>* foreign)
{
    try {
        const QString problem = history.shapeProblem(*m_db);
        if (!problem.isEmpty())
            return Error{problem, m_path, 0, 0, {}};
        if (foreign)
            *foreign = detectForeignHistories(*m_db, history);
        return history.read(*m_db);
    } catch (const SQLite::Exception& e) {
        return Error{QStringLiteral("cannot read the migration history: ") +
                         QString::fromUtf8(e.what()),
                     m_path, 0, 0, {}};
    }
}

ApplyLock::ApplyLock(const QString& databasePath)
    : m_path(databasePath + QStringLiteral(".strata-lock")), m_lock(m_path)
{
    m_lock.setStaleLockTime(0); // stale only when its holder is gone, never by age
}

Status ApplyLock::acquire(int timeoutMs)
{
    if (m_lock.tryLock(timeoutMs))
        return success();
    if (m_lock.error() == QLockFile::PermissionError)
        return Error{QStringLiteral("cannot create the apply lock (permission denied)"), m_path, 0,
                     0, {}};
    qint64 pid = 0;
    QString host, app;
    m_lock.getLockInfo(&pid, &host, &app);
    return Error{QStringLiteral("the database is busy: another apply (pid %1 on %2) holds its lock; "
                                "waited %3 s. Try again when it has finished.")
                     .arg(pid)
                     .arg(host)
                     .arg(timeoutMs / 1000.0, 0, 'f', 1),
                 m_path, 0, 0, {}};
}

} // namespace strata
