#pragma once

// Puts a finished database file in place of a target SQLite file (a sqlite database or D1's
// local state) atomically, keeping what was there. The same protocol as a restore
// (sqliterestore.h, docs/backups.md):
//
//   1. the old target, if any, is checkpointed and taken out of WAL mode — which needs every
//      other connection gone, else "busy" and nothing changes — and locked exclusively;
//   2. it gets a second name, <target>.strata-before-copy-<UTC time> (a hard link, else a
//      copy): the safety copy;
//   3. its -wal / -shm / -journal are removed (they would be replayed into the new file) and
//      rename(2) puts the new file in place.
//
// At every moment the target path holds one complete database. The caller holds the target's
// ApplyLock throughout, so no migration starts in between.

#include "result.h"

#include <QString>

namespace strata {

struct SwapOutcome
{
    QString safetyCopy; // the database that was there; empty if there was none
};

class TargetSwap final
{
public:
    // `busy` is set when the failure is another program holding the old target.
    static Result<SwapOutcome> replace(const QString& newFile, const QString& target,
                                       int busyTimeoutMs, bool* busy);
};

} // namespace strata
