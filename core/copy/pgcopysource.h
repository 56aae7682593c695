#pragma once

// The PostgreSQL side of `strata copy`: one libpq connection that reads every table in one
// read-only REPEATABLE READ snapshot (the row counts and the rows agree, whatever writes happen
// meanwhile), with COPY (SELECT …) TO STDOUT in text format — the server's fastest way out —
// parsed field by field in place. The session sets the formats the conversions rely on
// (valueconverter.h): TimeZone UTC, DateStyle ISO, IntervalStyle iso_8601, bytea_output hex.
// Messages are masked (pgconnection.h): no password ever leaves this layer.

#include "project.h"
#include "result.h"
#include "valueconverter.h"

#include <QHash>
#include <QList>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

struct pg_conn;

namespace strata {

struct SourceColumn
{
    QString name;
    QString type; // as format_type spells it: "numeric(12,2)", "mood", "text[]"
    ValueKind kind = ValueKind::Other;
    bool generated = false; // GENERATED ALWAYS AS (…) STORED: the target computes it
};

struct SourceTable
{
    QString name;   // as the schema model names it: "users", "billing.invoices"
    QString quoted; // "public"."users", for SQL
    // What the count and the rows are read from: a partitioned table with its partitions' rows,
    // any other table ONLY (without the rows of tables that inherit from it, copied on their own).
    QString from;
    QList<SourceColumn> columns;
};

// The sequence behind a serial or identity column.
struct SourceSequence
{
    QString name;         // as pg_get_serial_sequence gives it; empty: the column has none
    bool readable = true; // false: the session's role has no SELECT on it
    QString role;         // the session's role (quoted), for the GRANT a report suggests
    std::optional<qint64> lastValue; // null: never used, or not readable
};

class PgCopySource final
{
public:
    static Result<std::unique_ptr<PgCopySource>> open(const Environment& env,
                                                      int connectTimeoutMs = 10000);
    ~PgCopySource();
    PgCopySource(const PgCopySource&) = delete;
    PgCopySource& operator=(const PgCopySource&) = delete;

    // Starts the snapshot every later read sees.
    Status begin();
    // Ends it (read-only: nothing to keep).
    void end();

    // The table's columns with their base types (domains resolved).
    Result<SourceTable> describe(const QString& modelName);
    // CREATE DOMAIN statements for the user's domains, in creation order.
    Result<QStringList> domainStatements();
    // Every user table, named as the schema model names them (extensions' tables and
    // partitions left out).
    Result<QStringList> tableNames();
    // Every partition (at any depth) → the partitioned table at the top of its tree, both named
    // as the schema model names them. Reading the top table reads every partition's rows.
    Result<QHash<QString, QString>> partitionRoots();
    Result<qint64> count(const SourceTable& table);

    // Called once per row with the values of `columns`, in that order: each NUL-terminated and
    // unescaped, nullptr for NULL; writable (conversions work in place) until the next row.
    // Returning false stops the copy (the server is told to cancel it).
    using RowFn = std::function<bool(char** values, const int* sizes)>;
    // Streams the rows of `columns` (indexes into table.columns); returns how many rows came.
    Result<qint64> stream(const SourceTable& table, const QList<int>& columns, const RowFn& row);

    // The column's sequence (serial or identity) and the last value it has handed out. A
    // sequence the role may not read is said so, not an error: the snapshot stays usable.
    Result<SourceSequence> sequence(const SourceTable& table, const QString& column);

private:
    PgCopySource() = default;
    Error error(const QString& what) const;
    QByteArray identifier(const QString& name) const;
    pg_conn* m_conn = nullptr;
};

} // namespace strata
