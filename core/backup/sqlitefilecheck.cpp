#include "sqlitefilecheck.h"

#include <QFile>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

#include <future>
#include <memory>

namespace strata {
namespace {

// How many problem lines of integrity_check are kept: enough to say what is wrong.
constexpr int maxProblems = 10;

std::unique_ptr<SQLite::Database> openImmutable(const QString& path)
{
    auto db = std::make_unique<SQLite::Database>(immutableUri(path).toStdString(),
                                                 SQLite::OPEN_READONLY | SQLite::OPEN_URI);
    // The checks read every page: through a memory map rather than a pread(2) each.
    db->exec("PRAGMA mmap_size = 68719476736");
    return db;
}

QString quoted(const QString& name)
{
    QString n = name;
    n.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + n + QLatin1Char('"');
}

QList<TableRows> countRowsIn(SQLite::Database& db)
{
    QStringList tables;
    SQLite::Statement list(db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT "
                               "LIKE 'sqlite\\_%' ESCAPE '\\' AND sql NOT LIKE 'CREATE VIRTUAL%' "
                               "ORDER BY name");
    while (list.executeStep())
        tables << QString::fromStdString(list.getColumn(0).getString());
    QList<TableRows> rows;
    for (const QString& t : tables) {
        const QString sql = QStringLiteral("SELECT count(*) FROM ") + quoted(t);
        SQLite::Statement count(db, sql.toStdString());
        count.executeStep();
        rows.append({t, count.getColumn(0).getInt64()});
    }
    return rows;
}

} // namespace

QString integrityLevelName(IntegrityLevel level)
{
    return level == IntegrityLevel::Full ? QStringLiteral("integrity_check")
                                         : QStringLiteral("quick_check");
}

qint64 SqliteFileCheck::totalRows() const
{
    qint64 n = 0;
    for (const TableRows& t : rows)
        n += t.rows;
    return n;
}

QString immutableUri(const QString& path)
{
    // SQLite's URI wants the path as is, with only %, ?, # (and spaces, for safety) encoded.
    QString p = path;
    p.replace(QLatin1Char('%'), QStringLiteral("%25"))
        .replace(QLatin1Char('?'), QStringLiteral("%3f"))
        .replace(QLatin1Char('#'), QStringLiteral("%23"))
        .replace(QLatin1Char(' '), QStringLiteral("%20"));
    return QStringLiteral("file:") + p + QStringLiteral("?mode=ro&immutable=1");
}

Result<QString> integrityOf(const QString& path, IntegrityLevel level)
{
    try {
        auto db = openImmutable(path);
        QStringList problems;
        SQLite::Statement integrity(*db, QStringLiteral("PRAGMA %1(%2)")
                                             .arg(integrityLevelName(level))
                                             .arg(maxProblems)
                                             .toStdString());
        while (integrity.executeStep())
            problems << QString::fromStdString(integrity.getColumn(0).getString());
        return problems.join(QStringLiteral("; "));
    } catch (const SQLite::Exception& e) {
        return Error{QStringLiteral("not a readable SQLite database: ") +
                         QString::fromUtf8(e.what()),
                     path,
                     0,
                     0,
                     {}};
    }
}

Result<SqliteFileCheck> keysAndRowsOf(const QString& path)
{
    SqliteFileCheck check;
    try {
        auto db = openImmutable(path);
        check.pageSize = db->execAndGet("PRAGMA page_size").getInt64();
        check.pageCount = db->execAndGet("PRAGMA page_count").getInt64();

        // foreign_key_check names each row that breaks a constraint; report a count and the
        // first few places.
        SQLite::Statement fk(*db, "PRAGMA foreign_key_check");
        int violations = 0;
        QStringList where;
        while (fk.executeStep()) {
            ++violations;
            if (where.size() < 5)
                where << QStringLiteral("%1 row %2 → %3")
                             .arg(QString::fromStdString(fk.getColumn(0).getString()),
                                  QString::fromStdString(fk.getColumn(1).getString()),
                                  QString::fromStdString(fk.getColumn(2).getString()));
        }
        check.foreignKeys = violations == 0 ? QStringLiteral("ok")
                                            : QStringLiteral("%1 rows break a foreign key (%2)")
                                                  .arg(violations)
                                                  .arg(where.join(QStringLiteral(", ")));
        check.rows = countRowsIn(*db);
    } catch (const SQLite::Exception& e) {
        return Error{QStringLiteral("not a readable SQLite database: ") +
                         QString::fromUtf8(e.what()),
                     path,
                     0,
                     0,
                     {}};
    }
    return check;
}

Result<SqliteFileCheck> checkSqliteFile(const QString& path, IntegrityLevel level)
{
    // Two passes over the file, each single-threaded in SQLite: side by side.
    auto integrity = std::async(std::launch::async, [&] { return integrityOf(path, level); });
    auto rest = keysAndRowsOf(path);
    return mergeChecks(integrity.get(), std::move(rest));
}

Result<SqliteFileCheck> mergeChecks(Result<QString> integrity, Result<SqliteFileCheck> rest)
{
    if (!integrity)
        return integrity.error();
    if (!rest)
        return rest.error();
    SqliteFileCheck check = std::move(rest.value());
    check.integrity = integrity.value();
    return check;
}

Result<QList<TableRows>> countRows(const QString& path)
{
    try {
        auto db = openImmutable(path);
        return countRowsIn(*db);
    } catch (const SQLite::Exception& e) {
        return Error{
            QStringLiteral("cannot count rows: ") + QString::fromUtf8(e.what()), path, 0, 0, {}};
    }
}

bool isWalFile(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return false;
    const QByteArray header = f.read(20);
    return header.size() == 20 && header.startsWith("SQLite format 3") && header[18] == 2 &&
           header[19] == 2;
}

} // namespace strata
