// Backups and restores on real SQLite files: a backup taken while another thread keeps writing
// is one moment's snapshot; damaged backups (a flipped byte, a truncated payload, a broken
// manifest, row counts that lie) are refused and the target stays byte-for-byte as it was, also
// when the restore fails at the swap itself; a restore brings back rows and schema exactly;
// --before V picks the right backup; retention keeps N and the restore points of applied
// migrations; a WAL target with a live -wal; another connection holding the target.

#include "backupmanager.h"
#include "migrator.h"
#include "projectfile.h"
#include "projectlocator.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <SQLiteCpp/Database.h>

#include <atomic>
#include <filesystem>
#include <thread>

using namespace strata;
using namespace strata::test;

namespace {

const QString app = QStringLiteral("APP");
const QString local = QStringLiteral("local");

// Adds a [backups] table to the temporary project: the store inside its folder.
bool addStore(const TempProject& p, int keep)
{
    QFile f(QDir(p.root()).filePath(QStringLiteral("strata.toml")));
    if (!f.open(QIODevice::Append))
        return false;
    f.write("\n[backups]\ndir = \"backups\"\nkeep = " + QByteArray::number(keep) + "\n");
    return true;
}

BackupEntry takeBackup(const Project& project, std::optional<qint64> before = std::nullopt,
                       PruneReport* pruned = nullptr)
{
    BackupManager m(project, app, local);
    BackupOptions options;
    options.beforeVersion = before;
    auto outcome = m.backup(options);
    if (!outcome) {
        QTest::qFail(qPrintable(outcome.error().toString()), __FILE__, __LINE__);
        return {};
    }
    if (pruned)
        *pruned = outcome->pruned;
    return outcome->entry;
}

void migrate(const Project& project, std::optional<qint64> to = std::nullopt, bool down = false)
{
    Migrator m(project, app, local);
    RunOptions options;
    options.toVersion = to;
    auto report = down ? m.down(options) : m.up(options);
    if (!report || report->failure)
        QTest::qFail(qPrintable(report ? report->failure->toString() : report.error().toString()),
                     __FILE__, __LINE__);
}

// Files Strata leaves beside a database during a restore.
QStringList restoreLeftovers(const QString& dbPath)
{
    const QFileInfo info(dbPath);
    return QDir(info.absolutePath())
        .entryList({info.fileName() + QStringLiteral(".strata-restore-*"),
                    info.fileName() + QStringLiteral(".strata-before-restore-*")},
                   QDir::Files);
}

QStringList ids(const QList<BackupEntry>& entries)
{
    QStringList out;
    for (const BackupEntry& e : entries)
        out << e.manifest.id;
    return out;
}

bool setImmutable(const QString& path, bool on)
{
    QProcess p;
    p.start(QStringLiteral("chattr"), {on ? QStringLiteral("+i") : QStringLiteral("-i"), path});
    return p.waitForFinished() && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

} // namespace

class TestBackup : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void projectFileBackupSettings();
    void backupWhileWritingIsOneMoment();
    void damagedBackupIsRefused_data();
    void damagedBackupIsRefused();
    void failureAtTheSwapLeavesTargetUnchanged();
    void restoreBringsBackRowsAndSchema();
    void beforeFindsTheRightBackup();
    void retentionKeepsNewestAndRestorePoints();
    void walTargetWithLiveWal();
    void otherConnectionMakesRestoreBusy();
    void restoreIntoMissingDatabase();
    void d1HistoryGivesSchemaVersion();
    void remoteD1IsRefused();
    void permissionsArePrivateAndKept();
};

void TestBackup::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void TestBackup::projectFileBackupSettings()
{
    TempProject p;
    QVERIFY(p.isValid());
    Project plain = p.load();
    QCOMPARE(plain.backups.keep, 10);
    QVERIFY(plain.backups.dir.isEmpty());
    const QString defaultRoot = BackupStore::forProject(plain).root();
    QVERIFY2(defaultRoot.startsWith(
                 QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
                 QStringLiteral("/backups/")),
             qPrintable(defaultRoot));
    QCOMPARE(BackupStore::forProject(p.load()).root(), defaultRoot); // stable

    QVERIFY(addStore(p, 3));
    const Project configured = p.load();
    QCOMPARE(configured.backups.keep, 3);
    QCOMPARE(configured.backups.dir, QDir(p.root()).filePath(QStringLiteral("backups")));

    TempProject bad;
    QFile f(QDir(bad.root()).filePath(QStringLiteral("strata.toml")));
    QVERIFY(f.open(QIODevice::Append));
    f.write("\n[backups]\nkeep = 0\n");
    f.close();
    auto loaded = loadStrataToml(QDir(bad.root()).filePath(QStringLiteral("strata.toml")));
    QVERIFY(!loaded);
    QVERIFY2(loaded.error().message.contains(QLatin1String("keep")),
             qPrintable(loaded.error().toString()));
    QVERIFY(loaded.error().line > 0);
}

void TestBackup::backupWhileWritingIsOneMoment()
{
    TempProject p;
    QVERIFY(addStore(p, 100));
    const QString db = p.dbPath();
    QVERIFY(QDir().mkpath(QFileInfo(db).absolutePath()));
    QVERIFY(execSql(db, QStringLiteral("PRAGMA journal_mode = WAL; CREATE TABLE t (id INTEGER "
                                       "PRIMARY KEY, pad BLOB);"
                                       "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 "
                                       "FROM c WHERE x < 20000) INSERT INTO t SELECT x, "
                                       "randomblob(200) FROM c;")));

    // The writer: transactions of 10 rows with increasing ids. A consistent snapshot holds a
    // multiple of 10 rows, the last id equal to the count.
    std::atomic<bool> stop = false;
    std::atomic<int> commits = 0;
    std::atomic<bool> writerFailed = false;
    std::thread writer([&] {
        try {
            SQLite::Database w(db.toStdString(), SQLite::OPEN_READWRITE, 5000);
            qint64 next = w.execAndGet("SELECT max(id) FROM t").getInt64() + 1;
            while (!stop) {
                w.exec("BEGIN IMMEDIATE");
                for (int i = 0; i < 10; ++i, ++next)
                    w.exec("INSERT INTO t VALUES (" + std::to_string(next) + ", randomblob(200))");
                w.exec("COMMIT");
                ++commits;
            }
        } catch (const std::exception& e) {
            qWarning("writer: %s", e.what());
            writerFailed = true;
        }
    });
    while (commits < 5 && !writerFailed)
        QThread::msleep(1);

    BackupManager m(p.load(), app, local);
    BackupOptions options;
    options.pagesPerStep = 8; // many steps, each a chance for the writer to commit
    int commitsAtStart = -1;
    int copySteps = 0;
    options.progress = [&](BackupPhase phase, qint64 done, qint64 total) {
        if (phase != BackupPhase::Copy)
            return;
        if (commitsAtStart < 0)
            commitsAtStart = commits;
        ++copySteps;
        if (done < total)
            QThread::usleep(300);
    };
    auto outcome = m.backup(options);
    const int commitsAtEnd = commits;
    stop = true;
    writer.join();
    QVERIFY2(outcome, qPrintable(outcome ? QString() : outcome.error().toString()));
    QVERIFY(!writerFailed);
    QVERIFY2(copySteps > 50, qPrintable(QString::number(copySteps)));
    // The writer really wrote while the pages were being copied.
    QVERIFY2(commitsAtEnd > commitsAtStart + 5,
             qPrintable(QStringLiteral("%1 → %2").arg(commitsAtStart).arg(commitsAtEnd)));

    const BackupEntry& e = outcome->entry;
    QCOMPARE(e.manifest.integrity, QStringLiteral("ok"));
    QCOMPARE(e.manifest.rows.size(), 1);
    const qint64 rows = e.manifest.rows.first().rows;
    const QString payload = e.payloadPath();
    QCOMPARE(queryValue(payload, QStringLiteral("SELECT count(*) FROM t")).toLongLong(), rows);
    QCOMPARE(queryValue(payload, QStringLiteral("SELECT max(id) FROM t")).toLongLong(), rows);
    QVERIFY2(rows % 10 == 0, qPrintable(QString::number(rows)));
    QVERIFY(rows >= 20000 + 50);
    QCOMPARE(queryValue(payload, QStringLiteral("PRAGMA integrity_check")), QStringLiteral("ok"));
    // The payload is one self-contained file: not in WAL mode, nothing beside it.
    QVERIFY(!isWalFile(payload));
    QCOMPARE(QDir(e.dir).entryList(QDir::Files),
             (QStringList{QStringLiteral("database.sqlite"), QStringLiteral("manifest.json")}));
    QVERIFY(SqliteRestore::verify(e, IntegrityLevel::Full));
    QCOMPARE(e.manifest.sourceJournalMode, QStringLiteral("wal"));
    QCOMPARE(e.manifest.payloadSize, QFileInfo(payload).size());
}

void TestBackup::damagedBackupIsRefused_data()
{
    QTest::addColumn<QString>("damage");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<bool>("foundAtAll"); // false: the store does not even list it
    QTest::newRow("flipped byte") << "flip" << "SHA-256" << true;
    QTest::newRow("truncated payload") << "truncate" << "truncated" << true;
    QTest::newRow("broken manifest") << "manifest" << "not valid JSON" << false;
    QTest::newRow("manifest without checksum") << "nosha" << "sha256" << false;
    QTest::newRow("row counts that lie") << "rows" << "rows differ" << true;
}

void TestBackup::damagedBackupIsRefused()
{
    QFETCH(QString, damage);
    QFETCH(QString, reason);
    QFETCH(bool, foundAtAll);
    TempProject p;
    QVERIFY(addStore(p, 10));
    p.addMigration(tableMigrationName(1), tableMigration(1));
    const Project project = p.load();
    migrate(project);
    QVERIFY(execSql(p.dbPath(), QStringLiteral("INSERT INTO t1 (v) VALUES ('a'), ('b');")));
    const BackupEntry e = takeBackup(project);
    QVERIFY(!e.dir.isEmpty());
    QVERIFY(execSql(p.dbPath(), QStringLiteral("INSERT INTO t1 (v) VALUES ('after');")));

    const QString payload = e.payloadPath();
    QByteArray bytes = readFile(payload);
    QVERIFY(bytes.size() > 4096);
    QJsonObject manifest = QJsonDocument::fromJson(readFile(e.manifestPath())).object();
    if (damage == QLatin1String("flip")) {
        bytes[bytes.size() / 2 + 100] = char(bytes[bytes.size() / 2 + 100] ^ 0x5a);
        QVERIFY(writeFile(payload, bytes));
    } else if (damage == QLatin1String("truncate")) {
        QVERIFY(writeFile(payload, bytes.left(bytes.size() - 1024)));
    } else if (damage == QLatin1String("manifest")) {
        QVERIFY(writeFile(e.manifestPath(), readFile(e.manifestPath()).left(60)));
    } else if (damage == QLatin1String("nosha")) {
        manifest.remove(QStringLiteral("sha256"));
        QVERIFY(writeFile(e.manifestPath(), QJsonDocument(manifest).toJson()));
    } else {
        QJsonObject tables = manifest.value(QStringLiteral("tables")).toObject();
        tables.insert(QStringLiteral("t1"), tables.value(QStringLiteral("t1")).toInt() + 1);
        manifest.insert(QStringLiteral("tables"), tables);
        QVERIFY(writeFile(e.manifestPath(), QJsonDocument(manifest).toJson()));
    }

    const QByteArray before = readFile(p.dbPath());
    BackupManager m(project, app, local);
    auto found = m.find(e.manifest.id);
    QCOMPARE(bool(found), foundAtAll);
    if (!foundAtAll) {
        auto direct = BackupStore::readFolder(e.dir);
        QVERIFY(!direct);
        QVERIFY2(direct.error().message.contains(reason), qPrintable(direct.error().toString()));
    } else {
        const Status verified = SqliteRestore::verify(found.value());
        QVERIFY(!verified);
        QVERIFY2(verified.error().message.contains(reason),
                 qPrintable(verified.error().toString()));
        auto restored = m.restore(found.value());
        QVERIFY(!restored);
        QVERIFY2(restored.error().message.contains(reason),
                 qPrintable(restored.error().toString()));
        QCOMPARE(int(m.lastErrorKind()), int(BackupErrorKind::Refused));
    }
    QVERIFY(readFile(p.dbPath()) == before);
    QCOMPARE(restoreLeftovers(p.dbPath()), QStringList());
    QCOMPARE(queryValue(p.dbPath(), QStringLiteral("SELECT count(*) FROM t1")), QStringLiteral("4"));
}

void TestBackup::failureAtTheSwapLeavesTargetUnchanged()
{
    TempProject p;
    QVERIFY(addStore(p, 10));
    p.addMigration(tableMigrationName(1), tableMigration(1));
    const Project project = p.load();
    migrate(project);
    const BackupEntry e = takeBackup(project);
    QVERIFY(execSql(p.dbPath(), QStringLiteral("INSERT INTO t1 (v) VALUES ('after');")));
    const QByteArray before = readFile(p.dbPath());

    // An immutable file cannot be written, linked or replaced — not even by root: the backup
    // verifies, is copied and checked, and the swap fails.
    QVERIFY2(setImmutable(p.dbPath(), true), "chattr +i failed");
    BackupManager m(project, app, local);
    auto restored = m.restore(e);
    QVERIFY(setImmutable(p.dbPath(), false));
    QVERIFY2(!restored, "the restore over an immutable file succeeded");
    qInfo("refused as expected: %s", qPrintable(restored.error().toString()));
    QCOMPARE(int(m.lastErrorKind()), int(BackupErrorKind::Failed)); // past every check
    QVERIFY(readFile(p.dbPath()) == before);
    QCOMPARE(restoreLeftovers(p.dbPath()), QStringList());
    QCOMPARE(queryValue(p.dbPath(), QStringLiteral("SELECT count(*) FROM t1")), QStringLiteral("2"));
}

void TestBackup::restoreBringsBackRowsAndSchema()
{
    TempProject p;
    QVERIFY(addStore(p, 10));
    for (int n = 1; n <= 4; ++n)
        p.addMigration(tableMigrationName(n), tableMigration(n));
    const Project project = p.load();
    migrate(project, 2);
    QVERIFY(execSql(p.dbPath(), QStringLiteral("INSERT INTO t1 (v) VALUES ('x'), ('y'), (NULL);"
                                               "INSERT INTO t2 (v) VALUES ('z');")));
    const QStringList schemaBefore = schemaDump(p.dbPath());
    const QList<QStringList> t1Before = queryRows(p.dbPath(), QStringLiteral("SELECT * FROM t1 ORDER BY id"));
    const QList<QStringList> t2Before = queryRows(p.dbPath(), QStringLiteral("SELECT * FROM t2 ORDER BY id"));
    const BackupEntry point = takeBackup(project, 3);
    QCOMPARE(point.manifest.schemaVersion, 2);
    QCOMPARE(point.manifest.schemaVersionName, tableMigrationName(2));
    QCOMPARE(point.manifest.beforeVersion, 3);

    migrate(project);
    QVERIFY(execSql(p.dbPath(), QStringLiteral("INSERT INTO t1 (v) VALUES ('later');"
                                               "DELETE FROM t2;")));
    QVERIFY(schemaDump(p.dbPath()) != schemaBefore);

    BackupManager m(project, app, local);
    auto chosen = m.restorePointBefore(3);
    QVERIFY2(chosen, qPrintable(chosen ? QString() : chosen.error().toString()));
    QCOMPARE(chosen->manifest.id, point.manifest.id);
    auto restored = m.restore(chosen.value());
    QVERIFY2(restored, qPrintable(restored ? QString() : restored.error().toString()));

    QCOMPARE(schemaDump(p.dbPath()), schemaBefore);
    QCOMPARE(queryRows(p.dbPath(), QStringLiteral("SELECT * FROM t1 ORDER BY id")), t1Before);
    QCOMPARE(queryRows(p.dbPath(), QStringLiteral("SELECT * FROM t2 ORDER BY id")), t2Before);
    QCOMPARE(queryColumn(p.dbPath(), QStringLiteral("SELECT version FROM strata_migrations ORDER BY 1")),
             (QStringList{QStringLiteral("0001"), QStringLiteral("0002")}));
    // The database that was there is beside it, whole.
    QVERIFY(!restored->safetyCopy.isEmpty());
    QVERIFY(tableExists(restored->safetyCopy, QStringLiteral("t4")));
    QCOMPARE(queryValue(restored->safetyCopy, QStringLiteral("SELECT count(*) FROM t2")),
             QStringLiteral("0"));
    QCOMPARE(queryValue(p.dbPath(), QStringLiteral("PRAGMA integrity_check")), QStringLiteral("ok"));
    // And `up` takes it from there again.
    migrate(project);
    QVERIFY(tableExists(p.dbPath(), QStringLiteral("t4")));
}

void TestBackup::beforeFindsTheRightBackup()
{
    TempProject p;
    QVERIFY(addStore(p, 100));
    for (int n = 1; n <= 5; ++n)
        p.addMigration(tableMigrationName(n), tableMigration(n));
    const Project project = p.load();
    migrate(project, 1);
    const BackupEntry b1 = takeBackup(project, 2); // schema 1, restore point of 2
    migrate(project, 2);
    const BackupEntry b2 = takeBackup(project, 3); // schema 2, restore point of 3
    migrate(project, 3);
    const BackupEntry b3 = takeBackup(project); // schema 3, no restore point
    migrate(project, 4);
    const BackupEntry b4 = takeBackup(project, 5); // schema 4, restore point of 5
    migrate(project, 1, true); // back down to 1
    const BackupEntry b5 = takeBackup(project); // schema 1 again, the newest of all

    BackupManager m(project, app, local);
    auto idBefore = [&](qint64 v) {
        auto e = m.restorePointBefore(v);
        return e ? e->manifest.id : QString();
    };
    QCOMPARE(idBefore(3), b2.manifest.id);  // the restore point itself, not the newer b5
    QCOMPARE(idBefore(2), b1.manifest.id);
    QCOMPARE(idBefore(5), b4.manifest.id);
    QCOMPARE(idBefore(4), b5.manifest.id);  // no restore point of 4: the newest without 4
    QCOMPARE(idBefore(1), QString());       // nothing from before 1
    QVERIFY(!m.restorePointBefore(1));
    QCOMPARE(m.list().size(), 5);
    QCOMPARE(m.list().first().manifest.id, b5.manifest.id);
    Q_UNUSED(b3);
}

void TestBackup::retentionKeepsNewestAndRestorePoints()
{
    TempProject p;
    QVERIFY(addStore(p, 2));
    for (int n = 1; n <= 3; ++n)
        p.addMigration(tableMigrationName(n), tableMigration(n));
    const Project project = p.load();
    migrate(project, 1);
    const BackupEntry a = takeBackup(project, 2);
    migrate(project, 2);
    const BackupEntry b = takeBackup(project, 3);
    migrate(project, 3);
    const BackupEntry c = takeBackup(project);
    const BackupEntry d = takeBackup(project);
    PruneReport pruned;
    const BackupEntry e = takeBackup(project, std::nullopt, &pruned);
    BackupManager m(project, app, local);
    QCOMPARE(ids(pruned.removed), QStringList{c.manifest.id});
    QCOMPARE(ids(m.list()), (QStringList{e.manifest.id, d.manifest.id, b.manifest.id,
                                         a.manifest.id}));

    // A newer restore point of 3: the older one is no longer the newest, and goes.
    const BackupEntry f = takeBackup(project, 3, &pruned);
    QCOMPARE(ids(m.list()), (QStringList{f.manifest.id, e.manifest.id, a.manifest.id}));

    // 2 and 3 reverted: their restore points protect nothing any more.
    migrate(project, 1, true);
    const BackupEntry g = takeBackup(project, std::nullopt, &pruned);
    QCOMPARE(ids(m.list()), (QStringList{g.manifest.id, f.manifest.id}));
    QVERIFY(!QFileInfo::exists(a.dir));
    QVERIFY(pruned.failures.isEmpty());
}

void TestBackup::walTargetWithLiveWal()
{
    TempProject p;
    QVERIFY(addStore(p, 10));
    const QString db = p.dbPath();
    QVERIFY(QDir().mkpath(QFileInfo(db).absolutePath()));
    QVERIFY(execSql(db, QStringLiteral("PRAGMA journal_mode = WAL; CREATE TABLE t (id INTEGER "
                                       "PRIMARY KEY, v TEXT); INSERT INTO t (v) VALUES ('a'), "
                                       "('b');")));
    const BackupEntry e = takeBackup(p.load());
    QCOMPARE(e.manifest.rows.first().rows, 2);

    // What a process that dies (or wrangler, FACTS.md) leaves: rows that live only in the -wal.
    const QString side = QDir(p.root()).filePath(QStringLiteral("side"));
    QVERIFY(QDir().mkpath(side));
    {
        SQLite::Database c(db.toStdString(), SQLite::OPEN_READWRITE);
        c.exec("PRAGMA wal_autocheckpoint = 0");
        c.exec("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 500) "
               "INSERT INTO t (v) SELECT 'wal only ' || x FROM n");
        for (const char* suffix : {"", "-wal", "-shm"})
            QVERIFY(QFile::copy(db + QLatin1String(suffix),
                                side + QStringLiteral("/app") + QLatin1String(suffix)));
    }
    for (const char* suffix : {"", "-wal", "-shm"}) {
        QFile::remove(db + QLatin1String(suffix));
        QVERIFY(QFile::copy(side + QStringLiteral("/app") + QLatin1String(suffix),
                            db + QLatin1String(suffix)));
    }
    QVERIFY(QFileInfo(db + QStringLiteral("-wal")).size() > 0);
    QCOMPARE(queryValue(db, QStringLiteral("SELECT count(*) FROM t")), QStringLiteral("502"));
    QVERIFY(QFileInfo(db + QStringLiteral("-wal")).size() > 0); // still there: a live -wal

    BackupManager m(p.load(), app, local);
    auto restored = m.restore(e);
    QVERIFY2(restored, qPrintable(restored ? QString() : restored.error().toString()));
    // No -wal of the old database can be replayed into the restored one.
    QVERIFY(!QFileInfo::exists(db + QStringLiteral("-wal")));
    QVERIFY(!QFileInfo::exists(db + QStringLiteral("-shm")));
    QVERIFY(isWalFile(db)); // kept in the mode it had (D1's local state is WAL)
    QCOMPARE(queryValue(db, QStringLiteral("SELECT count(*) FROM t")), QStringLiteral("2"));
    QCOMPARE(queryValue(db, QStringLiteral("PRAGMA integrity_check")), QStringLiteral("ok"));
    // The safety copy is complete on its own: the rows of the -wal were checkpointed into it.
    QVERIFY(!QFileInfo::exists(restored->safetyCopy + QStringLiteral("-wal")));
    QCOMPARE(queryValue(restored->safetyCopy, QStringLiteral("SELECT count(*) FROM t")),
             QStringLiteral("502"));
}

void TestBackup::otherConnectionMakesRestoreBusy()
{
    TempProject p;
    QVERIFY(addStore(p, 10));
    const QString db = p.dbPath();
    QVERIFY(QDir().mkpath(QFileInfo(db).absolutePath()));
    QVERIFY(execSql(db, QStringLiteral("PRAGMA journal_mode = WAL; CREATE TABLE t (v TEXT); "
                                       "INSERT INTO t VALUES ('a');")));
    const BackupEntry e = takeBackup(p.load());
    QVERIFY(execSql(db, QStringLiteral("INSERT INTO t VALUES ('b');")));

    SQLite::Database other(db.toStdString(), SQLite::OPEN_READWRITE); // an app that has it open
    other.exec("SELECT count(*) FROM t");
    BackupManager m(p.load(), app, local);
    RestoreOptions options;
    options.busyTimeoutMs = 200;
    auto restored = m.restore(e, options);
    QVERIFY(!restored);
    QCOMPARE(int(m.lastErrorKind()), int(BackupErrorKind::Busy));
    QVERIFY2(restored.error().message.contains(QLatin1String("open")),
             qPrintable(restored.error().toString()));
    QCOMPARE(other.execAndGet("SELECT count(*) FROM t").getInt(), 2);
    QVERIFY(isWalFile(db));
    QCOMPARE(restoreLeftovers(db), QStringList());
}

void TestBackup::restoreIntoMissingDatabase()
{
    TempProject p;
    QVERIFY(addStore(p, 10));
    p.addMigration(tableMigrationName(1), tableMigration(1));
    const Project project = p.load();
    migrate(project);
    const BackupEntry e = takeBackup(project);
    QVERIFY(QFile::remove(p.dbPath()));
    BackupManager m(project, app, local);
    auto restored = m.restore(e);
    QVERIFY2(restored, qPrintable(restored ? QString() : restored.error().toString()));
    QVERIFY(restored->safetyCopy.isEmpty());
    QVERIFY(tableExists(p.dbPath(), QStringLiteral("t1")));
}

void TestBackup::d1HistoryGivesSchemaVersion()
{
    TempProject p(QStringLiteral("d1"));
    QVERIFY(addStore(p, 10));
    p.addMigration(QStringLiteral("0001_users.sql"),
                   "-- migrate:up\nCREATE TABLE users (id TEXT PRIMARY KEY);\n");
    p.addMigration(QStringLiteral("0002_credits.sql"),
                   "-- migrate:up\nCREATE TABLE credits (id TEXT PRIMARY KEY, user_id TEXT "
                   "REFERENCES users(id));\n");
    const Project project = p.load();
    migrate(project);
    const BackupEntry e = takeBackup(project);
    QCOMPARE(e.manifest.dialect, QStringLiteral("d1"));
    QCOMPARE(e.manifest.schemaVersion, 2);
    QCOMPARE(e.manifest.schemaVersionName, QStringLiteral("0002_credits.sql"));
    QCOMPARE(e.manifest.appliedCount, 2);
    QCOMPARE(e.manifest.foreignKeys, QStringLiteral("ok"));
    QCOMPARE(e.manifest.location, project.databases.first().environments.first().displayLocation());
}

void TestBackup::remoteD1IsRefused()
{
    // A wrangler project: [env.production] is a remote D1 database, not reachable from here.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(writeFile(dir.filePath(QStringLiteral("wrangler.toml")),
                      "name = \"w\"\n[[d1_databases]]\nbinding = \"APP\"\ndatabase_name = "
                      "\"app\"\ndatabase_id = \"local-id\"\nmigrations_dir = \"migrations\"\n\n"
                      "[env.production]\n[[env.production.d1_databases]]\nbinding = \"APP\"\n"
                      "database_name = \"app-prod\"\ndatabase_id = \"prod-id\"\n"));
    QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("migrations"))));
    auto project = openProject(dir.path());
    QVERIFY2(project, qPrintable(project ? QString() : project.error().toString()));
    BackupManager m(project.value(), app, QStringLiteral("production"));
    BackupErrorKind kind = BackupErrorKind::Failed;
    auto problem = m.targetProblem(&kind);
    QVERIFY(problem);
    QCOMPARE(int(kind), int(BackupErrorKind::Unsupported));
    QVERIFY2(problem->message.contains(QLatin1String("wrangler d1 export")),
             qPrintable(problem->message));
    QVERIFY(!m.backup());
}

void TestBackup::permissionsArePrivateAndKept()
{
    TempProject p;
    QVERIFY(addStore(p, 5));
    QVERIFY(!p.addMigration(tableMigrationName(1), tableMigration(1)).isEmpty());
    migrate(p.load());
    const auto modeOf = [](const QString& path) {
        return int(std::filesystem::status(QFile::encodeName(path).toStdString()).permissions() &
                   std::filesystem::perms::mask);
    };
    // A backup is its owner's alone, whatever the database's own permissions.
    const BackupEntry e = takeBackup(p.load());
    QCOMPARE(modeOf(e.payloadPath()), 0600);
    // The restored database keeps the permissions of the one it replaces, including bits the
    // umask (022 here) would take away.
    for (const int mode : {0600, 0664}) {
        std::filesystem::permissions(QFile::encodeName(p.dbPath()).toStdString(),
                                     std::filesystem::perms(mode));
        BackupManager m(p.load(), app, local);
        auto restored = m.restore(e);
        QVERIFY2(restored, qPrintable(restored ? QString() : restored.error().toString()));
        QCOMPARE(modeOf(p.dbPath()), mode);
    }
}

QTEST_GUILESS_MAIN(TestBackup)
#include "tst_backup.moc"
