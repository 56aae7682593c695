#pragma once

// What changed between two schemas: tables, columns, foreign keys, indexes, checks, views,
// triggers, enum types and sequences added, removed or changed, with the old and new definitions. Used for "what did
// migration N do", drift (files against a live database) and environment against environment.

#include "schema.h"

namespace strata {

enum class ChangeKind { Added, Removed, Changed };
QString changeKindName(ChangeKind kind); // "added", "removed", "changed"

struct TableDiff
{
    QString table;
    ChangeKind kind = ChangeKind::Changed;
    QStringList addedColumns, removedColumns, changedColumns;
    QList<ForeignKey> addedForeignKeys, removedForeignKeys;
    QStringList addedIndexes, removedIndexes, changedIndexes;
    QStringList addedChecks, removedChecks;
    QString before, after; // CREATE TABLE texts (empty on the side where it does not exist)

    // One line per change: "column email added: TEXT NOT NULL", …
    QStringList details(const Schema& from, const Schema& to) const;
};

struct ObjectDiff // views, triggers, enum types, sequences
{
    enum class Type { View, Trigger, Enum, Sequence } type = Type::View;
    QString name;
    ChangeKind kind = ChangeKind::Changed;
    QString before, after;

    // One line saying what changed, for an enum or a sequence: "labels added: 'c'", …; empty
    // for views and triggers, whose before and after say it.
    QString detail;
};
QString objectTypeName(ObjectDiff::Type type); // "view", "trigger", "enum", "sequence"

struct SchemaDiff
{
    QList<TableDiff> tables;
    QList<ObjectDiff> objects;

    bool isEmpty() const { return tables.isEmpty() && objects.isEmpty(); }
    const TableDiff* table(const QString& name) const;
};

SchemaDiff diffSchemas(const Schema& from, const Schema& to);

// "INTEGER NOT NULL DEFAULT 0 PRIMARY KEY", "bigint NOT NULL GENERATED ALWAYS AS IDENTITY" — a
// column described in one line.
QString describeColumn(const Column& column);
// "(user_id) → users(id) ON DELETE CASCADE"
QString describeForeignKey(const ForeignKey& fk);

} // namespace strata
