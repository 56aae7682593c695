#include "objecttranslator.h"

namespace strata {

void ObjectTranslator::createIndex(const PgNode& s)
{
    const QString table = tableName(m_ctx, s["relation"]);
    const int location = int(s["relation"]["location"].integer());
    const QString method = s["accessMethod"].qstr();
    if (!method.isEmpty() && method != QLatin1String("btree")) {
        if (method == QLatin1String("hash"))
            m_ctx.note(location, QStringLiteral("a hash index becomes SQLite's B-tree index"));
        else
            m_ctx.warning(location, QStringLiteral("a %1 index becomes an ordinary B-tree index: "
                                                   "it does not speed up %1 searches (full text, "
                                                   "containment, ranges)")
                                        .arg(method));
    }
    if (s["concurrent"].boolean())
        m_ctx.note(location, QStringLiteral("CONCURRENTLY dropped: SQLite builds the index "
                                            "in the migration's transaction"));
    if (s["indexIncludingParams"].size() > 0)
        m_ctx.warning(location, QStringLiteral("INCLUDE columns are dropped"));
    if (s["nulls_not_distinct"].boolean())
        m_ctx.warning(location, QStringLiteral("NULLS NOT DISTINCT is not supported: SQLite "
                                               "allows several NULLs in a unique index"));
    QStringList elements;
    QStringList nameParts;
    for (const PgNode& p : s["indexParams"]) {
        const PgNode& e = p["IndexElem"];
        QString item;
        if (!e["name"].isNull()) {
            item = quoteIdent(e["name"].qstr());
            nameParts << e["name"].qstr();
        } else {
            // A function call is a key as it is; any other expression needs parentheses.
            // Translated once, so that a diagnostic it raises is reported once.
            item = m_expr.expr(e["expr"]);
            if (!e["expr"].is("FuncCall"))
                item = QLatin1Char('(') + item + QLatin1Char(')');
            nameParts << (e["expr"].is("FuncCall") ? pgLastString(e["expr"].body()["funcname"])
                                                    : QStringLiteral("expr"));
        }
        if (e["opclass"].size() > 0)
            m_ctx.note(location, QStringLiteral("the operator class %1 is dropped")
                                     .arg(pgLastString(e["opclass"])));
        if (e["collation"].size() > 0)
            m_ctx.warning(location, QStringLiteral("the index collation is dropped"));
        const std::string_view ordering = e["ordering"].str();
        if (ordering == "SORTBY_DESC")
            item += QStringLiteral(" DESC");
        else if (ordering == "SORTBY_ASC")
            item += QStringLiteral(" ASC");
        if (e["nulls_ordering"].str() != "SORTBY_NULLS_DEFAULT" && !e["nulls_ordering"].isNull())
            m_ctx.note(location, QStringLiteral("NULLS FIRST / LAST in an index is dropped"));
        elements << item;
    }
    QString name = s["idxname"].qstr();
    if (name.isEmpty()) {
        // PostgreSQL's automatic name: table, the key columns (or the function), "idx".
        name = QString(table + QLatin1Char('_') + nameParts.join(QLatin1Char('_')) +
                       QStringLiteral("_idx"))
                   .left(63);
        m_ctx.note(location, QStringLiteral("the index gets PostgreSQL's automatic name %1")
                                 .arg(name));
    }
    QString sql = s["unique"].boolean() ? QStringLiteral("CREATE UNIQUE INDEX ")
                                        : QStringLiteral("CREATE INDEX ");
    if (s["if_not_exists"].boolean())
        sql += QStringLiteral("IF NOT EXISTS ");
    sql += quoteIdent(name) + QStringLiteral(" ON ") + quoteIdent(table) + QStringLiteral(" (") +
           elements.join(QLatin1String(", ")) + QLatin1Char(')');
    if (!s["whereClause"].isNull())
        sql += QStringLiteral(" WHERE ") + m_expr.expr(s["whereClause"]);
    m_ctx.add(sql + QLatin1Char(';'));
}

void ObjectTranslator::createView(const PgNode& s)
{
    const QString view = tableName(m_ctx, s["view"]);
    const int location = int(s["view"]["location"].integer());
    if (s["withCheckOption"].str() != "NO_CHECK_OPTION" && !s["withCheckOption"].isNull())
        m_ctx.warning(location, QStringLiteral("WITH CHECK OPTION is dropped: SQLite views are "
                                               "read-only"));
    QString columns;
    if (s["aliases"].size() > 0)
        columns = QStringLiteral(" (") + m_expr.columnList(s["aliases"]) + QLatin1Char(')');
    const QString query = m_expr.select(s["query"]["SelectStmt"]);
    if (s["replace"].boolean()) {
        m_ctx.note(location, QStringLiteral("CREATE OR REPLACE VIEW becomes DROP VIEW IF EXISTS "
                                            "and CREATE VIEW"));
        m_ctx.add(QStringLiteral("DROP VIEW IF EXISTS %1;").arg(quoteIdent(view)));
    }
    const bool temp = s["view"]["relpersistence"].str() == "t";
    m_ctx.add(QStringLiteral("CREATE %1VIEW %2%3 AS\n%4;")
                  .arg(temp ? QStringLiteral("TEMP ") : QString(), quoteIdent(view), columns,
                       query));
}

void ObjectTranslator::drop(const PgNode& s)
{
    const std::string_view type = s["removeType"].str();
    const bool ifExists = s["missing_ok"].boolean();
    const bool cascade = s["behavior"].str() == "DROP_CASCADE";
    const QString exists = ifExists ? QStringLiteral("IF EXISTS ") : QString();
    QString keyword;
    if (type == "OBJECT_TABLE")
        keyword = QStringLiteral("TABLE");
    else if (type == "OBJECT_INDEX")
        keyword = QStringLiteral("INDEX");
    else if (type == "OBJECT_VIEW" || type == "OBJECT_MATVIEW")
        keyword = type == "OBJECT_VIEW" ? QStringLiteral("VIEW") : QStringLiteral("TABLE");
    if (!keyword.isEmpty()) {
        if (cascade)
            m_ctx.warning(-1, QStringLiteral("CASCADE is dropped: SQLite does not drop dependent "
                                             "views or foreign keys (they stay and fail when "
                                             "used)"));
        if (s["concurrent"].boolean())
            m_ctx.note(-1, QStringLiteral("CONCURRENTLY dropped"));
        for (const PgNode& o : s["objects"]) {
            const PgNode& names = o["List"]["items"];
            const QString name = qualifiedName(m_ctx, names, -1);
            m_ctx.add(QStringLiteral("DROP %1 %2%3;").arg(keyword, exists, quoteIdent(name)));
            if (keyword == QLatin1String("TABLE"))
                m_ctx.constraintNames.remove(name);
        }
        return;
    }
    if (type == "OBJECT_TYPE" || type == "OBJECT_DOMAIN") {
        for (const PgNode& o : s["objects"]) {
            const QString name = pgLastString(o["TypeName"]["names"]);
            m_ctx.enums.remove(name);
            m_ctx.domains.remove(name);
            m_ctx.typeUsers.remove(name);
        }
        m_ctx.note(-1, QStringLiteral("types and domains have no SQLite object: nothing to drop "
                                      "(the columns keep their CHECK constraints)"));
        return;
    }
    if (type == "OBJECT_SEQUENCE") {
        m_ctx.note(-1, QStringLiteral("SQLite has no sequences: nothing to drop"));
        return;
    }
    if (type == "OBJECT_EXTENSION" || type == "OBJECT_FUNCTION" || type == "OBJECT_PROCEDURE" ||
        type == "OBJECT_SCHEMA" || type == "OBJECT_POLICY" || type == "OBJECT_ROLE") {
        m_ctx.note(-1, QStringLiteral("this object was never translated to SQLite: nothing to "
                                      "drop"));
        return;
    }
    if (type == "OBJECT_TRIGGER") {
        m_ctx.error(-1, QStringLiteral("PostgreSQL triggers are not translated, so DROP TRIGGER "
                                       "has nothing to drop; write the SQLite trigger's DROP by "
                                       "hand"));
        return;
    }
    m_ctx.error(-1, QStringLiteral("this DROP has no SQLite translation"));
}

void ObjectTranslator::createEnum(const PgNode& s)
{
    const QString name = pgLastString(s["typeName"]);
    QStringList labels;
    for (const PgNode& v : s["vals"])
        labels << v["String"]["sval"].qstr();
    m_ctx.enums.insert(name, labels);
    m_ctx.note(-1, QStringLiteral("SQLite has no enum types: columns of type %1 become TEXT with "
                                  "CHECK (column IN (…))")
                       .arg(name));
}

void ObjectTranslator::createDomain(const PgNode& s)
{
    const QString name = pgLastString(s["domainname"]);
    TypeMapper types(m_ctx);
    const MappedType base = types.map(s["typeName"]);
    DomainInfo d;
    d.sqliteType = base.sqlType;
    d.pgType = base.boolean ? QStringLiteral("boolean") : base.pgName;
    if (base.boolean)
        d.checks << QString(kValuePlaceholder) + QStringLiteral(" IN (0, 1)");
    if (!base.enumName.isEmpty()) {
        QStringList labels;
        for (const QString& l : base.enumLabels)
            labels << quoteString(l);
        d.checks << QString(kValuePlaceholder) + QStringLiteral(" IN (") +
                        labels.join(QLatin1String(", ")) + QLatin1Char(')');
    }
    m_expr.setValueName(QString(kValuePlaceholder));
    for (const PgNode& wrapped : s["constraints"]) {
        const PgNode& c = wrapped["Constraint"];
        const std::string_view kind = c["contype"].str();
        if (kind == "CONSTR_NOTNULL")
            d.notNull = true;
        else if (kind == "CONSTR_DEFAULT")
            d.defaultSql = m_expr.defaultValue(c["raw_expr"], base.boolean);
        else if (kind == "CONSTR_CHECK")
            d.checks << m_expr.expr(c["raw_expr"]);
    }
    m_expr.setValueName(QString());
    m_ctx.domains.insert(name, d);
    m_ctx.note(-1, QStringLiteral("SQLite has no domains: columns of %1 become %2 with its "
                                  "constraints written on each column")
                       .arg(name, d.sqliteType));
}

void ObjectTranslator::createSequence(const PgNode& s)
{
    const QString name = tableName(m_ctx, s["sequence"]);
    m_ctx.sequences.insert(name);
    m_ctx.warning(int(s["sequence"]["location"].integer()),
                  QStringLiteral("SQLite has no sequences: %1 is dropped (a nextval() default on "
                                 "an INTEGER primary key becomes AUTOINCREMENT; elsewhere it is "
                                 "dropped)")
                      .arg(name));
}

void ObjectTranslator::comment(const PgNode& s)
{
    const std::string_view type = s["objtype"].str();
    QString what;
    const PgNode& object = s["object"];
    if (object.is("List")) {
        QStringList parts;
        for (const PgNode& n : object.body()["items"])
            parts << n["String"]["sval"].qstr();
        if (parts.size() > 1 && parts.first() == QLatin1String("public"))
            parts.removeFirst();
        what = parts.join(QLatin1Char('.'));
    } else if (object.is("String")) {
        what = object.body()["sval"].qstr();
    } else if (object.is("TypeName")) {
        what = pgLastString(object.body()["names"]);
    }
    QString kind = QString::fromUtf8(type.data(), qsizetype(type.size()))
                       .mid(7)
                       .toLower()
                       .replace(QLatin1Char('_'), QLatin1Char(' '));
    const QString text = s["comment"].isNull() ? QStringLiteral("(removed)")
                                                : s["comment"].qstr();
    QString line = QStringLiteral("-- COMMENT ON %1 %2: %3").arg(kind.toUpper(), what, text);
    line.replace(QLatin1Char('\n'), QLatin1String("\n-- "));
    m_ctx.note(-1, QStringLiteral("SQLite has no object comments: kept as an SQL comment"));
    m_ctx.add(line);
}

void ObjectTranslator::createExtension(const PgNode& s)
{
    const QString name = s["extname"].qstr();
    QString why;
    if (name == QLatin1String("pgcrypto") || name == QLatin1String("uuid-ossp"))
        why = QStringLiteral(" (gen_random_uuid() and uuid_generate_v4() are translated)");
    else if (name == QLatin1String("citext"))
        why = QStringLiteral(" (citext columns become TEXT)");
    m_ctx.note(-1, QStringLiteral("CREATE EXTENSION %1 dropped: SQLite has no extensions%2")
                       .arg(name, why));
}

} // namespace strata
