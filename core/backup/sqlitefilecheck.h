#pragma once

// What Strata checks on a SQLite file it has copied — a fresh backup, or a restored file before
// it is put in place: the integrity check, the foreign-key check and the rows per table. Opened
// read-only and immutable, so checking never writes beside the file (no -wal, no -shm).

#include "result.h"

#include <QList>
#include <QString>

namespace strata {

// integrity_check walks every index against its table (thorough, several times the cost of a
// copy on a large file); quick_check verifies the b-trees and records but not index contents.
enum class IntegrityLevel { Quick, Full };

QString integrityLevelName(IntegrityLevel level); // "quick_check" / "integrity_check"

struct TableRows
{
    QString table;
    qint64 rows = 0;
};

struct SqliteFileCheck
{
    QString integrity;     // "ok", or the first problems SQLite reports
    QString foreignKeys;   // "ok", or how many rows break a foreign key and where
    QList<TableRows> rows; // every table (not SQLite's own, not virtual), by name
    qint64 pageSize = 0;
    qint64 pageCount = 0;

    bool ok() const
    {
        return integrity == QLatin1String("ok") && foreignKeys == QLatin1String("ok");
    }
    qint64 totalRows() const;
};

// Checks the file at `path` (the integrity check on one thread, the rest on the caller's). An Error
// when it cannot be opened or read as a database at all; otherwise the findings (which may be
// failures: see ok()).
Result<SqliteFileCheck> checkSqliteFile(const QString& path, IntegrityLevel level);

// checkSqliteFile in its two independent passes, for callers that run them beside other work
// (a hash, an fsync): the integrity check alone ("ok" or the first problems), and the rest —
// foreign keys, rows, page size and count — with `integrity` left empty. mergeChecks puts the
// two together (the first error wins).
Result<QString> integrityOf(const QString& path, IntegrityLevel level);
Result<SqliteFileCheck> keysAndRowsOf(const QString& path);
Result<SqliteFileCheck> mergeChecks(Result<QString> integrity, Result<SqliteFileCheck> rest);

// Rows per table, the same way checkSqliteFile counts them.
Result<QList<TableRows>> countRows(const QString& path);

// True when the file's header says WAL mode (its read/write versions are 2): read from the
// header, not by opening the database, so nothing is created beside it.
bool isWalFile(const QString& path);

// "file:<path>?mode=ro&immutable=1" as SQLite takes it (the path percent-encoded).
QString immutableUri(const QString& path);

} // namespace strata
