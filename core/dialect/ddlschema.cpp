#include "ddlschema.h"

#include "sqlitecreatetable.h"
#include "sqliteschemareader.h"


#include <algorithm>

namespace strata {
namespace {

using namespace Qt::Literals::StringLiterals;
using Kind = SqlToken::Kind;

bool sameName(const QString& a, const QString& b)
{
    return a.compare(b, Qt::CaseInsensitive) == 0;
}

// One statement's tokens, with the questions the model asks of them.
struct Tokens
{
    explicit Tokens(const QString& text) : sql(text), t(tokenizeSqlite(text)) {}

    int size() const { return int(t.size()); }
    bool word(int i, QLatin1StringView w) const
    {
        return i >= 0 && i < size() && t[i].kind == Kind::Word &&
               QStringView(sql)
                       .mid(t[i].begin, t[i].end - t[i].begin)
                       .compare(w, Qt::CaseInsensitive) == 0;
    }
    bool symbol(int i, char16_t c) const
    {
        return i >= 0 && i < size() && t[i].kind == Kind::Symbol && sql[t[i].begin] == c;
    }
    bool isName(int i) const
    {
        return i >= 0 && i < size() &&
               (t[i].kind == Kind::Word || t[i].kind == Kind::QuotedIdentifier);
    }
    QString name(int i) const { return sqliteTokenName(sql, t[i]); }
    // The text from token `from` to token `to` (inclusive).
    QString text(int from, int to) const
    {
        return sql.mid(t[from].begin, t[to].end - t[from].begin);
    }
    // The index just after the parenthesised group opening at `i`; -1 if unbalanced.
    int skipGroup(int i) const
    {
        int depth = 0;
        for (; i < size(); ++i) {
            if (symbol(i, u'('))
                ++depth;
            else if (symbol(i, u')') && --depth == 0)
                return i + 1;
        }
        return -1;
    }
    // The comma-separated terms of the group from `open` ('(') to `close` (its ')'), each as
    // [begin, end) token indexes, nested groups skipped; nullopt if unbalanced or a term is empty.
    std::optional<QList<std::pair<int, int>>> terms(int open, int close) const
    {
        QList<std::pair<int, int>> out;
        int begin = open + 1;
        for (int k = open + 1; k <= close; ++k) {
            if (symbol(k, u'(')) {
                k = skipGroup(k) - 1;
                if (k < 0)
                    return std::nullopt;
                continue;
            }
            if (!(symbol(k, u',') || k == close))
                continue;
            if (k == begin)
                return std::nullopt;
            out.append({begin, k});
            begin = k + 1;
        }
        return out;
    }
    // The plain names of a "(a, b)" group at `i` (no COLLATE, ASC or DESC); sets `next` after it.
    std::optional<QStringList> nameList(int i, int& next) const
    {
        if (!symbol(i, u'('))
            return std::nullopt;
        QStringList names;
        for (++i; i < size(); i += 2) {
            if (!isName(i))
                return std::nullopt;
            names << name(i);
            if (symbol(i + 1, u')')) {
                next = i + 2;
                return names;
            }
            if (!symbol(i + 1, u','))
                return std::nullopt;
        }
        return std::nullopt;
    }

    const QString& sql;
    QList<SqlToken> t;
};

class Model final
{
public:
    // False when the statement is outside the model.
    bool run(const QString& statement);
    Schema schema() const;

private:
    bool createTable(const Tokens& s);
    bool createIndex(const Tokens& s);
    bool drop(const Tokens& s);
    // Reads a REFERENCES clause at `i` into `fk`; sets `i` after it.
    bool references(const Tokens& s, int& i, int end, ForeignKey& fk) const;
    bool column(const Tokens& s, int begin, int end, Table& table, QList<QStringList>& keys,
                QList<Index::Origin>& origins, int& primaryKeys, bool& rowidKey) const;

    Table* table(const QString& name);
    bool nameInUse(const QString& name) const;

    QList<Table> m_tables;
};

Table* Model::table(const QString& name)
{
    for (Table& t : m_tables)
        if (sameName(t.name, name))
            return &t;
    return nullptr;
}

bool Model::nameInUse(const QString& name) const
{
    for (const Table& t : m_tables) {
        if (sameName(t.name, name))
            return true;
        for (const Index& i : t.indexes)
            if (sameName(i.name, name))
                return true;
    }
    return false;
}

bool Model::run(const QString& statement)
{
    const Tokens s(statement);
    if (s.word(0, "CREATE"_L1)) {
        if (s.word(1, "TABLE"_L1))
            return createTable(s);
        if (s.word(1, "INDEX"_L1) || (s.word(1, "UNIQUE"_L1) && s.word(2, "INDEX"_L1)))
            return createIndex(s);
        return false;
    }
    if (s.word(0, "DROP"_L1))
        return drop(s);
    return false;
}

bool Model::references(const Tokens& s, int& i, int end, ForeignKey& fk) const
{
    // REFERENCES table [(columns)] [ON DELETE|UPDATE action | MATCH name | [NOT] DEFERRABLE …]
    if (!s.isName(i + 1) || s.symbol(i + 2, u'.'))
        return false;
    fk.targetTable = s.name(i + 1);
    fk.onDelete = fk.onUpdate = QStringLiteral("NO ACTION");
    i += 2;
    if (s.symbol(i, u'(')) {
        const auto columns = s.nameList(i, i);
        if (!columns)
            return false;
        fk.targetColumns = *columns;
    }
    while (i < end) {
        if (s.word(i, "ON"_L1)) {
            QString* action = s.word(i + 1, "DELETE"_L1)   ? &fk.onDelete
                              : s.word(i + 1, "UPDATE"_L1) ? &fk.onUpdate
                                                           : nullptr;
            if (!action)
                return false;
            i += 2;
            if (s.word(i, "SET"_L1) && s.word(i + 1, "NULL"_L1)) {
                *action = QStringLiteral("SET NULL");
                i += 2;
            } else if (s.word(i, "SET"_L1) && s.word(i + 1, "DEFAULT"_L1)) {
                *action = QStringLiteral("SET DEFAULT");
                i += 2;
            } else if (s.word(i, "NO"_L1) && s.word(i + 1, "ACTION"_L1)) {
                *action = QStringLiteral("NO ACTION");
                i += 2;
            } else if (s.word(i, "CASCADE"_L1)) {
                *action = QStringLiteral("CASCADE");
                ++i;
            } else if (s.word(i, "RESTRICT"_L1)) {
                *action = QStringLiteral("RESTRICT");
                ++i;
            } else {
                return false;
            }
        } else if (s.word(i, "MATCH"_L1) && s.isName(i + 1)) {
            i += 2;
        } else if (s.word(i, "NOT"_L1) && s.word(i + 1, "DEFERRABLE"_L1)) {
            i += 2;
        } else if (s.word(i, "DEFERRABLE"_L1)) {
            ++i;
        } else if (s.word(i, "INITIALLY"_L1) &&
                   (s.word(i + 1, "DEFERRED"_L1) || s.word(i + 1, "IMMEDIATE"_L1))) {
            i += 2;
        } else {
            break;
        }
    }
    return true;
}

// One column definition, tokens [begin, end).
bool Model::column(const Tokens& s, int begin, int end, Table& table, QList<QStringList>& keys,
                   QList<Index::Origin>& origins, int& primaryKeys, bool& rowidKey) const
{
    static constexpr QLatin1StringView starters[] = {
        "CONSTRAINT"_L1, "PRIMARY"_L1, "NOT"_L1,        "NULL"_L1,      "UNIQUE"_L1, "CHECK"_L1,
        "DEFAULT"_L1,    "COLLATE"_L1, "REFERENCES"_L1, "GENERATED"_L1, "AS"_L1};
    auto startsConstraint = [&s](int i) {
        for (const QLatin1StringView w : starters)
            if (s.word(i, w))
                return true;
        return false;
    };
    if (!s.isName(begin))
        return false;
    Column c;
    c.name = s.name(begin);
    for (const Column& other : std::as_const(table.columns))
        if (sameName(other.name, c.name))
            return false; // SQLite refuses the table
    int i = begin + 1;
    const int typeBegin = i;
    while (i < end && s.isName(i) && !startsConstraint(i))
        ++i;
    if (i > typeBegin && s.symbol(i, u'(')) {
        i = s.skipGroup(i);
        if (i < 0 || i > end)
            return false;
    }
    for (int k = typeBegin; k < i; ++k)
        if (s.t[k].kind == Kind::QuotedIdentifier)
            return false;
    c.declaredType = i > typeBegin ? s.text(typeBegin, i - 1) : QString();
    // SQLite spells the types STRICT tables know in upper case, others as written.
    static const QStringList standardTypes{QStringLiteral("INT"),  QStringLiteral("INTEGER"),
                                           QStringLiteral("REAL"), QStringLiteral("TEXT"),
                                           QStringLiteral("BLOB"), QStringLiteral("ANY")};
    if (standardTypes.contains(c.declaredType, Qt::CaseInsensitive))
        c.declaredType = c.declaredType.toUpper();
    c.affinity = affinityOf(c.declaredType);
    bool autoincrement = false;
    bool primary = false;
    while (i < end) {
        if (s.word(i, "CONSTRAINT"_L1) && s.isName(i + 1)) {
            i += 2;
        } else if (s.word(i, "PRIMARY"_L1) && s.word(i + 1, "KEY"_L1)) {
            i += 2;
            if (s.word(i, "DESC"_L1))
                return false; // INTEGER PRIMARY KEY DESC is not the rowid: left to SQLite
            if (s.word(i, "ASC"_L1))
                ++i;
            primary = true;
        } else if (s.word(i, "AUTOINCREMENT"_L1)) {
            autoincrement = true;
            ++i;
        } else if (s.word(i, "ON"_L1) && s.word(i + 1, "CONFLICT"_L1) && s.isName(i + 2)) {
            i += 3;
        } else if (s.word(i, "NOT"_L1) && s.word(i + 1, "NULL"_L1)) {
            c.notNull = true;
            i += 2;
        } else if (s.word(i, "NULL"_L1)) {
            ++i;
        } else if (s.word(i, "UNIQUE"_L1)) {
            keys << QStringList{c.name};
            origins << Index::Origin::UniqueConstraint;
            ++i;
        } else if (s.word(i, "CHECK"_L1) && s.symbol(i + 1, u'(')) {
            i = s.skipGroup(i + 1);
            if (i < 0 || i > end)
                return false;
        } else if (s.word(i, "DEFAULT"_L1) && i + 1 < end) {
            c.hasDefault = true;
            if (s.symbol(i + 1, u'(')) {
                const int after = s.skipGroup(i + 1);
                if (after < 0 || after > end || after - 1 <= i + 2)
                    return false;
                c.defaultValue = s.text(i + 2, after - 2);
                i = after;
            } else if ((s.symbol(i + 1, u'-') || s.symbol(i + 1, u'+')) && i + 2 < end) {
                c.defaultValue = s.text(i + 1, i + 2);
                i += 3;
            } else {
                c.defaultValue = s.text(i + 1, i + 1);
                i += 2;
            }
        } else if (s.word(i, "COLLATE"_L1) && s.isName(i + 1)) {
            i += 2;
        } else if (s.word(i, "REFERENCES"_L1)) {
            ForeignKey fk;
            fk.columns << c.name;
            if (!references(s, i, end, fk))
                return false;
            table.foreignKeys << fk;
        } else if ((s.word(i, "GENERATED"_L1) && s.word(i + 1, "ALWAYS"_L1) &&
                    s.word(i + 2, "AS"_L1)) ||
                   s.word(i, "AS"_L1)) {
            i += s.word(i, "AS"_L1) ? 1 : 3;
            if (!s.symbol(i, u'('))
                return false;
            i = s.skipGroup(i);
            if (i < 0 || i > end)
                return false;
            c.generated = Column::Generated::Virtual;
            if (s.word(i, "STORED"_L1)) {
                c.generated = Column::Generated::Stored;
                ++i;
            } else if (s.word(i, "VIRTUAL"_L1)) {
                ++i;
            }
        } else {
            return false;
        }
    }
    if (primary) {
        if (++primaryKeys > 1)
            return false;
        c.primaryKeyPosition = 1;
        rowidKey = c.declaredType.compare(QLatin1String("INTEGER"), Qt::CaseInsensitive) == 0;
        if (!rowidKey) {
            keys << QStringList{c.name};
            origins << Index::Origin::PrimaryKey;
        }
    }
    if (autoincrement && !(primary && rowidKey))
        return false;
    table.columns << c;
    return true;
}

bool Model::createTable(const Tokens& s)
{
    int i = 2;
    const bool ifNotExists = s.word(2, "IF"_L1);
    if (ifNotExists) {
        if (!s.word(3, "NOT"_L1) || !s.word(4, "EXISTS"_L1))
            return false;
        i = 5;
    }
    if (!s.isName(i) || !s.symbol(i + 1, u'('))
        return false; // schema-qualified, CREATE TABLE … AS, …
    const int open = i + 1;
    const int after = s.skipGroup(open);
    if (after < 0 || (after < s.size() && !(after == s.size() - 1 && s.symbol(after, u';'))))
        return false; // options after the column list (WITHOUT ROWID, STRICT), or more text
    const int close = after - 1;
    const QString name = s.name(i);
    if (name.startsWith(QLatin1String("sqlite_"), Qt::CaseInsensitive))
        return false;
    if (nameInUse(name))
        return true; // IF NOT EXISTS: nothing to do; without it SQLite refuses: skipped

    Table table;
    table.name = name;
    table.sql = QStringLiteral("CREATE TABLE ") + s.text(i, close);
    // The automatic indexes in the order SQLite makes them while it parses.
    QList<QStringList> keys;
    QList<Index::Origin> origins;
    int primaryKeys = 0;
    bool rowidKey = false;
    QStringList tableKey; // a table-level PRIMARY KEY's columns
    const auto terms = s.terms(open, close);
    if (!terms)
        return false;
    for (const auto& [begin, end] : *terms) {
        int j = begin;
        if (s.word(j, "CONSTRAINT"_L1) && s.isName(j + 1))
            j += 2;
        if (s.word(j, "PRIMARY"_L1) && s.word(j + 1, "KEY"_L1)) {
            const auto columns = s.nameList(j + 2, j);
            if (!columns || ++primaryKeys > 1)
                return false;
            tableKey = *columns;
            keys << tableKey;
            origins << Index::Origin::PrimaryKey;
        } else if (s.word(j, "UNIQUE"_L1)) {
            const auto columns = s.nameList(j + 1, j);
            if (!columns)
                return false;
            keys << *columns;
            origins << Index::Origin::UniqueConstraint;
        } else if (s.word(j, "CHECK"_L1) && s.symbol(j + 1, u'(')) {
            j = s.skipGroup(j + 1);
        } else if (s.word(j, "FOREIGN"_L1) && s.word(j + 1, "KEY"_L1)) {
            ForeignKey fk;
            const auto columns = s.nameList(j + 2, j);
            if (!columns || !s.word(j, "REFERENCES"_L1))
                return false;
            fk.columns = *columns;
            if (!references(s, j, end, fk))
                return false;
            table.foreignKeys << fk;
        } else if (j == begin) {
            if (!column(s, begin, end, table, keys, origins, primaryKeys, rowidKey))
                return false;
            j = end;
        } else {
            return false;
        }
        if (s.word(j, "ON"_L1) && s.word(j + 1, "CONFLICT"_L1))
            j += 3;
        if (j != end)
            return false;
    }
    if (table.columns.isEmpty())
        return false;

    // A table-level key: positions, and whether its single INTEGER column is the rowid.
    for (int p = 0; p < tableKey.size(); ++p) {
        Column* c = nullptr;
        for (Column& col : table.columns)
            if (sameName(col.name, tableKey[p]))
                c = &col;
        if (!c || c->primaryKeyPosition != 0)
            return false;
        c->primaryKeyPosition = p + 1;
        if (tableKey.size() == 1 &&
            c->declaredType.compare(QLatin1String("INTEGER"), Qt::CaseInsensitive) == 0) {
            const qsizetype at = origins.lastIndexOf(Index::Origin::PrimaryKey);
            keys.removeAt(at);
            origins.removeAt(at);
        }
    }
    // The automatic indexes: one per key not covered by an earlier one with the same columns.
    for (int k = 0; k < keys.size(); ++k) {
        QStringList columns;
        for (const QString& key : std::as_const(keys[k])) {
            const Column* c = table.column(key);
            if (!c)
                return false; // SQLite refuses a key on an unknown column
            columns << c->name;
        }
        Index* same = nullptr;
        for (Index& ix : table.indexes)
            if (ix.columns.size() == columns.size() &&
                std::equal(columns.cbegin(), columns.cend(), ix.columns.cbegin(), sameName))
                same = &ix;
        if (same) {
            if (origins[k] == Index::Origin::PrimaryKey)
                same->origin = Index::Origin::PrimaryKey;
            continue;
        }
        Index ix;
        ix.name =
            QStringLiteral("sqlite_autoindex_%1_%2").arg(table.name).arg(table.indexes.size() + 1);
        ix.unique = true;
        ix.origin = origins[k];
        ix.columns = columns;
        table.indexes << ix;
    }
    table.checks = checkConstraintsOf(table.sql);
    m_tables << table;
    return true;
}

bool Model::createIndex(const Tokens& s)
{
    const bool unique = s.word(1, "UNIQUE"_L1);
    int i = unique ? 3 : 2;
    if (s.word(i, "IF"_L1)) {
        if (!s.word(i + 1, "NOT"_L1) || !s.word(i + 2, "EXISTS"_L1))
            return false;
        i += 3;
    }
    const int last = s.size() - 1;
    if (!s.isName(i) || !s.word(i + 1, "ON"_L1) || !s.isName(i + 2) || !s.symbol(i + 3, u'(') ||
        !s.symbol(last, u';'))
        return false;
    const int open = i + 3;
    const int after = s.skipGroup(open);
    if (after < 0 || after > last)
        return false;
    bool partial = false;
    if (after < last) {
        if (!s.word(after, "WHERE"_L1))
            return false;
        partial = true;
        for (int k = after; k < last; ++k)
            if (s.symbol(k, u';'))
                return false;
    }
    const QString name = s.name(i);
    if (name.startsWith(QLatin1String("sqlite_"), Qt::CaseInsensitive))
        return false;
    Table* table = this->table(s.name(i + 2));
    if (!table || nameInUse(name))
        return true; // SQLite refuses it (or IF NOT EXISTS finds it): skipped

    Index ix;
    ix.name = name;
    ix.unique = unique;
    ix.partial = partial;
    ix.sql = (unique ? QStringLiteral("CREATE UNIQUE INDEX ") : QStringLiteral("CREATE INDEX ")) +
             s.sql.mid(s.t[i].begin, s.t[last].begin - s.t[i].begin);
    // Each key term: a column (with its COLLATE / ASC / DESC), or an expression.
    bool expression = false;
    const auto terms = s.terms(open, after - 1);
    if (!terms)
        return false;
    for (auto [begin, end] : *terms) {
        if (s.word(end - 1, "ASC"_L1) || s.word(end - 1, "DESC"_L1))
            --end;
        if (end - begin >= 3 && s.word(end - 2, "COLLATE"_L1) && s.isName(end - 1))
            end -= 2;
        if (end - begin == 1 && s.isName(begin)) {
            const Column* c = table->column(s.name(begin));
            if (!c)
                return true; // no such column: SQLite refuses the index
            ix.columns << c->name;
        } else if (end - begin == 1 && s.t[begin].kind == Kind::String) {
            return false; // a quoted string may stand for a column in SQLite: left to it
        } else {
            expression = true;
        }
    }
    if (expression)
        ix.columns = QStringList{indexKeyList(ix.sql)};
    table->indexes << ix;
    return true;
}

bool Model::drop(const Tokens& s)
{
    const bool isTable = s.word(1, "TABLE"_L1);
    if (!isTable && !s.word(1, "INDEX"_L1))
        return false;
    int i = 2;
    if (s.word(2, "IF"_L1) && s.word(3, "EXISTS"_L1))
        i = 4;
    if (!s.isName(i) || !(i + 1 == s.size() || (i + 2 == s.size() && s.symbol(i + 1, u';'))))
        return false;
    const QString name = s.name(i);
    for (qsizetype t = 0; t < m_tables.size(); ++t) {
        if (isTable) {
            if (sameName(m_tables[t].name, name)) {
                m_tables.removeAt(t);
                return true;
            }
            continue;
        }
        QList<Index>& indexes = m_tables[t].indexes;
        for (qsizetype k = 0; k < indexes.size(); ++k) {
            if (sameName(indexes[k].name, name)) {
                if (indexes[k].origin == Index::Origin::CreateIndex)
                    indexes.removeAt(k);
                return true; // a constraint's index cannot be dropped: SQLite refuses
            }
        }
    }
    return true; // nothing by that name: IF EXISTS, or SQLite refuses
}

Schema Model::schema() const
{
    Schema schema;
    for (const Table& t : m_tables) {
        if (isBookkeepingTable(t.name))
            continue;
        schema.tables << t;
        std::sort(schema.tables.last().indexes.begin(), schema.tables.last().indexes.end(),
                  [](const Index& a, const Index& b) { return a.name < b.name; });
    }
    std::sort(schema.tables.begin(), schema.tables.end(),
              [](const Table& a, const Table& b) { return a.name < b.name; });
    return schema;
}

} // namespace

std::optional<Schema> schemaFromSqliteDdl(const QStringList& statements)
{
    Model model;
    for (const QString& s : statements)
        if (!model.run(s))
            return std::nullopt;
    return model.schema();
}

} // namespace strata
