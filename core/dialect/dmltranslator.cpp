#include "dmltranslator.h"

namespace strata {

QString DmlTranslator::returning(const PgNode& list)
{
    if (list.size() == 0)
        return {};
    QStringList items;
    for (const PgNode& t : list) {
        const PgNode& rt = t["ResTarget"];
        QString item = m_expr.expr(rt["val"]);
        if (!rt["name"].isNull())
            item += QStringLiteral(" AS ") + quoteIdent(rt["name"].qstr());
        items << item;
    }
    return QStringLiteral(" RETURNING ") + items.join(QLatin1String(", "));
}

QString DmlTranslator::assignments(const PgNode& targetList)
{
    QStringList items;
    for (const PgNode& t : targetList) {
        const PgNode& rt = t["ResTarget"];
        if (rt["indirection"].size() > 0)
            m_ctx.error(int(rt["location"].integer()),
                        QStringLiteral("assigning to an array element or field is not "
                                       "translated"));
        if (rt["val"].is("MultiAssignRef")) {
            m_ctx.error(int(rt["location"].integer()),
                        QStringLiteral("(a, b) = (…) assignments are not translated"));
            continue;
        }
        items << quoteIdent(rt["name"].qstr()) + QStringLiteral(" = ") + m_expr.expr(rt["val"]);
    }
    return items.join(QLatin1String(", "));
}

QString DmlTranslator::with(const PgNode& w)
{
    if (w.isNull())
        return {};
    QStringList ctes;
    for (const PgNode& c : w["ctes"]) {
        const PgNode& cte = c["CommonTableExpr"];
        if (!cte["ctequery"].is("SelectStmt")) {
            m_ctx.error(int(cte["location"].integer()),
                        QStringLiteral("SQLite's WITH holds queries only, not INSERT / UPDATE / "
                                       "DELETE"));
            continue;
        }
        ctes << quoteIdent(cte["ctename"].qstr()) + QStringLiteral(" AS (") +
                    m_expr.select(cte["ctequery"]["SelectStmt"]) + QLatin1Char(')');
    }
    return (w["recursive"].boolean() ? QStringLiteral("WITH RECURSIVE ") : QStringLiteral("WITH ")) +
           ctes.join(QLatin1String(", ")) + QLatin1Char(' ');
}

void DmlTranslator::insert(const PgNode& s)
{
    const QString table = tableName(m_ctx, s["relation"]);
    QString sql = with(s["withClause"]) + QStringLiteral("INSERT INTO ") + quoteIdent(table);
    if (!s["relation"]["alias"].isNull())
        sql += QStringLiteral(" AS ") + quoteIdent(s["relation"]["alias"]["aliasname"].qstr());
    if (s["cols"].size() > 0) {
        QStringList cols;
        for (const PgNode& c : s["cols"])
            cols << quoteIdent(c["ResTarget"]["name"].qstr());
        sql += QStringLiteral(" (") + cols.join(QLatin1String(", ")) + QLatin1Char(')');
    }
    const PgNode& select = s["selectStmt"]["SelectStmt"];
    const bool values = select["valuesLists"].size() > 0;
    if (select.isNull()) {
        sql += QStringLiteral(" DEFAULT VALUES");
    } else if (values) {
        QStringList rows;
        for (const PgNode& row : select["valuesLists"]) {
            QStringList items;
            for (const PgNode& v : row["List"]["items"])
                items << m_expr.expr(v);
            rows << QLatin1Char('(') + items.join(QLatin1String(", ")) + QLatin1Char(')');
        }
        sql += QStringLiteral("\nVALUES ") + rows.join(QStringLiteral(",\n       "));
    } else {
        sql += QLatin1Char('\n') + m_expr.select(select);
    }
    const PgNode& conflict = s["onConflictClause"];
    if (!conflict.isNull()) {
        // SQLite cannot tell ON CONFLICT from a join constraint after a bare SELECT … FROM t.
        if (!values && !select.isNull() && select["whereClause"].isNull())
            sql += QStringLiteral(" WHERE true");
        sql += QStringLiteral("\nON CONFLICT");
        const PgNode& infer = conflict["infer"];
        if (!infer["conname"].isNull()) {
            m_ctx.error(int(conflict["location"].integer()),
                        QStringLiteral("ON CONFLICT ON CONSTRAINT has no SQLite form: name the "
                                       "key columns instead"));
        } else if (infer["indexElems"].size() > 0) {
            QStringList cols;
            for (const PgNode& e : infer["indexElems"]) {
                const PgNode& ie = e["IndexElem"];
                cols << (ie["name"].isNull() ? m_expr.expr(ie["expr"]) : quoteIdent(ie["name"].qstr()));
            }
            sql += QStringLiteral(" (") + cols.join(QLatin1String(", ")) + QLatin1Char(')');
            if (!infer["whereClause"].isNull())
                sql += QStringLiteral(" WHERE ") + m_expr.expr(infer["whereClause"]);
        }
        if (conflict["action"].str() == "ONCONFLICT_UPDATE") {
            sql += QStringLiteral(" DO UPDATE SET ") + assignments(conflict["targetList"]);
            if (!conflict["whereClause"].isNull())
                sql += QStringLiteral(" WHERE ") + m_expr.expr(conflict["whereClause"]);
        } else {
            sql += QStringLiteral(" DO NOTHING");
        }
    }
    if (s["override"].str() == "OVERRIDING_SYSTEM_VALUE")
        m_ctx.note(-1, QStringLiteral("OVERRIDING SYSTEM VALUE dropped: SQLite always accepts "
                                      "explicit key values"));
    m_ctx.add(sql + returning(s["returningList"]) + QLatin1Char(';'));
}

void DmlTranslator::update(const PgNode& s)
{
    const QString table = tableName(m_ctx, s["relation"]);
    QString sql = with(s["withClause"]) + QStringLiteral("UPDATE ") + quoteIdent(table);
    if (!s["relation"]["alias"].isNull())
        sql += QStringLiteral(" AS ") + quoteIdent(s["relation"]["alias"]["aliasname"].qstr());
    sql += QStringLiteral(" SET ") + assignments(s["targetList"]);
    if (s["fromClause"].size() > 0) {
        QStringList from;
        for (const PgNode& f : s["fromClause"]) {
            if (f.is("RangeVar"))
                from << quoteIdent(tableName(m_ctx, f)) +
                            (f.body()["alias"].isNull()
                                 ? QString()
                                 : QStringLiteral(" AS ") +
                                       quoteIdent(f.body()["alias"]["aliasname"].qstr()));
            else
                m_ctx.error(locationOf(f), QStringLiteral("this UPDATE … FROM item is not "
                                                          "translated"));
        }
        sql += QStringLiteral(" FROM ") + from.join(QLatin1String(", "));
    }
    if (!s["whereClause"].isNull())
        sql += QStringLiteral(" WHERE ") + m_expr.expr(s["whereClause"]);
    m_ctx.add(sql + returning(s["returningList"]) + QLatin1Char(';'));
}

void DmlTranslator::remove(const PgNode& s)
{
    const QString table = tableName(m_ctx, s["relation"]);
    QString sql = with(s["withClause"]) + QStringLiteral("DELETE FROM ") + quoteIdent(table);
    if (!s["relation"]["alias"].isNull())
        sql += QStringLiteral(" AS ") + quoteIdent(s["relation"]["alias"]["aliasname"].qstr());
    if (s["usingClause"].size() > 0)
        m_ctx.error(-1, QStringLiteral("SQLite has no DELETE … USING: write the condition as "
                                       "WHERE EXISTS (SELECT …)"));
    if (!s["whereClause"].isNull())
        sql += QStringLiteral(" WHERE ") + m_expr.expr(s["whereClause"]);
    m_ctx.add(sql + returning(s["returningList"]) + QLatin1Char(';'));
}

void DmlTranslator::truncate(const PgNode& s)
{
    m_ctx.note(-1, QStringLiteral("TRUNCATE becomes DELETE FROM (RESTART IDENTITY and CASCADE "
                                  "are not translated)"));
    for (const PgNode& r : s["relations"])
        m_ctx.add(QStringLiteral("DELETE FROM %1;").arg(quoteIdent(tableName(m_ctx, r))));
}

} // namespace strata
