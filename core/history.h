#pragma once

// What a database records about the migrations applied to it, in the table of the convention
// the project uses: Strata's own, wrangler's d1_migrations or dbmate's schema_migrations. For
// the last two, Strata's extra facts (checksum, duration, SQL) live in a side table so that the
// tool's own table stays exactly as that tool writes it.

#include "project.h"

#include <QDateTime>
#include <QList>
#include <QString>

namespace SQLite {
class Database;
}

namespace strata {

struct AppliedMigration
{
    qint64 version = -1;   // parsed from the name / version column; -1 when it has none
    QString versionText;
    QString fileName;      // known for Strata's and wrangler's tables
    QString checksum;      // empty when the tool that applied it keeps none
    QDateTime appliedAt;   // UTC; invalid when unknown
    qint64 durationMs = -1;
    QString appliedBy;
    QString sql;           // the SQL that ran (empty when unknown)
    bool baseline = false; // recorded by `strata baseline`, never run by Strata
    bool transactional = true; // false: ran outside a transaction (a no-transaction file)
    QString backupId;      // the restore point taken just before it ran (empty: none)
};

// Another tool's history table, recognised but never written.
struct ForeignHistory
{
    QString tool;   // "golang-migrate", "Kysely", …
    QString table;
    int entries = 0;
    QString latest; // the newest version or name it records
};

class SqliteHistory final
{
public:
    SqliteHistory(HistoryKind kind, const QString& table = {});

    HistoryKind kind() const { return m_kind; }
    QString table() const { return m_table; }
    // "wrangler d1_migrations (Strata's extra facts in strata_history_extra)"
    QString description() const;
    // wrangler keys its rows by file name; Strata and dbmate by version.
    bool keyedByFileName() const { return m_kind == HistoryKind::Wrangler; }
    // The key of a migration in this history: the file name or the version text.
    QString keyOf(const QString& fileName, const QString& versionText) const;

    // The functions below throw SQLite::Exception; callers in core turn it into an Error.

    // Empty when the table is absent or has the convention's shape; otherwise why it is not
    // (e.g. a golang-migrate schema_migrations where dbmate's was expected).
    QString shapeProblem(SQLite::Database& db) const;
    void ensureTables(SQLite::Database& db) const;
    QList<AppliedMigration> read(SQLite::Database& db) const; // no table: empty
    bool contains(SQLite::Database& db, const QString& key) const;
    void record(SQLite::Database& db, const AppliedMigration& applied) const;
    void remove(SQLite::Database& db, const AppliedMigration& applied) const;

    static QString extraTable() { return QStringLiteral("strata_history_extra"); }

private:
    HistoryKind m_kind;
    QString m_table;
};

// Other tools' histories in the database (and Strata's own conventions other than `own`).
QList<ForeignHistory> detectForeignHistories(SQLite::Database& db, const SqliteHistory& own);

// Helpers shared with the PostgreSQL side later: "0001_x.sql" → 1, "20240101_x" → 20240101.
qint64 versionFromName(const QString& nameOrVersion, QString* versionText = nullptr);
QDateTime parseTimestamp(const QString& text);

} // namespace strata
