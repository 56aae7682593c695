#pragma once

// Reads a Schema from a SQLite database through its catalog (sqlite_schema) and PRAGMAs
// (table_xinfo, foreign_key_list, index_list, index_xinfo). Can read incrementally: after a
// migration only the objects whose definition changed are read again, which is what makes
// deriving the schema at every point of a long history cheap.

#include "result.h"
#include "schema.h"

#include <QHash>

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
    // The schema now, reusing from `previous` (the last read()/readChanged() result of this
    // reader) every table, view and trigger whose definition did not change.
    Schema readChanged(const Schema& previous);

private:
    struct CatalogEntry
    {
        QString type;
        QString name;
        QString table;
        QString sql;
    };
    QList<CatalogEntry> catalog();
    Table readTable(const QString& name, const QString& sql);
    View readView(const QString& name, const QString& sql);

    SQLite::Database& m_db;
    QHash<QString, QString> m_signatures; // object key → its definition (tables: + indexes)
};

// Opens the file read-only and reads its schema.
Result<Schema> readSqliteSchemaFile(const QString& path);

// SQLite's affinity rules applied to a declared type.
QString affinityOf(const QString& declaredType);

} // namespace strata
