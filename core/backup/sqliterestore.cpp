#include "sqliterestore.h"

#include "sqlitefilecheck.h"
#include "sqlitesession.h"
#include "targetswap.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QMap>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

#include <sqlite3.h>

#include <filesystem>
#include <future>
#include <memory>
#include <optional>

namespace strata {
namespace {

// The checks on `path` (a payload, or the restored copy of one): the integrity check on the
// caller's thread; beside it, on a second thread, `alongside` (a hash, an fsync: may be empty)
// followed by the foreign-key check and the row counts.
Result<SqliteFileCheck> checkFile(const QString& path, IntegrityLevel level,
                                  const std::function<void()>& alongside)
{
    auto rest = std::async(std::launch::async, [&] {
        if (alongside)
            alongside();
        return keysAndRowsOf(path);
    });
    auto integrity = integrityOf(path, level);
    return mergeChecks(std::move(integrity), rest.get());
}

std::optional<Error> checkProblem(const Result<SqliteFileCheck>& check, const BackupEntry& backup,
                                  IntegrityLevel level)
{
    if (!check)
        return check.error();
    if (!check->ok())
        return Error{QStringLiteral("the backup fails its checks (%1: %2; foreign_key_check: %3)")
                         .arg(integrityLevelName(level), check->integrity, check->foreignKeys),
                     backup.payloadPath(),
                     0,
                     0,
                     {}};
    const QString rows = compareRowCounts(backup.manifest.rows, check->rows);
    if (!rows.isEmpty())
        return Error{QStringLiteral("the backup's rows differ from its manifest: ") + rows,
                     backup.payloadPath(),
                     0,
                     0,
                     {}};
    return std::nullopt;
}

QString hashMismatch(const QByteArray& found, const BackupEntry& backup)
{
    return QStringLiteral("the backup's payload does not match its SHA-256 (found %1…, the "
                          "manifest says %2…): it is corrupted")
        .arg(QString::fromLatin1(found.left(12)),
             QString::fromLatin1(backup.manifest.sha256.left(12)));
}

// Gives the restored copy the journal mode the target had (a D1 file stays in WAL mode). Closing
// the only connection checkpoints and removes its -wal and -shm: the copy stays one file.
Status setJournalMode(const QString& path, bool wal)
{
    if (!wal)
        return success();
    try {
        SQLite::Database db(path.toStdString(), SQLite::OPEN_READWRITE);
        if (db.execAndGet("PRAGMA journal_mode = WAL").getString() != "wal")
            return Error{
                QStringLiteral("cannot put the restored copy in WAL mode"), path, 0, 0, {}};
    } catch (const SQLite::Exception& e) {
        return Error{QStringLiteral("cannot put the restored copy in WAL mode: ") +
                         QString::fromUtf8(e.what()),
                     path,
                     0,
                     0,
                     {}};
    }
    return fileops::syncFile(path);
}

} // namespace

QString compareRowCounts(const QList<TableRows>& expected, const QList<TableRows>& found)
{
    QMap<QString, qint64> want, got;
    for (const TableRows& t : expected)
        want.insert(t.table, t.rows);
    for (const TableRows& t : found)
        got.insert(t.table, t.rows);
    QStringList diffs;
    for (auto it = want.begin(); it != want.end(); ++it) {
        if (!got.contains(it.key()))
            diffs << QStringLiteral("table %1 is missing").arg(it.key());
        else if (got.value(it.key()) != it.value())
            diffs << QStringLiteral("%1 has %2 rows, expected %3")
                         .arg(it.key())
                         .arg(got.value(it.key()))
                         .arg(it.value());
    }
    for (auto it = got.begin(); it != got.end(); ++it)
        if (!want.contains(it.key()))
            diffs << QStringLiteral("table %1 is not in the manifest").arg(it.key());
    return diffs.join(QStringLiteral("; "));
}

Status SqliteRestore::verify(const BackupEntry& backup, IntegrityLevel level)
{
    if (auto problem = backup.precheck())
        return *problem;
    // The hash and the checks read the payload in place, side by side; the hash's verdict
    // comes first, as a mismatch explains any check that fails.
    std::optional<Result<QByteArray>> hash;
    auto check = checkFile(backup.payloadPath(), level,
                           [&] { hash = fileops::sha256OfFile(backup.payloadPath()); });
    if (!*hash)
        return hash->error();
    if (hash->value() != backup.manifest.sha256)
        return Error{hashMismatch(hash->value(), backup), backup.payloadPath(), 0, 0, {}};
    if (auto problem = checkProblem(check, backup, level))
        return *problem;
    return success();
}

Result<RestoreOutcome> SqliteRestore::refuse(RestoreFailure kind, const Error& error)
{
    m_lastFailure = kind;
    return error;
}

Result<RestoreOutcome> SqliteRestore::restore(const BackupEntry& backup, const QString& targetPath,
                                              const RestoreOptions& options)
{
    m_lastFailure = RestoreFailure::None;
    QElapsedTimer total, phase;
    total.start();
    RestoreOutcome outcome;
    outcome.target = QFileInfo(targetPath).absoluteFilePath();
    const QString target = outcome.target;
    auto progress = [&](RestorePhase p, qint64 done, qint64 all) {
        if (options.progress)
            options.progress(p, done, all);
    };

    if (auto problem = backup.precheck())
        return refuse(RestoreFailure::Refused, *problem);
    if (!QDir().mkpath(QFileInfo(target).absolutePath()))
        return refuse(RestoreFailure::Failed,
                      Error{QStringLiteral("cannot create the database's folder"),
                            QFileInfo(target).absolutePath(),
                            0,
                            0,
                            {}});

    // No applier may start while the file changes under it.
    ApplyLock lock(target);
    if (Status s = lock.acquire(options.lockTimeoutMs); !s)
        return refuse(RestoreFailure::Busy, s.error());

    // 1. Copy beside the target, hashing on the way; then check the copy. The target is not
    //    touched: any failure here leaves it byte-for-byte as it was.
    const QString temp = target + QStringLiteral(".strata-restore-") + fileops::uniqueSuffix();
    phase.start();
    // The restored database gets the permissions of the one it replaces, from its creation on.
    const int mode = QFileInfo(target).isFile()
                         ? int(std::filesystem::status(QFile::encodeName(target).toStdString())
                                   .permissions() &
                               std::filesystem::perms::mask)
                         : -1;
    auto hash = fileops::copyAndHash(
        backup.payloadPath(), temp,
        [&](qint64 done, qint64 all) { progress(RestorePhase::Copy, done, all); },
        fileops::Durability::NoSync, mode);
    if (!hash)
        return refuse(RestoreFailure::Failed, hash.error());
    auto discard = [&](RestoreFailure kind, const Error& e) {
        fileops::removeIfExists(temp);
        return refuse(kind, e);
    };
    if (hash.value() != backup.manifest.sha256)
        return discard(RestoreFailure::Refused,
                       Error{hashMismatch(hash.value(), backup), backup.payloadPath(), 0, 0, {}});
    outcome.copyMs = phase.restart();

    // The copy's bytes are the manifest's: check them, with the copy's fsync alongside.
    progress(RestorePhase::Check, 0, 1);
    Status flushed = success();
    auto check = checkFile(temp, options.integrity, [&] { flushed = fileops::syncFile(temp); });
    if (auto problem = checkProblem(check, backup, options.integrity))
        return discard(RestoreFailure::Refused, *problem);
    if (!flushed)
        return discard(RestoreFailure::Failed, flushed.error());
    const bool targetExists = QFileInfo(target).isFile();
    const bool wal = targetExists ? isWalFile(target)
                                  : backup.manifest.sourceJournalMode == QLatin1String("wal");
    if (Status s = setJournalMode(temp, wal); !s)
        return discard(RestoreFailure::Failed, s.error());
    progress(RestorePhase::Check, 1, 1);
    outcome.checkMs = phase.restart();

    // 2. and 3. The swap (targetswap.h).
    progress(RestorePhase::Swap, 0, 1);
    bool busy = false;
    auto swapped = TargetSwap::replace(temp, target, QStringLiteral("before-restore"),
                                       options.busyTimeoutMs, &busy);
    if (!swapped)
        return discard(busy ? RestoreFailure::Busy : RestoreFailure::Failed, swapped.error());
    outcome.safetyCopy = swapped->safetyCopy;
    outcome.safetyIsHardLink = swapped->safetyIsHardLink;
    progress(RestorePhase::Swap, 1, 1);
    outcome.swapMs = phase.elapsed();
    outcome.totalMs = total.elapsed();
    return outcome;
}

} // namespace strata
