#pragma once

// Splits SQL text into statements with SQLite's own completeness rule (sqlite3_complete), so
// triggers' BEGIN … END bodies, strings, quoted names and comments are handled as SQLite does.

#include <QList>
#include <QString>

namespace strata {

struct SqlStatement
{
    QString sql;  // from its first significant character to its terminating ';' (inclusive)
    int line = 1; // line of its first significant character, counted from the text's first line
};

// `firstLine` is the line number the text starts at in its file. Empty statements (a lone ';',
// comments only) are dropped; trailing text without a ';' is a last statement.
QList<SqlStatement> splitSqliteStatements(const QString& text, int firstLine = 1);

// True when the text holds nothing but whitespace and comments.
bool isBlankSql(const QString& text);

// The statement's first keyword, upper-cased ("BEGIN", "CREATE", …); empty when none.
QString leadingKeyword(const QString& statement);

} // namespace strata
