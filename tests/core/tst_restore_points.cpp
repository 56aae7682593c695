// Restore points on real SQLite files: `up` with backups takes one before each migration, after
// what came before has committed, and records its id next to the migration in the history (in
// Strata's own table and in strata_history_extra beside wrangler's); `--before V` then puts back
// exactly the schema and rows from just before V. Protected environments always get them, dry
// runs never; a restore point that cannot be taken stops the run before that migration; a
// history table written before restore points existed gains the column.

#include "backupmanager.h"
#include "migrator.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QStandardPaths>
#include <QTest>

using namespace strata;
using namespace strata::test;

namespace {

const QString app = QStringLiteral("APP");
const QString local = QStringLiteral("local");

bool appendToml(const TempProject& p, const QByteArray& text)
{
    QFile f(QDir(p.root()).filePath(QStringLiteral("strata.toml")));
    if (!f.open(QIODevice::Append))
        return false;
    return f.write(text) == text.size();
}

// A project with three table migrations and a store inside its folder.
void addThreeMigrations(TempProject& p)
{
    QVERIFY(appendToml(p, "\n[backups]\ndir = \"backups\"\nkeep = 2\n"));
    for (int n = 1; n <= 3; ++n)
        QVERIFY(!p.addMigration(tableMigrationName(n), tableMigration(n)).isEmpty());
}

Result<RunReport> up(const Project& project, bool backup, std::optional<qint64> to = {},
                     bool dryRun = false)
{
    Migrator m(project, app, local);
    RunOptions options;
    options.backup = backup;
    options.toVersion = to;
    options.dryRun = dryRun;
    return m.up(options);
}

// Why a run did not go through, for the failure message (empty when it did).
QString why(const Result<RunReport>& run)
{
    if (!run)
        return run.error().toString();
    return run->failure ? run->failure->toString() : QString();
}

// Every row of every user table, in a stable order: equal dumps mean equal data.
QStringList rowsDump(const QString& db)
{
    QStringList out;
    for (const QString& t : queryColumn(db, QStringLiteral(
                                                "SELECT name FROM sqlite_schema WHERE type = "
                                                "'table' AND name LIKE 't%' ORDER BY name")))
        for (const QStringList& r : queryRows(db, QStringLiteral("SELECT * FROM %1 ORDER BY 1")
                                                      .arg(t)))
            out << t + QLatin1Char(':') + r.join(QLatin1Char('|'));
    return out;
}

QString historyBackupId(const QString& db, const QString& table, const QString& keyColumn,
                        const QString& key)
{
    return queryValue(db, QStringLiteral("SELECT backup_id FROM %1 WHERE %2 = '%3'")
                              .arg(table, keyColumn, key));
}

} // namespace

class TestRestorePoints : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void eachMigrationGetsItsRestorePoint();
    void beforePutsBackExactlyThatMoment();
    void wranglerHistoryKeepsTheIdBeside();
    void protectedEnvironmentAlwaysTakesThem();
    void dryRunTakesNone();
    void failedRestorePointStopsBeforeTheMigration();
    void olderHistoryTableGainsTheColumn();
    void retentionKeepsRestorePointsOfAppliedMigrations();
};

void TestRestorePoints::eachMigrationGetsItsRestorePoint()
{
    TempProject p;
    addThreeMigrations(p);
    auto first = up(p.load(), false, 1);
    QVERIFY(first && !first->failure);
    auto run = up(p.load(), true);
    QVERIFY2(run && !run->failure,
             qPrintable(why(run)));
    QCOMPARE(run->steps.size(), 2);

    BackupManager backups(p.load(), app, local);
    const QList<BackupEntry> all = backups.list();
    QCOMPARE(all.size(), 2);
    for (const StepResult& step : run->steps) {
        QVERIFY(!step.backupId.isEmpty());
        // The id in the history is the backup taken just before, whose manifest says so.
        QCOMPARE(historyBackupId(p.dbPath(), QStringLiteral("strata_migrations"),
                                 QStringLiteral("version"), QString::number(step.version)
                                                                .rightJustified(4, QLatin1Char('0'))),
                 step.backupId);
        auto found = backups.find(step.backupId);
        QVERIFY2(found, qPrintable(found ? QString() : found.error().toString()));
        QCOMPARE(found->manifest.beforeVersion, step.version);
        QCOMPARE(found->manifest.schemaVersion, step.version - 1);
    }
    // The first migration ran without one.
    QVERIFY(historyBackupId(p.dbPath(), QStringLiteral("strata_migrations"),
                            QStringLiteral("version"), QStringLiteral("0001"))
                .isNull());
    // And the status reads them back.
    Migrator m(p.load(), app, local);
    auto st = m.status();
    QVERIFY(st);
    QCOMPARE(st->entries.at(2).applied->backupId, run->steps.at(1).backupId);
}

void TestRestorePoints::beforePutsBackExactlyThatMoment()
{
    TempProject p;
    addThreeMigrations(p);
    QVERIFY(up(p.load(), false, 1));
    QVERIFY(execSql(p.dbPath(), QStringLiteral("INSERT INTO t1 (v) VALUES ('a'), ('b')")));
    const QStringList schemaBefore2 = schemaDump(p.dbPath());
    const QStringList rowsBefore2 = rowsDump(p.dbPath());

    auto two = up(p.load(), true, 2);
    QVERIFY(two && !two->failure);
    QVERIFY(execSql(p.dbPath(), QStringLiteral("INSERT INTO t2 (v) VALUES ('c')")));
    const QStringList schemaBefore3 = schemaDump(p.dbPath());
    const QStringList rowsBefore3 = rowsDump(p.dbPath());
    auto three = up(p.load(), true);
    QVERIFY(three && !three->failure);
    QVERIFY(execSql(p.dbPath(), QStringLiteral("INSERT INTO t3 (v) VALUES ('d')")));

    for (const auto& [version, schema, rows] :
         {std::tuple{qint64(3), schemaBefore3, rowsBefore3},
          std::tuple{qint64(2), schemaBefore2, rowsBefore2}}) {
        BackupManager backups(p.load(), app, local);
        auto point = backups.restorePointBefore(version);
        QVERIFY2(point, qPrintable(point ? QString() : point.error().toString()));
        QCOMPARE(point->manifest.beforeVersion, version);
        auto restored = backups.restore(point.value());
        QVERIFY2(restored, qPrintable(restored ? QString() : restored.error().toString()));
        QCOMPARE(schemaDump(p.dbPath()), schema);
        QCOMPARE(rowsDump(p.dbPath()), rows);
        QCOMPARE(queryValue(p.dbPath(), QStringLiteral("SELECT max(version) FROM "
                                                       "strata_migrations")),
                 QString::number(version - 1).rightJustified(4, QLatin1Char('0')));
    }
}

void TestRestorePoints::wranglerHistoryKeepsTheIdBeside()
{
    TempProject p(QStringLiteral("d1"), QStringLiteral("wrangler"));
    addThreeMigrations(p);
    QVERIFY(up(p.load(), false, 1));
    auto run = up(p.load(), true);
    QVERIFY(run && !run->failure);
    // wrangler's own table keeps its shape; the id lives beside it.
    QCOMPARE(queryColumn(p.dbPath(), QStringLiteral("SELECT name FROM pragma_table_info("
                                                    "'d1_migrations') ORDER BY cid")),
             (QStringList{QStringLiteral("id"), QStringLiteral("name"),
                          QStringLiteral("applied_at")}));
    const QString file3 = tableMigrationName(3);
    QCOMPARE(historyBackupId(p.dbPath(), QStringLiteral("strata_history_extra"),
                             QStringLiteral("history_key"), file3),
             run->steps.last().backupId);
    BackupManager backups(p.load(), app, local);
    auto point = backups.restorePointBefore(3);
    QVERIFY(point);
    QCOMPARE(point->manifest.id, run->steps.last().backupId);
}

void TestRestorePoints::protectedEnvironmentAlwaysTakesThem()
{
    TempProject p;
    addThreeMigrations(p);
    // A second environment, protected.
    QVERIFY(appendToml(p, "\n[database.env.production]\npath = \"data/prod.sqlite\"\n"
                          "protected = true\n"));
    Migrator m(p.load(), app, QStringLiteral("production"));
    auto run = m.up(RunOptions{}); // backup not asked for
    QVERIFY2(run && !run->failure,
             qPrintable(why(run)));
    QCOMPARE(run->steps.size(), 3);
    for (const StepResult& step : run->steps)
        QVERIFY2(!step.backupId.isEmpty(), qPrintable(step.fileName));
    BackupManager backups(p.load(), app, QStringLiteral("production"));
    QCOMPARE(backups.list().size(), 3);
    // The local environment, not protected, takes none without being asked.
    QVERIFY(up(p.load(), false));
    QCOMPARE(BackupManager(p.load(), app, local).list().size(), 0);
}

void TestRestorePoints::dryRunTakesNone()
{
    TempProject p;
    addThreeMigrations(p);
    QVERIFY(up(p.load(), false, 1));
    auto run = up(p.load(), true, std::nullopt, true);
    QVERIFY(run && !run->failure);
    QCOMPARE(run->steps.size(), 2);
    QVERIFY(run->notes.contains(QStringLiteral("dry run: no restore points were taken")));
    QCOMPARE(BackupManager(p.load(), app, local).list().size(), 0);
}

void TestRestorePoints::failedRestorePointStopsBeforeTheMigration()
{
    TempProject p;
    addThreeMigrations(p);
    QVERIFY(up(p.load(), false, 1));
    // The store's folder cannot be made: a file stands where it should be.
    QVERIFY(writeFile(QDir(p.root()).filePath(QStringLiteral("backups")), "not a folder"));
    const QStringList schemaBefore = schemaDump(p.dbPath());
    auto run = up(p.load(), true);
    QVERIFY(run);
    QVERIFY(run->failure);
    QVERIFY2(run->failure->message.contains(QStringLiteral("restore point before ") +
                                            tableMigrationName(2)),
             qPrintable(run->failure->toString()));
    QVERIFY(run->steps.isEmpty());
    QCOMPARE(schemaDump(p.dbPath()), schemaBefore);
}

void TestRestorePoints::olderHistoryTableGainsTheColumn()
{
    TempProject p;
    addThreeMigrations(p);
    QVERIFY(up(p.load(), false, 1));
    // As Strata wrote it before restore points existed.
    QVERIFY(execSql(p.dbPath(), QStringLiteral("ALTER TABLE strata_migrations DROP COLUMN "
                                               "backup_id")));
    Migrator m(p.load(), app, local);
    auto st = m.status();
    QVERIFY2(st, qPrintable(st ? QString() : st.error().toString()));
    QCOMPARE(st->appliedCount(), 1);
    auto run = up(p.load(), true, 2);
    QVERIFY2(run && !run->failure,
             qPrintable(why(run)));
    QCOMPARE(historyBackupId(p.dbPath(), QStringLiteral("strata_migrations"),
                             QStringLiteral("version"), QStringLiteral("0002")),
             run->steps.first().backupId);
}

void TestRestorePoints::retentionKeepsRestorePointsOfAppliedMigrations()
{
    TempProject p;
    addThreeMigrations(p); // keep = 2
    QVERIFY(up(p.load(), true)); // restore points before 1, 2 and 3
    BackupManager backups(p.load(), app, local);
    for (int i = 0; i < 3; ++i) {
        auto plain = backups.backup();
        QVERIFY(plain);
    }
    // Two newest plain backups, and the three restore points of applied migrations.
    const QList<BackupEntry> left = backups.list();
    QCOMPARE(left.size(), 5);
    int restorePoints = 0;
    for (const BackupEntry& e : left)
        restorePoints += e.manifest.beforeVersion > 0 ? 1 : 0;
    QCOMPARE(restorePoints, 3);
}

QTEST_GUILESS_MAIN(TestRestorePoints)
#include "tst_restore_points.moc"
