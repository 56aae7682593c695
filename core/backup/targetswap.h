#pragma once

// Puts a finished database file in place of a target SQLite file (a sqlite database or D1's
// local state) atomically, keeping what was there: the last step of a restore (sqliterestore.h)
// and of `strata copy` (datacopy.h), docs/backups.md.
//
//   1. the old target, if any, is checkpointed and taken out of WAL mode — which needs every
//      other connection gone, else "busy" and nothing changes — and locked exclusively;
//   2. it gets a second name, <target>.strata-<label>-<UTC time> (a hard link, else a copy):
//      the safety copy;
//   3. its -wal / -shm / -journal are removed (they would be replayed into the new file) and
//      rename(2) puts the new file in place.
//
// At every moment the target path holds one complete database. A failure before the rename
// gives the old target back as it was (its journal mode included) and leaves the new file
// where it is, for the caller to discard. The caller holds the target's ApplyLock throughout,
// so no migration starts in between.

#include "result.h"

#include <QString>

namespace strata {

struct SwapOutcome
{
    QString safetyCopy;            // the database that was there; empty if there was none
    bool safetyIsHardLink = false; // the safety copy is a second name, not a copy
};

class TargetSwap final
{
public:
    // `label` names the safety copy ("before-restore", "before-copy"). `busy` is set when the
    // failure is another program holding the old target.
    static Result<SwapOutcome> replace(const QString& newFile, const QString& target,
                                       const QString& label, int busyTimeoutMs, bool* busy);
};

} // namespace strata
