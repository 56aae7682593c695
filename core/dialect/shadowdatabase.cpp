#include "shadowdatabase.h"

#include "sqliteschemareader.h"
#include "sqlsplitter.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

#include <QSet>

#include <algorithm>

namespace strata {
namespace {

// Reads SQLite SQL token by token, just enough to name the objects a statement is about:
// identifiers (bare, "quoted", `quoted` or [quoted]) come out lower-cased and unquoted,
// keywords upper-cased; strings, numbers, symbols and comments are skipped.
class Scanner final
{
public:
    explicit Scanner(const QString& sql) : m_p(sql.constData()), m_end(sql.constData() + sql.size()) {}

    // The next identifier or keyword (empty at the end). `quoted` tells a quoted one apart.
    bool next(QString& word, bool* quoted = nullptr)
    {
        while (m_p < m_end) {
            const char16_t c = m_p->unicode();
            if (c == u' ' || c == u'\n' || c == u'\t' || c == u'\r' || c == u'\f') {
                ++m_p;
            } else if (c == u'-' && m_p + 1 < m_end && m_p[1] == u'-') {
                while (m_p < m_end && *m_p != u'\n')
                    ++m_p;
            } else if (c == u'/' && m_p + 1 < m_end && m_p[1] == u'*') {
                m_p += 2;
                while (m_p + 1 < m_end && !(m_p[0] == u'*' && m_p[1] == u'/'))
                    ++m_p;
                m_p = std::min(m_p + 2, m_end);
            } else if (c == u'\'') {
                skipQuoted(u'\'');
            } else if (c == u'"' || c == u'`' || c == u'[') {
                const char16_t close = c == u'[' ? u']' : c;
                ++m_p;
                word.clear();
                while (m_p < m_end) {
                    if (*m_p == close) {
                        if (close == u']' || m_p + 1 >= m_end || m_p[1] != close)
                            break;
                        ++m_p; // a doubled quote stands for one
                    }
                    word += *m_p++;
                }
                if (m_p < m_end)
                    ++m_p;
                word = word.toLower();
                if (quoted)
                    *quoted = true;
                return true;
            } else if (isWordChar(c)) {
                const QChar* begin = m_p;
                bool digitsOnly = true;
                while (m_p < m_end && isWordChar(m_p->unicode())) {
                    digitsOnly = digitsOnly && m_p->isDigit();
                    ++m_p;
                }
                if (digitsOnly)
                    continue;
                word.resize(m_p - begin);
                QChar* out = word.data();
                for (const QChar* c = begin; c < m_p; ++c) {
                    const char16_t u = c->unicode();
                    *out++ = u < 0x80 ? QChar(u >= u'A' && u <= u'Z' ? u + 32 : u) : c->toLower();
                }
                if (quoted)
                    *quoted = false;
                return true;
            } else {
                ++m_p;
            }
        }
        word.clear();
        return false;
    }

    // Whether the next token is the character `c` (and then steps over it).
    bool skipSymbol(char16_t c)
    {
        while (m_p < m_end && m_p->isSpace())
            ++m_p;
        if (m_p < m_end && *m_p == c) {
            ++m_p;
            return true;
        }
        return false;
    }

private:
    static bool isWordChar(char16_t c)
    {
        return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9') ||
               c == u'_' || c == u'$' || c >= 0x80;
    }
    void skipQuoted(char16_t quote)
    {
        ++m_p;
        while (m_p < m_end) {
            if (*m_p == quote) {
                if (m_p + 1 < m_end && m_p[1] == quote) {
                    m_p += 2;
                    continue;
                }
                ++m_p;
                return;
            }
            ++m_p;
        }
    }

    const QChar* m_p;
    const QChar* m_end;
};

// A possibly schema-qualified name ("main.t" → "t").
QString readName(Scanner& s)
{
    QString name;
    s.next(name);
    if (s.skipSymbol(u'.'))
        s.next(name);
    return name;
}

bool isKeyword(const QString& word, const char* keyword)
{
    return word == QLatin1String(keyword);
}

} // namespace

ShadowDatabase::ShadowDatabase() = default;

ShadowDatabase::~ShadowDatabase() = default;

void ShadowDatabase::enqueue(const QStringList& statements)
{
    for (const QString& s : statements)
        log(s);
}

void ShadowDatabase::enqueue(const QString& statement)
{
    // Several statements in one text (a schema dump) are split; one is logged as it is.
    const qsizetype semicolon = statement.indexOf(QLatin1Char(';'));
    if (semicolon >= 0 && semicolon < statement.size() - 1 &&
        !statement.mid(semicolon + 1).trimmed().isEmpty()) {
        for (const SqlStatement& s : splitSqliteStatements(statement))
            log(s.sql);
        return;
    }
    log(statement);
}

void ShadowDatabase::log(const QString& statement)
{
    if (statement.startsWith(QLatin1String("--")))
        return;
    Scanner s(statement);
    QString verb;
    if (!s.next(verb))
        return;
    Entry e;
    QString word;
    if (isKeyword(verb, "create")) {
        s.next(word);
        while (isKeyword(word, "temp") || isKeyword(word, "temporary") ||
               isKeyword(word, "unique") || isKeyword(word, "virtual"))
            s.next(word);
        const QString kind = word;
        if (!isKeyword(kind, "table") && !isKeyword(kind, "index") && !isKeyword(kind, "view") &&
            !isKeyword(kind, "trigger"))
            return;
        e.ofTable = isKeyword(kind, "table");
        bool quoted = false;
        s.next(word, &quoted);
        if (!quoted && isKeyword(word, "if")) { // IF NOT EXISTS
            s.next(word);
            s.next(word, &quoted);
        }
        e.subject = word;
        if (s.skipSymbol(u'.'))
            s.next(e.subject);
        if (isKeyword(kind, "index") || isKeyword(kind, "trigger")) {
            while (s.next(word, &quoted) && !(isKeyword(word, "on") && !quoted)) {
            }
            e.other = readName(s);
            e.hasDependencies = isKeyword(kind, "trigger");
        } else if (isKeyword(kind, "view")) {
            e.hasDependencies = true;
        } else {
            e.hasDependencies = !s.skipSymbol(u'(') && s.next(word, &quoted) && !quoted &&
                                isKeyword(word, "as");
        }
    } else if (isKeyword(verb, "drop")) {
        s.next(word);
        if (!isKeyword(word, "table") && !isKeyword(word, "index") && !isKeyword(word, "view") &&
            !isKeyword(word, "trigger"))
            return;
        const bool table = isKeyword(word, "table");
        bool quoted = false;
        s.next(word, &quoted);
        if (!quoted && isKeyword(word, "if")) { // IF EXISTS
            s.next(word);
            s.next(word, &quoted);
        }
        e.subject = word;
        if (s.skipSymbol(u'.'))
            s.next(e.subject);
        if (table && !e.subject.isEmpty() && forget(e.subject))
            return;
    } else if (isKeyword(verb, "alter")) {
        s.next(word);
        if (!isKeyword(word, "table"))
            return;
        e.ofTable = true;
        e.subject = readName(s);
        e.renames = s.next(word) && isKeyword(word, "rename");
        if (e.renames && s.next(word) && isKeyword(word, "to"))
            e.other = readName(s);
    } else {
        return; // DML, PRAGMA, transaction control: no schema change
    }
    if (e.subject.isEmpty())
        return;
    e.sql = statement;
    const int at = int(m_log.size());
    m_bySubject[e.subject].append(at);
    const bool rename = isKeyword(verb, "alter") && !e.other.isEmpty();
    if (rename)
        m_bySubject[e.other].append(at);
    for (const QString& name : {e.subject, rename ? e.other : QString()})
        if (name.contains(QLatin1String("strata")) && !m_reserved.contains(name))
            m_reserved.append(name);
    m_log.append(std::move(e));
}

bool ShadowDatabase::forget(const QString& table)
{
    QList<int>& entries = m_bySubject[table];
    for (const int i : std::as_const(entries))
        if (m_log[i].renames || !m_log[i].ofTable)
            return false;
    // The table and, with it, its indexes and triggers are gone: replaying their history would
    // build them only to drop them. (An index of the table stays logged: replayed, it fails.)
    for (const int i : std::as_const(entries))
        m_log[i].dead = true;
    entries.clear();
    return true;
}

void ShadowDatabase::indexWords()
{
    QString word;
    for (; m_indexed < m_log.size(); ++m_indexed) {
        Scanner s(m_log[m_indexed].sql);
        while (s.next(word)) {
            QList<int>& entries = m_byWord[qHash(word)];
            if (entries.isEmpty() || entries.last() != m_indexed)
                entries.append(m_indexed);
        }
    }
}

void ShadowDatabase::gather(const QString& name, QSet<QString>& names)
{
    QStringList pending{name};
    // A rebuild picks scratch names that no object uses: every such name must be seen.
    pending << m_reserved;
    QString word;
    while (!pending.isEmpty()) {
        const QString n = pending.takeLast();
        if (names.contains(n))
            continue;
        names.insert(n);
        for (const int i : m_bySubject.value(n)) {
            const Entry& e = m_log[i];
            if (!e.other.isEmpty())
                pending << e.other << e.subject;
            if (e.hasDependencies) {
                Scanner s(e.sql);
                while (s.next(word))
                    if (m_bySubject.contains(word) && !names.contains(word))
                        pending << word;
            }
        }
        for (const int i : m_byWord.value(qHash(n)))
            if (!m_log[i].dead && !names.contains(m_log[i].subject))
                pending << m_log[i].subject;
    }
}

Result<Schema> ShadowDatabase::schemaFor(const QString& name)
{
    const QString key = name.toLower();
    if (key == m_cachedName && m_cachedAt == m_log.size())
        return m_cached;
    indexWords();
    QSet<QString> names;
    gather(key, names);
    QList<int> entries;
    for (const QString& n : std::as_const(names))
        entries << m_bySubject.value(n);
    std::sort(entries.begin(), entries.end());
    entries.erase(std::unique(entries.begin(), entries.end()), entries.end());
    try {
        if (!m_db)
            m_db = std::make_unique<SQLite::Database>(":memory:", SQLite::OPEN_READWRITE |
                                                                      SQLite::OPEN_CREATE);
        // The history of those objects in its order, in a transaction rolled back after the
        // read so that the connection is empty again for the next question. A statement that
        // fails (the translation already reported why) is skipped, as on the real database.
        m_db->exec("BEGIN");
        try {
            for (const int i : std::as_const(entries)) {
                try {
                    m_db->exec(m_log[i].sql.toStdString());
                } catch (const SQLite::Exception&) {
                }
            }
            SqliteSchemaReader reader(*m_db); // before ROLLBACK
            m_cached = reader.read();
        } catch (const SQLite::Exception&) {
            m_db->exec("ROLLBACK");
            throw;
        }
        m_db->exec("ROLLBACK");
    } catch (const SQLite::Exception& e) {
        m_cachedAt = -1;
        return Error{QStringLiteral("cannot read the translator's schema: ") +
                         QString::fromUtf8(e.what()),
                     {}, 0, 0, {}};
    }
    m_cachedName = key;
    m_cachedAt = m_log.size();
    return m_cached;
}

Status ShadowDatabase::seedFrom(const QString& databasePath)
{
    try {
        SQLite::Database source(databasePath.toStdString(), SQLite::OPEN_READONLY);
        // Tables first, then indexes, views and triggers, in the order they were made.
        SQLite::Statement q(source,
                            "SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE "
                            "'sqlite_%' ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 "
                            "WHEN 'view' THEN 2 ELSE 3 END, rowid");
        while (q.executeStep())
            log(QString::fromUtf8(q.getColumn(0).getText()) + QLatin1Char(';'));
    } catch (const SQLite::Exception& e) {
        return Error{QStringLiteral("cannot read the schema: ") + QString::fromUtf8(e.what()),
                     databasePath, 0, 0, {}};
    }
    return success();
}

} // namespace strata
