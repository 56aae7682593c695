#pragma once

// The new SQLite file `strata copy` writes: created beside the target as
// <target>.strata-copy-XXXXXXXXXX, written without a journal and without syncs (nothing reads it
// until it is complete, verified, flushed and renamed into place; if the process dies it is an
// orphan, never the database), one prepared INSERT per table in large transactions, foreign
// keys off during the load and checked at the end. Removed on destruction unless released.

#include "result.h"
#include "valueconverter.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <memory>

struct sqlite3;
struct sqlite3_stmt;

namespace strata {

struct TargetColumn
{
    QString name;
    QString declaredType;
    Affinity affinity = Affinity::Blob;
    bool generated = false;
};

class SqliteCopyTarget final
{
public:
    // Creates the file (beside `targetPath`) and sets it up for loading. It gets the mode of
    // the file at `targetPath` from the start (a 0600 database stays 0600, and its rows are
    // never in a file others could open); with no file there, the umask's, as SQLite's own.
    static Result<std::unique_ptr<SqliteCopyTarget>> create(const QString& targetPath);

    // Removes what copies that never finished (the process killed) left beside `targetPath`:
    // <target>.strata-copy-XXXXXXXXXX files (and their -journal, -wal, -shm) last modified more
    // than `olderThanSecs` ago. Returns the removed paths; `failures` gets those that stay.
    static QStringList sweepLeftovers(const QString& targetPath, qint64 olderThanSecs,
                                      QStringList* failures);
    ~SqliteCopyTarget();
    SqliteCopyTarget(const SqliteCopyTarget&) = delete;
    SqliteCopyTarget& operator=(const SqliteCopyTarget&) = delete;

    const QString& path() const { return m_path; }

    // Runs one statement; the Error carries SQLite's message and the statement.
    Status exec(const QString& sql);
    Result<QList<TargetColumn>> columns(const QString& table);
    bool hasTable(const QString& table);

    // The loading of one table: prepare, then bind and insert row by row.
    Status prepareInsert(const QString& table, const QStringList& columns);
    void bind(int index, const SqlValue& value); // 0-based
    // Inserts the bound row; false with SQLite's message (e.g. a CHECK constraint failed).
    bool insertRow(QString* message);
    void finishInsert();

    Status begin();
    Status commit();

    Result<qint64> count(const QString& table);
    // PRAGMA foreign_key_check: "ok", or how many rows break which key (first examples).
    Result<QString> foreignKeyCheck();
    // PRAGMA quick_check: "ok" or the first problems.
    Result<QString> quickCheck();
    // Raises an AUTOINCREMENT table's counter so new rows never reuse a value the source's
    // sequence handed out.
    Status raiseAutoincrement(const QString& table, qint64 lastValue);

    // Gives the file its final journal mode (WAL for D1's local state), closes it and flushes
    // it to disk. After this only release() or destruction.
    Status finish(bool wal);
    // Keeps the file: it has been renamed into place.
    void release() { m_keep = true; }

private:
    SqliteCopyTarget() = default;
    Error sqliteError(const QString& what, const QString& sql = {}) const;
    sqlite3* m_db = nullptr;
    sqlite3_stmt* m_insert = nullptr;
    QString m_path;
    bool m_keep = false;
};

// "name" quoted for SQLite.
QString sqliteQuote(const QString& name);

} // namespace strata
