#include "tabletranslator.h"

namespace strata {
namespace {

QString actionName(std::string_view code)
{
    if (code == "r")
        return QStringLiteral("RESTRICT");
    if (code == "c")
        return QStringLiteral("CASCADE");
    if (code == "n")
        return QStringLiteral("SET NULL");
    if (code == "d")
        return QStringLiteral("SET DEFAULT");
    return {}; // "a" (or absent): NO ACTION, SQLite's default too
}

void collectColumns(const PgNode& node, QStringList& out)
{
    if (node.is("ColumnRef")) {
        const PgNode& fields = node.body()["fields"];
        const QString name = pgLastString(fields);
        if (!name.isEmpty() && !out.contains(name))
            out << name;
        return;
    }
    if (node.isObject() || node.isArray())
        for (const PgNode& child : node)
            collectColumns(child, out);
}

QStringList stringList(const PgNode& list)
{
    QStringList out;
    for (const PgNode& n : list)
        out << n["String"]["sval"].qstr();
    return out;
}

QString quotedList(const QStringList& names)
{
    QStringList q;
    for (const QString& n : names)
        q << quoteIdent(n);
    return q.join(QLatin1String(", "));
}

} // namespace

QStringList columnsReferenced(const PgNode& expr)
{
    QStringList out;
    collectColumns(expr, out);
    return out;
}

QString TableTranslator::enumCheck(const QString& column, const QStringList& labels)
{
    QString check = quoteIdent(column) + QLatin1String(" IN (");
    for (qsizetype i = 0; i < labels.size(); ++i) {
        if (i > 0)
            check += QLatin1String(", ");
        check += quoteString(labels[i]);
    }
    return check += QLatin1Char(')');
}

QString TableTranslator::reserveName(const QString& table, const QString& name)
{
    m_ctx.constraintNames[table].insert(name);
    return name;
}

QString TableTranslator::autoName(const QString& table, const QStringList& columns,
                                  const QString& label)
{
    // PostgreSQL: table, the columns, the label, joined with '_'; a number before the label's
    // end on a clash (t_a_check, t_a_check1, …). Names are cut to 63 bytes.
    QString base = table;
    if (!columns.isEmpty())
        base += QLatin1Char('_') + columns.join(QLatin1Char('_'));
    const QSet<QString>& used = m_ctx.constraintNames[table];
    const QString full = base + QLatin1Char('_') + label;
    QString name = full.left(63);
    for (int n = 1; used.contains(name); ++n)
        name = full.left(63 - int(QString::number(n).size())) +
               QString::number(n);
    return reserveName(table, name);
}

QString TableTranslator::foreignKeyClause(const PgNode& c, const PgNode* deferrable,
                                          const PgNode* deferred)
{
    QString s = QStringLiteral("REFERENCES ") + quoteIdent(tableName(m_ctx, c["pktable"]));
    if (c["pk_attrs"].size() > 0)
        s += QStringLiteral(" (") + m_expr.columnList(c["pk_attrs"]) + QLatin1Char(')');
    const QString onDelete = actionName(c["fk_del_action"].str());
    const QString onUpdate = actionName(c["fk_upd_action"].str());
    if (!onDelete.isEmpty())
        s += QStringLiteral(" ON DELETE ") + onDelete;
    if (!onUpdate.isEmpty())
        s += QStringLiteral(" ON UPDATE ") + onUpdate;
    const int location = int(c["location"].integer());
    if (c["fk_matchtype"].str() == "f")
        m_ctx.warning(location, QStringLiteral("MATCH FULL is not enforced by SQLite (a "
                                               "partly NULL key is accepted)"));
    if (c["fk_del_set_cols"].size() > 0)
        m_ctx.warning(location, QStringLiteral("ON DELETE SET NULL (columns) sets every key "
                                               "column in SQLite"));
    if (c["skip_validation"].boolean())
        m_ctx.note(location, QStringLiteral("NOT VALID dropped: SQLite does not check "
                                            "existing rows when a foreign key is declared"));
    const bool isDeferrable = c["deferrable"].boolean() || deferrable;
    const bool isDeferred = c["initdeferred"].boolean() || deferred;
    if (isDeferrable)
        s += isDeferred ? QStringLiteral(" DEFERRABLE INITIALLY DEFERRED")
                        : QStringLiteral(" DEFERRABLE INITIALLY IMMEDIATE");
    return s;
}

TranslatedColumn TableTranslator::column(const QString& table, const PgNode& def,
                                         const QStringList& primaryKey)
{
    TranslatedColumn col;
    col.name = def["colname"].qstr();
    const QString qname = quoteIdent(col.name);
    TypeMapper types(m_ctx);
    const MappedType type = types.map(def["typeName"]);
    const int location = int(def["location"].integer());
    if (!type.enumName.isEmpty() || !type.domainName.isEmpty()) {
        const QString typeName = type.enumName.isEmpty() ? type.domainName : type.enumName;
        m_ctx.typeUsers[typeName].insert(table);
        m_ctx.columnTypes[table].insert(col.name, typeName);
    }

    const PgNode& constraints = def["constraints"];
    bool identity = false;
    const PgNode* defaultExpr = nullptr;
    bool sequenceDefault = false;
    bool inlinePk = false;
    for (const PgNode& c : constraints) {
        const std::string_view type = c["Constraint"]["contype"].str();
        if (type == "CONSTR_IDENTITY")
            identity = true;
        if (type == "CONSTR_PRIMARY")
            inlinePk = true;
        if (type == "CONSTR_DEFAULT") {
            defaultExpr = &c["Constraint"]["raw_expr"];
            const PgNode& f = (*defaultExpr)["FuncCall"];
            if (pgLastString(f["funcname"]) == QLatin1String("nextval"))
                sequenceDefault = true;
        }
    }
    const bool generatedKey = type.serial || identity || sequenceDefault;
    const bool singlePk =
        inlinePk || (primaryKey.size() == 1 && primaryKey.first() == col.name);
    const bool rowidKey = generatedKey && singlePk && type.sqlType == QLatin1String("INTEGER");

    // The definition is built in place, each part after a space.
    QString text;
    text.reserve(200);
    text += qname;
    auto part = [&text](const auto&... pieces) {
        text += QLatin1Char(' ');
        ((text += pieces), ...);
    };
    part(type.sqlType);
    if (generatedKey && !rowidKey) {
        m_ctx.warning(location, QStringLiteral("%1 column \"%2\" is not the table's single-"
                                               "column INTEGER primary key: SQLite cannot "
                                               "generate its values (insert them explicitly)")
                                    .arg(identity ? QStringLiteral("the identity")
                                                  : sequenceDefault ? QStringLiteral("the nextval()")
                                                                    : type.pgName,
                                         col.name));
        part(QLatin1String("NOT NULL"));
        col.notNull = true;
    }
    // PostgreSQL's key columns are NOT NULL; SQLite's (other than the rowid) are not.
    if ((inlinePk || primaryKey.contains(col.name)) && !rowidKey && !col.notNull) {
        part(QLatin1String("NOT NULL"));
        col.notNull = true;
    }
    if (identity && rowidKey)
        m_ctx.note(location, QStringLiteral("the identity column \"%1\" becomes INTEGER PRIMARY "
                                            "KEY AUTOINCREMENT (GENERATED ALWAYS is not "
                                            "enforced)")
                                 .arg(col.name));

    const PgNode* pendingFk = nullptr;
    auto flushFk = [&](const PgNode* deferrable, const PgNode* deferred) {
        if (!pendingFk)
            return;
        const PgNode& c = *pendingFk;
        const QString name = c["conname"].isNull()
                                 ? autoName(table, {col.name}, QStringLiteral("fkey"))
                                 : reserveName(table, c["conname"].qstr());
        part(QLatin1String("CONSTRAINT "), quoteIdent(name), QLatin1Char(' '),
             foreignKeyClause(c, deferrable, deferred));
        col.references = true;
        pendingFk = nullptr;
    };
    const PgNode* deferrable = nullptr;
    const PgNode* deferred = nullptr;
    for (const PgNode& wrapped : constraints) {
        const PgNode& c = wrapped["Constraint"];
        const std::string_view kind = c["contype"].str();
        const int at = int(c["location"].integer());
        if (kind == "CONSTR_ATTR_DEFERRABLE") {
            deferrable = &c;
            continue;
        }
        if (kind == "CONSTR_ATTR_DEFERRED") {
            deferred = &c;
            continue;
        }
        if (kind == "CONSTR_ATTR_NOT_DEFERRABLE" || kind == "CONSTR_ATTR_IMMEDIATE")
            continue;
        flushFk(deferrable, deferred);
        deferrable = deferred = nullptr;
        if (kind == "CONSTR_NOTNULL") {
            if (!col.notNull && !rowidKey)
                part(QLatin1String("NOT NULL"));
            col.notNull = true;
        } else if (kind == "CONSTR_NULL") {
            continue;
        } else if (kind == "CONSTR_DEFAULT") {
            if (sequenceDefault) {
                if (!rowidKey)
                    m_ctx.warning(at, QStringLiteral("SQLite has no sequences: the nextval() "
                                                     "default is dropped"));
                continue;
            }
            const QString value = m_expr.defaultValue(c["raw_expr"], type.boolean, type.array);
            part(QLatin1String("DEFAULT "), value);
            col.hasDefault = true;
            col.constantDefault = !value.startsWith(QLatin1Char('(')) &&
                                  !value.startsWith(QLatin1String("CURRENT_"));
        } else if (kind == "CONSTR_PRIMARY") {
            const QString name = c["conname"].isNull()
                                     ? reserveName(table, table + QStringLiteral("_pkey"))
                                     : reserveName(table, c["conname"].qstr());
            part(QLatin1String("CONSTRAINT "), quoteIdent(name),
                 rowidKey ? QLatin1String(" PRIMARY KEY AUTOINCREMENT")
                          : QLatin1String(" PRIMARY KEY"));
            col.primaryKey = true;
        } else if (kind == "CONSTR_UNIQUE") {
            const QString name = c["conname"].isNull()
                                     ? autoName(table, {col.name}, QStringLiteral("key"))
                                     : reserveName(table, c["conname"].qstr());
            part(QLatin1String("CONSTRAINT "), quoteIdent(name), QLatin1String(" UNIQUE"));
            col.unique = true;
            if (c["nulls_not_distinct"].boolean())
                m_ctx.warning(at, QStringLiteral("NULLS NOT DISTINCT is not supported: SQLite "
                                                 "allows several NULLs in a UNIQUE column"));
        } else if (kind == "CONSTR_CHECK") {
            const QString name = c["conname"].isNull()
                                     ? autoName(table, {col.name}, QStringLiteral("check"))
                                     : reserveName(table, c["conname"].qstr());
            part(QLatin1String("CONSTRAINT "), quoteIdent(name), QLatin1String(" CHECK ("),
                 m_expr.expr(c["raw_expr"]), QLatin1Char(')'));
        } else if (kind == "CONSTR_FOREIGN") {
            pendingFk = &c;
        } else if (kind == "CONSTR_IDENTITY") {
            continue;
        } else if (kind == "CONSTR_GENERATED") {
            part(QLatin1String("GENERATED ALWAYS AS ("), m_expr.expr(c["raw_expr"]),
                 QLatin1String(") STORED"));
            col.storedGenerated = true;
        } else {
            m_ctx.error(at, QStringLiteral("this column constraint has no SQLite equivalent"));
        }
    }
    flushFk(deferrable, deferred);
    if (rowidKey && !col.primaryKey)
        part(QLatin1String("CONSTRAINT "), // the table-level key moves here
             quoteIdent(m_primaryKeyName.isEmpty() ? table + QStringLiteral("_pkey")
                                                   : m_primaryKeyName),
             QLatin1String(" PRIMARY KEY AUTOINCREMENT"));

    if (!type.domainName.isEmpty()) {
        if (type.domain.notNull && !col.notNull) {
            part(QLatin1String("NOT NULL"));
            col.notNull = true;
        }
        if (!col.hasDefault && !type.domain.defaultSql.isEmpty()) {
            part(QLatin1String("DEFAULT "), type.domain.defaultSql);
            col.hasDefault = true;
            col.constantDefault = !type.domain.defaultSql.startsWith(QLatin1Char('('));
        }
        for (QString check : type.domain.checks)
            part(QLatin1String("CHECK ("), check.replace(kValuePlaceholder, qname), QLatin1Char(')'));
    }
    // Named, so that ALTER TYPE … ADD VALUE and ALTER COLUMN TYPE can replace them.
    if (!type.enumName.isEmpty())
        part(QLatin1String("CONSTRAINT "),
             quoteIdent(reserveName(table, table + QLatin1Char('_') + col.name +
                                               QLatin1String("_enum"))),
             QLatin1String(" CHECK ("), enumCheck(col.name, type.enumLabels), QLatin1Char(')'));
    if (type.boolean && type.domainName.isEmpty())
        part(QLatin1String("CONSTRAINT "),
             quoteIdent(reserveName(table, table + QLatin1Char('_') + col.name +
                                               QLatin1String("_bool"))),
             QLatin1String(" CHECK ("), qname, QLatin1String(" IN (0, 1))"));
    if (!def["collClause"].isNull())
        m_ctx.warning(location, QStringLiteral("the column's collation is dropped"));
    col.definition = std::move(text);
    return col;
}

QString TableTranslator::tableConstraint(const QString& table, const PgNode& c)
{
    const std::string_view kind = c["contype"].str();
    const int at = int(c["location"].integer());
    const QStringList keys = stringList(c["keys"]);
    auto named = [&](const QStringList& columns, const QString& label) -> QString {
        const QString name = c["conname"].isNull() ? autoName(table, columns, label)
                                                   : reserveName(table, c["conname"].qstr());
        return QStringLiteral("CONSTRAINT ") + quoteIdent(name) + QLatin1Char(' ');
    };
    if (c["including"].size() > 0)
        m_ctx.warning(at, QStringLiteral("INCLUDE columns are dropped (SQLite indexes have no "
                                         "included columns)"));
    if ((kind == "CONSTR_PRIMARY" || kind == "CONSTR_UNIQUE") && c["deferrable"].boolean())
        m_ctx.warning(at, QStringLiteral("SQLite checks PRIMARY KEY and UNIQUE immediately: "
                                         "DEFERRABLE is dropped"));
    if (kind == "CONSTR_PRIMARY") {
        const QString name = c["conname"].isNull() ? table + QStringLiteral("_pkey")
                                                   : c["conname"].qstr();
        reserveName(table, name);
        return QStringLiteral("CONSTRAINT ") + quoteIdent(name) + QStringLiteral(" PRIMARY KEY (") +
               quotedList(keys) + QLatin1Char(')');
    }
    if (kind == "CONSTR_UNIQUE") {
        if (c["nulls_not_distinct"].boolean())
            m_ctx.warning(at, QStringLiteral("NULLS NOT DISTINCT is not supported: SQLite "
                                             "allows several NULLs in a UNIQUE key"));
        return named(keys, QStringLiteral("key")) + QStringLiteral("UNIQUE (") + quotedList(keys) +
               QLatin1Char(')');
    }
    if (kind == "CONSTR_CHECK") {
        const QStringList cols = columnsReferenced(c["raw_expr"]);
        return named(cols.mid(0, 1), QStringLiteral("check")) + QStringLiteral("CHECK (") +
               m_expr.expr(c["raw_expr"]) + QLatin1Char(')');
    }
    if (kind == "CONSTR_FOREIGN") {
        const QStringList cols = stringList(c["fk_attrs"]);
        return named(cols, QStringLiteral("fkey")) + QStringLiteral("FOREIGN KEY (") +
               quotedList(cols) + QStringLiteral(") ") + foreignKeyClause(c, nullptr, nullptr);
    }
    if (kind == "CONSTR_EXCLUSION")
        m_ctx.error(at, QStringLiteral("SQLite has no exclusion constraints"));
    else
        m_ctx.error(at, QStringLiteral("this table constraint has no SQLite equivalent"));
    return {};
}

void TableTranslator::createTable(const PgNode& s)
{
    const QString table = tableName(m_ctx, s["relation"]);
    const int location = int(s["relation"]["location"].integer());
    if (s["inhRelations"].size() > 0)
        m_ctx.error(location, QStringLiteral("SQLite has no table inheritance (INHERITS)"));
    if (!s["partspec"].isNull() || !s["partbound"].isNull())
        m_ctx.error(location, QStringLiteral("SQLite has no partitioned tables"));
    if (s["options"].size() > 0)
        m_ctx.note(location, QStringLiteral("storage parameters (WITH …) are dropped"));
    const std::string_view persistence = s["relation"]["relpersistence"].str();
    if (persistence == "u")
        m_ctx.note(location, QStringLiteral("UNLOGGED is dropped"));
    if (!s["if_not_exists"].boolean())
        m_ctx.constraintNames.remove(table);

    // The primary key's columns decide which serial column becomes the rowid.
    QStringList primaryKey;
    m_primaryKeyName.clear();
    for (const PgNode& e : s["tableElts"]) {
        if (e.is("ColumnDef")) {
            for (const PgNode& c : e.body()["constraints"])
                if (c["Constraint"]["contype"].str() == "CONSTR_PRIMARY")
                    primaryKey << e.body()["colname"].qstr();
        } else if (e.is("Constraint") && e.body()["contype"].str() == "CONSTR_PRIMARY") {
            primaryKey = stringList(e.body()["keys"]);
            m_primaryKeyName = e.body()["conname"].qstr();
        }
    }
    // The column list, built in place: elements separated by ",\n    ".
    QString lines;
    lines.reserve(2048);
    bool first = true;
    auto line = [&](const QString& text) {
        if (!first)
            lines += QLatin1String(",\n    ");
        first = false;
        lines += text;
    };
    bool pkMovedToColumn = false;
    for (const PgNode& e : s["tableElts"]) {
        if (e.is("ColumnDef")) {
            const TranslatedColumn col = column(table, e.body(), primaryKey);
            if (col.definition.endsWith(QLatin1String(" PRIMARY KEY AUTOINCREMENT")) &&
                !col.primaryKey)
                pkMovedToColumn = true;
            line(col.definition);
        }
    }
    for (const PgNode& e : s["tableElts"]) {
        if (e.is("Constraint")) {
            if (e.body()["contype"].str() == "CONSTR_PRIMARY" && pkMovedToColumn) {
                reserveName(table, e.body()["conname"].isNull() ? table + QStringLiteral("_pkey")
                                                               : e.body()["conname"].qstr());
                continue;
            }
            const QString c = tableConstraint(table, e.body());
            if (!c.isEmpty())
                line(c);
        } else if (e.is("TableLikeClause")) {
            m_ctx.error(locationOf(e), QStringLiteral("CREATE TABLE … (LIKE …) is not translated"));
        }
    }
    QString sql = persistence == "t" ? QStringLiteral("CREATE TEMP TABLE ")
                                     : QStringLiteral("CREATE TABLE ");
    if (s["if_not_exists"].boolean())
        sql += QStringLiteral("IF NOT EXISTS ");
    sql += quoteIdent(table) + QLatin1String(" (\n    ") + lines + QLatin1String("\n);");
    m_ctx.add(sql);
}

void TableTranslator::createTableAs(const PgNode& s)
{
    const PgNode& into = s["into"];
    const QString table = tableName(m_ctx, into["rel"]);
    if (s["objtype"].str() == "OBJECT_MATVIEW") {
        m_ctx.warning(-1, QStringLiteral("SQLite has no materialized views: this becomes a table "
                                         "filled once (REFRESH is not possible)"));
    }
    if (into["skipData"].boolean()) {
        m_ctx.add(QStringLiteral("CREATE TABLE %1 AS SELECT * FROM (%2) LIMIT 0;")
                      .arg(quoteIdent(table), m_expr.select(s["query"]["SelectStmt"])));
        return;
    }
    m_ctx.add(QStringLiteral("CREATE TABLE %1%2 AS %3;")
                  .arg(s["if_not_exists"].boolean() ? QStringLiteral("IF NOT EXISTS ") : QString(),
                       quoteIdent(table), m_expr.select(s["query"]["SelectStmt"])));
}

} // namespace strata
