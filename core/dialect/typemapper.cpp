#include "typemapper.h"

namespace strata {
namespace {

QString typmodText(const PgNode& typeName)
{
    const PgNode& typmods = typeName["typmods"];
    if (typmods.size() == 0)
        return QString();
    QString text(QLatin1Char('('));
    for (const PgNode& m : typmods) {
        if (text.size() > 1)
            text += QLatin1Char(',');
        const PgNode& c = m["A_Const"];
        if (!c.isNull())
            text += QString::number(c["ival"]["ival"].integer());
        else
            text += QLatin1Char('?');
    }
    return text += QLatin1Char(')');
}

// The names the parser gives built-in types ("int4", "bpchar") back as people write them.
QString displayName(const QString& name)
{
    static const QHash<QString, QString> names = {
        {QStringLiteral("int2"), QStringLiteral("smallint")},
        {QStringLiteral("int4"), QStringLiteral("integer")},
        {QStringLiteral("int8"), QStringLiteral("bigint")},
        {QStringLiteral("float4"), QStringLiteral("real")},
        {QStringLiteral("float8"), QStringLiteral("double precision")},
        {QStringLiteral("bool"), QStringLiteral("boolean")},
        {QStringLiteral("bpchar"), QStringLiteral("char")},
        {QStringLiteral("timestamptz"), QStringLiteral("timestamptz")},
        {QStringLiteral("timetz"), QStringLiteral("timetz")},
    };
    return names.value(name, name);
}

} // namespace

MappedType TypeMapper::map(const PgNode& typeName, bool report)
{
    MappedType t;
    const QString name = pgLastString(typeName["names"]);
    const int location = int(typeName["location"].integer());
    const bool array = typeName["arrayBounds"].size() > 0;
    t.pgName = displayName(name) + typmodText(typeName) + (array ? QStringLiteral("[]") : QString());

    if (array) {
        t.sqlType = QStringLiteral("TEXT");
        t.isText = true;
        t.array = true;
        if (report)
            m_ctx.warning(location, QStringLiteral("the array type %1 becomes TEXT (write the "
                                                   "values as a JSON array; no element type is "
                                                   "checked)")
                                        .arg(t.pgName));
        return t;
    }
    if (const auto e = m_ctx.enums.constFind(name); e != m_ctx.enums.constEnd()) {
        t.sqlType = QStringLiteral("TEXT");
        t.isText = true;
        t.enumName = name;
        t.enumLabels = e.value();
        return t;
    }
    if (const auto d = m_ctx.domains.constFind(name); d != m_ctx.domains.constEnd()) {
        t.sqlType = d->sqliteType;
        t.domainName = name;
        t.domain = d.value();
        t.isText = t.sqlType == QLatin1String("TEXT");
        t.boolean = d->pgType == QLatin1String("boolean");
        return t;
    }

    static const QSet<QString> integers = {
        QStringLiteral("int2"), QStringLiteral("int4"), QStringLiteral("int8"),
        QStringLiteral("integer"), QStringLiteral("smallint"), QStringLiteral("bigint"),
        QStringLiteral("int")};
    static const QSet<QString> serials = {QStringLiteral("serial"), QStringLiteral("serial4"),
                                          QStringLiteral("bigserial"), QStringLiteral("serial8"),
                                          QStringLiteral("smallserial"), QStringLiteral("serial2")};
    static const QSet<QString> plainText = {
        QStringLiteral("text"), QStringLiteral("uuid"), QStringLiteral("json"),
        QStringLiteral("jsonb"), QStringLiteral("date"), QStringLiteral("timestamp"),
        QStringLiteral("time"), QStringLiteral("citext"), QStringLiteral("name")};
    static const QSet<QString> lossyText = {
        QStringLiteral("inet"), QStringLiteral("cidr"), QStringLiteral("macaddr"),
        QStringLiteral("macaddr8"), QStringLiteral("xml"), QStringLiteral("tsvector"),
        QStringLiteral("tsquery"), QStringLiteral("point"), QStringLiteral("line"),
        QStringLiteral("box"), QStringLiteral("polygon"), QStringLiteral("circle"),
        QStringLiteral("path"), QStringLiteral("lseg"), QStringLiteral("int4range"),
        QStringLiteral("int8range"), QStringLiteral("numrange"), QStringLiteral("tsrange"),
        QStringLiteral("tstzrange"), QStringLiteral("daterange"), QStringLiteral("hstore")};

    if (integers.contains(name)) {
        t.sqlType = QStringLiteral("INTEGER");
    } else if (serials.contains(name)) {
        t.sqlType = QStringLiteral("INTEGER");
        t.serial = true;
    } else if (name == QLatin1String("bool") || name == QLatin1String("boolean")) {
        t.sqlType = QStringLiteral("INTEGER");
        t.boolean = true;
    } else if (name == QLatin1String("float4") || name == QLatin1String("float8") ||
               name == QLatin1String("real") || name == QLatin1String("double")) {
        t.sqlType = QStringLiteral("REAL");
    } else if (name == QLatin1String("numeric") || name == QLatin1String("decimal")) {
        t.sqlType = QStringLiteral("NUMERIC");
        if (report && typeName["typmods"].size() > 0)
            m_ctx.note(location, QStringLiteral("%1 becomes NUMERIC: SQLite keeps an integer or "
                                                "an 8-byte float, precision and scale are not "
                                                "enforced")
                                     .arg(t.pgName));
    } else if (name == QLatin1String("money")) {
        t.sqlType = QStringLiteral("NUMERIC");
        if (report)
            m_ctx.warning(location, QStringLiteral("money becomes NUMERIC: no currency "
                                                   "formatting, and amounts are stored as "
                                                   "8-byte floats when not whole"));
    } else if (name == QLatin1String("varchar") || name == QLatin1String("bpchar") ||
               name == QLatin1String("char") || name == QLatin1String("character")) {
        t.sqlType = QStringLiteral("TEXT");
        t.isText = true;
        if (report && typeName["typmods"].size() > 0)
            m_ctx.note(location, QStringLiteral("%1 becomes TEXT: the length limit is not "
                                                "enforced%2")
                                     .arg(t.pgName, name == QLatin1String("bpchar")
                                                        ? QStringLiteral(" and values are not "
                                                                         "blank-padded")
                                                        : QString()));
    } else if (name == QLatin1String("timestamptz") || name == QLatin1String("timetz")) {
        t.sqlType = QStringLiteral("TEXT");
        t.isText = true;
        if (report)
            m_ctx.warning(location, QStringLiteral("%1 becomes TEXT: the time zone is not kept "
                                                   "(store UTC)")
                                        .arg(t.pgName));
    } else if (name == QLatin1String("interval")) {
        t.sqlType = QStringLiteral("TEXT");
        t.isText = true;
        if (report)
            m_ctx.warning(location, QStringLiteral("interval becomes TEXT: SQLite has no interval "
                                                   "arithmetic"));
    } else if (plainText.contains(name)) {
        t.sqlType = QStringLiteral("TEXT");
        t.isText = true;
        if (report && name == QLatin1String("citext"))
            m_ctx.note(location, QStringLiteral("citext becomes TEXT: comparisons are case-"
                                                "sensitive unless the column uses COLLATE NOCASE"));
    } else if (name == QLatin1String("bytea")) {
        t.sqlType = QStringLiteral("BLOB");
    } else if (lossyText.contains(name) || name == QLatin1String("bit") ||
               name == QLatin1String("varbit")) {
        t.sqlType = QStringLiteral("TEXT");
        t.isText = true;
        if (report)
            m_ctx.warning(location, QStringLiteral("%1 becomes TEXT: its operators and "
                                                   "validation are lost")
                                        .arg(t.pgName));
    } else {
        t.sqlType = QStringLiteral("TEXT");
        t.isText = true;
        if (report)
            m_ctx.warning(location, QStringLiteral("unknown type %1 (not an enum or domain "
                                                   "seen earlier) becomes TEXT")
                                        .arg(t.pgName));
    }
    return t;
}

QString TypeMapper::castTarget(const PgNode& typeName, QString* pgName)
{
    const MappedType t = map(typeName, false);
    if (pgName)
        *pgName = t.pgName;
    if (!t.enumName.isEmpty() || !t.domainName.isEmpty())
        return {};
    return t.sqlType;
}

} // namespace strata
