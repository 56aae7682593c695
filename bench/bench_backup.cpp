// Times Strata's backup and restore of a ~1 GB SQLite database against `cp` of the same file
// (the floor), in the same run. Targets (issue 5): backup within 1.3× of cp, restore within
// 1.5× of cp. Each piece a backup cannot skip (fsync, SHA-256, the integrity check, the
// foreign-key check and row counts) is also timed alone, against the same floor.
//
// The database is built once and cached (default /tmp/strata-bench-backup/source.sqlite); the
// time the build took is printed when it happens. Each run: cp of the database (the floor),
// Strata's backup into a store (the raw copy step — SQLite's backup API into a temporary file —
// and the whole backup: copy, then fsync, SHA-256, quick_check and the rest side by side, rename,
// manifest),
// cp of the backup's payload onto a scratch file (the restore floor), and Strata's restore of
// the backup over the database (kernel copy with SHA-256 following it, then quick_check, the
// foreign-key check and row counts side by side with the fsync, the swap).
// Strata flushes what it writes to disk (fsync); cp does not: "cp + fsync" is printed too.
//
// Usage: bench_backup [--runs N] [--size-mb MB] [--dir DIR] [--full-check]

#include "backupmanager.h"
#include "fileops.h"
#include "historygen.h"
#include "projectfile.h"
#include "sqlitefilecheck.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QThread>

#include <SQLiteCpp/Database.h>

#include <cstdio>

#include <unistd.h>

using namespace strata;
using namespace strata::bench;

namespace {

// Writes every dirty page back before a timed step, so that no step pays for the writeback of
// the 1 GB the step before it wrote (which made `cp` alone vary between 0.3 and 4.6 s).
void settle()
{
    ::sync();
}

double seconds(const QElapsedTimer& t)
{
    return double(t.nsecsElapsed()) / 1e9;
}

bool run(const QString& program, const QStringList& args)
{
    QProcess p;
    p.start(program, args);
    return p.waitForFinished(-1) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

// An app-like table: ids, a foreign key column with an index, text and a 400-byte payload. About
// 2,350 rows per MB.
bool buildDatabase(const QString& path, int sizeMb)
{
    QFile::remove(path);
    try {
        SQLite::Database db(path.toStdString(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db.exec("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;");
        db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE);"
                "CREATE TABLE events (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL "
                "REFERENCES users(id), kind TEXT NOT NULL, created_at INTEGER NOT NULL, "
                "payload BLOB);"
                "CREATE INDEX events_user ON events(user_id);"
                "CREATE TABLE strata_migrations (version TEXT PRIMARY KEY, name TEXT, checksum "
                "TEXT, applied_at TEXT, duration_ms INTEGER, applied_by TEXT, sql TEXT, "
                "baseline INTEGER NOT NULL DEFAULT 0);");
        db.exec("BEGIN");
        db.exec("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000) "
                "INSERT INTO users SELECT x, 'user' || x || '@example.com' FROM c");
        const qint64 rows = qint64(sizeMb) * 2200;
        db.exec(QStringLiteral("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                               "WHERE x < %1) INSERT INTO events SELECT x, 1 + x % 10000, "
                               "'kind' || (x % 7), 1700000000 + x, randomblob(400) FROM c")
                    .arg(rows)
                    .toStdString());
        db.exec("COMMIT");
        db.exec("PRAGMA journal_mode = WAL"); // as D1's local state is kept
    } catch (const std::exception& e) {
        std::fprintf(stderr, "cannot build the database: %s\n", e.what());
        return false;
    }
    return true;
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption runsOpt(QStringLiteral("runs"), QStringLiteral("runs"),
                                     QStringLiteral("n"), QStringLiteral("3"));
    const QCommandLineOption sizeOpt(QStringLiteral("size-mb"), QStringLiteral("database size"),
                                     QStringLiteral("mb"), QStringLiteral("1024"));
    const QCommandLineOption dirOpt(QStringLiteral("dir"), QStringLiteral("work folder"),
                                    QStringLiteral("dir"),
                                    QStringLiteral("/tmp/strata-bench-backup"));
    const QCommandLineOption fullOpt(QStringLiteral("full-check"),
                                     QStringLiteral("integrity_check instead of quick_check"));
    parser.addOptions({runsOpt, sizeOpt, dirOpt, fullOpt});
    parser.process(app);
    const int runs = std::max(1, parser.value(runsOpt).toInt());
    const int sizeMb = std::max(1, parser.value(sizeOpt).toInt());
    const QDir dir(parser.value(dirOpt));
    const IntegrityLevel level =
        parser.isSet(fullOpt) ? IntegrityLevel::Full : IntegrityLevel::Quick;
    QDir().mkpath(dir.path());

    const QString source = dir.filePath(QStringLiteral("source-%1mb.sqlite").arg(sizeMb));
    const QString done = source + QStringLiteral(".complete");
    if (!QFileInfo::exists(done)) {
        std::printf("building a %d MB database in %s …\n", sizeMb, qPrintable(source));
        std::fflush(stdout);
        QElapsedTimer t;
        t.start();
        if (!buildDatabase(source, sizeMb))
            return 1;
        std::printf("built in %.1f s (cached for the next runs)\n", seconds(t));
        QFile marker(done);
        if (!marker.open(QIODevice::WriteOnly))
            return 1;
    }
    const qint64 size = QFileInfo(source).size();

    // A project around the database, its store beside it.
    const QString projectDir = dir.filePath(QStringLiteral("project"));
    QDir(projectDir).removeRecursively();
    QDir().mkpath(projectDir + QStringLiteral("/migrations"));
    {
        QFile toml(projectDir + QStringLiteral("/strata.toml"));
        if (!toml.open(QIODevice::WriteOnly))
            return 1;
        toml.write(QStringLiteral("[[database]]\nbinding = \"APP\"\nmigrations = \"migrations\"\n"
                                  "[database.env.local]\npath = \"%1\"\n[backups]\ndir = \"%2\"\n"
                                  "keep = 1\n")
                       .arg(source, dir.filePath(QStringLiteral("store")))
                       .toUtf8());
    }
    auto project = loadStrataToml(projectDir + QStringLiteral("/strata.toml"));
    if (!project) {
        std::fprintf(stderr, "%s\n", qPrintable(project.error().toString()));
        return 1;
    }

    std::printf("database: %.0f MiB (%lld bytes), WAL mode; %d runs, median; check: %s\n\n",
                size / 1048576.0, size, runs, qPrintable(integrityLevelName(level)));
    QList<double> cp, cpSync, rawCopy, backupTotal, backupCheck, cpRestore, restoreTotal,
        restoreCopy, restoreCheck, restoreSwap, backupFinish, backupTake, pieceHash, pieceIntegrity,
        pieceKeysRows;
    const QString scratch = dir.filePath(QStringLiteral("cp-copy.sqlite"));
    for (int i = 0; i < runs; ++i) {
        QFile::remove(scratch);
        QElapsedTimer t;
        settle();
        t.start();
        if (!run(QStringLiteral("cp"), {source, scratch}))
            return 1;
        cp << seconds(t);
        if (!fileops::syncFile(scratch))
            return 1;
        cpSync << seconds(t);
        QFile::remove(scratch);

        BackupManager m(project.value(), QStringLiteral("APP"), QStringLiteral("local"));
        BackupOptions options;
        options.integrity = level;
        settle();
        t.restart();
        auto outcome = m.backup(options);
        const double total = seconds(t);
        if (!outcome) {
            std::fprintf(stderr, "backup: %s\n", qPrintable(outcome.error().toString()));
            return 1;
        }
        rawCopy << outcome->timings.copyMs / 1000.0;
        backupCheck << outcome->timings.checkMs / 1000.0;
        backupFinish << outcome->timings.finishMs / 1000.0;
        backupTake << outcome->timings.totalMs / 1000.0;
        backupTotal << total;

        const QString payload = outcome->entry.payloadPath();
        // Each piece the backup must do, alone, on the payload (in the page cache, as the copy is
        // when the backup reads it): what it would cost if nothing overlapped.
        settle();
        t.restart();
        if (!fileops::sha256OfFile(payload))
            return 1;
        pieceHash << seconds(t);
        t.restart();
        if (!integrityOf(payload, level))
            return 1;
        pieceIntegrity << seconds(t);
        t.restart();
        if (!keysAndRowsOf(payload))
            return 1;
        pieceKeysRows << seconds(t);
        settle();
        t.restart();
        if (!run(QStringLiteral("cp"), {payload, scratch}))
            return 1;
        cpRestore << seconds(t);
        QFile::remove(scratch);

        RestoreOptions ro;
        ro.integrity = level;
        settle();
        t.restart();
        auto restored = m.restore(outcome->entry, ro);
        const double rt = seconds(t);
        if (!restored) {
            std::fprintf(stderr, "restore: %s\n", qPrintable(restored.error().toString()));
            return 1;
        }
        restoreTotal << rt;
        restoreCopy << restored->copyMs / 1000.0;
        restoreCheck << restored->checkMs / 1000.0;
        restoreSwap << restored->swapMs / 1000.0;
        QFile::remove(restored->safetyCopy); // a hard link to the old file: frees it
        std::printf("run %d: cp %.2f s, backup %.2f s, cp of payload %.2f s, restore %.2f s\n",
                    i + 1, cp.last(), total, cpRestore.last(), rt);
        std::fflush(stdout);
    }
    QDir(dir.filePath(QStringLiteral("store"))).removeRecursively();

    const double floor = median(cp);
    const double restoreFloor = median(cpRestore);
    std::printf("\n%-58s %8s %8s\n", "what", "seconds", "× cp");
    auto row = [&](const char* what, double s, double base) {
        std::printf("%-58s %8.2f %7.2fx\n", what, s, s / base);
    };
    row("floor: cp of the database", floor, floor);
    row("cp + fsync of the copy", median(cpSync), floor);
    row("piece alone: fsync of the 1 GB copy (cp + fsync - cp)", median(cpSync) - floor, floor);
    row("piece alone: SHA-256 (OpenSSL) of the payload", median(pieceHash), floor);
    row(qPrintable(QStringLiteral("piece alone: %1 of the payload").arg(integrityLevelName(level))),
        median(pieceIntegrity), floor);
    row("piece alone: foreign_key_check + row counts", median(pieceKeysRows), floor);
    row("backup, raw copy step (backup API into a temp file)", median(rawCopy), floor);
    row("backup, fsync + SHA-256 + checks side by side", median(backupCheck), floor);
    row("backup, journal mode + rename + folder sync", median(backupFinish), floor);
    row("backup, SqliteBackup::take (all the above, manifest)", median(backupTake), floor);
    row("backup, whole (BackupManager: take, store, retention)", median(backupTotal), floor);
    row("floor: cp of the backup's payload", restoreFloor, restoreFloor);
    row("restore, copy + SHA-256 following it", median(restoreCopy), restoreFloor);
    row("restore, fsync + checks + row counts side by side", median(restoreCheck), restoreFloor);
    row("restore, swap (checkpoint, lock, link, rename)", median(restoreSwap), restoreFloor);
    row("restore, whole", median(restoreTotal), restoreFloor);
    const double b = median(backupTotal) / floor;
    const double r = median(restoreTotal) / restoreFloor;
    std::printf("\nbackup (whole) / cp = %.2fx  (target ≤ 1.3x)  %s\n", b,
                b <= 1.3 ? "MET" : "MISSED");
    std::printf("raw copy step / cp  = %.2fx\n", median(rawCopy) / floor);
    std::printf("%s alone / cp = %.2fx\n", qPrintable(integrityLevelName(level)),
                median(pieceIntegrity) / floor);
    std::printf("least a backup can take here (copy step + %s, which cannot overlap) / cp = "
                "%.2fx\n",
                qPrintable(integrityLevelName(level)),
                (median(rawCopy) + median(pieceIntegrity)) / floor);
    std::printf("restore (whole) / cp = %.2fx  (target ≤ 1.5x)  %s\n", r,
                r <= 1.5 ? "MET" : "MISSED");
    std::printf("least a restore can take here (cp of the payload + %s of the new file, which "
                "cannot overlap) / cp = %.2fx\n",
                qPrintable(integrityLevelName(level)),
                (restoreFloor + median(pieceIntegrity)) / restoreFloor);
    // Every piece is one thread's work; on this machine's cores, even perfectly overlapped, the
    // pieces cannot take less than their sum over the number of cores.
    const int cores = QThread::idealThreadCount();
    const double pieces = median(pieceHash) + median(pieceIntegrity) + median(pieceKeysRows);
    std::printf("pieces' work spread over %d cores, backup (copy step + SHA-256 + %s + keys and "
                "rows) / cp = %.2fx\n",
                cores, qPrintable(integrityLevelName(level)),
                (median(rawCopy) + pieces) / cores / floor);
    std::printf("pieces' work spread over %d cores, restore (cp + SHA-256 + %s + keys and rows) "
                "/ cp = %.2fx\n",
                cores, qPrintable(integrityLevelName(level)),
                (restoreFloor + pieces) / cores / restoreFloor);
    return 0;
}
