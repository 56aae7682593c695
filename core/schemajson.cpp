#include "schemajson.h"

#include <QJsonArray>

namespace strata {
namespace {

QJsonObject columnJson(const Column& c)
{
    QJsonObject o{{QStringLiteral("name"), c.name},
                  {QStringLiteral("type"), c.declaredType},
                  {QStringLiteral("affinity"), c.affinity},
                  {QStringLiteral("not_null"), c.notNull},
                  {QStringLiteral("primary_key"), c.primaryKeyPosition}};
    o.insert(QStringLiteral("default"), c.hasDefault ? QJsonValue(c.defaultValue) : QJsonValue());
    if (c.generated != Column::Generated::No)
        o.insert(QStringLiteral("generated"),
                 c.generated == Column::Generated::Stored ? QStringLiteral("stored")
                                                          : QStringLiteral("virtual"));
    if (c.identity != Column::Identity::None)
        o.insert(QStringLiteral("identity"), c.identity == Column::Identity::Always
                                                 ? QStringLiteral("always")
                                                 : QStringLiteral("by_default"));
    if (c.serial)
        o.insert(QStringLiteral("serial"), true);
    return o;
}

QJsonObject foreignKeyJson(const ForeignKey& fk)
{
    return QJsonObject{{QStringLiteral("columns"), QJsonArray::fromStringList(fk.columns)},
                       {QStringLiteral("table"), fk.targetTable},
                       {QStringLiteral("references"), QJsonArray::fromStringList(fk.targetColumns)},
                       {QStringLiteral("on_delete"), fk.onDelete},
                       {QStringLiteral("on_update"), fk.onUpdate}};
}

QString originName(Index::Origin o)
{
    switch (o) {
    case Index::Origin::CreateIndex: return QStringLiteral("index");
    case Index::Origin::UniqueConstraint: return QStringLiteral("unique");
    case Index::Origin::PrimaryKey: return QStringLiteral("primary_key");
    }
    return {};
}

QJsonObject tableJson(const Table& t)
{
    QJsonArray columns, fks, indexes;
    for (const Column& c : t.columns)
        columns.append(columnJson(c));
    for (const ForeignKey& fk : t.foreignKeys)
        fks.append(foreignKeyJson(fk));
    for (const Index& ix : t.indexes) {
        QJsonObject o{{QStringLiteral("name"), ix.name},
                      {QStringLiteral("unique"), ix.unique},
                      {QStringLiteral("origin"), originName(ix.origin)},
                      {QStringLiteral("columns"), QJsonArray::fromStringList(ix.columns)},
                      {QStringLiteral("partial"), ix.partial},
                      {QStringLiteral("sql"), ix.sql}};
        if (!ix.method.isEmpty())
            o.insert(QStringLiteral("method"), ix.method);
        indexes.append(o);
    }
    return QJsonObject{{QStringLiteral("name"), t.name},
                       {QStringLiteral("columns"), columns},
                       {QStringLiteral("primary_key"), QJsonArray::fromStringList(t.primaryKey())},
                       {QStringLiteral("foreign_keys"), fks},
                       {QStringLiteral("indexes"), indexes},
                       {QStringLiteral("checks"), QJsonArray::fromStringList(t.checks)},
                       {QStringLiteral("without_rowid"), t.withoutRowid},
                       {QStringLiteral("strict"), t.strict},
                       {QStringLiteral("sql"), t.sql}};
}

QChar markOf(ChangeKind k)
{
    return k == ChangeKind::Added ? QLatin1Char('+') : k == ChangeKind::Removed ? QLatin1Char('-')
                                                                                : QLatin1Char('~');
}

} // namespace

QJsonObject schemaToJson(const Schema& schema)
{
    QJsonArray tables, views, triggers, enums, sequences;
    for (const Table& t : schema.tables)
        tables.append(tableJson(t));
    for (const View& v : schema.views)
        views.append(QJsonObject{{QStringLiteral("name"), v.name},
                                 {QStringLiteral("columns"), QJsonArray::fromStringList(v.columns)},
                                 {QStringLiteral("sql"), v.sql}});
    for (const Trigger& g : schema.triggers)
        triggers.append(QJsonObject{{QStringLiteral("name"), g.name},
                                    {QStringLiteral("table"), g.table},
                                    {QStringLiteral("sql"), g.sql}});
    for (const EnumType& e : schema.enums)
        enums.append(QJsonObject{{QStringLiteral("name"), e.name},
                                 {QStringLiteral("labels"), QJsonArray::fromStringList(e.labels)},
                                 {QStringLiteral("sql"), e.sql}});
    for (const Sequence& q : schema.sequences)
        sequences.append(QJsonObject{
            {QStringLiteral("name"), q.name},
            {QStringLiteral("type"), q.dataType},
            {QStringLiteral("owned_by"), q.ownedBy.isEmpty() ? QJsonValue() : QJsonValue(q.ownedBy)},
            {QStringLiteral("start"), q.start},
            {QStringLiteral("increment"), q.increment},
            {QStringLiteral("sql"), q.sql}});
    QJsonObject out{{QStringLiteral("tables"), tables},
                    {QStringLiteral("views"), views},
                    {QStringLiteral("triggers"), triggers}};
    // PostgreSQL's own kinds of object; a SQLite schema's JSON stays as it always was.
    if (!schema.enums.isEmpty())
        out.insert(QStringLiteral("enums"), enums);
    if (!schema.sequences.isEmpty())
        out.insert(QStringLiteral("sequences"), sequences);
    return out;
}

QJsonObject diffToJson(const SchemaDiff& diff, const Schema& from, const Schema& to)
{
    QJsonArray tables, objects;
    for (const TableDiff& t : diff.tables)
        tables.append(QJsonObject{{QStringLiteral("table"), t.table},
                                  {QStringLiteral("change"), changeKindName(t.kind)},
                                  {QStringLiteral("details"),
                                   QJsonArray::fromStringList(t.details(from, to))},
                                  {QStringLiteral("before"), t.before},
                                  {QStringLiteral("after"), t.after}});
    for (const ObjectDiff& o : diff.objects) {
        QJsonObject j{{QStringLiteral("type"), objectTypeName(o.type)},
                      {QStringLiteral("name"), o.name},
                      {QStringLiteral("change"), changeKindName(o.kind)},
                      {QStringLiteral("before"), o.before},
                      {QStringLiteral("after"), o.after}};
        if (!o.detail.isEmpty())
            j.insert(QStringLiteral("detail"), o.detail);
        objects.append(j);
    }
    return QJsonObject{{QStringLiteral("identical"), diff.isEmpty()},
                       {QStringLiteral("tables"), tables},
                       {QStringLiteral("objects"), objects}};
}

QString diffToText(const SchemaDiff& diff, const Schema& from, const Schema& to)
{
    if (diff.isEmpty())
        return QStringLiteral("no differences\n");
    QString out;
    for (const TableDiff& t : diff.tables) {
        out += QStringLiteral("%1 table %2\n").arg(markOf(t.kind)).arg(t.table);
        if (t.kind == ChangeKind::Changed)
            for (const QString& line : t.details(from, to))
                out += QStringLiteral("    ") + line + QLatin1Char('\n');
    }
    for (const ObjectDiff& o : diff.objects) {
        out += QStringLiteral("%1 %2 %3\n").arg(markOf(o.kind)).arg(objectTypeName(o.type), o.name);
        if (!o.detail.isEmpty())
            out += QStringLiteral("    ") + o.detail + QLatin1Char('\n');
    }
    return out;
}

} // namespace strata
