#pragma once

// The schema at every point of a database's migration history, derived from the files alone:
// one replay into a scratch in-memory database, with a snapshot after each migration that
// re-reads only what that migration changed.

#include "migration.h"
#include "project.h"
#include "result.h"
#include "schema.h"

#include <optional>

namespace strata {

struct SchemaPoint
{
    qint64 version = 0; // 0: before the first migration
    QString fileName;   // the migration that led here; empty for the first point
    Schema schema;
};

struct SchemaHistory
{
    QList<SchemaPoint> points;    // points[0] is the empty schema; then one per migration
    std::optional<Error> failure; // the migration the replay stopped at, if one failed

    // The schema just after migration `version` (the last point at or below it).
    const SchemaPoint& at(qint64 version) const;
    int indexAt(qint64 version) const;
};

SchemaHistory deriveSchemaHistory(const QList<Migration>& migrations, Dialect dialect);

} // namespace strata
