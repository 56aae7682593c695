#pragma once

// The schema at every point of a postgres database's migration files, derived by replaying them
// into a scratch database on a PostgreSQL server of one of its environments (the first one that
// answers and lets its role CREATE DATABASE), reading pg_catalog after each migration. The
// scratch database has a unique name and is dropped afterwards, also when a migration fails.
// The result has the shape of the SQLite derivation (schemahistory.h): points[0] is the empty
// schema, then one point per migration up to the one that failed, which is `failure`.

#include "project.h"
#include "result.h"
#include "schemahistory.h"

namespace strata {

// An Error (not a history) when no environment's server can be reached or none allows
// CREATE DATABASE: then nothing could be replayed at all.
Result<SchemaHistory> derivePostgresSchemaHistory(const QList<Migration>& migrations,
                                                  const Database& db);

// The names of the scratch databases this process creates start with this prefix.
QString pgReplayDatabasePrefix();

// `env` pointed at another database of the same server (the URL's path replaced).
Environment pgEnvironmentForDatabase(const Environment& env, const QString& database);

} // namespace strata
