#pragma once

// Reads a Schema from a SQLite database through its catalog (sqlite_schema) and PRAGMAs
// (table_xinfo, foreign_key_list, index_list, index_xinfo). Can read incrementally: after a
// migration only the objects whose definition changed are read again, which is what makes
// deriving the schema at every point of a long history cheap.

#include "result.h"
#include "schema.h"

#include <QMap>

#include <QSet>

#include <map>
#include <set>
#include <string>

namespace SQLite {
class Database;
}

namespace strata {

// Tables that belong to migration tools, not to the application: left out of the schema.
bool isBookkeepingTable(const QString& name);

class SqliteSchemaReader final
{
public:
    explicit SqliteSchemaReader(SQLite::Database& db) : m_db(db) {}
    ~SqliteSchemaReader();
    SqliteSchemaReader(const SqliteSchemaReader&) = delete;
    SqliteSchemaReader& operator=(const SqliteSchemaReader&) = delete;

    // Watches the statements run on the connection (SQLite's authorizer reports the objects
    // each CREATE / DROP / ALTER names), so that readChanged() looks only at those instead of
    // scanning the whole catalog. Renames, which rewrite other objects too, fall back to a scan.
    void trackChanges();

    // The whole schema. Throws SQLite::Exception (callers in core turn it into an Error).
    Schema read();
    // The schema now, reading again only the tables, views and triggers whose definition (or,
    // for a table, whose indexes) changed since this reader's last read.
    Schema readChanged();

private:
    // One row of sqlite_schema as last seen, compared byte for byte so that an unchanged
    // catalog costs no text conversion.
    struct CatalogRow
    {
        std::string type;
        std::string table;
        std::string sql;
        unsigned seen = 0;
    };
    // Names of the tables, views and triggers whose definition changed since the last read.
    struct Changes
    {
        QSet<QString> tables, views, triggers;
        bool isEmpty() const { return tables.isEmpty() && views.isEmpty() && triggers.isEmpty(); }
    };
    void note(Changes& changes, const CatalogRow& row, const std::string& name) const;
    void scanCatalog(Changes& changes);
    // Only the rows of the objects the authorizer saw; false when a full scan is needed.
    bool scanTouched(Changes& changes);
    // Reads again what changed; false when an altered table lost a column name (a rename or a
    // drop, which may have rewritten other objects): then a full scan must follow.
    bool refresh(Changes& changes);
    static int authorize(void* self, int action, const char* a1, const char* a2,
                         const char* database, const char* trigger);

    Table readTable(const QString& name, const QString& sql);
    View readView(const QString& name, const QString& sql);

    SQLite::Database& m_db;
    std::map<std::string, CatalogRow, std::less<>> m_catalog; // by object name
    unsigned m_generation = 0;
    int m_schemaVersion = -1;
    bool m_tracking = false;
    bool m_needsScan = false;        // something the authorizer cannot narrow down happened
    std::set<std::string> m_touched; // object and table names the statements named
    std::set<std::string> m_altered; // tables named by ALTER TABLE
    std::set<std::string> m_dropped; // objects named by a DROP
    QMap<QString, Table> m_tables;
    QMap<QString, View> m_views;
    QMap<QString, Trigger> m_triggers;
    Schema m_schema;
};

// Opens the file read-only and reads its schema.
Result<Schema> readSqliteSchemaFile(const QString& path);

// The key list of a CREATE INDEX statement as SQLite's schema gives it: "(lower(email))" →
// "lower(email)".
QString indexKeyList(const QString& createIndexSql);

// SQLite's affinity rules applied to a declared type.
QString affinityOf(const QString& declaredType);

} // namespace strata
