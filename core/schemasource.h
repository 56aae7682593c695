#pragma once

// Where a schema comes from: a live environment's database, or the migration files at a point
// of the history. The operations the CLI's `schema` / `diff` and the window's diagram share.

#include "project.h"
#include "result.h"
#include "schemahistory.h"

namespace strata {

// The schema of the environment's database as it is now.
Result<Schema> liveSchema(const Database& db, const Environment& env);

// The schema at every point of the database's migration files.
Result<SchemaHistory> fileSchemaHistory(const Project& project, const Database& db);

// The version last applied in the environment (0 when none), from its history.
Result<qint64> lastAppliedVersion(const Project& project, const Database& db,
                                  const Environment& env);

} // namespace strata
