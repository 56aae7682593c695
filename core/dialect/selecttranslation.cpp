// The SELECT part of ExpressionTranslator: queries in views, INSERT … SELECT and sub-queries
// (FROM items, joins, ORDER BY / LIMIT, set operations), kept apart from the scalar expressions.

#include "expressiontranslator.h"

namespace strata {

QString ExpressionTranslator::orderBy(const PgNode& sortClause)
{
    QStringList parts;
    for (const PgNode& n : sortClause) {
        const PgNode& sb = n["SortBy"];
        QString item = expr(sb["node"]);
        const std::string_view dir = sb["sortby_dir"].str();
        if (dir == "SORTBY_ASC")
            item += QStringLiteral(" ASC");
        else if (dir == "SORTBY_DESC")
            item += QStringLiteral(" DESC");
        const std::string_view nulls = sb["sortby_nulls"].str();
        if (nulls == "SORTBY_NULLS_FIRST")
            item += QStringLiteral(" NULLS FIRST");
        else if (nulls == "SORTBY_NULLS_LAST")
            item += QStringLiteral(" NULLS LAST");
        parts << item;
    }
    return parts.join(QLatin1String(", "));
}

QString ExpressionTranslator::fromItem(const PgNode& node)
{
    const PgNode& b = node.body();
    if (node.is("RangeVar")) {
        QString s = quoteIdent(tableName(m_ctx, node));
        if (!b["alias"].isNull())
            s += QStringLiteral(" AS ") + quoteIdent(b["alias"]["aliasname"].qstr());
        return s;
    }
    if (node.is("RangeSubselect")) {
        QString s = QLatin1Char('(') + select(b["subquery"]["SelectStmt"]) + QLatin1Char(')');
        if (!b["alias"].isNull())
            s += QStringLiteral(" AS ") + quoteIdent(b["alias"]["aliasname"].qstr());
        return s;
    }
    if (node.is("JoinExpr")) {
        static const QHash<QString, QString> joins = {
            {QStringLiteral("JOIN_INNER"), QStringLiteral("JOIN")},
            {QStringLiteral("JOIN_LEFT"), QStringLiteral("LEFT JOIN")},
            {QStringLiteral("JOIN_RIGHT"), QStringLiteral("RIGHT JOIN")},
            {QStringLiteral("JOIN_FULL"), QStringLiteral("FULL JOIN")}};
        QString join = joins.value(b["jointype"].qstr(), QStringLiteral("JOIN"));
        if (b["quals"].isNull() && b["usingClause"].size() == 0 && !b["isNatural"].boolean() &&
            join == QLatin1String("JOIN"))
            join = QStringLiteral("CROSS JOIN");
        if (join.startsWith(QLatin1String("RIGHT")) || join.startsWith(QLatin1String("FULL")))
            m_ctx.note(-1, QStringLiteral("RIGHT and FULL joins need SQLite 3.39 or later"));
        QString s = fromItem(b["larg"]) + QLatin1Char(' ') +
                    (b["isNatural"].boolean() ? QStringLiteral("NATURAL ") : QString()) + join +
                    QLatin1Char(' ') + fromItem(b["rarg"]);
        if (b["usingClause"].size() > 0)
            s += QStringLiteral(" USING (") + columnList(b["usingClause"]) + QLatin1Char(')');
        else if (!b["quals"].isNull())
            s += QStringLiteral(" ON ") + expr(b["quals"]);
        return s;
    }
    m_ctx.error(locationOf(node), QStringLiteral("this FROM item (a function, LATERAL, …) has no "
                                                 "SQLite translation"));
    return QStringLiteral("(SELECT NULL)");
}

QString ExpressionTranslator::simpleSelect(const PgNode& s)
{
    if (s["valuesLists"].size() > 0) {
        QStringList rows;
        for (const PgNode& row : s["valuesLists"])
            rows << QLatin1Char('(') + list(row["List"]["items"]) + QLatin1Char(')');
        return QStringLiteral("VALUES ") + rows.join(QLatin1String(", "));
    }
    QString q = QStringLiteral("SELECT ");
    const PgNode& distinct = s["distinctClause"];
    if (distinct.size() > 0) {
        if (!distinct.at(0).isObject() || distinct.at(0).size() == 0)
            q += QStringLiteral("DISTINCT ");
        else
            m_ctx.error(-1, QStringLiteral("SQLite has no DISTINCT ON"));
    }
    QStringList targets;
    for (const PgNode& t : s["targetList"]) {
        const PgNode& rt = t["ResTarget"];
        QString item = expr(rt["val"]);
        if (!rt["name"].isNull())
            item += QStringLiteral(" AS ") + quoteIdent(rt["name"].qstr());
        targets << item;
    }
    q += targets.join(QLatin1String(", "));
    const QString br = m_selectDepth == 1 ? QStringLiteral("\n") : QStringLiteral(" ");
    if (s["fromClause"].size() > 0) {
        QStringList from;
        for (const PgNode& f : s["fromClause"])
            from << fromItem(f);
        q += br + QStringLiteral("FROM ") + from.join(QLatin1String(", "));
    }
    if (!s["whereClause"].isNull())
        q += br + QStringLiteral("WHERE ") + expr(s["whereClause"]);
    if (s["groupClause"].size() > 0)
        q += br + QStringLiteral("GROUP BY ") + list(s["groupClause"]);
    if (!s["havingClause"].isNull())
        q += br + QStringLiteral("HAVING ") + expr(s["havingClause"]);
    return q;
}

QString ExpressionTranslator::select(const PgNode& s)
{
    ++m_selectDepth;
    const QString q = selectAtDepth(s);
    --m_selectDepth;
    return q;
}

QString ExpressionTranslator::selectAtDepth(const PgNode& s)
{
    const QString br = m_selectDepth == 1 ? QStringLiteral("\n") : QStringLiteral(" ");
    QString q;
    const PgNode& with = s["withClause"];
    if (!with.isNull()) {
        QStringList ctes;
        for (const PgNode& c : with["ctes"]) {
            const PgNode& cte = c["CommonTableExpr"];
            ctes << quoteIdent(cte["ctename"].qstr()) + QStringLiteral(" AS (") +
                        select(cte["ctequery"]["SelectStmt"]) + QLatin1Char(')');
        }
        q = (with["recursive"].boolean() ? QStringLiteral("WITH RECURSIVE ")
                                         : QStringLiteral("WITH ")) +
            ctes.join(QLatin1String(", ")) + QLatin1Char(' ');
    }
    const std::string_view op = s["op"].str();
    if (op.empty() || op == "SETOP_NONE") {
        q += simpleSelect(s);
    } else {
        const QString keyword = br + (op == "SETOP_UNION"       ? QStringLiteral("UNION ")
                                      : op == "SETOP_INTERSECT" ? QStringLiteral("INTERSECT ")
                                                                : QStringLiteral("EXCEPT "));
        q += select(s["larg"]["SelectStmt"]) + keyword +
             (s["all"].boolean() ? QStringLiteral("ALL ") : QString()) +
             select(s["rarg"]["SelectStmt"]);
    }
    if (s["sortClause"].size() > 0)
        q += br + QStringLiteral("ORDER BY ") + orderBy(s["sortClause"]);
    if (!s["limitCount"].isNull())
        q += QStringLiteral(" LIMIT ") + expr(s["limitCount"]);
    if (!s["limitOffset"].isNull())
        q += (s["limitCount"].isNull() ? QStringLiteral(" LIMIT -1 OFFSET ")
                                       : QStringLiteral(" OFFSET ")) +
             expr(s["limitOffset"]);
    if (s["lockingClause"].size() > 0)
        m_ctx.note(-1, QStringLiteral("FOR UPDATE / FOR SHARE dropped: SQLite locks the whole "
                                      "database"));
    return q;
}

} // namespace strata
