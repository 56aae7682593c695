#include "sqliteschemareader.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

#include <QRegularExpression>

#include <algorithm>

namespace strata {
namespace {

QString text(const SQLite::Column& c)
{
    return c.isNull() ? QString() : QString::fromUtf8(c.getText());
}

// The key list of a CREATE INDEX statement: "(lower(email))" → "lower(email)".
QString indexKeyList(const QString& sql)
{
    static const QRegularExpression on(QStringLiteral(R"(\bON\s+\S+?\s*\()"),
                                       QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch m = on.match(sql);
    if (!m.hasMatch())
        return {};
    qsizetype i = m.capturedEnd();
    int depth = 1;
    const qsizetype start = i;
    for (; i < sql.size() && depth > 0; ++i) {
        if (sql[i] == QLatin1Char('('))
            ++depth;
        else if (sql[i] == QLatin1Char(')'))
            --depth;
    }
    return sql.mid(start, i - start - 1).trimmed();
}

Index::Origin originOf(const QString& code)
{
    if (code == QLatin1String("u"))
        return Index::Origin::UniqueConstraint;
    if (code == QLatin1String("pk"))
        return Index::Origin::PrimaryKey;
    return Index::Origin::CreateIndex;
}

} // namespace

bool isBookkeepingTable(const QString& name)
{
    static const QStringList names = {
        QStringLiteral("strata_migrations"), QStringLiteral("strata_history_extra"),
        QStringLiteral("d1_migrations"),     QStringLiteral("schema_migrations"),
        QStringLiteral("_cf_METADATA"),      QStringLiteral("_cf_KV"),
        QStringLiteral("_migrations"),       QStringLiteral("kysely_migration"),
        QStringLiteral("kysely_migration_lock"), QStringLiteral("__drizzle_migrations"),
        QStringLiteral("flyway_schema_history")};
    return name.startsWith(QLatin1String("sqlite_"), Qt::CaseInsensitive) ||
           names.contains(name, Qt::CaseInsensitive);
}

QString affinityOf(const QString& declaredType)
{
    const QString t = declaredType.toUpper();
    if (t.contains(QLatin1String("INT")))
        return QStringLiteral("INTEGER");
    if (t.contains(QLatin1String("CHAR")) || t.contains(QLatin1String("CLOB")) ||
        t.contains(QLatin1String("TEXT")))
        return QStringLiteral("TEXT");
    if (t.isEmpty() || t.contains(QLatin1String("BLOB")))
        return QStringLiteral("BLOB");
    if (t.contains(QLatin1String("REAL")) || t.contains(QLatin1String("FLOA")) ||
        t.contains(QLatin1String("DOUB")))
        return QStringLiteral("REAL");
    return QStringLiteral("NUMERIC");
}

QList<SqliteSchemaReader::CatalogEntry> SqliteSchemaReader::catalog()
{
    QList<CatalogEntry> out;
    SQLite::Statement q(m_db, "SELECT type, name, tbl_name, sql FROM sqlite_schema "
                              "WHERE type IN ('table','view','index','trigger') ORDER BY name");
    while (q.executeStep()) {
        CatalogEntry e{text(q.getColumn(0)), text(q.getColumn(1)), text(q.getColumn(2)),
                       text(q.getColumn(3))};
        if (isBookkeepingTable(e.table))
            continue;
        out << e;
    }
    return out;
}

Table SqliteSchemaReader::readTable(const QString& name, const QString& sql)
{
    Table t;
    t.name = name;
    t.sql = sql;
    const std::string n = name.toStdString();
    {
        SQLite::Statement q(m_db, "SELECT name, type, \"notnull\", dflt_value, pk, hidden "
                                  "FROM pragma_table_xinfo(?)");
        q.bind(1, n);
        while (q.executeStep()) {
            Column c;
            c.name = text(q.getColumn(0));
            c.declaredType = text(q.getColumn(1));
            c.affinity = affinityOf(c.declaredType);
            c.notNull = q.getColumn(2).getInt() != 0;
            c.hasDefault = !q.getColumn(3).isNull();
            c.defaultValue = text(q.getColumn(3));
            c.primaryKeyPosition = q.getColumn(4).getInt();
            const int hidden = q.getColumn(5).getInt();
            c.generated = hidden == 2   ? Column::Generated::Virtual
                          : hidden == 3 ? Column::Generated::Stored
                                        : Column::Generated::No;
            if (hidden == 1)
                continue; // a virtual table's hidden column
            t.columns << c;
        }
    }
    {
        SQLite::Statement q(m_db, "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete "
                                  "FROM pragma_foreign_key_list(?) ORDER BY id, seq");
        q.bind(1, n);
        int currentId = -1;
        while (q.executeStep()) {
            const int id = q.getColumn(0).getInt();
            if (id != currentId) {
                currentId = id;
                ForeignKey fk;
                fk.targetTable = text(q.getColumn(1));
                fk.onUpdate = text(q.getColumn(4));
                fk.onDelete = text(q.getColumn(5));
                t.foreignKeys << fk;
            }
            t.foreignKeys.last().columns << text(q.getColumn(2));
            if (!q.getColumn(3).isNull())
                t.foreignKeys.last().targetColumns << text(q.getColumn(3));
        }
        // SQLite lists foreign keys last-declared first; keep declaration order.
        std::reverse(t.foreignKeys.begin(), t.foreignKeys.end());
    }
    {
        SQLite::Statement q(m_db, "SELECT l.name, l.\"unique\", l.origin, l.partial, s.sql "
                                  "FROM pragma_index_list(?) l "
                                  "LEFT JOIN sqlite_schema s ON s.type = 'index' AND s.name = l.name "
                                  "ORDER BY l.name");
        q.bind(1, n);
        while (q.executeStep()) {
            Index ix;
            ix.name = text(q.getColumn(0));
            ix.unique = q.getColumn(1).getInt() != 0;
            ix.origin = originOf(text(q.getColumn(2)));
            ix.partial = q.getColumn(3).getInt() != 0;
            ix.sql = text(q.getColumn(4));
            t.indexes << ix;
        }
        for (Index& ix : t.indexes) {
            SQLite::Statement c(m_db, "SELECT cid, name FROM pragma_index_xinfo(?) WHERE key = 1 "
                                      "ORDER BY seqno");
            c.bind(1, ix.name.toStdString());
            bool hasExpression = false;
            while (c.executeStep()) {
                if (c.getColumn(0).getInt() == -2)
                    hasExpression = true;
                else
                    ix.columns << text(c.getColumn(1));
            }
            if (hasExpression) // an expression index: its key list as written
                ix.columns = QStringList{indexKeyList(ix.sql)};
        }
    }
    t.checks = checkConstraintsOf(sql);
    static const QRegularExpression options(
        QStringLiteral(R"(\)\s*((?:WITHOUT\s+ROWID|STRICT)(?:\s*,\s*(?:WITHOUT\s+ROWID|STRICT))*)\s*;?\s*$)"),
        QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch m = options.match(sql);
    if (m.hasMatch()) {
        const QString opts = m.captured(1).toUpper();
        t.withoutRowid = opts.contains(QLatin1String("ROWID"));
        t.strict = opts.contains(QLatin1String("STRICT"));
    }
    return t;
}

View SqliteSchemaReader::readView(const QString& name, const QString& sql)
{
    View v;
    v.name = name;
    v.sql = sql;
    try {
        SQLite::Statement q(m_db, "SELECT name FROM pragma_table_info(?)");
        q.bind(1, name.toStdString());
        while (q.executeStep())
            v.columns << text(q.getColumn(0));
    } catch (const SQLite::Exception&) {
        // A view over a table that no longer exists has no columns to show; it stays listed.
    }
    return v;
}

Schema SqliteSchemaReader::read()
{
    m_signatures.clear();
    return readChanged(Schema{});
}

Schema SqliteSchemaReader::readChanged(const Schema& previous)
{
    const QList<CatalogEntry> entries = catalog();
    QHash<QString, QString> signatures;
    for (const CatalogEntry& e : entries) {
        if (e.type == QLatin1String("table"))
            signatures[QStringLiteral("t:") + e.name] += e.sql + QLatin1Char('\x1f');
        else if (e.type == QLatin1String("index"))
            signatures[QStringLiteral("t:") + e.table] +=
                e.name + QLatin1Char('=') + e.sql + QLatin1Char('\x1f');
        else if (e.type == QLatin1String("view"))
            signatures[QStringLiteral("v:") + e.name] = e.sql;
        else
            signatures[QStringLiteral("g:") + e.name] = e.table + QLatin1Char('\x1f') + e.sql;
    }

    Schema s;
    for (const CatalogEntry& e : entries) {
        if (e.type == QLatin1String("table")) {
            const QString key = QStringLiteral("t:") + e.name;
            const Table* old = previous.table(e.name);
            if (old && m_signatures.value(key) == signatures.value(key))
                s.tables << *old;
            else
                s.tables << readTable(e.name, e.sql);
        } else if (e.type == QLatin1String("view")) {
            const QString key = QStringLiteral("v:") + e.name;
            const View* old = previous.view(e.name);
            if (old && m_signatures.value(key) == signatures.value(key))
                s.views << *old;
            else
                s.views << readView(e.name, e.sql);
        } else if (e.type == QLatin1String("trigger")) {
            s.triggers << Trigger{e.name, e.table, e.sql};
        }
    }
    m_signatures = signatures;
    return s;
}

Result<Schema> readSqliteSchemaFile(const QString& path)
{
    try {
        SQLite::Database db(path.toStdString(), SQLite::OPEN_READONLY);
        SqliteSchemaReader reader(db);
        return reader.read();
    } catch (const SQLite::Exception& e) {
        return Error{QStringLiteral("cannot read the schema: ") + QString::fromUtf8(e.what()), path,
                     0, 0, {}};
    }
}

} // namespace strata
