#pragma once

// One connection to a SQLite file (or D1's local state, which is one), and the apply lock that
// keeps a second applier out. Converts SQLiteCpp's exceptions into Errors at this boundary.

#include "history.h"
#include "result.h"

#include <QLockFile>
#include <QString>

#include <memory>
#include <optional>

namespace SQLite {
class Database;
}

namespace strata {

class SqliteSession final
{
public:
    enum class Mode { ReadOnly, ReadWriteCreate, Memory };

    static Result<std::unique_ptr<SqliteSession>> open(const QString& path, Mode mode,
                                                       int busyTimeoutMs);
    ~SqliteSession();

    SQLite::Database& db() { return *m_db; }
    const QString& path() const { return m_path; }

    // Runs SQL (one or more statements). On failure: false, with SQLite's message and code.
    bool exec(const QByteArray& sql, QString* message = nullptr, int* code = nullptr);
    // Compiles one statement without running it.
    bool prepare(const QByteArray& sql, QString* message = nullptr);
    // Runs a migration section statement by statement (split by SQLite's rules); on failure an
    // Error naming `filePath`, the statement's line (counted from `firstLine`) and SQLite's
    // message. `count` receives how many statements the section has.
    // With `prepareOnly`, each statement is compiled (names, syntax) but not run: how a dry run
    // checks a migration that cannot run inside its rolled-back transaction (VACUUM).
    std::optional<Error> execScript(const QString& sql, int firstLine, const QString& filePath,
                                    const QString& what, int* count = nullptr,
                                    bool prepareOnly = false);
    Result<QList<AppliedMigration>> readHistory(const SqliteHistory& history,
                                                QList<ForeignHistory>* foreign = nullptr);

private:
    SqliteSession() = default;
    std::unique_ptr<SQLite::Database> m_db;
    QString m_path;
};

// Held for the whole of an apply, so two appliers never interleave: a lock file beside the
// database (`<file>.strata-lock`) that names the holder. A holder that died leaves a stale lock,
// which the next applier takes over.
class ApplyLock final
{
public:
    explicit ApplyLock(const QString& databasePath);
    // Waits up to `timeoutMs`; on failure says who holds it.
    Status acquire(int timeoutMs);

private:
    QString m_path;
    QLockFile m_lock;
};

} // namespace strata
