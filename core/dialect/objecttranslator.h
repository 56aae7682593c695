#pragma once

// The statements around tables: CREATE INDEX, CREATE VIEW, DROP, enum types, domains,
// sequences, COMMENT ON and CREATE EXTENSION. Types, domains and sequences leave no SQLite
// statement; they are remembered in the context and shape the columns that use them.

#include "expressiontranslator.h"

namespace strata {

class ObjectTranslator final
{
public:
    ObjectTranslator(TranslationContext& ctx, ExpressionTranslator& expressions)
        : m_ctx(ctx), m_expr(expressions)
    {
    }

    void createIndex(const PgNode& indexStmt);
    void createView(const PgNode& viewStmt);
    void drop(const PgNode& dropStmt);
    void createEnum(const PgNode& createEnumStmt);
    void createDomain(const PgNode& createDomainStmt);
    void createSequence(const PgNode& createSeqStmt);
    void comment(const PgNode& commentStmt);
    void createExtension(const PgNode& createExtensionStmt);

private:
    TranslationContext& m_ctx;
    ExpressionTranslator& m_expr;
};

} // namespace strata
