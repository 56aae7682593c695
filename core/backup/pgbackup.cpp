#include "pgbackup.h"

#include "fileops.h"
#include "pgconnection.h"
#include "pghistory.h"
#include "pgtools.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSet>

#include <future>

namespace strata {
namespace {

constexpr int kConnectTimeoutMs = 10000;

void clearFolder(const QString& folder)
{
    QDir dir(folder);
    for (const QString& name : dir.entryList(QDir::Files | QDir::Hidden | QDir::System))
        dir.remove(name);
}

// What the snapshot holds besides the dump: rows per table and the history.
struct SnapshotFacts
{
    Result<QList<TableRows>> rows = QList<TableRows>{};
    qint64 schemaVersion = -1;
    QString schemaVersionName;
    int appliedCount = 0;
};

SnapshotFacts readSnapshot(PgSession& session, const Database& db)
{
    SnapshotFacts facts;
    facts.rows = countPgRows(session);
    if (!facts.rows)
        return facts; // the transaction is aborted: take() reports this, the real cause, first
    // The history is optional (an unknown shape leaves the schema version unknown), so it is
    // read under a savepoint: a failing query must not abort the transaction whose snapshot
    // pg_dump imports, or pg_dump would fail for a reason that is not the database's.
    if (session.exec("SAVEPOINT strata_history"))
        return facts;
    PgHistory history(db.history, db.historyTable);
    Result<QList<AppliedMigration>> applied = QList<AppliedMigration>{};
    if (Status resolved = history.resolve(session); !resolved)
        applied = resolved.error();
    else
        applied = history.read(session);
    if (!applied) {
        session.exec("ROLLBACK TO SAVEPOINT strata_history");
        return facts;
    }
    session.exec("RELEASE SAVEPOINT strata_history");
    facts.appliedCount = int(applied->size());
    for (const AppliedMigration& a : applied.value())
        if (a.version > facts.schemaVersion) {
            facts.schemaVersion = a.version;
            facts.schemaVersionName = a.fileName.isEmpty() ? a.versionText : a.fileName;
        }
    return facts;
}

// "public.items" / "items" → the "schema table " that follows "TABLE DATA " in pg_restore --list.
QString tocName(const QString& table)
{
    const qsizetype dot = table.indexOf(QLatin1Char('.'));
    if (dot < 0)
        return QStringLiteral("public ") + table + QLatin1Char(' ');
    return table.left(dot) + QLatin1Char(' ') + table.mid(dot + 1) + QLatin1Char(' ');
}

} // namespace

QString pgArchiveCheckName(IntegrityLevel level)
{
    return level == IntegrityLevel::Full ? QStringLiteral("pg_restore --file=/dev/null")
                                         : QStringLiteral("pg_restore --list");
}

QString checkPgArchive(const QString& pgRestore, const QString& archive, IntegrityLevel level,
                       const Environment& env, const QList<TableRows>& tables, int* entries)
{
    auto list = PgTools::run(pgRestore, {QStringLiteral("--list"), archive}, env);
    if (!list)
        return list.error().message;
    QStringList data;
    int count = 0;
    for (const QByteArray& raw : list->split('\n')) {
        if (raw.isEmpty() || raw.startsWith(';'))
            continue;
        ++count;
        const QString line = QString::fromUtf8(raw);
        const qsizetype at = line.indexOf(QLatin1String(" TABLE DATA "));
        if (at >= 0)
            data << line.mid(at + 12);
    }
    if (entries)
        *entries = count;
    if (count == 0)
        return QStringLiteral("the archive's table of contents is empty");
    QStringList missing;
    for (const TableRows& t : tables) {
        const QString name = tocName(t.table);
        if (std::none_of(data.begin(), data.end(),
                         [&](const QString& d) { return d.startsWith(name); }))
            missing << t.table;
    }
    if (!missing.isEmpty())
        return QStringLiteral("the archive holds no data for %1")
            .arg(missing.join(QStringLiteral(", ")));
    if (level == IntegrityLevel::Full) {
        // Every block read and decompressed, as a restore would: zlib's checksums catch damage.
        auto read = PgTools::run(
            pgRestore, {QStringLiteral("--file=") + QProcess::nullDevice(), archive}, env);
        if (!read)
            return read.error().message;
    }
    return QStringLiteral("ok");
}

Result<BackupManifest> PgBackup::take(const Database& db, const Environment& env,
                                      const QString& folder, BackupManifest manifest,
                                      const BackupOptions& options, BackupTimings* timings)
{
    m_toolsMissing = false;
    QElapsedTimer total, phase;
    total.start();
    BackupTimings t;
    auto failed = [&](const Error& e) -> Result<BackupManifest> {
        clearFolder(folder);
        return e;
    };

    bool missingDatabase = false;
    auto session = PgSession::open(env, kConnectTimeoutMs, &missingDatabase);
    if (!session) {
        if (missingDatabase)
            return Error{QStringLiteral("the database does not exist yet: nothing to back up (%1)")
                             .arg(env.displayLocation()),
                         {},
                         0,
                         0,
                         {}};
        return session.error();
    }
    PgSession& s = *session.value();
    auto tools = PgTools::locate(s.serverVersion());
    if (!tools) {
        m_toolsMissing = true;
        return tools.error();
    }
    auto conninfo = pgToolConninfo(env);
    if (!conninfo)
        return conninfo.error();

    // The snapshot pg_dump and the counts share; the transaction stays open until pg_dump has
    // imported it and finished.
    if (auto e = s.exec("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
        return Error{QStringLiteral("cannot start the backup's transaction: ") + e->describe(),
                     {},
                     0,
                     0,
                     {}};
    auto snapshot = s.value("SELECT pg_export_snapshot()");
    if (!snapshot)
        return snapshot.error();
    auto tableCount = s.value("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = "
                              "c.relnamespace WHERE c.relkind = 'r' AND n.nspname NOT IN "
                              "('pg_catalog', 'information_schema')");
    const qint64 tablesToDump = tableCount ? tableCount->toLongLong() : 0;

    const QString payload = QDir(folder).filePath(manifest.payload);
    const QString partial = payload + QStringLiteral(".partial");
    // Created empty and private first: pg_dump truncates and writes an existing file, keeping
    // its mode, so the dump is never readable by another account (whatever the umask).
    {
        QFile created(partial);
        if (!created.open(QIODevice::WriteOnly | QIODevice::NewOnly,
                          QFileDevice::Permissions(kBackupFileMode)))
            return failed(Error{QStringLiteral("cannot create the dump file: ") +
                                    created.errorString(),
                                partial,
                                0,
                                0,
                                {}});
    }
    QStringList args{QStringLiteral("--format=custom"), QStringLiteral("--file=") + partial,
                     QStringLiteral("--snapshot=") + snapshot.value(),
                     QStringLiteral("--no-password"),
                     QStringLiteral("--lock-wait-timeout=%1").arg(qMax(1, options.busyTimeoutMs))};
    if (options.progress)
        args << QStringLiteral("--verbose");
    args << QStringLiteral("--dbname=") + conninfo.value();

    // The counts and the history in the snapshot, on this session, while pg_dump runs.
    phase.start();
    auto facts = std::async(std::launch::async, [&s, &db] { return readSnapshot(s, db); });
    qint64 dumped = 0;
    if (options.progress)
        options.progress(BackupPhase::Copy, 0, tablesToDump);
    auto dump = PgTools::run(tools->pgDump(), args, env, [&](const QString& line) {
        if (options.progress && line.contains(QLatin1String("dumping contents of table"))) {
            ++dumped;
            options.progress(BackupPhase::Copy, qMin(dumped, tablesToDump), tablesToDump);
        }
    });
    SnapshotFacts found = facts.get();
    s.exec("COMMIT");
    if (!found.rows) {
        // Reported first: a failed count aborts the transaction whose snapshot pg_dump imports,
        // so pg_dump's own failure ("could not import the requested snapshot") is only its
        // consequence. pg_dump's message goes in the detail.
        fileops::removeIfExists(partial);
        Error e = found.rows.error();
        e.message = QStringLiteral("cannot count the rows of %1 in the backup's snapshot: %2")
                        .arg(env.displayLocation(), e.message);
        if (!dump)
            e.detail = QStringLiteral("pg_dump failed too: ") + dump.error().message;
        return failed(e);
    }
    if (!dump) {
        fileops::removeIfExists(partial);
        return failed(Error{
            QStringLiteral("cannot dump %1: %2").arg(env.displayLocation(), dump.error().message),
            {},
            0,
            0,
            {}});
    }
    t.copyMs = phase.restart();

    if (Status st = fileops::syncFile(partial); !st)
        return failed(st.error());
    if (Status st = fileops::replaceFile(partial, payload); !st)
        return failed(st.error());
    if (Status st = fileops::syncDir(folder); !st)
        return failed(st.error());
    t.finishMs = phase.restart();

    // The hash and the archive check each read the file: side by side.
    if (options.progress)
        options.progress(BackupPhase::Check, 0, 1);
    auto hashing =
        std::async(std::launch::async, [payload] { return fileops::sha256OfFile(payload); });
    int entries = 0;
    const QString check = checkPgArchive(tools->pgRestore(), payload, options.integrity, env,
                                         found.rows.value(), &entries);
    auto hash = hashing.get();
    t.checkMs = phase.restart();
    if (!hash)
        return failed(hash.error());
    if (check != QLatin1String("ok"))
        return failed(Error{QStringLiteral("the archive pg_dump wrote fails its check (%1: %2); "
                                           "no backup was kept")
                                .arg(pgArchiveCheckName(options.integrity), check),
                            payload,
                            0,
                            0,
                            {}});
    if (options.progress)
        options.progress(BackupPhase::Check, 1, 1);

    manifest.format = BackupManifest::currentFormat;
    manifest.strataVersion = QStringLiteral(STRATA_VERSION);
    manifest.beforeVersion = options.beforeVersion.value_or(-1);
    manifest.payloadSize = QFileInfo(payload).size();
    manifest.sha256 = hash.value();
    manifest.rows = found.rows.value();
    manifest.schemaVersion = found.schemaVersion;
    manifest.schemaVersionName = found.schemaVersionName;
    manifest.appliedCount = found.appliedCount;
    manifest.integrityCheck = pgArchiveCheckName(options.integrity);
    manifest.integrity = check;
    manifest.foreignKeys = BackupManifest::serverEnforced();
    manifest.serverVersion =
        QStringLiteral("%1.%2").arg(s.serverVersion() / 10000).arg(s.serverVersion() % 10000);
    manifest.dumpProgram = tools->version();
    manifest.database = pgTargetDatabase(env);
    manifest.archiveEntries = entries;

    if (Status st = manifest.writeTo(folder); !st)
        return failed(st.error());
    t.totalMs = total.elapsed();
    if (timings)
        *timings = t;
    return manifest;
}

} // namespace strata
