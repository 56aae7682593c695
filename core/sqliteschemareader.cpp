#include "sqliteschemareader.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

#include <QRegularExpression>
#include <QSet>

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
    m_catalog.clear();
    m_generation = 0;
    m_tables.clear();
    m_views.clear();
    m_triggers.clear();
    return readChanged();
}

Schema SqliteSchemaReader::readChanged()
{
    // SQLite bumps schema_version on every change of sqlite_schema: unchanged, nothing to read.
    const int version = m_db.execAndGet("PRAGMA schema_version").getInt();
    if (m_generation > 0 && version == m_schemaVersion)
        return m_schema;
    m_schemaVersion = version;
    ++m_generation;
    QSet<QString> tables, views, triggers; // names whose definition changed
    auto mark = [&](const std::string& type, const std::string& name, const std::string& table) {
        if (type == "table" || type == "index")
            tables.insert(QString::fromStdString(table));
        else if (type == "view")
            views.insert(QString::fromStdString(name));
        else if (type == "trigger")
            triggers.insert(QString::fromStdString(name));
    };

    SQLite::Statement q(m_db, "SELECT type, name, tbl_name, sql FROM sqlite_schema "
                              "WHERE type IN ('table','view','index','trigger')");
    while (q.executeStep()) {
        const std::string_view type = q.getColumn(0).getText();
        const std::string_view name = q.getColumn(1).getText();
        const std::string_view table = q.getColumn(2).getText();
        const std::string_view sql = q.getColumn(3).getText();
        auto it = m_catalog.find(name);
        if (it == m_catalog.end()) {
            it = m_catalog.emplace(std::string(name), CatalogRow{std::string(type),
                                                                 std::string(table),
                                                                 std::string(sql), 0})
                     .first;
            mark(it->second.type, it->first, it->second.table);
        } else if (it->second.sql != sql || it->second.type != type ||
                   it->second.table != table) {
            mark(it->second.type, it->first, it->second.table); // what it was …
            it->second = CatalogRow{std::string(type), std::string(table), std::string(sql), 0};
            mark(it->second.type, it->first, it->second.table); // … and what it is
        }
        it->second.seen = m_generation;
    }
    for (auto it = m_catalog.begin(); it != m_catalog.end();) {
        if (it->second.seen != m_generation) {
            mark(it->second.type, it->first, it->second.table);
            it = m_catalog.erase(it);
        } else {
            ++it;
        }
    }
    if (tables.isEmpty() && views.isEmpty() && triggers.isEmpty())
        return m_schema;
    // A view's columns follow the tables it reads (SELECT * over a table that gained or renamed
    // a column): read again the views whose text names a changed table.
    if (!tables.isEmpty()) {
        QList<QRegularExpression> names;
        for (const QString& t : tables)
            names << QRegularExpression(QStringLiteral("\\b") + QRegularExpression::escape(t) +
                                            QStringLiteral("\\b"),
                                        QRegularExpression::CaseInsensitiveOption);
        for (const auto& [name, row] : m_catalog) {
            if (row.type != "view")
                continue;
            const QString sql = QString::fromStdString(row.sql);
            for (const QRegularExpression& re : names)
                if (re.match(sql).hasMatch()) {
                    views.insert(QString::fromStdString(name));
                    break;
                }
        }
    }

    auto row = [&](const QString& name, const char* type) -> const CatalogRow* {
        auto it = m_catalog.find(name.toStdString());
        return it != m_catalog.end() && it->second.type == type ? &it->second : nullptr;
    };
    for (const QString& name : tables) {
        const CatalogRow* r = row(name, "table");
        if (r && !isBookkeepingTable(name))
            m_tables.insert(name, readTable(name, QString::fromStdString(r->sql)));
        else
            m_tables.remove(name);
    }
    for (const QString& name : views) {
        if (const CatalogRow* r = row(name, "view"))
            m_views.insert(name, readView(name, QString::fromStdString(r->sql)));
        else
            m_views.remove(name);
    }
    for (const QString& name : triggers) {
        const CatalogRow* r = row(name, "trigger");
        if (r && !isBookkeepingTable(QString::fromStdString(r->table)))
            m_triggers.insert(name, Trigger{name, QString::fromStdString(r->table),
                                            QString::fromStdString(r->sql)});
        else
            m_triggers.remove(name);
    }
    m_schema.tables = m_tables.values();
    m_schema.views = m_views.values();
    m_schema.triggers = m_triggers.values();
    return m_schema;
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
