#pragma once

// INSERT, UPDATE and DELETE for data migrations: SQLite has each (with ON CONFLICT and
// RETURNING); the expressions go through ExpressionTranslator.

#include "expressiontranslator.h"

namespace strata {

class DmlTranslator final
{
public:
    DmlTranslator(TranslationContext& ctx, ExpressionTranslator& expressions)
        : m_ctx(ctx), m_expr(expressions)
    {
    }

    void insert(const PgNode& insertStmt);
    void update(const PgNode& updateStmt);
    void remove(const PgNode& deleteStmt);
    void truncate(const PgNode& truncateStmt);

private:
    QString returning(const PgNode& list);
    QString assignments(const PgNode& targetList);
    QString with(const PgNode& withClause);

    TranslationContext& m_ctx;
    ExpressionTranslator& m_expr;
};

} // namespace strata
