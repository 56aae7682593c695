#include "sqliteschemareader.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

#include <QRegularExpression>
#include <QSet>

#include <sqlite3.h>

#include <cstring>

#include <algorithm>

namespace strata {
namespace {

QString text(const SQLite::Column& c)
{
    return c.isNull() ? QString() : QString::fromUtf8(c.getText());
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
    // PRAGMA statements rather than their table-valued forms: cheaper to compile, and this
    // runs after every migration of a derivation.
    const std::string quotedName = "\"" + QString(name).replace(QLatin1Char('"'), QStringLiteral("\"\"")).toStdString() + "\"";
    {
        SQLite::Statement q(m_db, "PRAGMA table_xinfo(" + quotedName + ")");
        while (q.executeStep()) { // cid, name, type, notnull, dflt_value, pk, hidden
            Column c;
            c.name = text(q.getColumn(1));
            c.declaredType = text(q.getColumn(2));
            c.affinity = affinityOf(c.declaredType);
            c.notNull = q.getColumn(3).getInt() != 0;
            c.hasDefault = !q.getColumn(4).isNull();
            c.defaultValue = text(q.getColumn(4));
            c.primaryKeyPosition = q.getColumn(5).getInt();
            const int hidden = q.getColumn(6).getInt();
            c.generated = hidden == 2   ? Column::Generated::Virtual
                          : hidden == 3 ? Column::Generated::Stored
                                        : Column::Generated::No;
            if (hidden == 1)
                continue; // a virtual table's hidden column
            t.columns << c;
        }
    }
    {
        SQLite::Statement q(m_db, "PRAGMA foreign_key_list(" + quotedName + ")");
        int currentId = -1; // rows: id, seq, table, from, to, on_update, on_delete, match
        while (q.executeStep()) {
            const int id = q.getColumn(0).getInt();
            if (id != currentId) {
                currentId = id;
                ForeignKey fk;
                fk.targetTable = text(q.getColumn(2));
                fk.onUpdate = text(q.getColumn(5));
                fk.onDelete = text(q.getColumn(6));
                t.foreignKeys << fk;
            }
            t.foreignKeys.last().columns << text(q.getColumn(3));
            if (!q.getColumn(4).isNull())
                t.foreignKeys.last().targetColumns << text(q.getColumn(4));
        }
        // SQLite lists foreign keys last-declared first; keep declaration order.
        std::reverse(t.foreignKeys.begin(), t.foreignKeys.end());
    }
    {
        SQLite::Statement q(m_db, "PRAGMA index_list(" + quotedName + ")");
        while (q.executeStep()) { // seq, name, unique, origin, partial
            Index ix;
            ix.name = text(q.getColumn(1));
            ix.unique = q.getColumn(2).getInt() != 0;
            ix.origin = originOf(text(q.getColumn(3)));
            ix.partial = q.getColumn(4).getInt() != 0;
            if (auto it = m_catalog.find(ix.name.toStdString()); it != m_catalog.end())
                ix.sql = QString::fromStdString(it->second.sql);
            t.indexes << ix;
        }
        std::sort(t.indexes.begin(), t.indexes.end(),
                  [](const Index& a, const Index& b) { return a.name < b.name; });
        for (Index& ix : t.indexes) {
            SQLite::Statement c(m_db, "PRAGMA index_xinfo(\"" +
                                          QString(ix.name)
                                              .replace(QLatin1Char('"'), QStringLiteral("\"\""))
                                              .toStdString() +
                                          "\")");
            bool hasExpression = false;
            while (c.executeStep()) { // seqno, cid, name, desc, coll, key
                if (c.getColumn(5).getInt() != 1)
                    continue;
                if (c.getColumn(1).getInt() == -2)
                    hasExpression = true;
                else
                    ix.columns << text(c.getColumn(2));
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

SqliteSchemaReader::~SqliteSchemaReader()
{
    if (m_tracking)
        sqlite3_set_authorizer(m_db.getHandle(), nullptr, nullptr);
}

void SqliteSchemaReader::trackChanges()
{
    m_tracking = true;
    sqlite3_set_authorizer(m_db.getHandle(), &SqliteSchemaReader::authorize, this);
}

int SqliteSchemaReader::authorize(void* self, int action, const char* a1, const char* a2,
                                  const char*, const char*)
{
    auto* reader = static_cast<SqliteSchemaReader*>(self);
    auto touch = [&](const char* name) {
        if (name)
            reader->m_touched.insert(name);
    };
    switch (action) {
    case SQLITE_DROP_INDEX:
    case SQLITE_DROP_TRIGGER:
        reader->m_dropped.insert(a1 ? a1 : "");
        [[fallthrough]];
    case SQLITE_CREATE_INDEX:
    case SQLITE_CREATE_TRIGGER:
        touch(a1);
        touch(a2);
        break;
    case SQLITE_DROP_TABLE:
    case SQLITE_DROP_VIEW:
    case SQLITE_DROP_VTABLE:
        reader->m_dropped.insert(a1 ? a1 : "");
        [[fallthrough]];
    case SQLITE_CREATE_TABLE:
    case SQLITE_CREATE_VIEW:
    case SQLITE_CREATE_VTABLE:
        touch(a1);
        break;
    case SQLITE_ALTER_TABLE: // a1: the database, a2: the table
        touch(a2);
        if (a2)
            reader->m_altered.insert(a2);
        break;
    case SQLITE_PRAGMA:
        // Only with writable_schema can a statement edit sqlite_schema behind DDL's back (SQLite's
        // own DDL writes it too, so writes to it say nothing by themselves).
        if (a1 && std::strcmp(a1, "writable_schema") == 0)
            reader->m_needsScan = true;
        break;
    default: break;
    }
    return SQLITE_OK;
}

void SqliteSchemaReader::note(Changes& changes, const CatalogRow& row, const std::string& name) const
{
    if (row.type == "table" || row.type == "index")
        changes.tables.insert(QString::fromStdString(row.table));
    else if (row.type == "view")
        changes.views.insert(QString::fromStdString(name));
    else if (row.type == "trigger")
        changes.triggers.insert(QString::fromStdString(name));
}

void SqliteSchemaReader::scanCatalog(Changes& changes)
{
    ++m_generation;
    SQLite::Statement q(m_db, "SELECT type, name, tbl_name, sql FROM sqlite_schema "
                              "WHERE type IN ('table','view','index','trigger')");
    while (q.executeStep()) {
        const std::string_view type = q.getColumn(0).getText();
        const std::string_view name = q.getColumn(1).getText();
        const std::string_view table = q.getColumn(2).getText();
        const std::string_view sql = q.getColumn(3).getText();
        auto it = m_catalog.find(name);
        if (it == m_catalog.end()) {
            it = m_catalog
                     .emplace(std::string(name), CatalogRow{std::string(type), std::string(table),
                                                            std::string(sql), 0})
                     .first;
            note(changes, it->second, it->first);
        } else if (it->second.sql != sql || it->second.type != type ||
                   it->second.table != table) {
            note(changes, it->second, it->first); // what it was …
            it->second = CatalogRow{std::string(type), std::string(table), std::string(sql), 0};
            note(changes, it->second, it->first); // … and what it is
        }
        it->second.seen = m_generation;
    }
    for (auto it = m_catalog.begin(); it != m_catalog.end();) {
        if (it->second.seen != m_generation) {
            note(changes, it->second, it->first);
            it = m_catalog.erase(it);
        } else {
            ++it;
        }
    }
}

bool SqliteSchemaReader::scanTouched(Changes& changes)
{
    if (m_needsScan)
        return false;
    SQLite::Statement q(m_db, "SELECT type, name, tbl_name, sql FROM sqlite_schema "
                              "WHERE (name = ?1 OR tbl_name = ?1) "
                              "AND type IN ('table','view','index','trigger')");
    for (const std::string& touched : m_touched) {
        std::set<std::string> present;
        q.reset();
        q.bind(1, touched);
        while (q.executeStep()) {
            const std::string name = q.getColumn(1).getText();
            CatalogRow row{q.getColumn(0).getText(), q.getColumn(2).getText(),
                           q.getColumn(3).getText(), 0};
            present.insert(name);
            auto it = m_catalog.find(name);
            if (it == m_catalog.end()) {
                note(changes, row, name);
                m_catalog.emplace(name, std::move(row));
            } else if (it->second.sql != row.sql || it->second.type != row.type ||
                       it->second.table != row.table) {
                note(changes, it->second, name);
                note(changes, row, name);
                it->second = std::move(row);
            }
        }
        if (m_altered.count(touched) && !present.count(touched))
            return false; // an altered table vanished: renamed
        if (!m_dropped.count(touched))
            continue; // only a DROP makes objects vanish (a RENAME was caught above)
        // What carried that name, or belonged to that table, and is gone now.
        for (auto it = m_catalog.begin(); it != m_catalog.end();) {
            if ((it->first == touched || it->second.table == touched) &&
                !present.count(it->first)) {
                note(changes, it->second, it->first);
                it = m_catalog.erase(it);
            } else {
                ++it;
            }
        }
    }
    return true;
}

bool SqliteSchemaReader::refresh(Changes& changes)
{
    // A view's columns follow the tables it reads (SELECT * over a table that gained a column):
    // read again the views whose text names a changed table.
    if (!changes.tables.isEmpty()) {
        QList<QRegularExpression> names;
        for (const QString& t : changes.tables)
            names << QRegularExpression(QStringLiteral("\\b") + QRegularExpression::escape(t) +
                                            QStringLiteral("\\b"),
                                        QRegularExpression::CaseInsensitiveOption);
        for (const auto& [name, row] : m_catalog) {
            if (row.type != "view")
                continue;
            const QString sql = QString::fromStdString(row.sql);
            for (const QRegularExpression& re : names)
                if (re.match(sql).hasMatch()) {
                    changes.views.insert(QString::fromStdString(name));
                    break;
                }
        }
    }
    auto row = [&](const QString& name, const char* type) -> const CatalogRow* {
        auto it = m_catalog.find(name.toStdString());
        return it != m_catalog.end() && it->second.type == type ? &it->second : nullptr;
    };
    bool lostColumn = false;
    for (const QString& name : changes.tables) {
        const CatalogRow* r = row(name, "table");
        if (!r || isBookkeepingTable(name)) {
            m_tables.remove(name);
            continue;
        }
        Table fresh = readTable(name, QString::fromStdString(r->sql));
        if (m_altered.count(name.toStdString()))
            if (auto old = m_tables.constFind(name); old != m_tables.constEnd())
                for (const Column& c : old->columns)
                    if (!fresh.column(c.name))
                        lostColumn = true;
        m_tables.insert(name, std::move(fresh));
    }
    for (const QString& name : changes.views) {
        if (const CatalogRow* r = row(name, "view"))
            m_views.insert(name, readView(name, QString::fromStdString(r->sql)));
        else
            m_views.remove(name);
    }
    for (const QString& name : changes.triggers) {
        const CatalogRow* r = row(name, "trigger");
        if (r && !isBookkeepingTable(QString::fromStdString(r->table)))
            m_triggers.insert(name, Trigger{name, QString::fromStdString(r->table),
                                            QString::fromStdString(r->sql)});
        else
            m_triggers.remove(name);
    }
    return !lostColumn;
}

Schema SqliteSchemaReader::readChanged()
{
    // SQLite bumps schema_version on every change of sqlite_schema: unchanged, nothing to read.
    const int version = m_db.execAndGet("PRAGMA schema_version").getInt();
    if (m_generation > 0 && version == m_schemaVersion) {
        m_touched.clear();
        m_altered.clear();
        m_dropped.clear();
        return m_schema;
    }
    m_schemaVersion = version;

    Changes changes;
    bool narrowed = m_tracking && m_generation > 0 && scanTouched(changes);
    if (narrowed)
        narrowed = refresh(changes);
    if (!narrowed) {
        // A full scan compares every row with the catalog; what the narrow pass already found
        // is read again with it.
        Changes all;
        scanCatalog(all);
        all.tables.unite(changes.tables);
        all.views.unite(changes.views);
        all.triggers.unite(changes.triggers);
        refresh(all);
    }
    m_touched.clear();
    m_altered.clear();
    m_dropped.clear();
    m_needsScan = false;
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
