#include "schema.h"

namespace strata {
namespace {

template <typename T>
const T* findByName(const QList<T>& list, const QString& name)
{
    for (const T& item : list)
        if (item.name.compare(name, Qt::CaseInsensitive) == 0)
            return &item;
    return nullptr;
}

// Index just past the string, quoted name or comment that starts at `i`, or `i` itself.
qsizetype skipQuotedOrComment(const QString& s, qsizetype i)
{
    const QChar c = s[i];
    if (c == QLatin1Char('\'') || c == QLatin1Char('"') || c == QLatin1Char('`') ||
        c == QLatin1Char('[')) {
        const QChar close = c == QLatin1Char('[') ? QLatin1Char(']') : c;
        qsizetype j = i + 1;
        while (j < s.size()) {
            if (s[j] == close) {
                if (close != QLatin1Char(']') && j + 1 < s.size() && s[j + 1] == close) {
                    j += 2; // doubled quote
                    continue;
                }
                return j + 1;
            }
            ++j;
        }
        return s.size();
    }
    if (c == QLatin1Char('-') && i + 1 < s.size() && s[i + 1] == QLatin1Char('-')) {
        const qsizetype end = s.indexOf(QLatin1Char('\n'), i);
        return end < 0 ? s.size() : end + 1;
    }
    if (c == QLatin1Char('/') && i + 1 < s.size() && s[i + 1] == QLatin1Char('*')) {
        const qsizetype end = s.indexOf(QLatin1String("*/"), i + 2);
        return end < 0 ? s.size() : end + 2;
    }
    return i;
}

bool isWordChar(QChar c)
{
    return c.isLetterOrNumber() || c == QLatin1Char('_');
}

} // namespace

const Column* Table::column(const QString& columnName) const
{
    return findByName(columns, columnName);
}

QStringList Table::primaryKey() const
{
    QList<const Column*> pk;
    for (const Column& c : columns)
        if (c.primaryKeyPosition > 0)
            pk << &c;
    std::sort(pk.begin(), pk.end(), [](const Column* a, const Column* b) {
        return a->primaryKeyPosition < b->primaryKeyPosition;
    });
    QStringList names;
    for (const Column* c : pk)
        names << c->name;
    return names;
}

const Table* Schema::table(const QString& name) const { return findByName(tables, name); }
const View* Schema::view(const QString& name) const { return findByName(views, name); }
const Trigger* Schema::trigger(const QString& name) const { return findByName(triggers, name); }
const EnumType* Schema::enumType(const QString& name) const { return findByName(enums, name); }
const Sequence* Schema::sequence(const QString& name) const { return findByName(sequences, name); }

QString displayType(const Column& c)
{
    if (c.serial) {
        if (c.declaredType == QLatin1String("bigint"))
            return QStringLiteral("bigserial");
        if (c.declaredType == QLatin1String("smallint"))
            return QStringLiteral("smallserial");
        if (c.declaredType == QLatin1String("integer"))
            return QStringLiteral("serial");
    }
    const QString type = c.declaredType.isEmpty() ? c.affinity.toLower() : c.declaredType;
    if (c.identity != Column::Identity::None)
        return type + QStringLiteral(" identity");
    return type;
}

QStringList checkConstraintsOf(const QString& sql)
{
    QStringList out;
    qsizetype i = 0;
    const qsizetype n = sql.size();
    while (i < n) {
        const qsizetype skipped = skipQuotedOrComment(sql, i);
        if (skipped != i) {
            i = skipped;
            continue;
        }
        const bool wordStart = (i == 0 || !isWordChar(sql[i - 1]));
        if (wordStart && sql.mid(i, 5).compare(QLatin1String("CHECK"), Qt::CaseInsensitive) == 0 &&
            (i + 5 >= n || !isWordChar(sql[i + 5]))) {
            qsizetype j = i + 5;
            while (j < n && sql[j].isSpace())
                ++j;
            if (j < n && sql[j] == QLatin1Char('(')) {
                int depth = 0;
                const qsizetype open = j;
                while (j < n) {
                    const qsizetype k = skipQuotedOrComment(sql, j);
                    if (k != j) {
                        j = k;
                        continue;
                    }
                    if (sql[j] == QLatin1Char('('))
                        ++depth;
                    else if (sql[j] == QLatin1Char(')') && --depth == 0)
                        break;
                    ++j;
                }
                out << sql.mid(open + 1, j - open - 1).trimmed();
                i = j + 1;
                continue;
            }
        }
        ++i;
    }
    return out;
}

} // namespace strata
