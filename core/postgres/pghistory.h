#pragma once

// What a PostgreSQL database records about its applied migrations: Strata's own table, or
// dbmate's schema_migrations created exactly as dbmate 2 creates it (Strata's extra facts then
// live in a side table, strata_history_extra, so dbmate's table keeps dbmate's shape). Other
// tools' tables (golang-migrate, Flyway, Kysely, drizzle, `_migrations`, …) are recognised and
// read, never written. The rows are the same AppliedMigration the SQLite side uses.

#include "history.h"
#include "pgsession.h"
#include "project.h"

#include <optional>

namespace strata {

class PgHistory final
{
public:
    // `table` may be schema-qualified ("app.schema_migrations"); without a schema it lives in the
    // connection's current schema, found by resolve().
    PgHistory(HistoryKind kind, const QString& table = {});

    HistoryKind kind() const { return m_kind; }
    QString description() const;
    // Strata and dbmate key their rows by version on PostgreSQL.
    bool keyedByFileName() const { return false; }

    // Finds the schema of an unqualified table name (current_schema()). Call once per session
    // before the functions below.
    Status resolve(PgSession& session);
    QString schema() const { return m_schema; }
    QString table() const { return m_table; }
    QByteArray qualifiedTable() const; // "schema"."table"
    QByteArray qualifiedExtraTable() const;

    Result<bool> exists(PgSession& session) const;
    // Empty when the table is absent or has the convention's shape; otherwise why it is not.
    Result<QString> shapeProblem(PgSession& session) const;
    // With `restorePoints`, a table made before restore points existed gets its backup_id column
    // (altering needs ownership of the table; recording without restore points does not).
    Status ensureTables(PgSession& session, bool restorePoints = false) const;
    Result<QList<AppliedMigration>> read(PgSession& session) const; // no table: empty

    // SQL that records `applied` (appended to the migration's own query so both commit
    // together). Without `durationMs`, the duration is measured by the server: the time since
    // the transaction began. A dbmate history gets dbmate's row plus Strata's extra row.
    QByteArray recordSql(const PgSession& session, const AppliedMigration& applied,
                         std::optional<qint64> durationMs) const;
    QByteArray removeSql(const PgSession& session, const AppliedMigration& applied) const;

    static QString extraTable() { return QStringLiteral("strata_history_extra"); }

private:
    HistoryKind m_kind;
    QString m_schema;
    QString m_table;
};

// Other tools' histories in the database (and Strata's own conventions other than `own`).
Result<QList<ForeignHistory>> detectPgForeignHistories(PgSession& session, const PgHistory& own);

} // namespace strata
