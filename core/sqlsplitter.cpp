#include "sqlsplitter.h"

#include <sqlite3.h>

#include <string>

namespace strata {
namespace {

// Skips whitespace and comments from `i`; returns the index of the next significant byte.
size_t skipInsignificant(const std::string& s, size_t i)
{
    const size_t n = s.size();
    while (i < n) {
        const char c = s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            ++i;
        } else if (c == '-' && i + 1 < n && s[i + 1] == '-') {
            while (i < n && s[i] != '\n')
                ++i;
        } else if (c == '/' && i + 1 < n && s[i + 1] == '*') {
            const size_t end = s.find("*/", i + 2);
            i = end == std::string::npos ? n : end + 2;
        } else {
            break;
        }
    }
    return i;
}

} // namespace

bool isBlankSql(const QString& text)
{
    const std::string s = text.toStdString();
    return skipInsignificant(s, 0) >= s.size();
}

QString leadingKeyword(const QString& statement)
{
    const std::string s = statement.toStdString();
    size_t i = skipInsignificant(s, 0);
    size_t j = i;
    while (j < s.size() && (std::isalpha(static_cast<unsigned char>(s[j])) || s[j] == '_'))
        ++j;
    return QString::fromStdString(s.substr(i, j - i)).toUpper();
}

QList<SqlStatement> splitSqliteStatements(const QString& text, int firstLine)
{
    QList<SqlStatement> out;
    std::string buf = text.toStdString();
    const size_t n = buf.size();

    size_t start = 0;  // start of the pending statement
    int line = firstLine; // line number at `start`
    auto take = [&](size_t end) { // [start, end) is a candidate statement
        const size_t first = skipInsignificant(buf, start);
        if (first < end) {
            int stmtLine = line;
            for (size_t k = start; k < first; ++k)
                if (buf[k] == '\n')
                    ++stmtLine;
            const std::string body = buf.substr(first, end - first);
            // A lone ';' is no statement.
            if (!(body.size() == 1 && body[0] == ';'))
                out.append({QString::fromStdString(body), stmtLine});
        }
        for (size_t k = start; k < end; ++k)
            if (buf[k] == '\n')
                ++line;
        start = end;
    };

    for (size_t i = 0; i < n; ++i) {
        if (buf[i] != ';')
            continue;
        // Ask SQLite whether [start, i] is a complete statement; a ';' inside a string,
        // comment or trigger body is not the end of one.
        const char saved = buf[i + 1 < n ? i + 1 : i];
        if (i + 1 < n)
            buf[i + 1] = '\0';
        const bool complete = sqlite3_complete(buf.c_str() + start) != 0;
        if (i + 1 < n)
            buf[i + 1] = saved;
        if (complete)
            take(i + 1);
    }
    if (start < n)
        take(n);
    return out;
}

} // namespace strata
