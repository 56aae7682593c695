#pragma once

// Where a schema comes from: a live environment's database, or the migration files at a point
// of the history. The operations the CLI's `schema` / `diff` and the window's diagram share.

#include "project.h"
#include "result.h"
#include "schemahistory.h"

namespace strata {

// How long liveSchema() waits for a PostgreSQL server to answer: short, since the window
// and the CLI wait for it.
constexpr int liveConnectTimeoutMs = 5000;

// The schema of the environment's database as it is now: a SQLite file read through its
// catalog, a PostgreSQL database through pg_catalog (postgres/pgschemareader.h).
Result<Schema> liveSchema(const Database& db, const Environment& env);

// The schema at every point of the database's migration files: replayed into an in-memory
// SQLite database, or for a postgres database into a scratch database on the server of one of
// its environments (postgres/pgschemahistory.h).
Result<SchemaHistory> fileSchemaHistory(const Project& project, const Database& db);

// The version last applied in the environment (0 when none), from its history.
Result<qint64> lastAppliedVersion(const Project& project, const Database& db,
                                  const Environment& env);

} // namespace strata
