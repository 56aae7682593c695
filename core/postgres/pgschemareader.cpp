#include "pgschemareader.h"

#include "sqliteschemareader.h" // isBookkeepingTable

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>

#include <pqxx/connection_base>
#include <pqxx/except>
#include <pqxx/result>
#include <pqxx/transaction>

#include <algorithm>

namespace strata {
namespace {

// The user's schemas: names starting with pg_ are reserved for the system (pg_catalog, pg_toast,
// pg_temp_N, pg_toast_temp_N), and information_schema is the standard's view of the catalog.
const char* const userNamespace =
    "n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'";

// `c` (a pg_class row) is not a member of an extension.
const char* const notFromExtension =
    "NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_class'::regclass "
    "AND e.objid = c.oid AND e.deptype = 'e')";

QString text(const pqxx::field& f)
{
    return f.is_null() ? QString() : QString::fromUtf8(f.c_str());
}

QStringList jsonList(const pqxx::field& f)
{
    QStringList out;
    if (f.is_null())
        return out;
    const QJsonArray array = QJsonDocument::fromJson(QByteArray(f.c_str())).array();
    for (const QJsonValue& v : array)
        out << v.toString();
    return out;
}

std::string sql(const char* a, const char* b = "", const char* c = "", const char* d = "")
{
    return std::string(a) + b + c + d;
}

QString foreignKeyAction(char code)
{
    switch (code) {
    case 'r': return QStringLiteral("RESTRICT");
    case 'c': return QStringLiteral("CASCADE");
    case 'n': return QStringLiteral("SET NULL");
    case 'd': return QStringLiteral("SET DEFAULT");
    default: return QStringLiteral("NO ACTION");
    }
}

QString quoteLiteral(const QString& s)
{
    QString out = s;
    out.replace(QLatin1Char('\''), QStringLiteral("''"));
    return QLatin1Char('\'') + out + QLatin1Char('\'');
}

// "billing.invoices" → "billing.invoices" with each part quoted as SQL needs.
QString quoteQualified(const QString& schema, const QString& name)
{
    return schema == QLatin1String("public") ? pgQuoteIdent(name)
                                             : pgQuoteIdent(schema) + QLatin1Char('.') +
                                                   pgQuoteIdent(name);
}

// Everything the queries find about one table before it becomes a Table.
struct TableParts
{
    Table table;
    QStringList columnSql;     // one definition per column, for the rebuilt CREATE TABLE
    QStringList constraintSql; // "CONSTRAINT name …", by constraint name
    QString schemaName, bareName;
};

struct Reader
{
    pqxx::dbtransaction& tx;
    QHash<QString, TableParts> tables; // by pg_class oid
    QHash<QString, View> views;
    QHash<QString, QString> relationNames; // oid → model name, for every readable relation
    QHash<QString, QString> constraintOfIndex; // index oid → 'p' / 'u'
    QHash<QString, QString> ownedSequence;     // "table oid/column" → sequence name (serial)
    Schema schema;

    void readRelations();
    void readSequences();
    void readColumns();
    void readConstraints();
    void readIndexes();
    void readViews();
    void readTriggers();
    void readEnums();
    Schema finish();
};

void Reader::readRelations()
{
    const pqxx::result r = tx.exec(sql(
        "SELECT c.oid, n.nspname, c.relname, c.relkind FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p', 'v', 'm') AND ",
        userNamespace, " AND ", notFromExtension));
    for (const auto& row : r) {
        const QString oid = text(row[0]);
        const QString nsp = text(row[1]);
        const QString name = text(row[2]);
        const char kind = row[3].c_str()[0];
        const QString qualified = pgQualifiedName(nsp, name);
        if (kind == 'r' || kind == 'p') {
            if (isBookkeepingTable(name))
                continue;
            TableParts parts;
            parts.table.name = qualified;
            parts.schemaName = nsp;
            parts.bareName = name;
            tables.insert(oid, parts);
        } else {
            View v;
            v.name = qualified;
            v.sql = (kind == 'm' ? QStringLiteral("CREATE MATERIALIZED VIEW ")
                                 : QStringLiteral("CREATE VIEW ")) +
                    quoteQualified(nsp, name);
            views.insert(oid, v);
        }
        relationNames.insert(oid, qualified);
    }
}

void Reader::readSequences()
{
    // Identity columns own their sequence internally (deptype 'i'): the column says it all.
    // A serial column's sequence is owned automatically (deptype 'a'), as OWNED BY makes it.
    const pqxx::result r = tx.exec(sql(
        "SELECT n.nspname, c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, "
        "  d.deptype, d.refobjid, dn.nspname, dc.relname, da.attname "
        "FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid "
        "  AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0 "
        "  AND d.deptype IN ('a', 'i') "
        "LEFT JOIN pg_class dc ON dc.oid = d.refobjid "
        "LEFT JOIN pg_namespace dn ON dn.oid = dc.relnamespace "
        "LEFT JOIN pg_attribute da ON da.attrelid = d.refobjid AND da.attnum = d.refobjsubid "
        "WHERE ",
        userNamespace, " AND ", notFromExtension));
    for (const auto& row : r) {
        if (!row[5].is_null() && row[5].c_str()[0] == 'i')
            continue;
        if (!row[6].is_null() && isBookkeepingTable(text(row[8])))
            continue; // a migration tool's own counter
        Sequence q;
        q.name = pgQualifiedName(text(row[0]), text(row[1]));
        q.dataType = text(row[2]);
        q.start = row[3].as<long long>();
        q.increment = row[4].as<long long>();
        q.sql = QStringLiteral("CREATE SEQUENCE %1 AS %2 START WITH %3 INCREMENT BY %4")
                    .arg(quoteQualified(text(row[0]), text(row[1])), q.dataType)
                    .arg(q.start)
                    .arg(q.increment);
        if (!row[6].is_null()) {
            q.ownedBy = pgQualifiedName(text(row[7]), text(row[8])) + QLatin1Char('.') +
                        text(row[9]);
            q.sql += QStringLiteral(" OWNED BY %1.%2")
                         .arg(quoteQualified(text(row[7]), text(row[8])), pgQuoteIdent(text(row[9])));
            ownedSequence.insert(text(row[6]) + QLatin1Char('/') + text(row[9]), text(row[1]));
        }
        schema.sequences << q;
    }
}

void Reader::readColumns()
{
    const pqxx::result r = tx.exec(sql(
        "SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
        "  pg_get_expr(d.adbin, d.adrelid, true), a.attidentity, a.attgenerated "
        "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
        "WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm') AND ",
        userNamespace, " ORDER BY a.attrelid, a.attnum"));
    for (const auto& row : r) {
        const QString oid = text(row[0]);
        const QString name = text(row[1]);
        if (auto v = views.find(oid); v != views.end()) {
            v->columns << name;
            continue;
        }
        auto t = tables.find(oid);
        if (t == tables.end())
            continue;
        Column c;
        c.name = name;
        c.declaredType = text(row[2]);
        c.notNull = row[3].as<bool>();
        const QString expression = text(row[4]);
        const char identity = row[5].c_str()[0];
        const char generated = row[6].c_str()[0];
        QString def = pgQuoteIdent(name) + QLatin1Char(' ') + c.declaredType;
        if (generated == 's') {
            c.generated = Column::Generated::Stored;
            def += QStringLiteral(" GENERATED ALWAYS AS (%1) STORED").arg(expression);
        } else if (!row[4].is_null()) {
            c.hasDefault = true;
            c.defaultValue = expression;
            def += QStringLiteral(" DEFAULT ") + expression;
            const QString seq = ownedSequence.value(oid + QLatin1Char('/') + name);
            c.serial = !seq.isEmpty() && expression.startsWith(QLatin1String("nextval(")) &&
                       expression.contains(seq);
        }
        if (identity == 'a') {
            c.identity = Column::Identity::Always;
            def += QStringLiteral(" GENERATED ALWAYS AS IDENTITY");
        } else if (identity == 'd') {
            c.identity = Column::Identity::ByDefault;
            def += QStringLiteral(" GENERATED BY DEFAULT AS IDENTITY");
        }
        if (c.notNull)
            def += QStringLiteral(" NOT NULL");
        t->table.columns << c;
        t->columnSql << def;
    }
}

void Reader::readConstraints()
{
    const pqxx::result r = tx.exec(sql(
        "SELECT con.conrelid, con.conname, con.contype, "
        "  (SELECT json_agg(a.attname ORDER BY k.i) FROM unnest(con.conkey) WITH ORDINALITY "
        "     k(num, i) JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num), "
        "  fn.nspname, fc.relname, "
        "  (SELECT json_agg(a.attname ORDER BY k.i) FROM unnest(con.confkey) WITH ORDINALITY "
        "     k(num, i) JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num), "
        "  con.confdeltype, con.confupdtype, pg_get_constraintdef(con.oid, true), con.conindid, "
        "  CASE WHEN con.contype = 'c' THEN pg_get_expr(con.conbin, con.conrelid, true) END "
        "FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "LEFT JOIN pg_class fc ON fc.oid = con.confrelid "
        "LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace "
        "WHERE con.contype IN ('p', 'u', 'f', 'c', 'x') AND ",
        userNamespace, " ORDER BY con.conrelid, con.conname"));
    for (const auto& row : r) {
        auto t = tables.find(text(row[0]));
        if (t == tables.end())
            continue;
        const QString name = text(row[1]);
        const char type = row[2].c_str()[0];
        const QStringList columns = jsonList(row[3]);
        t->constraintSql << QStringLiteral("CONSTRAINT %1 %2").arg(pgQuoteIdent(name), text(row[9]));
        switch (type) {
        case 'p':
            for (int i = 0; i < columns.size(); ++i)
                for (Column& c : t->table.columns)
                    if (c.name == columns[i])
                        c.primaryKeyPosition = i + 1;
            constraintOfIndex.insert(text(row[10]), QStringLiteral("p"));
            break;
        case 'u':
            constraintOfIndex.insert(text(row[10]), QStringLiteral("u"));
            break;
        case 'f': {
            ForeignKey fk;
            fk.columns = columns;
            fk.targetTable = pgQualifiedName(text(row[4]), text(row[5]));
            fk.targetColumns = jsonList(row[6]);
            fk.onDelete = foreignKeyAction(row[7].c_str()[0]);
            fk.onUpdate = foreignKeyAction(row[8].c_str()[0]);
            t->table.foreignKeys << fk;
            break;
        }
        case 'c':
            t->table.checks << text(row[11]);
            break;
        default: // exclusion constraints: their index is listed with the others
            break;
        }
    }
}

void Reader::readIndexes()
{
    // An expression key reads back as its text; the model writes it in parentheses, as SQLite's
    // reader does (indkey holds 0 for an expression).
    const pqxx::result r = tx.exec(sql(
        "SELECT i.indrelid, ic.relname, i.indisunique, i.indpred IS NOT NULL, am.amname, "
        "  pg_get_indexdef(i.indexrelid), i.indexrelid, "
        "  (SELECT json_agg(CASE WHEN i.indkey[k - 1] = 0 "
        "     THEN '(' || pg_get_indexdef(i.indexrelid, k, true) || ')' "
        "     ELSE pg_get_indexdef(i.indexrelid, k, true) END ORDER BY k) "
        "   FROM generate_series(1, i.indnkeyatts) k) "
        "FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid "
        "JOIN pg_am am ON am.oid = ic.relam JOIN pg_class c ON c.oid = i.indrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ",
        userNamespace, " ORDER BY i.indrelid, ic.relname"));
    for (const auto& row : r) {
        auto t = tables.find(text(row[0]));
        if (t == tables.end())
            continue;
        Index ix;
        ix.name = text(row[1]);
        ix.unique = row[2].as<bool>();
        ix.partial = row[3].as<bool>();
        ix.method = text(row[4]);
        ix.columns = jsonList(row[7]);
        const QString constraint = constraintOfIndex.value(text(row[6]));
        if (constraint == QLatin1String("p"))
            ix.origin = Index::Origin::PrimaryKey;
        else if (constraint == QLatin1String("u"))
            ix.origin = Index::Origin::UniqueConstraint;
        else
            ix.sql = text(row[5]);
        t->table.indexes << ix;
    }
}

void Reader::readViews()
{
    if (views.isEmpty())
        return;
    const pqxx::result r = tx.exec(sql(
        "SELECT c.oid, pg_get_viewdef(c.oid, true) FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('v', 'm') AND ",
        userNamespace));
    for (const auto& row : r)
        if (auto v = views.find(text(row[0])); v != views.end())
            v->sql += QStringLiteral(" AS\n") + text(row[1]).trimmed();
}

void Reader::readTriggers()
{
    const pqxx::result r = tx.exec(sql(
        "SELECT t.tgrelid, t.tgname, pg_get_triggerdef(t.oid, true) FROM pg_trigger t "
        "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE NOT t.tgisinternal AND ",
        userNamespace, " ORDER BY t.tgrelid, t.tgname"));
    for (const auto& row : r) {
        const QString table = relationNames.value(text(row[0]));
        if (table.isEmpty())
            continue;
        schema.triggers << Trigger{text(row[1]), table, text(row[2])};
    }
}

void Reader::readEnums()
{
    const pqxx::result r = tx.exec(sql(
        "SELECT n.nspname, t.typname, "
        "  COALESCE(json_agg(e.enumlabel ORDER BY e.enumsortorder) "
        "           FILTER (WHERE e.enumlabel IS NOT NULL), '[]') "
        "FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
        "LEFT JOIN pg_enum e ON e.enumtypid = t.oid "
        "WHERE t.typtype = 'e' AND ",
        userNamespace,
        " AND NOT EXISTS (SELECT 1 FROM pg_depend x WHERE x.classid = 'pg_type'::regclass "
        "AND x.objid = t.oid AND x.deptype = 'e') GROUP BY n.nspname, t.typname"));
    for (const auto& row : r) {
        EnumType e;
        e.name = pgQualifiedName(text(row[0]), text(row[1]));
        e.labels = jsonList(row[2]);
        QStringList quoted;
        for (const QString& l : std::as_const(e.labels))
            quoted << quoteLiteral(l);
        e.sql = QStringLiteral("CREATE TYPE %1 AS ENUM (%2)")
                    .arg(quoteQualified(text(row[0]), text(row[1])),
                         quoted.join(QStringLiteral(", ")));
        schema.enums << e;
    }
}

template <typename T>
void sortByName(QList<T>& list)
{
    std::sort(list.begin(), list.end(), [](const T& a, const T& b) { return a.name < b.name; });
}

Schema Reader::finish()
{
    for (TableParts& parts : tables) {
        QStringList body = parts.columnSql;
        body << parts.constraintSql;
        parts.table.sql = QStringLiteral("CREATE TABLE %1 (\n    %2\n)")
                              .arg(quoteQualified(parts.schemaName, parts.bareName),
                                   body.join(QStringLiteral(",\n    ")));
        schema.tables << std::move(parts.table);
    }
    for (View& v : views)
        schema.views << std::move(v);
    sortByName(schema.tables);
    sortByName(schema.views);
    sortByName(schema.enums);
    sortByName(schema.sequences);
    std::stable_sort(schema.triggers.begin(), schema.triggers.end(),
                     [](const Trigger& a, const Trigger& b) {
                         return a.table != b.table ? a.table < b.table : a.name < b.name;
                     });
    return std::move(schema);
}

} // namespace

QString pgQualifiedName(const QString& schemaName, const QString& name)
{
    return schemaName == QLatin1String("public") ? name : schemaName + QLatin1Char('.') + name;
}

QString pgQuoteIdent(const QString& name)
{
    // Reserved words that a schema's names often are; others quote as a plain name would.
    static const QSet<QString> reserved = {
        QStringLiteral("user"),   QStringLiteral("order"),  QStringLiteral("group"),
        QStringLiteral("table"),  QStringLiteral("select"), QStringLiteral("from"),
        QStringLiteral("where"),  QStringLiteral("check"),  QStringLiteral("default"),
        QStringLiteral("column"), QStringLiteral("limit"),  QStringLiteral("offset"),
        QStringLiteral("end"),    QStringLiteral("primary"), QStringLiteral("references"),
        QStringLiteral("unique"), QStringLiteral("to"),     QStringLiteral("desc"),
        QStringLiteral("asc"),    QStringLiteral("all"),    QStringLiteral("and"),
        QStringLiteral("or"),     QStringLiteral("not"),    QStringLiteral("null"),
        QStringLiteral("case"),   QStringLiteral("when"),   QStringLiteral("constraint")};
    static const QRegularExpression plain(QStringLiteral("^[a-z_][a-z0-9_$]*$"));
    if (plain.match(name).hasMatch() && !reserved.contains(name))
        return name;
    QString quoted = name;
    quoted.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

Result<Schema> readPostgresSchema(pqxx::connection_base& connection)
{
    try {
        pqxx::read_transaction tx(connection, "strata_schema");
        tx.exec("SET LOCAL search_path TO public");
        Reader reader{tx, {}, {}, {}, {}, {}, {}};
        reader.readRelations();
        reader.readSequences();
        reader.readColumns();
        reader.readConstraints();
        reader.readIndexes();
        reader.readViews();
        reader.readTriggers();
        reader.readEnums();
        tx.commit();
        return reader.finish();
    } catch (const std::exception& e) {
        return Error{QStringLiteral("cannot read the PostgreSQL catalog: ") +
                         QString::fromUtf8(e.what()).trimmed(),
                     {}, 0, 0, {}};
    }
}

} // namespace strata
