#pragma once

// Helpers for the Qt Test suites: temporary projects with real files, copies of fixture folders
// (hidden ones included, for wrangler's .wrangler/), and SQL inspection of real SQLite files.
// Nothing here mocks the engine: tests run Strata on files and look at what it left behind.

#include "project.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

namespace strata::test {

// Writes `content` to `path`, creating its folder. False when it cannot.
bool writeFile(const QString& path, const QByteArray& content);
QByteArray readFile(const QString& path);

// Copies the folder `from` into `to` recursively, hidden files included.
bool copyTree(const QString& from, const QString& to);

// Every file under `dir`, relative to it, sorted (hidden files included).
QStringList listTree(const QString& dir);

// Queries a SQLite file. Each row is a list of column texts; NULL becomes a null QString.
// Failures are reported through QTest and yield an empty list.
QList<QStringList> queryRows(const QString& dbPath, const QString& sql);
// The first column of every row.
QStringList queryColumn(const QString& dbPath, const QString& sql);
// The first column of the first row; a null QString when there is none.
QString queryValue(const QString& dbPath, const QString& sql);
// Runs statements on a SQLite file (created if missing). False on failure (reported via qWarning).
bool execSql(const QString& dbPath, const QString& sql);
bool tableExists(const QString& dbPath, const QString& table);
// type|name|tbl_name|sql of every object in sqlite_schema, ordered by name: equal dumps mean
// equal schemas.
QStringList schemaDump(const QString& dbPath);

// <folder>/strata.toml loaded; an empty Project when it does not load, with the reason in
// `error` (or, when no `error` is given, as a warning in the test's output).
Project loadProjectIn(const QString& folder, QString* error = nullptr);

// The fixture folder tests/fixtures/<name>.
QString fixturePath(const QString& name);

// A throw-away project in a temporary folder: a strata.toml with one database APP (migrations in
// `migrations/`, local database `data/app.sqlite`), plus whatever migration files a test adds.
class TempProject final
{
public:
    explicit TempProject(const QString& dialect = QStringLiteral("sqlite"),
                         const QString& history = QString());

    bool isValid() const { return m_dir.isValid() && m_written; }
    QString root() const { return m_dir.path(); }
    QString dbPath() const { return m_dir.filePath(QStringLiteral("data/app.sqlite")); }
    QString migrationsDir() const { return m_dir.filePath(QStringLiteral("migrations")); }
    QString migrationPath(const QString& fileName) const;

    // Writes migrations/<fileName>; returns its path (empty on failure).
    QString addMigration(const QString& fileName, const QByteArray& content);
    // Loads strata.toml afresh (files added since are seen by the Migrator built from it).
    Project load() const;

private:
    QTemporaryDir m_dir;
    bool m_written = false;
};

// "CREATE TABLE t<n> …" style migration with an up and a down section.
QByteArray tableMigration(int n);
// "0001_create_t1.sql" style name with a 4-digit prefix.
QString tableMigrationName(int n);

} // namespace strata::test
