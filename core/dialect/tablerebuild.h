#pragma once

// The SQLite / D1 table rebuild: the statements that give a table the shape an ALTER TABLE form
// SQLite lacks would give it (ALTER COLUMN TYPE / SET / DROP NOT NULL / SET / DROP DEFAULT,
// ADD / DROP CONSTRAINT, DROP COLUMN that SQLite refuses, ADD COLUMN with what SQLite refuses to
// add), without ever deleting or changing a row of another table, whether foreign keys are
// enforced or not. The procedure and its reasons: docs/table-rebuild.md.
//
// The new CREATE TABLE is the table's own text edited element by element (column definitions and
// table constraints), so everything not changed — collations, AUTOINCREMENT, named constraints,
// WITHOUT ROWID, STRICT, generated columns, comments — survives byte for byte.

#include "project.h"
#include "result.h"
#include "schema.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace strata {

// One existing column's change. Unset members leave that part as it is.
struct ColumnChange
{
    QString column;                  // the column's current name (matched case-insensitively)
    std::optional<QString> newType;  // the SQLite declared type to write ("" removes the type)
    std::optional<bool> notNull;     // true: SET NOT NULL; false: DROP NOT NULL
    // Outer unset: the default stays. Inner nullopt: DROP DEFAULT. Inner text: SET DEFAULT with
    // this SQLite default clause operand, written as given ("0", "'x'", "(datetime('now'))").
    std::optional<std::optional<QString>> defaultSql;
    // ALTER TYPE … USING: a SQLite expression over the old row's columns giving the new value.
    // Without it, a type change stores the old value through the new type's affinity (lossless
    // conversions only) and fails the rebuild if a value is left that INTEGER / REAL cannot hold.
    std::optional<QString> usingExpr;
};

// Everything one ALTER TABLE does to a table; applied in the order: drop constraints, drop
// columns, change columns, add columns, add constraints.
struct TableChanges
{
    QList<ColumnChange> columns;
    QStringList addColumns;      // full SQLite column definitions: "note TEXT NOT NULL DEFAULT ''"
    QStringList dropColumns;     // by name
    // SQLite table constraints: "CONSTRAINT t_x_check CHECK (x > 0)", "UNIQUE (a, b)",
    // "CONSTRAINT t_fk FOREIGN KEY (p) REFERENCES p(id) ON DELETE CASCADE".
    QStringList addConstraints;
    // By the name of a CONSTRAINT clause, table-level or column-level (case-insensitive). Only
    // explicit names exist in SQLite: a translator that needs PostgreSQL's implicit names
    // (t_pkey, t_x_key, t_x_fkey, t_x_check) should write them into the CREATE TABLE it emits.
    QStringList dropConstraints;
};

struct RebuildPlan
{
    // Valid inside a transaction (no BEGIN / COMMIT / SAVEPOINT, no PRAGMA foreign_keys); the
    // first is PRAGMA defer_foreign_keys = ON. Run them in order, all in one transaction. Each
    // is one complete statement without its final semicolon.
    QStringList statements;
    QStringList notes;          // what the user should know, one sentence each
    QString tableSql;           // the table's new CREATE TABLE text
    QStringList rebuiltTables;  // the table first, then every table that references it (transitively)
};

// The statements that apply `changes` to `table` of `schema` (the schema just before them) on
// SQLite or D1. An Error (message naming the object) when a change cannot be made: an unknown
// table, column or constraint name, a dropped column that a view, trigger, constraint, generated
// column or another table's foreign key uses. Indexes that use a dropped column are dropped with
// a note, as PostgreSQL does.
Result<RebuildPlan> planTableRebuild(const Schema& schema, const QString& table,
                                     const TableChanges& changes, Dialect target);

} // namespace strata
