#include "schemasource.h"

#include "migrationset.h"
#include "migrator.h"
#include "pgconnection.h"
#include "pgschemahistory.h"
#include "pgschemareader.h"
#include "sqliteschemareader.h"

#include <pqxx/connection>

#include <QFileInfo>

namespace strata {

Result<Schema> liveSchema(const Database& db, const Environment& env)
{
    if (env.kind == Environment::Kind::Postgres) {
        auto conn = connectPostgres(env, liveConnectTimeoutMs);
        if (!conn)
            return conn.error();
        return readPostgresSchema(*conn.value());
    }
    if (env.kind != Environment::Kind::SqliteFile)
        return Error{QStringLiteral("%1/%2 is not a database Strata can read from here")
                         .arg(db.binding, env.name),
                     {}, 0, 0, {}};
    if (!QFileInfo::exists(env.path))
        return Error{QStringLiteral("the database of %1/%2 does not exist yet")
                         .arg(db.binding, env.name),
                     env.path, 0, 0, {}};
    return readSqliteSchemaFile(env.path);
}

Result<SchemaHistory> fileSchemaHistory(const Project& project, const Database& db)
{
    auto files = migrationsFor(project, db);
    if (!files)
        return files.error();
    if (db.dialect == Dialect::Postgres)
        return derivePostgresSchemaHistory(files.value(), db);
    return deriveSchemaHistory(files.value(), db.dialect);
}

Result<qint64> lastAppliedVersion(const Project& project, const Database& db,
                                  const Environment& env)
{
    Migrator migrator(project, db.binding, env.name);
    auto status = migrator.status();
    if (!status)
        return status.error();
    const MigrationEntry* last = status->lastApplied();
    return last ? last->version : qint64(0);
}

} // namespace strata
