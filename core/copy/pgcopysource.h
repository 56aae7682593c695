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
    QList<SourceColumn> columns;
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
    // Every user table, named as the schema model names them (extensions' tables left out).
    Result<QStringList> tableNames();
    Result<qint64> count(const SourceTable& table);

    // Called once per row with the values of `columns`, in that order: each NUL-terminated and
    // unescaped, nullptr for NULL; writable (conversions work in place) until the next row.
    // Returning false stops the copy (the server is told to cancel it).
    using RowFn = std::function<bool(char** values, const int* sizes)>;
    // Streams the rows of `columns` (indexes into table.columns); returns how many rows came.
    Result<qint64> stream(const SourceTable& table, const QList<int>& columns, const RowFn& row);

    // The last value a column's sequence (serial or identity) has handed out; null when the
    // column has none or it has never been used.
    Result<std::optional<qint64>> sequenceLastValue(const SourceTable& table,
                                                    const QString& column);

private:
    PgCopySource() = default;
    Error error(const QString& what) const;
    QByteArray identifier(const QString& name) const;
    pg_conn* m_conn = nullptr;
};

} // namespace strata
