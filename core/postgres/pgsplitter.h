#pragma once

// Splits PostgreSQL SQL into statements with the real PostgreSQL parser (libpg_query), so
// dollar-quoted function bodies, DO blocks, strings, quoted names and nested comments are handled
// exactly as the server handles them. Also maps libpg_query's byte offsets to lines and columns.

#include "result.h"
#include "sqlsplitter.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace strata {

// A text in UTF-8 as libpg_query sees it, with its byte offsets mapped to 1-based lines and
// columns (columns count characters, not bytes).
class PgSourceText final
{
public:
    explicit PgSourceText(const QString& text, int firstLine = 1);

    const QByteArray& utf8() const { return m_utf8; }
    int lineAt(int byteOffset) const;
    int columnAt(int byteOffset) const;
    // The text of bytes [from, from + length).
    QString slice(int from, int length) const;

private:
    QByteArray m_utf8;
    QList<int> m_lineStarts; // byte offset of each line's first byte
    int m_firstLine = 1;
};

// One statement as the parser split it: `sql` from its first significant character to its ';'
// (inclusive when present), `line` of that character; `location` / `length` are byte offsets of
// the whole span libpg_query reported (leading comments included), for callers that need them.
struct PgStatement
{
    SqlStatement statement;
    int location = 0;
    int length = 0;
    QString leading; // whitespace and comments before the statement, as written
};

// `firstLine` is the line the text starts at in `filePath`. A syntax error is an Error naming the
// file, line and column where the parser stopped, and the parser's message.
Result<QList<PgStatement>> splitPostgres(const QString& text, int firstLine = 1,
                                         const QString& filePath = {});
// The same, as plain statements.
Result<QList<SqlStatement>> splitPostgresStatements(const QString& text, int firstLine = 1,
                                                    const QString& filePath = {});

// Offset of the first byte after whitespace and comments (`--…`, nested `/* … */`) from `from`.
int skipBlankAndComments(const QByteArray& utf8, int from, int end);

} // namespace strata
