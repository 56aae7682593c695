#pragma once

// Reads a Schema from a SQLite database through its catalog (sqlite_schema) and PRAGMAs
// (table_xinfo, foreign_key_list, index_list, index_xinfo). Can read incrementally: after a
// migration only the objects whose definition changed are read again, which is what makes
// deriving the schema at every point of a long history cheap.

#include "result.h"
#include "schema.h"

#include <QMap>

#include <map>
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
    Table readTable(const QString& name, const QString& sql);
    View readView(const QString& name, const QString& sql);

    SQLite::Database& m_db;
    std::map<std::string, CatalogRow, std::less<>> m_catalog; // by object name
    unsigned m_generation = 0;
    int m_schemaVersion = -1;
    QMap<QString, Table> m_tables;
    QMap<QString, View> m_views;
    QMap<QString, Trigger> m_triggers;
    Schema m_schema;
};

// Opens the file read-only and reads its schema.
Result<Schema> readSqliteSchemaFile(const QString& path);

// SQLite's affinity rules applied to a declared type.
QString affinityOf(const QString& declaredType);

} // namespace strata
