#include "pgrestore.h"

#include "fileops.h"
#include "pgbackup.h"
#include "pgconnection.h"
#include "pgdatabaseshape.h"
#include "pgsession.h"
#include "pgtools.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QThread>

#include <memory>

namespace strata {
namespace {

constexpr int kConnectTimeoutMs = 10000;
constexpr int kMaxIdentifierBytes = 63; // NAMEDATALEN - 1
// One restore of a database at a time: an advisory lock in the maintenance database, keyed
// "STRR" and the target's name. It is also what makes an earlier restore's scratch database
// safe to drop: no restore of the target is running that could still be using it.
constexpr qint32 kRestoreLockClass = 0x53545252;
const QString kScratchInfix = QStringLiteral("_strata_restore_");

// `base` shortened (by whole characters) so that base + suffix fits a PostgreSQL identifier.
QString fitName(QString base, const QString& suffix)
{
    while (!base.isEmpty() && (base + suffix).toUtf8().size() > kMaxIdentifierBytes)
        base.chop(1);
    return base + suffix;
}

// Whether `name` is a scratch database a restore of `target` made: fitName(target, infix + hex).
bool isScratchOf(const QString& name, const QString& target)
{
    const qsizetype at = name.lastIndexOf(kScratchInfix);
    if (at < 0)
        return false;
    const QString tail = name.mid(at + kScratchInfix.size());
    static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{1,6}$"));
    return hex.match(tail).hasMatch() && fitName(target, kScratchInfix + tail) == name;
}

// A PostgreSQL backup whose manifest and payload size are sound (BackupEntry::precheck).
std::optional<Error> manifestProblem(const BackupEntry& backup)
{
    if (!backup.manifest.isPostgres())
        return Error{QStringLiteral("backup %1 is of a %2 database, not of a PostgreSQL one")
                         .arg(backup.manifest.id, backup.manifest.dialect),
                     backup.manifestPath(),
                     0,
                     0,
                     {}};
    return backup.precheck();
}

// 150018 from "15.18" (the manifest's server_version); 0 when unknown.
int versionNumber(const QString& text)
{
    const QStringList parts = text.split(QLatin1Char('.'));
    return parts.size() == 2 ? parts[0].toInt() * 10000 + parts[1].toInt() : 0;
}

// SHA-256 and the archive's table of contents: what verify() and restore() both check first.
Status verifyPayload(const BackupEntry& backup, const QString& pgRestore, const Environment& env,
                     const RestoreOptions& options)
{
    auto hash = fileops::sha256OfFile(backup.payloadPath(), [&](qint64 done, qint64 all) {
        if (options.progress)
            options.progress(RestorePhase::Copy, done, all);
    });
    if (!hash)
        return hash.error();
    if (hash.value() != backup.manifest.sha256)
        return Error{QStringLiteral("the backup's payload does not match its SHA-256 (found %1…, "
                                    "the manifest says %2…): it is corrupted")
                         .arg(QString::fromLatin1(hash->left(12)),
                              QString::fromLatin1(backup.manifest.sha256.left(12))),
                     backup.payloadPath(),
                     0,
                     0,
                     {}};
    const QString check = checkPgArchive(pgRestore, backup.payloadPath(), IntegrityLevel::Quick,
                                         env, backup.manifest.rows);
    if (check != QLatin1String("ok"))
        return Error{QStringLiteral("the backup's archive cannot be read: ") + check,
                     backup.payloadPath(),
                     0,
                     0,
                     {}};
    return success();
}

} // namespace

QString PgRestore::asideName(const QString& target, const QDateTime& utc)
{
    return fitName(target, QStringLiteral("_strata_before_restore_") +
                               utc.toUTC().toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'")));
}

Result<QStringList> pgOtherSessions(PgSession& session, const QString& database)
{
    auto rows = session.query(
        "SELECT pid::text, coalesce(usename, '?'), coalesce(application_name, ''), "
        "coalesce(host(client_addr), 'local socket'), to_char(backend_start AT TIME ZONE 'UTC', "
        "'YYYY-MM-DD HH24:MI:SS') FROM pg_stat_activity WHERE datname = $1 AND pid <> "
        "pg_backend_pid() AND backend_type <> 'autovacuum worker' ORDER BY backend_start",
        {database});
    if (!rows)
        return rows.error();
    QStringList out;
    for (const QStringList& r : rows.value())
        out << QStringLiteral("pid %1, user %2, application '%3', from %4, since %5 UTC")
                   .arg(r[0], r[1], r[2], r[3], r[4]);
    return out;
}

Status PgRestore::verify(const BackupEntry& backup, const Environment& env,
                         const RestoreOptions& options)
{
    if (auto problem = manifestProblem(backup))
        return *problem;
    auto tools = PgTools::locate(versionNumber(backup.manifest.serverVersion));
    if (!tools)
        return tools.error();
    return verifyPayload(backup, tools->pgRestore(), env, options);
}

Result<RestoreOutcome> PgRestore::refuse(RestoreFailure kind, const Error& error)
{
    m_lastFailure = kind;
    return error;
}

Result<RestoreOutcome> PgRestore::restore(const BackupEntry& backup, const Environment& env,
                                          const RestoreOptions& options)
{
    m_lastFailure = RestoreFailure::None;
    QElapsedTimer total, phase;
    total.start();
    phase.start();
    RestoreOutcome outcome;
    outcome.target = env.displayLocation();
    const QString target = pgTargetDatabase(env);
    auto progress = [&](RestorePhase p, qint64 done, qint64 all) {
        if (options.progress)
            options.progress(p, done, all);
    };

    // 1. The backup itself, before anything on the server.
    if (auto problem = manifestProblem(backup))
        return refuse(RestoreFailure::Refused, *problem);

    // 2. The maintenance connection: another database of the same server.
    std::unique_ptr<PgSession> admin;
    QStringList tried;
    for (const QString& db : {QStringLiteral("postgres"), QStringLiteral("template1")}) {
        if (db == target)
            continue;
        auto s = PgSession::open(pgEnvironmentFor(env, db), kConnectTimeoutMs);
        if (s) {
            admin = std::move(s).value();
            break;
        }
        tried << s.error().message;
    }
    if (!admin)
        return refuse(RestoreFailure::Failed,
                      Error{QStringLiteral("a restore renames databases, which must be done from "
                                           "another database of the server (postgres or "
                                           "template1), and neither could be reached: %1")
                                .arg(tried.join(QStringLiteral("; "))),
                            {},
                            0,
                            0,
                            {}});
    PgSession& s = *admin;
    // A pg_restore that reads the archive (as new as the server it came from) and writes to
    // this server.
    auto tools =
        PgTools::locate(qMax(s.serverVersion(), versionNumber(backup.manifest.serverVersion)));
    if (!tools)
        return refuse(RestoreFailure::Failed, tools.error());
    if (Status v = verifyPayload(backup, tools->pgRestore(), env, options); !v)
        return refuse(RestoreFailure::Refused, v.error());
    outcome.copyMs = phase.restart();

    // One restore of this database at a time (held until the maintenance connection closes).
    auto locked = s.value("SELECT pg_try_advisory_lock(" + QByteArray::number(kRestoreLockClass) +
                          ", " + QByteArray::number(PgSession::lockKey(target.toUtf8())) + ")");
    if (!locked)
        return refuse(RestoreFailure::Failed, locked.error());
    if (locked.value() != QLatin1String("t"))
        return refuse(RestoreFailure::Busy,
                      Error{QStringLiteral("another restore of database %1 is running; try again "
                                           "when it has finished (nothing was changed)")
                                .arg(target),
                            {},
                            0,
                            0,
                            {}});

    // The role's rights and the target's shape; other sessions refuse the restore now rather
    // than after the whole pg_restore.
    auto role = s.query("SELECT current_user, rolsuper::text, rolcreatedb::text FROM pg_roles "
                        "WHERE rolname = current_user");
    if (!role || role->isEmpty())
        return refuse(RestoreFailure::Failed,
                      role
                          ? Error{QStringLiteral("cannot read the role's privileges"), {}, 0, 0, {}}
                          : role.error());
    const QString user = role->first()[0];
    const bool super = role->first()[1] == QLatin1String("true");
    if (!super && role->first()[2] != QLatin1String("true"))
        return refuse(RestoreFailure::Refused,
                      Error{QStringLiteral("role %1 lacks the CREATEDB privilege, which a restore "
                                           "needs to create the scratch database it restores "
                                           "into (a superuser can grant it: ALTER ROLE %1 "
                                           "CREATEDB); nothing was changed")
                                .arg(user),
                            {},
                            0,
                            0,
                            {}});
    auto facts = readPgDatabaseShape(s, target);
    if (!facts)
        return refuse(RestoreFailure::Failed, facts.error());
    if (facts->exists && !super && !facts->ownedByUs)
        return refuse(RestoreFailure::Refused,
                      Error{QStringLiteral("role %1 does not own database %2 (its owner is %3), "
                                           "and only the owner may rename it for the swap; "
                                           "nothing was changed")
                                .arg(user, target, facts->owner),
                            {},
                            0,
                            0,
                            {}});
    auto busy = [&](const QStringList& sessions, const QString& when) {
        return Error{
            QStringLiteral("%1 other session%2 connected to database %3 (%4) — a restore "
                           "replaces the database, so it needs them gone; close them "
                           "and try again (Strata does not end them). %5")
                .arg(sessions.size())
                .arg(sessions.size() == 1 ? QStringLiteral(" is") : QStringLiteral("s are"))
                .arg(target, sessions.join(QStringLiteral("; ")), when),
            {},
            0,
            0,
            {}};
    };
    if (facts->exists) {
        auto others = pgOtherSessions(s, target);
        if (!others)
            return refuse(RestoreFailure::Failed, others.error());
        if (!others->isEmpty())
            return refuse(RestoreFailure::Busy,
                          busy(others.value(), QStringLiteral("Nothing was changed.")));
    }

    // A scratch database left by a restore of this target that did not finish (its process was
    // killed): under the lock no restore can be using it.
    if (auto names = s.query("SELECT datname FROM pg_database WHERE strpos(datname, $1) > 0",
                             {kScratchInfix})) {
        for (const QStringList& row : names.value()) {
            if (!isScratchOf(row[0], target))
                continue;
            if (auto e = s.exec("DROP DATABASE " + PgSession::identifier(row[0])))
                outcome.notes << QStringLiteral("could not drop %1, left by an earlier restore "
                                                "that did not finish: %2")
                                     .arg(row[0], e->describe());
            else
                outcome.notes << QStringLiteral("dropped %1, left by an earlier restore that did "
                                                "not finish")
                                     .arg(row[0]);
        }
    }

    // 3. The scratch database, restored and counted. From here a failure drops it.
    const QString scratch =
        fitName(target, kScratchInfix +
                            QString::number(QRandomGenerator::global()->bounded(0x1000000), 16));
    QString problem;
    const QList<QByteArray> createSql =
        pgShapedDatabaseSql(s, scratch, facts.value(), &problem);
    if (createSql.isEmpty())
        return refuse(
            RestoreFailure::Failed,
            Error{QStringLiteral("cannot read database %1's settings: %2").arg(target, problem),
                  {},
                  0,
                  0,
                  {}});
    if (auto e = s.exec(createSql.first()))
        return refuse(RestoreFailure::Failed,
                      Error{QStringLiteral("cannot create the scratch database %1: %2")
                                .arg(scratch, e->describe()),
                            {},
                            0,
                            0,
                            {}});
    auto discard = [&](RestoreFailure kind, Error e) {
        if (auto dropped = s.exec("DROP DATABASE IF EXISTS " + PgSession::identifier(scratch)))
            e.message += QStringLiteral(" (the scratch database %1 could not be dropped: %2; drop "
                                        "it by hand)")
                             .arg(scratch, dropped->describe());
        return refuse(kind, e);
    };
    for (qsizetype i = 1; i < createSql.size(); ++i)
        if (auto e = s.exec(createSql[i]))
            return discard(RestoreFailure::Failed,
                           Error{QStringLiteral("cannot give the scratch database %1 the "
                                                "target's settings: %2")
                                     .arg(scratch, e->describe()),
                                 {},
                                 0,
                                 0,
                                 QString::fromUtf8(createSql[i])});

    auto conninfo = pgToolConninfo(env, scratch);
    if (!conninfo)
        return discard(RestoreFailure::Failed, conninfo.error());
    const int jobs = qBound(1, QThread::idealThreadCount(), 4);
    const qint64 entries = qMax(1, backup.manifest.archiveEntries);
    qint64 done = 0;
    progress(RestorePhase::Check, 0, entries);
    auto restored = PgTools::run(
        tools->pgRestore(),
        {QStringLiteral("--dbname=") + conninfo.value(), QStringLiteral("--exit-on-error"),
         QStringLiteral("--no-password"), QStringLiteral("--jobs=%1").arg(jobs),
         QStringLiteral("--verbose"), backup.payloadPath()},
        env, [&](const QString& line) {
            if (line.contains(QLatin1String("creating ")) ||
                line.contains(QLatin1String("processing data")) ||
                line.contains(QLatin1String("finished item")))
                progress(RestorePhase::Check, qMin(++done, entries), entries);
        });
    if (!restored)
        return discard(RestoreFailure::Failed,
                       Error{QStringLiteral("the backup could not be restored into the scratch "
                                            "database: %1; %2 is untouched")
                                 .arg(restored.error().message, target),
                             backup.payloadPath(),
                             0,
                             0,
                             {}});
    {
        // Counted on a connection of its own, closed before the scratch database is dropped or
        // renamed (both need it free).
        Result<QList<TableRows>> rows = Error{};
        if (auto scratchSession =
                PgSession::open(pgEnvironmentFor(env, scratch), kConnectTimeoutMs))
            rows = countPgRows(*scratchSession.value());
        else
            rows = scratchSession.error();
        if (!rows)
            return discard(RestoreFailure::Failed, rows.error());
        const QString diff = compareRowCounts(backup.manifest.rows, rows.value());
        if (!diff.isEmpty())
            return discard(RestoreFailure::Refused,
                           Error{QStringLiteral("the restored rows differ from the backup's "
                                                "manifest: %1; %2 is untouched")
                                     .arg(diff, target),
                                 backup.payloadPath(),
                                 0,
                                 0,
                                 {}});
    }
    progress(RestorePhase::Check, entries, entries);
    outcome.checkMs = phase.restart();

    // 4. The swap: both renames in one transaction. A session that connected meanwhile makes
    //    the rename fail (55006) even if it slips in after this check.
    QByteArray swap = "BEGIN; ";
    if (facts->exists) {
        auto others = pgOtherSessions(s, target);
        if (!others)
            return discard(RestoreFailure::Failed, others.error());
        if (!others->isEmpty())
            return discard(RestoreFailure::Busy,
                           busy(others.value(), QStringLiteral("The restored copy was dropped; "
                                                               "the database is unchanged.")));
        outcome.safetyCopy = asideName(target, QDateTime::currentDateTimeUtc());
        auto taken =
            s.value("SELECT count(*) FROM pg_database WHERE datname = $1", {outcome.safetyCopy});
        if (!taken || taken.value() != QLatin1String("0")) // two restores in one second
            outcome.safetyCopy =
                fitName(outcome.safetyCopy.left(kMaxIdentifierBytes - 7),
                        QLatin1Char('_') +
                            QString::number(QRandomGenerator::global()->bounded(0x100000), 16));
        swap += "ALTER DATABASE " + PgSession::identifier(target) + " RENAME TO " +
                PgSession::identifier(outcome.safetyCopy) + "; ";
    }
    swap += "ALTER DATABASE " + PgSession::identifier(scratch) + " RENAME TO " +
            PgSession::identifier(target) + "; COMMIT";
    // Reported once the sessions are checked, as the renames start.
    progress(RestorePhase::Swap, 0, 1);
    if (auto e = s.exec(swap)) {
        s.exec("ROLLBACK");
        outcome.safetyCopy.clear();
        if (e->sqlstate == QLatin1String("55006")) {
            auto others = pgOtherSessions(s, target);
            return discard(RestoreFailure::Busy,
                           busy(others ? others.value() : QStringList{},
                                QStringLiteral("The restored copy was dropped; the database is "
                                               "unchanged.")));
        }
        return discard(RestoreFailure::Failed,
                       Error{QStringLiteral("cannot swap the databases: %1; %2 is unchanged")
                                 .arg(e->describe(), target),
                             {},
                             0,
                             0,
                             {}});
    }
    progress(RestorePhase::Swap, 1, 1);
    outcome.swapMs = phase.elapsed();
    outcome.totalMs = total.elapsed();
    return outcome;
}

} // namespace strata
