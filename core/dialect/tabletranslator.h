#pragma once

// CREATE TABLE and its parts — column definitions and table constraints — in SQLite's dialect,
// one column per line. Keeps PostgreSQL's automatic constraint names (t_pkey, t_col_key,
// t_col_fkey, t_col_check) so a later DROP CONSTRAINT finds them. ALTER TABLE ADD COLUMN /
// ADD CONSTRAINT use the same pieces.

#include "expressiontranslator.h"

namespace strata {

struct TranslatedColumn
{
    QString name;
    QString definition;      // "name TYPE constraints…" as it appears in CREATE TABLE
    bool primaryKey = false; // declared PRIMARY KEY inline
    bool unique = false;
    bool notNull = false;
    bool hasDefault = false;
    bool constantDefault = true; // the default is a constant (ALTER TABLE ADD COLUMN allows it)
    bool storedGenerated = false;
    bool references = false;
};

class TableTranslator final
{
public:
    TableTranslator(TranslationContext& ctx, ExpressionTranslator& expressions)
        : m_ctx(ctx), m_expr(expressions)
    {
    }

    void createTable(const PgNode& createStmt);
    void createTableAs(const PgNode& createTableAsStmt);

    // A column of `table`; `primaryKey`: the table's primary-key columns (for the serial rule).
    TranslatedColumn column(const QString& table, const PgNode& columnDef,
                            const QStringList& primaryKey);
    // A table constraint as it appears in CREATE TABLE ("CONSTRAINT t_pkey PRIMARY KEY (id)");
    // empty when it has no SQLite form (an error was reported).
    QString tableConstraint(const QString& table, const PgNode& constraint);
    // The CHECK expression text(s) a column of an enum type gets.
    static QString enumCheck(const QString& column, const QStringList& labels);

private:
    // PostgreSQL's name for an unnamed constraint, unique within the table.
    QString autoName(const QString& table, const QStringList& columns, const QString& label);
    QString reserveName(const QString& table, const QString& name);
    QString foreignKeyClause(const PgNode& c, const PgNode* deferrable, const PgNode* deferred);

    TranslationContext& m_ctx;
    ExpressionTranslator& m_expr;
    QString m_primaryKeyName; // CREATE TABLE: the name a table-level PRIMARY KEY gave
};

// The columns a CHECK expression names, in order of appearance (for PostgreSQL's auto name).
QStringList columnsReferenced(const PgNode& expr);

} // namespace strata
