#include "shadowdatabase.h"

#include "ddlschema.h"
#include "sqliteschemareader.h"
#include "sqlsplitter.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

#include <QSet>

#include <algorithm>
#include <cstring>

namespace strata {
namespace {

// FNV-1a over the lower-cased UTF-16 units of a word: the key of ShadowDatabase::m_byWord.
constexpr std::size_t kHashStart = 14695981039346656037ull;

inline char16_t lowerUnit(char16_t u)
{
    return u < 0x80 ? (u >= u'A' && u <= u'Z' ? char16_t(u + 32) : u) : QChar(u).toLower().unicode();
}

inline std::size_t hashUnit(std::size_t h, char16_t lower)
{
    return (h ^ lower) * 1099511628211ull;
}

std::size_t wordHash(QStringView word)
{
    std::size_t h = kHashStart;
    for (const QChar c : word)
        h = hashUnit(h, lowerUnit(c.unicode()));
    return h;
}

// SQLite's reserved words: written bare, they never name an object (SQLite's grammar accepts
// only its "fallback" keywords as bare identifiers), so the word index leaves out the common ones.
bool isReservedWord(const QChar* begin, const QChar* end)
{
    const auto n = end - begin;
    if (n < 2 || n > 13)
        return false;
    char w[14];
    for (qsizetype i = 0; i < n; ++i) {
        const char16_t u = begin[i].unicode();
        if (u >= 0x80)
            return false;
        w[i] = char(u >= u'A' && u <= u'Z' ? u + 32 : u);
    }
    auto is = [&](const char* word) { return std::memcmp(w, word, std::size_t(n)) == 0; };
    switch (n) {
    case 2: return is("on") || is("or") || is("in") || is("is") || is("as");
    case 3: return is("not") || is("and") || is("set");
    case 4: return is("null") || is("drop");
    case 5: return is("table") || is("check") || is("index") || is("where") || is("alter");
    case 6: return is("create") || is("unique") || is("delete") || is("update");
    case 7: return is("primary") || is("default") || is("foreign") || is("collate");
    case 10: return is("constraint") || is("references") || is("deferrable");
    case 13: return is("autoincrement");
    default: return false;
    }
}

// Reads SQLite SQL token by token, just enough to name the objects a statement is about:
// identifiers and keywords (bare, "quoted", `quoted` or [quoted]) come out lower-cased and
// unquoted; strings, numbers, symbols and comments are skipped.
class Scanner final
{
public:
    explicit Scanner(const QString& sql, qsizetype from = 0)
        : m_p(sql.constData() + from), m_end(sql.constData() + sql.size())
    {
    }

    // The next identifier or keyword (empty at the end). `quoted` tells a quoted one apart.
    bool next(QString& word, bool* quoted = nullptr)
    {
        switch (advance()) {
        case Token::End:
            word.clear();
            return false;
        case Token::Quoted:
            word = m_quoted.toLower();
            if (quoted)
                *quoted = true;
            return true;
        case Token::Bare:
            break;
        }
        word.resize(m_p - m_begin);
        QChar* out = word.data();
        for (const QChar* c = m_begin; c < m_p; ++c)
            *out++ = QChar(lowerUnit(c->unicode()));
        if (quoted)
            *quoted = false;
        return true;
    }

    // The next word as wordHash() of it, without building it; reserved words written bare are
    // skipped.
    bool nextHash(std::size_t& hash)
    {
        for (;;) {
            switch (advance()) {
            case Token::End:
                return false;
            case Token::Quoted:
                hash = wordHash(m_quoted);
                return true;
            case Token::Bare:
                if (isReservedWord(m_begin, m_p))
                    continue;
                hash = kHashStart;
                for (const QChar* c = m_begin; c < m_p; ++c)
                    hash = hashUnit(hash, lowerUnit(c->unicode()));
                return true;
            }
        }
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
    enum class Token { End, Bare, Quoted };

    // Steps over the next word: a bare one is [m_begin, m_p), a quoted one's text m_quoted.
    Token advance()
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
                m_quoted.clear();
                while (m_p < m_end) {
                    if (*m_p == close) {
                        if (close == u']' || m_p + 1 >= m_end || m_p[1] != close)
                            break;
                        ++m_p; // a doubled quote stands for one
                    }
                    m_quoted += *m_p++;
                }
                if (m_p < m_end)
                    ++m_p;
                return Token::Quoted;
            } else if (isWordChar(c)) {
                m_begin = m_p;
                bool digitsOnly = true;
                while (m_p < m_end && isWordChar(m_p->unicode())) {
                    digitsOnly = digitsOnly && m_p->isDigit();
                    ++m_p;
                }
                if (!digitsOnly)
                    return Token::Bare;
            } else {
                ++m_p;
            }
        }
        return Token::End;
    }

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
    const QChar* m_begin = nullptr;
    QString m_quoted;
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
            if (isKeyword(kind, "index"))
                e.names = Entry::Names::IndexTable;
        } else if (isKeyword(kind, "view")) {
            e.hasDependencies = true;
        } else {
            e.hasDependencies = !s.skipSymbol(u'(') && s.next(word, &quoted) && !quoted &&
                                isKeyword(word, "as");
            if (!e.hasDependencies)
                e.names = Entry::Names::ReferencesTargets;
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
    std::size_t hash = 0;
    for (; m_indexed < m_log.size(); ++m_indexed) {
        const Entry& e = m_log[m_indexed];
        auto add = [this](std::size_t h) {
            QList<int>& entries = m_byWord[h];
            if (entries.isEmpty() || entries.last() != m_indexed)
                entries.append(m_indexed);
        };
        switch (e.names) {
        case Entry::Names::IndexTable:
            add(wordHash(e.other));
            break;
        case Entry::Names::ReferencesTargets:
            // Each REFERENCES and the name after it (one in a string or comment only adds an
            // entry that did not need to be there).
            for (qsizetype at = e.sql.indexOf(QLatin1String("references"), 0, Qt::CaseInsensitive);
                 at >= 0;
                 at = e.sql.indexOf(QLatin1String("references"), at + 10, Qt::CaseInsensitive)) {
                Scanner s(e.sql, at + 10);
                add(wordHash(readName(s)));
            }
            break;
        case Entry::Names::AllWords: {
            Scanner s(e.sql);
            while (s.nextHash(hash))
                add(hash);
            break;
        }
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
        for (const int i : m_byWord.value(wordHash(n)))
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
    // The statements the translator writes are modelled from their text; others run in SQLite.
    QStringList statements;
    statements.reserve(entries.size());
    for (const int i : std::as_const(entries))
        statements << m_log[i].sql;
    if (std::optional<Schema> schema = schemaFromSqliteDdl(statements)) {
        m_cached = std::move(*schema);
        m_cachedName = key;
        m_cachedAt = m_log.size();
        return m_cached;
    }
    try {
        if (!m_db)
            m_db = std::make_unique<SQLite::Database>(":memory:", SQLite::OPEN_READWRITE |
                                                                      SQLite::OPEN_CREATE);
        // The history of those objects in its order, in a transaction rolled back after the
        // read so that the connection is empty again for the next question. A statement that
        // fails (the translation already reported why) is skipped, as on the real database.
        m_db->exec("BEGIN");
        try {
            for (const QString& s : std::as_const(statements)) {
                try {
                    m_db->exec(s.toStdString());
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
