#pragma once

// One migration file, parsed: its version (numeric prefix), its up and down sections, the
// header directives, and a checksum that ignores line-ending differences.
// The file format is documented in docs/migrations.md.

#include "result.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace strata {

struct Migration
{
    qint64 version = 0;    // numeric value of the prefix: 0001 and 1 are the same version
    QString versionText;   // the prefix as written: "0001"
    QString description;   // the rest of the name: "create_users"
    QString fileName;      // "0001_create_users.sql"
    QString filePath;      // absolute

    QString upSql;         // the up section's text
    int upLine = 1;        // line in the file where upSql starts
    QString downSql;
    int downLine = 0;
    bool hasDown = false;

    bool transactional = true; // false: `-- strata:no-transaction` or dbmate's transaction:false
    QStringList targets;       // `-- strata:targets DB, SSO_DB`; empty: the folder's one binding
    QString owner;             // `-- strata:owner admin-worker`
    // The dialect the SQL is written in: `-- strata:dialect postgres` (or `sqlite`) in the file,
    // else the database's `migrations_dialect` (set by migrationsFor). A PostgreSQL-syntax file
    // of a SQLite / D1 database is applied through the dialect engine (docs/dialects.md).
    QString sqlDialect;        // "" (the database's own), "postgres" or "sqlite"
    bool writtenInPostgres() const { return sqlDialect == QLatin1String("postgres"); }
    QString checksum;          // hex SHA-256 of the normalised file text
};

// Parses the text of a migration file. `fileName` must start with digits and '_'.
Result<Migration> parseMigration(const QString& filePath, const QByteArray& content);
Result<Migration> readMigrationFile(const QString& filePath);

// CRLF and lone CR become LF, a UTF-8 byte-order mark is dropped: the text the checksum covers.
QByteArray normalizedText(const QByteArray& content);
QString checksumOf(const QByteArray& content);

// "0001_create_users.sql" → true, with the version parts; other names are not migrations.
bool splitMigrationName(const QString& fileName, QString* versionText, QString* description);

} // namespace strata
