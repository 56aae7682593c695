#pragma once

// One model of a database schema: tables with their columns, keys, foreign keys, unique
// constraints, checks and indexes; views; triggers; and PostgreSQL's enum types and sequences.
// Read from a live database (sqliteschemareader.h, postgres/pgschemareader.h) or derived from
// migration files (schemahistory.h), compared by schemadiff.h, drawn by the ER diagram.
//
// Names. SQLite has one namespace per file, so its names are the names. PostgreSQL has schemas:
// an object in `public` is named as it is ("users"); an object in any other schema is named
// "schema.name" ("billing.invoices"), unquoted, exactly as the catalog spells both parts. The
// same rule names foreign key targets, enum types and sequences, so a name found in one place
// can be looked up in another. Index and trigger names stay bare: they live inside their table.

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
    // PostgreSQL: GENERATED ALWAYS / BY DEFAULT AS IDENTITY. Never set for SQLite.
    enum class Identity { None, Always, ByDefault } identity = Identity::None;
    // PostgreSQL: a serial column — its default is nextval() of a sequence that the column owns
    // (declaredType stays the real type, "integer" / "bigint" / "smallint").
    bool serial = false;

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
    QString method;       // PostgreSQL's access method: btree, gin, gist, hash, brin…; SQLite: empty

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

// A PostgreSQL enum type: CREATE TYPE name AS ENUM (labels…).
struct EnumType
{
    QString name;
    QStringList labels; // in the type's sort order
    QString sql;        // CREATE TYPE text, rebuilt from the catalog
    bool operator==(const EnumType&) const = default;
};

// A PostgreSQL sequence. Identity columns' own sequences are not listed: they are part of the
// column (Column::identity).
struct Sequence
{
    QString name;
    QString dataType;      // "bigint", "integer", "smallint"
    QString ownedBy;       // "table.column" (the table named as in Schema::tables); empty: none
    qint64 start = 1;
    qint64 increment = 1;
    QString sql;           // CREATE SEQUENCE text, rebuilt from the catalog
    bool operator==(const Sequence&) const = default;
};

struct Schema
{
    QList<Table> tables;   // by name
    QList<View> views;
    QList<Trigger> triggers;
    QList<EnumType> enums; // PostgreSQL only, by name
    QList<Sequence> sequences; // PostgreSQL only, by name

    const Table* table(const QString& name) const;
    const View* view(const QString& name) const;
    const Trigger* trigger(const QString& name) const;
    const EnumType* enumType(const QString& name) const;
    const Sequence* sequence(const QString& name) const;
    bool operator==(const Schema&) const = default;
};

// The type as a reader expects to see it on a diagram: "serial" / "bigserial" for serial
// columns, "bigint identity" for identity columns, the declared type (or SQLite's affinity when
// none was declared) otherwise.
QString displayType(const Column& column);

// The CHECK constraints of a CREATE TABLE statement, as written (without CHECK and parentheses).
QStringList checkConstraintsOf(const QString& createTableSql);

} // namespace strata
