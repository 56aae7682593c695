#include "dialectsemantic.h"

#include <QRegularExpression>

#include <SQLiteCpp/SQLiteCpp.h>
#include <pqxx/pqxx>

#include <algorithm>

namespace strata::test {
namespace {

constexpr char kSep = '\x1f'; // joins name lists in PostgreSQL queries; never in a name

// A table's name as the translator documents it: "name" in public, "schema_name" elsewhere
// (SQLite has no schemas).
const std::string kQualifiedName =
    "CASE WHEN n.nspname = 'public' THEN c.relname::text ELSE n.nspname || '_' || c.relname END";

QString text(const pqxx::field& f)
{
    return f.is_null() ? QString() : QString::fromUtf8(f.c_str());
}

QStringList names(const pqxx::field& f)
{
    return f.is_null() ? QStringList() : text(f).split(QLatin1Char(kSep));
}

QString pgAction(const QString& code)
{
    static const QMap<QString, QString> actions = {
        {QStringLiteral("a"), QStringLiteral("NO ACTION")},
        {QStringLiteral("r"), QStringLiteral("RESTRICT")},
        {QStringLiteral("c"), QStringLiteral("CASCADE")},
        {QStringLiteral("n"), QStringLiteral("SET NULL")},
        {QStringLiteral("d"), QStringLiteral("SET DEFAULT")}};
    return actions.value(code, QStringLiteral("? ") + code);
}

QString sqliteQuote(const QString& name)
{
    QString q = name;
    q.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + q + QLatin1Char('"');
}

QString columnText(SQLite::Statement& st, int i)
{
    return st.isColumnNull(i) ? QString() : QString::fromUtf8(st.getColumn(i).getText());
}

} // namespace

QString SemanticForeignKey::text() const
{
    return QStringLiteral("(%1) REFERENCES %2(%3) ON DELETE %4 ON UPDATE %5")
        .arg(columns.join(QLatin1Char(',')), table, targetColumns.join(QLatin1Char(',')), onDelete,
             onUpdate);
}

const SemanticColumn* SemanticTable::column(const QString& name) const
{
    for (const SemanticColumn& c : columns)
        if (c.name == name)
            return &c;
    return nullptr;
}

QStringList SemanticTable::uniqueKeys() const
{
    QStringList keys;
    for (const SemanticIndex& i : indexes)
        if (i.unique && !i.primary && !i.partial && !i.columns.contains(QStringLiteral("<expr>")))
            keys << i.columns.join(QLatin1Char(','));
    keys.sort();
    keys.removeDuplicates();
    return keys;
}

SemanticSchema readPostgresSchema(pqxx::connection_base& conn)
{
    SemanticSchema schema;
    pqxx::nontransaction tx(conn);
    const pqxx::result tables = tx.exec(
        "SELECT c.oid, " + kQualifiedName +
        " FROM pg_class c JOIN pg_namespace n ON "
        "n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') "
        "AND n.nspname NOT LIKE 'pg\\_%' AND c.relkind IN ('r', 'p') ORDER BY 2");
    for (const auto& row : tables) {
        const std::string oid = row[0].c_str();
        SemanticTable t;
        t.name = text(row[1]);

        // Domains are resolved one level to their base type: its category, labels, NOT NULL
        // and default are what the column means.
        const pqxx::result cols = tx.exec(
            "SELECT a.attname, a.attnotnull OR t.typnotnull, a.attidentity, a.attgenerated, "
            "       COALESCE(pg_get_expr(d.adbin, d.adrelid), t.typdefault), bt.typname, "
            "       bt.typcategory, bt.typtype, bt.oid "
            "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
            "JOIN pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype "
            "                                 ELSE t.oid END "
            "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
            "WHERE a.attrelid = " +
            oid +
            " AND a.attnum > 0 AND NOT a.attisdropped "
            "ORDER BY a.attnum");
        for (const auto& c : cols) {
            SemanticColumn col;
            col.name = text(c[0]);
            col.notNull = text(c[1]) == QLatin1String("t");
            const bool identity = !text(c[2]).isEmpty();
            col.generated = !text(c[3]).isEmpty();
            if (!col.generated)
                col.defaultExpr = text(c[4]);
            col.generatedKey = identity || col.defaultExpr.startsWith(QLatin1String("nextval("));
            col.baseType = text(c[5]);
            col.category = text(c[6]);
            if (text(c[7]) == QLatin1String("e"))
                for (const auto& l : tx.exec("SELECT enumlabel FROM pg_enum WHERE enumtypid = " +
                                             std::string(c[8].c_str()) + " ORDER BY enumsortorder"))
                    col.enumLabels << text(l[0]);
            t.columns << col;
        }

        const std::string keyNames =
            "(SELECT string_agg(CASE WHEN k.n = 0 THEN '<expr>' ELSE a.attname::text END, "
            "chr(31) ORDER BY k.ord) FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(n, ord) "
            "LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n "
            "WHERE k.ord <= i.indnkeyatts)";
        for (const auto& r :
             tx.exec("SELECT ic.relname, i.indisunique, i.indisprimary, i.indpred IS NOT NULL, "
                     "       NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = "
                     "i.indexrelid AND c.contype IN ('p', 'u', 'x')), " +
                     keyNames +
                     " FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid "
                     "WHERE i.indrelid = " +
                     oid + " ORDER BY ic.relname")) {
            SemanticIndex i;
            i.name = text(r[0]);
            i.unique = text(r[1]) == QLatin1String("t");
            i.primary = text(r[2]) == QLatin1String("t");
            i.partial = text(r[3]) == QLatin1String("t");
            i.fromCreateIndex = text(r[4]) == QLatin1String("t");
            i.columns = names(r[5]);
            if (i.primary)
                t.primaryKey = i.columns;
            t.indexes << i;
        }
        for (SemanticColumn& c : t.columns)
            c.primaryKey = t.primaryKey.contains(c.name);

        for (const auto& r : tx.exec(
                 "SELECT (SELECT " + kQualifiedName +
                 " FROM pg_class c JOIN pg_namespace n ON "
                 "n.oid = c.relnamespace WHERE c.oid = rt.oid), "
                 "  (SELECT string_agg(a.attname, chr(31) ORDER BY k.ord) FROM unnest(c.conkey) "
                 "   WITH ORDINALITY k(n, ord) JOIN pg_attribute a ON a.attrelid = c.conrelid "
                 "   AND a.attnum = k.n), "
                 "  (SELECT string_agg(a.attname, chr(31) ORDER BY k.ord) FROM unnest(c.confkey) "
                 "   WITH ORDINALITY k(n, ord) JOIN pg_attribute a ON a.attrelid = c.confrelid "
                 "   AND a.attnum = k.n), c.confdeltype, c.confupdtype "
                 "FROM pg_constraint c JOIN pg_class rt ON rt.oid = c.confrelid "
                 "WHERE c.contype = 'f' AND c.conrelid = " +
                 oid)) {
            SemanticForeignKey fk;
            fk.table = text(r[0]);
            fk.columns = names(r[1]);
            fk.targetColumns = names(r[2]);
            fk.onDelete = pgAction(text(r[3]));
            fk.onUpdate = pgAction(text(r[4]));
            t.foreignKeys << fk;
        }
        for (const auto& r : tx.exec("SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                                     "WHERE contype = 'c' AND conrelid = " +
                                     oid))
            t.checks << text(r[0]);
        schema.insert(t.name, t);
    }
    return schema;
}

SemanticSchema readSqliteSchema(SQLite::Database& db)
{
    SemanticSchema schema;
    SQLite::Statement tables(db, "SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND "
                                 "name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name");
    while (tables.executeStep()) {
        SemanticTable t;
        t.name = columnText(tables, 0);
        const QString sql = columnText(tables, 1);
        t.checks << sql;
        const bool withoutRowid =
            sql.contains(QRegularExpression(QStringLiteral("WITHOUT\\s+ROWID\\s*;?\\s*$"),
                                            QRegularExpression::CaseInsensitiveOption));
        const QString q = sqliteQuote(t.name);

        QList<QPair<int, QString>> pk;
        QMap<QString, QString> declaredType;
        SQLite::Statement cols(db, QString("PRAGMA table_xinfo(" + q + ")").toStdString());
        while (cols.executeStep()) {
            // cid, name, type, notnull, dflt_value, pk, hidden
            SemanticColumn c;
            c.name = columnText(cols, 1);
            declaredType.insert(c.name, columnText(cols, 2).trimmed().toUpper());
            c.notNull = cols.getColumn(3).getInt() != 0;
            c.defaultExpr = columnText(cols, 4);
            const int pkOrder = cols.getColumn(5).getInt();
            const int hidden = cols.getColumn(6).getInt();
            c.generated = hidden == 2 || hidden == 3;
            c.primaryKey = pkOrder > 0;
            if (c.primaryKey) {
                pk << qMakePair(pkOrder, c.name);
                if (withoutRowid) // such a table enforces NOT NULL on its key columns
                    c.notNull = true;
            }
            t.columns << c;
        }
        std::sort(pk.begin(), pk.end());
        for (const auto& p : pk)
            t.primaryKey << p.second;
        // Only a lone INTEGER key of a rowid table is the rowid: NOT NULL, and filled in.
        if (!withoutRowid && t.primaryKey.size() == 1 &&
            declaredType.value(t.primaryKey.first()) == QLatin1String("INTEGER"))
            for (SemanticColumn& c : t.columns)
                if (c.name == t.primaryKey.first()) {
                    c.generatedKey = true;
                    c.notNull = true;
                }

        SQLite::Statement idx(db, QString("PRAGMA index_list(" + q + ")").toStdString());
        while (idx.executeStep()) {
            // seq, name, unique, origin, partial
            SemanticIndex i;
            i.name = columnText(idx, 1);
            i.unique = idx.getColumn(2).getInt() != 0;
            const QString origin = columnText(idx, 3);
            i.primary = origin == QLatin1String("pk");
            i.fromCreateIndex = origin == QLatin1String("c");
            i.partial = idx.getColumn(4).getInt() != 0;
            SQLite::Statement info(
                db, QString("PRAGMA index_xinfo(" + sqliteQuote(i.name) + ")").toStdString());
            while (info.executeStep()) {
                // seqno, cid, name, desc, coll, key
                if (info.getColumn(5).getInt() == 0)
                    continue;
                const int cid = info.getColumn(1).getInt();
                i.columns << (cid == -2   ? QStringLiteral("<expr>")
                              : cid == -1 ? QStringLiteral("<rowid>")
                                          : columnText(info, 2));
            }
            t.indexes << i;
        }

        QMap<int, SemanticForeignKey> fks;
        SQLite::Statement fk(db, QString("PRAGMA foreign_key_list(" + q + ")").toStdString());
        while (fk.executeStep()) {
            // id, seq, table, from, to, on_update, on_delete, match
            SemanticForeignKey& f = fks[fk.getColumn(0).getInt()];
            f.table = columnText(fk, 2);
            f.columns << columnText(fk, 3);
            f.targetColumns << columnText(fk, 4); // null: the target's primary key
            f.onUpdate = columnText(fk, 5);
            f.onDelete = columnText(fk, 6);
        }
        t.foreignKeys = fks.values();
        schema.insert(t.name, t);
    }

    // A foreign key written without target columns means the target's primary key.
    for (SemanticTable& t : schema)
        for (SemanticForeignKey& f : t.foreignKeys)
            if (std::all_of(f.targetColumns.cbegin(), f.targetColumns.cend(),
                            [](const QString& c) { return c.isNull(); })) {
                const auto target = schema.constFind(f.table);
                f.targetColumns = target == schema.constEnd()
                                      ? QStringList{QStringLiteral("<missing table>")}
                                      : target->primaryKey;
            }
    return schema;
}

} // namespace strata::test
