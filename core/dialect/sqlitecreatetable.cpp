#include "sqlitecreatetable.h"

#include <QSet>

namespace strata {

namespace {

// An Error with only a message: these concern SQL text, not a file position.
Error failure(const QString& message)
{
    return Error{message, {}, 0, 0, {}};
}

bool isWordStart(QChar c)
{
    return c.isLetter() || c == u'_' || c.unicode() >= 0x80;
}

bool isWordChar(QChar c)
{
    return isWordStart(c) || c.isDigit() || c == u'$';
}

// Where whitespace and comments starting at `i` end.
int skipSpace(const QString& s, int i)
{
    const int n = int(s.size());
    while (i < n) {
        if (s[i].isSpace()) {
            ++i;
        } else if (s[i] == u'-' && i + 1 < n && s[i + 1] == u'-') {
            while (i < n && s[i] != u'\n')
                ++i;
        } else if (s[i] == u'/' && i + 1 < n && s[i + 1] == u'*') {
            const int close = int(s.indexOf(QStringLiteral("*/"), i + 2));
            i = close < 0 ? n : close + 2;
        } else {
            break;
        }
    }
    return i;
}

// The end of a quoted run starting at `i` (its opening quote), doubled quotes included.
int quotedEnd(const QString& s, int i, QChar close)
{
    const int n = int(s.size());
    for (int j = i + 1; j < n; ++j) {
        if (s[j] == close) {
            if (close != u']' && j + 1 < n && s[j + 1] == close) {
                ++j;
                continue;
            }
            return j + 1;
        }
    }
    return n;
}

QString upperWord(const QString& sql, const SqlToken& t)
{
    return t.kind == SqlToken::Kind::Word ? sql.mid(t.begin, t.end - t.begin).toUpper() : QString();
}

bool isSymbol(const QString& sql, const SqlToken& t, QChar c)
{
    return t.kind == SqlToken::Kind::Symbol && sql[t.begin] == c;
}

// The index after the parenthesised group that opens at token `i`.
int skipGroup(const QString& sql, const QList<SqlToken>& tokens, int i)
{
    int depth = 0;
    for (; i < tokens.size(); ++i) {
        if (isSymbol(sql, tokens[i], u'('))
            ++depth;
        else if (isSymbol(sql, tokens[i], u')') && --depth == 0)
            return i + 1;
    }
    return int(tokens.size());
}

const QSet<QString>& constraintStarters()
{
    static const QSet<QString> words{
        QStringLiteral("CONSTRAINT"), QStringLiteral("PRIMARY"), QStringLiteral("NOT"),
        QStringLiteral("NULL"), QStringLiteral("UNIQUE"), QStringLiteral("CHECK"),
        QStringLiteral("DEFAULT"), QStringLiteral("COLLATE"), QStringLiteral("REFERENCES"),
        QStringLiteral("GENERATED"), QStringLiteral("AS")};
    return words;
}

const QSet<QString>& tableConstraintStarters()
{
    static const QSet<QString> words{QStringLiteral("CONSTRAINT"), QStringLiteral("PRIMARY"),
                                     QStringLiteral("UNIQUE"), QStringLiteral("CHECK"),
                                     QStringLiteral("FOREIGN")};
    return words;
}

} // namespace

QList<SqlToken> tokenizeSqlite(const QString& s)
{
    QList<SqlToken> tokens;
    const int n = int(s.size());
    int i = skipSpace(s, 0);
    while (i < n) {
        SqlToken t;
        t.begin = i;
        const QChar c = s[i];
        if ((c == u'x' || c == u'X') && i + 1 < n && s[i + 1] == u'\'') {
            t.kind = SqlToken::Kind::String;
            t.end = quotedEnd(s, i + 1, u'\'');
        } else if (c == u'\'') {
            t.kind = SqlToken::Kind::String;
            t.end = quotedEnd(s, i, u'\'');
        } else if (c == u'"' || c == u'`') {
            t.kind = SqlToken::Kind::QuotedIdentifier;
            t.end = quotedEnd(s, i, c);
        } else if (c == u'[') {
            t.kind = SqlToken::Kind::QuotedIdentifier;
            t.end = quotedEnd(s, i, u']');
        } else if (c.isDigit() || (c == u'.' && i + 1 < n && s[i + 1].isDigit())) {
            t.kind = SqlToken::Kind::Number;
            int j = i + 1;
            while (j < n && (s[j].isLetterOrNumber() || s[j] == u'.' || s[j] == u'_'
                             || ((s[j] == u'+' || s[j] == u'-')
                                 && (s[j - 1] == u'e' || s[j - 1] == u'E'))))
                ++j;
            t.end = j;
        } else if (isWordStart(c)) {
            t.kind = SqlToken::Kind::Word;
            int j = i + 1;
            while (j < n && isWordChar(s[j]))
                ++j;
            t.end = j;
        } else {
            t.kind = SqlToken::Kind::Symbol;
            t.end = i + 1;
        }
        tokens.append(t);
        i = skipSpace(s, t.end);
    }
    return tokens;
}

QString sqliteTokenName(const QString& sql, const SqlToken& t)
{
    const QString text = sql.mid(t.begin, t.end - t.begin);
    switch (t.kind) {
    case SqlToken::Kind::Word:
        return text;
    case SqlToken::Kind::QuotedIdentifier:
    case SqlToken::Kind::String: {
        if (text.size() < 2 || text.startsWith(u'x') || text.startsWith(u'X'))
            return text;
        const QChar open = text[0];
        const QString inner = text.mid(1, text.size() - 2);
        if (open == u'[')
            return inner;
        return QString(inner).replace(QString(2, open), QString(open));
    }
    default:
        return QString();
    }
}

QString quoteSqliteIdentifier(const QString& name)
{
    return u'"' + QString(name).replace(u'"', QStringLiteral("\"\"")) + u'"';
}

QString quoteSqliteString(const QString& text)
{
    return u'\'' + QString(text).replace(u'\'', QStringLiteral("''")) + u'\'';
}

bool sqlMentionsIdentifier(const QString& sql, const QString& name, bool insideParenthesesOnly)
{
    const QList<SqlToken> tokens = tokenizeSqlite(sql);
    int depth = 0;
    for (int i = 0; i < tokens.size(); ++i) {
        const SqlToken& t = tokens[i];
        if (isSymbol(sql, t, u'(')) {
            ++depth;
            continue;
        }
        if (isSymbol(sql, t, u')')) {
            --depth;
            continue;
        }
        if (insideParenthesesOnly && upperWord(sql, t) == QLatin1String("REFERENCES"))
            return false;
        if (t.kind != SqlToken::Kind::Word && t.kind != SqlToken::Kind::QuotedIdentifier)
            continue;
        if (insideParenthesesOnly && depth == 0)
            continue;
        const bool call = i + 1 < tokens.size() && isSymbol(sql, tokens[i + 1], u'(')
                          && t.kind == SqlToken::Kind::Word;
        if (!call && sqliteTokenName(sql, t).compare(name, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

// ---- ColumnDefinition ----

ColumnDefinition::ColumnDefinition(const QString& text) : m_text(text)
{
    parse();
}

void ColumnDefinition::parse()
{
    m_constraints.clear();
    const QList<SqlToken> tokens = tokenizeSqlite(m_text);
    if (tokens.isEmpty()) {
        m_name.clear();
        m_typeBegin = m_typeEnd = 0;
        return;
    }
    m_name = sqliteTokenName(m_text, tokens[0]);
    int i = 1;
    m_typeBegin = m_typeEnd = tokens[0].end;
    // The type: names that start no constraint, then an optional "(n[, m])".
    while (i < tokens.size()
           && (tokens[i].kind == SqlToken::Kind::Word
               || tokens[i].kind == SqlToken::Kind::QuotedIdentifier)
           && !constraintStarters().contains(upperWord(m_text, tokens[i]))) {
        if (m_typeBegin == tokens[0].end)
            m_typeBegin = tokens[i].begin;
        m_typeEnd = tokens[i].end;
        ++i;
    }
    if (m_typeBegin != tokens[0].end && i < tokens.size() && isSymbol(m_text, tokens[i], u'(')) {
        i = skipGroup(m_text, tokens, i);
        m_typeEnd = tokens[i - 1].end;
    }
    while (i < tokens.size()) {
        Constraint c;
        c.begin = tokens[i].begin;
        if (upperWord(m_text, tokens[i]) == QLatin1String("CONSTRAINT") && i + 1 < tokens.size()) {
            c.name = sqliteTokenName(m_text, tokens[i + 1]);
            i += 2;
            if (i >= tokens.size())
                break;
        }
        c.kind = upperWord(m_text, tokens[i]);
        // The fixed words of each kind; then anything up to the next constraint's first word.
        int fixed = 1;
        if (c.kind == QLatin1String("NOT") || c.kind == QLatin1String("COLLATE"))
            fixed = 2;
        else if (c.kind == QLatin1String("GENERATED"))
            fixed = 3;
        else if (c.kind == QLatin1String("DEFAULT")) {
            int j = i + 1;
            if (j < tokens.size() && isSymbol(m_text, tokens[j], u'('))
                j = skipGroup(m_text, tokens, j);
            else {
                if (j < tokens.size() && (isSymbol(m_text, tokens[j], u'-')
                                          || isSymbol(m_text, tokens[j], u'+')))
                    ++j;
                ++j;
            }
            fixed = j - i;
        }
        i = std::min(int(tokens.size()), i + fixed);
        while (i < tokens.size()) {
            const QString word = upperWord(m_text, tokens[i]);
            if (isSymbol(m_text, tokens[i], u'(')) {
                i = skipGroup(m_text, tokens, i);
                continue;
            }
            if (c.kind != QLatin1String("DEFAULT") && constraintStarters().contains(word)) {
                const QString previous = upperWord(m_text, tokens[i - 1]);
                const bool partOfReference =
                    c.kind == QLatin1String("REFERENCES")
                    && ((word == QLatin1String("NOT") && i + 1 < tokens.size()
                         && upperWord(m_text, tokens[i + 1]) == QLatin1String("DEFERRABLE"))
                        || ((word == QLatin1String("NULL") || word == QLatin1String("DEFAULT"))
                            && previous == QLatin1String("SET")));
                if (!partOfReference)
                    break;
            } else if (c.kind == QLatin1String("DEFAULT") && !word.isEmpty()
                       && constraintStarters().contains(word)) {
                break;
            }
            ++i;
        }
        c.end = tokens[i - 1].end;
        m_constraints.append(c);
    }
}

bool ColumnDefinition::isGenerated() const
{
    return hasConstraint(QStringLiteral("GENERATED")) || hasConstraint(QStringLiteral("AS"));
}

bool ColumnDefinition::hasConstraint(const QString& kind) const
{
    for (const Constraint& c : m_constraints)
        if (c.kind == kind)
            return true;
    return false;
}

void ColumnDefinition::removeRange(int begin, int end)
{
    while (begin > 0 && m_text[begin - 1].isSpace())
        --begin;
    m_text.remove(begin, end - begin);
    parse();
}

void ColumnDefinition::setType(const QString& type)
{
    const int nameEnd = tokenizeSqlite(m_text).value(0).end;
    if (m_typeBegin == nameEnd && m_typeEnd == nameEnd) {
        if (!type.isEmpty())
            m_text.insert(nameEnd, u' ' + type);
    } else if (type.isEmpty()) {
        removeRange(m_typeBegin, m_typeEnd);
        return;
    } else {
        m_text.replace(m_typeBegin, m_typeEnd - m_typeBegin, type);
    }
    parse();
}

void ColumnDefinition::setNotNull(bool notNull)
{
    if (notNull) {
        if (!hasConstraint(QStringLiteral("NOT"))) {
            m_text += QStringLiteral(" NOT NULL");
            parse();
        }
        return;
    }
    for (int k = int(m_constraints.size()) - 1; k >= 0; --k)
        if (m_constraints[k].kind == QLatin1String("NOT"))
            removeRange(m_constraints[k].begin, m_constraints[k].end);
}

void ColumnDefinition::setDefault(const std::optional<QString>& defaultSql)
{
    for (int k = int(m_constraints.size()) - 1; k >= 0; --k) {
        const Constraint c = m_constraints[k];
        if (c.kind != QLatin1String("DEFAULT"))
            continue;
        if (defaultSql) {
            const QString named = c.name.isEmpty()
                                      ? QString()
                                      : QStringLiteral("CONSTRAINT %1 ").arg(quoteSqliteIdentifier(c.name));
            m_text.replace(c.begin, c.end - c.begin, named + QStringLiteral("DEFAULT ") + *defaultSql);
            parse();
            return;
        }
        removeRange(c.begin, c.end);
    }
    if (defaultSql) {
        m_text += QStringLiteral(" DEFAULT ") + *defaultSql;
        parse();
    }
}

bool ColumnDefinition::removeConstraintNamed(const QString& name)
{
    for (const Constraint& c : std::as_const(m_constraints)) {
        if (c.name.compare(name, Qt::CaseInsensitive) == 0) {
            removeRange(c.begin, c.end);
            return true;
        }
    }
    return false;
}

// ---- CreateTableText ----

Result<CreateTableText> CreateTableText::parse(const QString& sql)
{
    const QList<SqlToken> tokens = tokenizeSqlite(sql);
    int open = -1;
    for (int i = 0; i < tokens.size(); ++i) {
        if (isSymbol(sql, tokens[i], u'(')) {
            open = i;
            break;
        }
    }
    if (open < 0 || upperWord(sql, tokens.value(0)) != QLatin1String("CREATE"))
        return failure(QStringLiteral("Not a CREATE TABLE statement with a column list: %1").arg(sql));
    const int close = skipGroup(sql, tokens, open) - 1;
    if (close <= open || !isSymbol(sql, tokens[close], u')'))
        return failure(QStringLiteral("Unbalanced parentheses in: %1").arg(sql));

    CreateTableText table;
    table.m_head = sql.left(tokens[open].end);
    table.m_options = sql.mid(tokens[close].end);
    // Elements between top-level commas; each keeps the text before its first token as its lead.
    int depth = 0;
    int first = open + 1;
    int leadBegin = tokens[open].end;
    for (int i = open + 1; i <= close; ++i) {
        const bool comma = isSymbol(sql, tokens[i], u',');
        if (isSymbol(sql, tokens[i], u'('))
            ++depth;
        else if (isSymbol(sql, tokens[i], u')') && i != close)
            --depth;
        if (!(depth == 0 && (comma || i == close)))
            continue;
        if (i == first)
            return failure(QStringLiteral("Empty element in the column list of: %1").arg(sql));
        Element e;
        e.lead = sql.mid(leadBegin, tokens[first].begin - leadBegin);
        e.text = sql.mid(tokens[first].begin, tokens[i - 1].end - tokens[first].begin);
        if (comma)
            e.trail = sql.mid(tokens[i - 1].end, tokens[i].begin - tokens[i - 1].end);
        const QString word = upperWord(sql, tokens[first]);
        e.isColumn = !tableConstraintStarters().contains(word);
        if (e.isColumn)
            e.name = sqliteTokenName(sql, tokens[first]);
        else if (word == QLatin1String("CONSTRAINT") && first + 1 < i)
            e.name = sqliteTokenName(sql, tokens[first + 1]);
        table.m_elements.append(e);
        leadBegin = tokens[i - 1].end;
        if (comma)
            leadBegin = tokens[i].end;
        if (i == close)
            table.m_closingLead = sql.mid(tokens[i - 1].end, tokens[close].begin - tokens[i - 1].end);
        first = i + 1;
    }
    return table;
}

int CreateTableText::columnIndex(const QString& name) const
{
    for (int i = 0; i < m_elements.size(); ++i)
        if (m_elements[i].isColumn && m_elements[i].name.compare(name, Qt::CaseInsensitive) == 0)
            return i;
    return -1;
}

CreateTableText::Element CreateTableText::newElement(const QString& text, bool isColumn) const
{
    Element e;
    // The layout of the last element: on a line of its own if that one was.
    e.lead = m_elements.isEmpty() ? QString() : m_elements.last().lead;
    if (!e.lead.trimmed().isEmpty() || e.lead.isEmpty())
        e.lead = QStringLiteral(" ");
    e.lead = e.lead.contains(u'\n') ? e.lead.mid(e.lead.lastIndexOf(u'\n')) : e.lead;
    e.text = text.trimmed();
    e.isColumn = isColumn;
    const QList<SqlToken> tokens = tokenizeSqlite(e.text);
    if (!tokens.isEmpty()) {
        if (isColumn)
            e.name = sqliteTokenName(e.text, tokens[0]);
        else if (upperWord(e.text, tokens[0]) == QLatin1String("CONSTRAINT") && tokens.size() > 1)
            e.name = sqliteTokenName(e.text, tokens[1]);
    }
    return e;
}

void CreateTableText::addColumn(const QString& definition)
{
    int at = 0;
    for (int i = 0; i < m_elements.size(); ++i)
        if (m_elements[i].isColumn)
            at = i + 1;
    m_elements.insert(at, newElement(definition, true));
}

void CreateTableText::addConstraint(const QString& constraint)
{
    m_elements.append(newElement(constraint, false));
}

bool CreateTableText::withoutRowid() const
{
    const QList<SqlToken> tokens = tokenizeSqlite(m_options);
    for (int i = 0; i + 1 < tokens.size(); ++i)
        if (upperWord(m_options, tokens[i]) == QLatin1String("WITHOUT")
            && upperWord(m_options, tokens[i + 1]) == QLatin1String("ROWID"))
            return true;
    return false;
}

QString CreateTableText::toSql() const
{
    QString sql = m_head;
    for (int i = 0; i < m_elements.size(); ++i) {
        if (i > 0)
            sql += u',';
        sql += m_elements[i].lead + m_elements[i].text;
        if (i + 1 < m_elements.size())
            sql += m_elements[i].trail;
    }
    return sql + m_closingLead + u')' + m_options;
}

} // namespace strata
