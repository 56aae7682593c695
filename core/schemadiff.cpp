#include "schemadiff.h"

#include <QHash>
#include <QSet>

namespace strata {
namespace {

template <typename T, typename Key>
QStringList namesOnlyIn(const QList<T>& a, const QList<T>& b, Key key)
{
    QSet<QString> inB;
    for (const T& x : b)
        inB.insert(key(x).toLower());
    QStringList out;
    for (const T& x : a)
        if (!inB.contains(key(x).toLower()))
            out << key(x);
    return out;
}

TableDiff diffTable(const Table& a, const Table& b)
{
    TableDiff d;
    d.table = b.name;
    d.before = a.sql;
    d.after = b.sql;
    auto colName = [](const Column& c) { return c.name; };
    d.addedColumns = namesOnlyIn(b.columns, a.columns, colName);
    d.removedColumns = namesOnlyIn(a.columns, b.columns, colName);
    for (const Column& c : b.columns)
        if (const Column* old = a.column(c.name); old && !(*old == c))
            d.changedColumns << c.name;
    for (const ForeignKey& fk : b.foreignKeys)
        if (!a.foreignKeys.contains(fk))
            d.addedForeignKeys << fk;
    for (const ForeignKey& fk : a.foreignKeys)
        if (!b.foreignKeys.contains(fk))
            d.removedForeignKeys << fk;
    auto ixName = [](const Index& i) { return i.name; };
    d.addedIndexes = namesOnlyIn(b.indexes, a.indexes, ixName);
    d.removedIndexes = namesOnlyIn(a.indexes, b.indexes, ixName);
    for (const Index& ix : b.indexes)
        for (const Index& old : a.indexes)
            if (old.name.compare(ix.name, Qt::CaseInsensitive) == 0 && !(old == ix))
                d.changedIndexes << ix.name;
    for (const QString& c : b.checks)
        if (!a.checks.contains(c))
            d.addedChecks << c;
    for (const QString& c : a.checks)
        if (!b.checks.contains(c))
            d.removedChecks << c;
    return d;
}

bool tableDiffIsEmpty(const TableDiff& d, const Table& a, const Table& b)
{
    return d.addedColumns.isEmpty() && d.removedColumns.isEmpty() && d.changedColumns.isEmpty() &&
           d.addedForeignKeys.isEmpty() && d.removedForeignKeys.isEmpty() &&
           d.addedIndexes.isEmpty() && d.removedIndexes.isEmpty() && d.changedIndexes.isEmpty() &&
           d.addedChecks.isEmpty() && d.removedChecks.isEmpty() &&
           a.withoutRowid == b.withoutRowid && a.strict == b.strict;
}

// Objects are matched by `key` (case-insensitively); one whose `sql` differs has changed.
template <typename T, typename Key, typename Detail>
void diffObjects(const QList<T>& from, const QList<T>& to, ObjectDiff::Type type, Key key,
                 Detail detail, QList<ObjectDiff>* out)
{
    QHash<QString, const T*> before, after;
    for (const T& x : from)
        before.insert(key(x).toLower(), &x);
    for (const T& x : to)
        after.insert(key(x).toLower(), &x);
    for (const T& x : to) {
        const T* old = before.value(key(x).toLower());
        if (!old)
            out->append(ObjectDiff{type, x.name, ChangeKind::Added, {}, x.sql, {}});
        else if (!(*old == x))
            out->append(ObjectDiff{type, x.name, ChangeKind::Changed, old->sql, x.sql,
                                   detail(*old, x)});
    }
    for (const T& x : from)
        if (!after.contains(key(x).toLower()))
            out->append(ObjectDiff{type, x.name, ChangeKind::Removed, x.sql, {}, {}});
}

QString quotedList(const QStringList& labels)
{
    QStringList quoted;
    for (const QString& l : labels)
        quoted << QLatin1Char('\'') + l + QLatin1Char('\'');
    return quoted.join(QStringLiteral(", "));
}

QString enumDetail(const EnumType& a, const EnumType& b)
{
    QStringList added, removed, parts;
    for (const QString& l : b.labels)
        if (!a.labels.contains(l))
            added << l;
    for (const QString& l : a.labels)
        if (!b.labels.contains(l))
            removed << l;
    if (!added.isEmpty())
        parts << QStringLiteral("labels added: ") + quotedList(added);
    if (!removed.isEmpty())
        parts << QStringLiteral("labels removed: ") + quotedList(removed);
    if (parts.isEmpty())
        parts << QStringLiteral("labels reordered: ") + quotedList(b.labels);
    return parts.join(QStringLiteral("; "));
}

QString sequenceDetail(const Sequence& a, const Sequence& b)
{
    QStringList parts;
    if (a.dataType != b.dataType)
        parts << QStringLiteral("type %1 → %2").arg(a.dataType, b.dataType);
    if (a.start != b.start)
        parts << QStringLiteral("start %1 → %2").arg(a.start).arg(b.start);
    if (a.increment != b.increment)
        parts << QStringLiteral("increment %1 → %2").arg(a.increment).arg(b.increment);
    if (a.ownedBy != b.ownedBy)
        parts << QStringLiteral("owned by %1 → %2")
                     .arg(a.ownedBy.isEmpty() ? QStringLiteral("none") : a.ownedBy,
                          b.ownedBy.isEmpty() ? QStringLiteral("none") : b.ownedBy);
    return parts.join(QStringLiteral("; "));
}

} // namespace

QString changeKindName(ChangeKind kind)
{
    switch (kind) {
    case ChangeKind::Added: return QStringLiteral("added");
    case ChangeKind::Removed: return QStringLiteral("removed");
    case ChangeKind::Changed: return QStringLiteral("changed");
    }
    return {};
}

QString describeColumn(const Column& c)
{
    QStringList parts;
    parts << (c.declaredType.isEmpty() ? QStringLiteral("(no type)") : c.declaredType);
    if (c.notNull)
        parts << QStringLiteral("NOT NULL");
    if (c.hasDefault)
        parts << QStringLiteral("DEFAULT ") + c.defaultValue;
    if (c.primaryKeyPosition > 0)
        parts << QStringLiteral("PRIMARY KEY");
    if (c.generated != Column::Generated::No)
        parts << (c.generated == Column::Generated::Stored ? QStringLiteral("GENERATED STORED")
                                                          : QStringLiteral("GENERATED VIRTUAL"));
    if (c.identity == Column::Identity::Always)
        parts << QStringLiteral("GENERATED ALWAYS AS IDENTITY");
    else if (c.identity == Column::Identity::ByDefault)
        parts << QStringLiteral("GENERATED BY DEFAULT AS IDENTITY");
    if (c.serial)
        parts << QStringLiteral("(serial)");
    return parts.join(QLatin1Char(' '));
}

QString objectTypeName(ObjectDiff::Type type)
{
    switch (type) {
    case ObjectDiff::Type::View: return QStringLiteral("view");
    case ObjectDiff::Type::Trigger: return QStringLiteral("trigger");
    case ObjectDiff::Type::Enum: return QStringLiteral("enum");
    case ObjectDiff::Type::Sequence: return QStringLiteral("sequence");
    }
    return {};
}

QString describeForeignKey(const ForeignKey& fk)
{
    QString s = QStringLiteral("(%1) → %2").arg(fk.columns.join(QStringLiteral(", ")),
                                                fk.targetTable);
    if (!fk.targetColumns.isEmpty())
        s += QStringLiteral("(%1)").arg(fk.targetColumns.join(QStringLiteral(", ")));
    if (!fk.onDelete.isEmpty() && fk.onDelete != QLatin1String("NO ACTION"))
        s += QStringLiteral(" ON DELETE ") + fk.onDelete;
    if (!fk.onUpdate.isEmpty() && fk.onUpdate != QLatin1String("NO ACTION"))
        s += QStringLiteral(" ON UPDATE ") + fk.onUpdate;
    return s;
}

QStringList TableDiff::details(const Schema& from, const Schema& to) const
{
    QStringList out;
    const Table* a = from.table(table);
    const Table* b = to.table(table);
    if (kind == ChangeKind::Added && b) {
        out << QStringLiteral("table added with %1 columns").arg(b->columns.size());
        return out;
    }
    if (kind == ChangeKind::Removed) {
        out << QStringLiteral("table removed");
        return out;
    }
    for (const QString& c : addedColumns)
        out << QStringLiteral("column %1 added: %2").arg(c, describeColumn(*b->column(c)));
    for (const QString& c : removedColumns)
        out << QStringLiteral("column %1 removed (was %2)").arg(c, describeColumn(*a->column(c)));
    for (const QString& c : changedColumns)
        out << QStringLiteral("column %1 changed: %2 → %3")
                   .arg(c, describeColumn(*a->column(c)), describeColumn(*b->column(c)));
    for (const ForeignKey& fk : addedForeignKeys)
        out << QStringLiteral("foreign key %1 added").arg(describeForeignKey(fk));
    for (const ForeignKey& fk : removedForeignKeys)
        out << QStringLiteral("foreign key %1 removed").arg(describeForeignKey(fk));
    for (const QString& i : addedIndexes)
        out << QStringLiteral("index %1 added").arg(i);
    for (const QString& i : removedIndexes)
        out << QStringLiteral("index %1 removed").arg(i);
    for (const QString& i : changedIndexes) {
        const Index* was = nullptr;
        const Index* now = nullptr;
        for (const Index& ix : a->indexes)
            if (ix.name.compare(i, Qt::CaseInsensitive) == 0)
                was = &ix;
        for (const Index& ix : b->indexes)
            if (ix.name.compare(i, Qt::CaseInsensitive) == 0)
                now = &ix;
        if (was && now && was->method != now->method)
            out << QStringLiteral("index %1 changed: using %2 → using %3")
                       .arg(i, was->method, now->method);
        else
            out << QStringLiteral("index %1 changed").arg(i);
    }
    for (const QString& c : addedChecks)
        out << QStringLiteral("check (%1) added").arg(c);
    for (const QString& c : removedChecks)
        out << QStringLiteral("check (%1) removed").arg(c);
    return out;
}

const TableDiff* SchemaDiff::table(const QString& name) const
{
    for (const TableDiff& t : tables)
        if (t.table.compare(name, Qt::CaseInsensitive) == 0)
            return &t;
    return nullptr;
}

SchemaDiff diffSchemas(const Schema& from, const Schema& to)
{
    SchemaDiff diff;
    for (const Table& t : to.tables) {
        const Table* old = from.table(t.name);
        if (!old) {
            TableDiff d;
            d.table = t.name;
            d.kind = ChangeKind::Added;
            d.after = t.sql;
            for (const Column& c : t.columns)
                d.addedColumns << c.name;
            diff.tables << d;
        } else if (!(*old == t)) {
            TableDiff d = diffTable(*old, t);
            if (!tableDiffIsEmpty(d, *old, t) || old->sql != t.sql)
                diff.tables << d;
        }
    }
    for (const Table& t : from.tables) {
        if (!to.table(t.name)) {
            TableDiff d;
            d.table = t.name;
            d.kind = ChangeKind::Removed;
            d.before = t.sql;
            for (const Column& c : t.columns)
                d.removedColumns << c.name;
            diff.tables << d;
        }
    }
    const auto byName = [](const auto& x) { return x.name; };
    const auto noDetail = [](const auto&, const auto&) { return QString(); };
    diffObjects(from.views, to.views, ObjectDiff::Type::View, byName, noDetail, &diff.objects);
    // PostgreSQL trigger names are only unique within their table.
    diffObjects(
        from.triggers, to.triggers, ObjectDiff::Type::Trigger,
        [](const Trigger& t) -> QString { return t.table + QLatin1Char('\x1f') + t.name; }, noDetail,
        &diff.objects);
    diffObjects(from.enums, to.enums, ObjectDiff::Type::Enum, byName, enumDetail, &diff.objects);
    diffObjects(from.sequences, to.sequences, ObjectDiff::Type::Sequence, byName, sequenceDetail,
                &diff.objects);
    return diff;
}

} // namespace strata
