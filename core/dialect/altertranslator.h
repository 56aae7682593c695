#pragma once

// ALTER TABLE, renames and ALTER TYPE … ADD VALUE. What SQLite's ALTER TABLE can do natively
// (ADD COLUMN of a simple column, DROP COLUMN of an unconstrained one, RENAME) stays an ALTER
// TABLE; everything else becomes the table rebuild (tablerebuild.h, docs/table-rebuild.md)
// planned on the table as the translated history has built it so far.

#include "tabletranslator.h"
#include "tablerebuild.h"

namespace strata {

class AlterTranslator final
{
public:
    AlterTranslator(TranslationContext& ctx, ExpressionTranslator& expressions,
                    TableTranslator& tables)
        : m_ctx(ctx), m_expr(expressions), m_tables(tables)
    {
    }

    void alterTable(const PgNode& alterTableStmt);
    void rename(const PgNode& renameStmt);
    void alterEnum(const PgNode& alterEnumStmt);

private:
    // Reads the schema the translated history has built so far into m_schema: at least the
    // table or index `name` and what a rebuild of it must see.
    bool refreshSchema(const QString& name, int location);
    // The table as the translated history has built it; nullptr (and an error) when unknown.
    const Table* currentTable(const QString& name, int location);
    bool sameSqliteType(const Table* table, const QString& tableName, const QString& column,
                        const MappedType& type) const;
    void rebuild(const QString& table, const TableChanges& changes, int location);
    bool dropColumnNeedsRebuild(const Table& table, const QString& column) const;

    TranslationContext& m_ctx;
    ExpressionTranslator& m_expr;
    TableTranslator& m_tables;
    Schema m_schema; // the last schema read from the history
};

} // namespace strata
