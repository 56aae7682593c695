#pragma once

// The state of every migration of one database in one environment: the files matched against
// the history the database records. Pure data and a pure function, so the window, the CLI and
// the applier all agree on what "pending" and "drift" mean.

#include "history.h"
#include "migration.h"

#include <optional>

namespace strata {

enum class MigrationState {
    Applied,     // recorded, and the file (where a checksum is known) is unchanged
    Pending,     // a file not yet applied, numbered above everything applied
    Edited,      // drift: applied, but the file changed since (checksum)
    MissingFile, // drift: recorded as applied, but its file is gone
    OutOfOrder   // drift: not applied, yet numbered below the last applied migration
};

QString stateName(MigrationState state); // "applied", "pending", "edited", …

struct MigrationEntry
{
    MigrationState state = MigrationState::Pending;
    qint64 version = 0;
    QString fileName;
    std::optional<Migration> file;           // absent for MissingFile
    std::optional<AppliedMigration> applied; // absent for Pending / OutOfOrder

    bool isApplied() const { return applied.has_value(); }
    bool isDrift() const;
};

struct DatabaseStatus
{
    QString binding;
    QString environment;
    QString location;      // display form (masked for URLs)
    bool databaseExists = false;
    bool isProtected = false;
    QString history;       // description of the history convention
    QList<MigrationEntry> entries;  // by version; missing files at their recorded version
    QList<ForeignHistory> foreign;  // other tools' histories found in the database

    int appliedCount() const;       // recorded as applied (drifted or not)
    int pendingCount() const;       // not applied (in order or not)
    int driftCount() const;
    QStringList driftReasons() const; // one sentence per drifted migration
    const MigrationEntry* lastApplied() const;
};

// Matches files to history rows: by file name when `byFileName` (wrangler), else by version.
QList<MigrationEntry> matchMigrations(const QList<Migration>& files,
                                      const QList<AppliedMigration>& applied, bool byFileName);

} // namespace strata
