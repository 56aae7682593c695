#include "targetswap.h"

#include "fileops.h"
#include "sqlitefilecheck.h" // isWalFile

#include <QDateTime>
#include <QFileInfo>

#include <sqlite3.h>

namespace strata {
namespace {

// The old target's connection: in an exclusive transaction until the rename, then let go.
class OldTarget final
{
public:
    ~OldTarget()
    {
        if (!m_db)
            return;
        if (!sqlite3_get_autocommit(m_db))
            sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
        if (m_leftWal) // a failure before the swap: give it back its journal mode
            sqlite3_exec(m_db, "PRAGMA journal_mode = WAL", nullptr, nullptr, nullptr);
        sqlite3_close_v2(m_db);
    }

    // Opens, leaves WAL mode, locks. Returns an empty string, or why it could not.
    QString lock(const QString& path, int busyTimeoutMs, bool* busy)
    {
        *busy = false;
        if (sqlite3_open_v2(path.toUtf8().constData(), &m_db, SQLITE_OPEN_READWRITE, nullptr) !=
            SQLITE_OK)
            return message(QStringLiteral("cannot open the database that is there"));
        sqlite3_busy_timeout(m_db, busyTimeoutMs);
        const QString inUse = QStringLiteral(
            "another program has the database open (an app, `wrangler dev`?): close it and try "
            "again; nothing was changed");
        if (isWalFile(path)) {
            // Everything of the -wal into the main file, then out of WAL mode: possible only
            // when no other connection is open; it removes the -wal and -shm.
            int log = 0, done = 0;
            if (sqlite3_wal_checkpoint_v2(m_db, nullptr, SQLITE_CHECKPOINT_TRUNCATE, &log, &done) !=
                    SQLITE_OK ||
                !setDeleteMode()) {
                *busy = true;
                return inUse;
            }
            m_leftWal = true;
        }
        if (sqlite3_exec(m_db, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr) != SQLITE_OK) {
            const int code = sqlite3_errcode(m_db);
            *busy = code == SQLITE_BUSY || code == SQLITE_LOCKED;
            return *busy ? inUse : message(QStringLiteral("cannot lock the database for the swap"));
        }
        return {};
    }
    // The file is now the safety copy: nothing was written to it.
    void swapped() { m_leftWal = false; }

private:
    bool setDeleteMode()
    {
        sqlite3_stmt* s = nullptr;
        if (sqlite3_prepare_v2(m_db, "PRAGMA journal_mode = DELETE", -1, &s, nullptr) != SQLITE_OK)
            return false;
        const bool ok =
            sqlite3_step(s) == SQLITE_ROW &&
            qstrcmp(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)), "delete") == 0;
        sqlite3_finalize(s);
        return ok;
    }
    QString message(const QString& what) const
    {
        return what + QStringLiteral(": ") +
               (m_db ? QString::fromUtf8(sqlite3_errmsg(m_db)) : QStringLiteral("out of memory"));
    }

    sqlite3* m_db = nullptr;
    bool m_leftWal = false;
};

} // namespace

Result<SwapOutcome> TargetSwap::replace(const QString& newFile, const QString& target,
                                        const QString& label, int busyTimeoutMs, bool* busy)
{
    *busy = false;
    SwapOutcome outcome;
    if (!QFileInfo(target).isFile()) {
        if (Status s = fileops::replaceFile(newFile, target); !s)
            return s.error();
        // The rename stands either way; a failed flush of the folder only delays durability.
        static_cast<void>(fileops::syncDir(QFileInfo(target).absolutePath()));
        return outcome;
    }

    OldTarget old;
    if (const QString why = old.lock(target, busyTimeoutMs, busy); !why.isEmpty())
        return Error{why, target, 0, 0, {}};

    outcome.safetyCopy =
        target + QStringLiteral(".strata-") + label + QLatin1Char('-') +
        QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'"));
    if (QFileInfo::exists(outcome.safetyCopy))
        outcome.safetyCopy += QLatin1Char('-') + fileops::uniqueSuffix();
    if (fileops::hardLink(target, outcome.safetyCopy)) {
        outcome.safetyIsHardLink = true;
    } else {
        fileops::removeIfExists(outcome.safetyCopy);
        auto copied = fileops::copyAndHash(target, outcome.safetyCopy);
        if (!copied) {
            fileops::removeIfExists(outcome.safetyCopy);
            return copied.error();
        }
    }
    auto undo = [&](const Error& e) -> Result<SwapOutcome> {
        fileops::removeIfExists(outcome.safetyCopy);
        return e;
    };
    // With the old database out of WAL mode and locked exclusively, none of these is in use; a
    // -journal is not hot (opening it rolled it back). Left beside the new file, a -wal would be
    // replayed into it.
    for (const char* suffix : {"-wal", "-shm", "-journal"})
        if (!fileops::removeIfExists(target + QLatin1String(suffix)))
            return undo(Error{QStringLiteral("cannot remove the old database's %1 file")
                                  .arg(QLatin1String(suffix)),
                              target,
                              0,
                              0,
                              {}});
    if (Status s = fileops::replaceFile(newFile, target); !s)
        return undo(s.error());
    old.swapped();
    static_cast<void>(fileops::syncDir(QFileInfo(target).absolutePath()));
    return outcome;
}

} // namespace strata
