#pragma once

// Which migrations a run works on, and the refusals that come before anything runs — shared by
// every applier (SQLite / D1 and PostgreSQL) so the rules are one implementation: pending ones
// in order for up (out-of-order ones too with --allow-drift), the newest applied ones for down
// (refused without a down section, without a file, or edited unless drift is allowed), every
// unapplied one up to the version for a baseline; drift refuses an up; a baseline needs a
// migration with that exact version.

#include "migrationstatus.h"
#include "migrator.h"

namespace strata {

struct ApplyPlan
{
    QList<MigrationEntry> entries; // every migration matched against the history
    QList<MigrationEntry> steps;   // what the run works on, in the order it does so
};

// Matches `files` with `applied` (by file name when `keyedByFileName`), then plans. A refusal is
// an Error, with its kind in `refusalKind`: Drift, Project (unknown baseline version) or Failed
// (a down that cannot run).
Result<ApplyPlan> planRun(ApplyDirection direction, const QList<Migration>& files,
                          const QList<AppliedMigration>& applied, bool keyedByFileName,
                          const Database& db, const RunOptions& options, ErrorKind* refusalKind);

// The refusal of an up on a drifted database, or nothing when there is no drift.
std::optional<Error> driftRefusal(const QList<MigrationEntry>& entries, const Database& db);

} // namespace strata
