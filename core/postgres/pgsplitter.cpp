#include "pgsplitter.h"

#include <pg_query.h>

#include <algorithm>

namespace strata {

PgSourceText::PgSourceText(const QString& text, int firstLine)
    : m_utf8(text.toUtf8()), m_firstLine(firstLine)
{
    m_lineStarts << 0;
    for (int i = 0; i < m_utf8.size(); ++i)
        if (m_utf8[i] == '\n')
            m_lineStarts << i + 1;
}

int PgSourceText::lineAt(int byteOffset) const
{
    const auto it = std::upper_bound(m_lineStarts.begin(), m_lineStarts.end(), byteOffset);
    return int(it - m_lineStarts.begin()) - 1 + m_firstLine;
}

int PgSourceText::columnAt(int byteOffset) const
{
    const int line = lineAt(byteOffset) - m_firstLine;
    const int start = m_lineStarts[line];
    const int end = std::clamp(byteOffset, start, int(m_utf8.size()));
    return int(QString::fromUtf8(m_utf8.constData() + start, end - start).size()) + 1;
}

QString PgSourceText::slice(int from, int length) const
{
    from = std::clamp(from, 0, int(m_utf8.size()));
    length = std::clamp(length, 0, int(m_utf8.size()) - from);
    return QString::fromUtf8(m_utf8.constData() + from, length);
}

int skipBlankAndComments(const QByteArray& s, int i, int end)
{
    while (i < end) {
        const char c = s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            ++i;
        } else if (c == '-' && i + 1 < end && s[i + 1] == '-') {
            while (i < end && s[i] != '\n')
                ++i;
        } else if (c == '/' && i + 1 < end && s[i + 1] == '*') {
            int depth = 1; // PostgreSQL's block comments nest
            i += 2;
            while (i < end && depth > 0) {
                if (s[i] == '/' && i + 1 < end && s[i + 1] == '*') {
                    ++depth;
                    i += 2;
                } else if (s[i] == '*' && i + 1 < end && s[i + 1] == '/') {
                    --depth;
                    i += 2;
                } else {
                    ++i;
                }
            }
        } else {
            break;
        }
    }
    return std::min(i, end);
}

Result<QList<PgStatement>> splitPostgres(const QString& text, int firstLine,
                                         const QString& filePath)
{
    const PgSourceText source(text, firstLine);
    const QByteArray& utf8 = source.utf8();
    PgQuerySplitResult split = pg_query_split_with_parser(utf8.constData());
    if (split.error) {
        // cursorpos is 1-based, in bytes; 0 when the parser could not tell.
        const int at = split.error->cursorpos > 0 ? split.error->cursorpos - 1 : 0;
        Error error{QStringLiteral("PostgreSQL syntax error: ") +
                        QString::fromUtf8(split.error->message),
                    filePath, source.lineAt(at), source.columnAt(at), {}};
        pg_query_free_split_result(split);
        return error;
    }
    QList<PgStatement> out;
    out.reserve(split.n_stmts);
    for (int i = 0; i < split.n_stmts; ++i) {
        const PgQuerySplitStmt* s = split.stmts[i];
        const int end = s->stmt_location + s->stmt_len;
        const int start = skipBlankAndComments(utf8, s->stmt_location, end);
        if (start >= end)
            continue;
        const bool terminated = end < utf8.size() && utf8[end] == ';';
        PgStatement st;
        st.location = s->stmt_location;
        st.length = s->stmt_len;
        st.leading = source.slice(s->stmt_location, start - s->stmt_location);
        st.statement.sql = source.slice(start, end - start + (terminated ? 1 : 0));
        st.statement.line = source.lineAt(start);
        out << st;
    }
    pg_query_free_split_result(split);
    return out;
}

Result<QList<SqlStatement>> splitPostgresStatements(const QString& text, int firstLine,
                                                    const QString& filePath)
{
    auto split = splitPostgres(text, firstLine, filePath);
    if (!split)
        return split.error();
    QList<SqlStatement> out;
    out.reserve(split->size());
    for (const PgStatement& s : split.value())
        out << s.statement;
    return out;
}

} // namespace strata
