#pragma once

// One model of a database schema: tables with their columns, keys, foreign keys, unique
// constraints, checks and indexes; views; triggers. Read from a live database
// (sqliteschemareader.h) or derived from migration files (schemahistory.h), compared by
// schemadiff.h, drawn by the ER diagram.

#include <QList>
#include <QString>
#include <QStringList>

namespace strata {

struct Column
{
    QString name;
    QString declaredType;      // as written: "VARCHAR(255)", "" when none
    QString affinity;          // SQLite's: INTEGER, TEXT, BLOB, REAL, NUMERIC
    bool notNull = false;
    QString defaultValue;      // the default's SQL text; empty with hasDefault false: none
    bool hasDefault = false;
    int primaryKeyPosition = 0; // 1-based position in the primary key; 0: not part of it
    enum class Generated { No, Virtual, Stored } generated = Generated::No;

    bool operator==(const Column&) const = default;
};

struct ForeignKey
{
    QStringList columns;
    QString targetTable;
    QStringList targetColumns; // empty: the target's primary key
    QString onDelete;          // "NO ACTION", "CASCADE", …
    QString onUpdate;

    bool operator==(const ForeignKey&) const = default;
};

struct Index
{
    QString name;
    bool unique = false;
    enum class Origin { CreateIndex, UniqueConstraint, PrimaryKey } origin = Origin::CreateIndex;
    QStringList columns;  // key columns; an expression appears as its SQL text in parentheses
    bool partial = false;
    QString sql;          // CREATE INDEX text (empty for constraint indexes)

    bool operator==(const Index&) const = default;
};

struct Table
{
    QString name;
    QList<Column> columns;
    QList<ForeignKey> foreignKeys;
    QList<Index> indexes;  // CREATE INDEX ones and the automatic ones of UNIQUE / PRIMARY KEY
    QStringList checks;    // CHECK constraint expressions, as written
    bool withoutRowid = false;
    bool strict = false;
    QString sql;           // the CREATE TABLE text as the database keeps it

    const Column* column(const QString& name) const;
    QStringList primaryKey() const; // column names in key order
    bool operator==(const Table&) const = default;
};

struct View
{
    QString name;
    QStringList columns;
    QString sql;
    bool operator==(const View&) const = default;
};

struct Trigger
{
    QString name;
    QString table;
    QString sql;
    bool operator==(const Trigger&) const = default;
};

struct Schema
{
    QList<Table> tables;   // by name
    QList<View> views;
    QList<Trigger> triggers;

    const Table* table(const QString& name) const;
    const View* view(const QString& name) const;
    const Trigger* trigger(const QString& name) const;
    bool operator==(const Schema&) const = default;
};

// The CHECK constraints of a CREATE TABLE statement, as written (without CHECK and parentheses).
QStringList checkConstraintsOf(const QString& createTableSql);

} // namespace strata
