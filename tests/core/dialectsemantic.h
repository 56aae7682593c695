#pragma once

// What a schema means, read straight from each engine's own catalogs, so that the dialect
// translator's output can be judged against PostgreSQL without trusting Strata's code: the
// PostgreSQL side comes from pg_catalog over a plain libpqxx connection, the SQLite side from
// PRAGMA table_xinfo / index_list / index_xinfo / foreign_key_list and sqlite_schema. Neither
// reader uses Strata's own schema readers.

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace pqxx {
class connection_base;
}
namespace SQLite {
class Database;
}

namespace strata::test {

struct SemanticColumn
{
    QString name;
    bool notNull = false;      // PostgreSQL: attnotnull or a NOT NULL domain; SQLite: notnull
    QString defaultExpr;       // as the catalog shows it; empty when there is none
    bool generatedKey = false; // PostgreSQL: identity or nextval() default; SQLite: rowid alias
    bool generated = false;    // a GENERATED ALWAYS AS (…) column (its expression is no default)
    bool primaryKey = false;
    // PostgreSQL only: the base type (domains resolved) and its pg_type.typcategory.
    QString baseType;
    QString category;
    QStringList enumLabels; // labels of an enum base type, in sort order
};

struct SemanticIndex
{
    QString name;
    bool unique = false;
    bool partial = false;
    bool primary = false;
    bool fromCreateIndex = false; // not backing a PRIMARY KEY / UNIQUE constraint
    QStringList columns;          // key columns; "<expr>" for an expression
};

struct SemanticForeignKey
{
    QStringList columns;
    QString table;
    QStringList targetColumns;
    QString onDelete; // "NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT"
    QString onUpdate;

    QString text() const;
};

struct SemanticTable
{
    QString name;
    QList<SemanticColumn> columns;
    QStringList primaryKey; // in key order
    QList<SemanticIndex> indexes;
    QList<SemanticForeignKey> foreignKeys;
    QStringList checks; // PostgreSQL: pg_get_constraintdef; SQLite: the CREATE TABLE text

    const SemanticColumn* column(const QString& name) const;
    // Unique, non-partial, plain-column keys (constraints and indexes alike, not the PK), each
    // as "a,b", sorted and deduplicated.
    QStringList uniqueKeys() const;
};

using SemanticSchema = QMap<QString, SemanticTable>; // by table name

// Tables of every user schema (relkind r / p), named as the translator maps schemas. Throws pqxx
// exceptions on failure.
SemanticSchema readPostgresSchema(pqxx::connection_base& conn);
// Tables other than sqlite_*. Throws SQLite::Exception on failure.
SemanticSchema readSqliteSchema(SQLite::Database& db);

} // namespace strata::test
