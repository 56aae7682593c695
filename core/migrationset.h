#pragma once

// Finds the migrations of one database: the files with a numeric prefix in its folder, ordered
// by version. In a folder shared by several bindings (a central folder) a file belongs to the
// bindings its `strata:targets` directive names, and a file without one is an error.

#include "migration.h"
#include "project.h"
#include "result.h"

#include <QList>

namespace strata {

// Every migration file in `dir`, ordered by version; duplicate versions are an error naming
// both files. A missing folder is an empty list.
Result<QList<Migration>> scanMigrationFolder(const QString& dir);

// The migrations that apply to `db`, in order.
Result<QList<Migration>> migrationsFor(const Project& project, const Database& db);

// The next version number for a new file in `dir` (keeps the folder's prefix width) and the
// name it should get: "0007_add_plans.sql" or, for timestamped folders, "20240101120000_x.sql".
QString nextMigrationFileName(const QList<Migration>& existing, const QString& name);

} // namespace strata
