#pragma once

// `strata copy`: a PostgreSQL database's schema and rows into a SQLite or D1 (local) database,
// as seed 002's teams do by hand when they move to D1 — with a per-table row-count report.
//
//   1. the source schema is read from the catalog and translated by the dialect engine
//      (copyschema.h); a table it cannot translate stops the copy before anything is written;
//   2. a new file is created beside the target (sqlitecopytarget.h) and the tables made;
//   3. every table is read in one snapshot of the source (pgcopysource.h) and inserted in
//      foreign-key order, its values converted as docs/copy.md says (valueconverter.h), each
//      lossy conversion counted per column;
//   4. indexes and views are created, foreign keys and the file checked, each table's row count
//      compared with the source's;
//   5. only when every count matches is the file put in place (targetswap.h); the database that
//      was there is kept beside it.
//
// Any failure removes the new file and leaves the target as it was, and the report says which
// table, row and column and why. The target's apply lock is held throughout.

#include "copyschema.h"
#include "project.h"
#include "result.h"

#include <QList>
#include <QString>

#include <functional>
#include <optional>

namespace strata {

enum class CopyPhase { Schema, Rows, Indexes, Check, Swap };
// Rows: (rows done, rows in the table) of `table`; other phases: 0 / 1 at the start, 1 / 1 at
// the end.
using CopyProgressFn =
    std::function<void(CopyPhase phase, const QString& table, qint64 done, qint64 total)>;

struct CopyOptions
{
    int lockTimeoutMs = 10000; // waiting for another apply on the target
    int busyTimeoutMs = 2000;  // waiting for other connections to the target at the swap
    qint64 batchRows = 100000; // rows per transaction of the load
    CopyProgressFn progress;
};

struct TableCopyResult
{
    enum class Status { NotCopied, Ok, Mismatch, Failed };
    QString source;         // "users", "billing.invoices"
    QString target;         // "users", "billing_invoices"
    qint64 sourceRows = -1; // -1: not counted
    qint64 targetRows = -1;
    Status status = Status::NotCopied;
    QString message;

    static QString statusName(Status s); // "not copied", "ok", "mismatch", "failed"
};

// One column whose values did not all keep their meaning.
struct LossyConversion
{
    QString table; // the source table
    QString column;
    QString sourceType; // "numeric", "double precision"
    QString reason;
    qint64 count = 0;
    qint64 firstRow = 0; // 1-based, in the order the source sent the rows
    QString firstSource; // that row's value as PostgreSQL printed it
    QString firstStored; // what was stored
};

enum class CopyFailureKind { None, Project, Failed, Busy };

struct CopyReport
{
    QString source; // where from, safe to print (no password)
    QString target; // the file
    Dialect targetDialect = Dialect::Sqlite;
    QList<TableCopyResult> tables;
    QList<CopyNote> notes; // schema translation and objects left out
    QList<LossyConversion> lossy;
    QString safetyCopy; // the database that was at the target before; empty if none
    std::optional<Error> failure;
    CopyFailureKind failureKind = CopyFailureKind::None;
    qint64 rowsCopied = 0;
    qint64 schemaMs = 0, rowsMs = 0, indexMs = 0, checkMs = 0, swapMs = 0, totalMs = 0;

    bool ok() const { return !failure; }
};

class DataCopy final
{
public:
    // `source` must be a PostgreSQL environment, `target` a SQLite file of a sqlite / d1 binding.
    DataCopy(Environment source, Environment target, Dialect targetDialect);

    // Why the pair cannot be copied (kinds of environment), before anything is touched.
    std::optional<Error> problem() const;
    CopyReport run(const CopyOptions& options = {});

private:
    Environment m_source;
    Environment m_target;
    Dialect m_dialect;
};

} // namespace strata
