#pragma once

// PostgreSQL expressions and queries → SQLite text: constants, operators, functions, casts,
// CASE, sub-queries, and the SELECT forms views and data migrations use. Parentheses follow
// SQLite's operator precedence, so the output has only the ones it needs. What SQLite cannot
// express (regular expressions, array and JSON containment operators, …) is an error diagnostic
// and the expression becomes NULL, so the statement still reads as SQL.

#include "translationcontext.h"
#include "typemapper.h"

namespace strata {

class ExpressionTranslator final
{
public:
    explicit ExpressionTranslator(TranslationContext& ctx) : m_ctx(ctx), m_types(ctx) {}

    // A wrapped expression node ({"A_Const": …}).
    QString expr(const PgNode& node) { return translate(node).text; }
    // A column DEFAULT: constants as they are, anything else in parentheses (SQLite's rule).
    // `boolean`: the column is a boolean (true / false, 't' / 'f' become 1 / 0); `array`: an
    // array column (a '{…}' literal becomes a JSON array).
    QString defaultValue(const PgNode& node, bool boolean, bool array = false);
    // A SelectStmt body as a query.
    QString select(const PgNode& selectBody);
    // Within a domain's CHECK: what the name VALUE stands for.
    void setValueName(const QString& name) { m_valueName = name; }
    // Column references that are plain names, for index and constraint column lists.
    QString columnList(const PgNode& stringList);

private:
    struct Text
    {
        QString text;
        int precedence = 100; // SQLite's binding strength; 100: a primary
    };
    Text translate(const PgNode& node);
    QString operand(const PgNode& node, int precedence);
    Text constant(const PgNode& body);
    Text columnRef(const PgNode& body);
    Text aExpr(const PgNode& body);
    Text binary(const QString& op, const PgNode& body, int precedence);
    Text boolExpr(const PgNode& body);
    Text funcCall(const PgNode& body);
    Text typeCast(const PgNode& body);
    Text caseExpr(const PgNode& body);
    Text subLink(const PgNode& body);
    Text unsupported(int location, const QString& message);
    QString list(const PgNode& items);
    QString fromItem(const PgNode& node);
    QString simpleSelect(const PgNode& s);
    QString selectAtDepth(const PgNode& s);
    static bool isIntervalConstant(const PgNode& node);
    Text intervalArithmetic(const PgNode& body, bool minus);
    QString orderBy(const PgNode& sortClause);

    long long integerConstant(const PgNode& aConst) const;

    TranslationContext& m_ctx;
    TypeMapper m_types;
    QString m_valueName;
    int m_selectDepth = 0; // 1: the statement's own query (its clauses go on lines of their own)
};

// A PostgreSQL array literal ('{a,b}') as JSON text ('["a","b"]'); other text unchanged.
QString jsonFromArrayLiteral(const QString& literal);

// The SQLite expression for a random version-4 UUID as lower-case text.
QString sqliteUuidV4Expression();

} // namespace strata
