// Migrator on real SQLite files: applying, the history rows it writes, --to, a failure in the
// middle of a long history (rolled back whole, everything before it standing), reverting, dry
// runs that change nothing, baselines, and migrations that run outside a transaction.

#include "migration.h"
#include "migrator.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QTest>

using namespace strata;
using namespace strata::test;

namespace {

QString errorText(const std::optional<Error>& e)
{
    return e ? e->toString() : QString();
}

// Up to `to` (all when unset); fails the test on any error. Returns the report's steps.
QStringList applyAll(const Project& project, std::optional<qint64> to = std::nullopt)
{
    Migrator m(project, QStringLiteral("APP"), QStringLiteral("local"));
    RunOptions options;
    options.toVersion = to;
    auto report = m.up(options);
    if (!report) {
        QTest::qFail(qPrintable(report.error().toString()), __FILE__, __LINE__);
        return {};
    }
    if (report->failure) {
        QTest::qFail(qPrintable(report->failure->toString()), __FILE__, __LINE__);
        return {};
    }
    QStringList files;
    for (const StepResult& s : report->steps)
        files << s.fileName;
    return files;
}

QStringList historyVersions(const QString& dbPath)
{
    return queryColumn(dbPath, QStringLiteral("SELECT version FROM strata_migrations ORDER BY "
                                              "CAST(version AS INTEGER)"));
}

} // namespace

class TestMigrator : public QObject
{
    Q_OBJECT

private slots:
    void upAppliesAllAndRecordsHistory();
    void upToVersion();
    void secondUpAppliesNothing();
    void failureInTheMiddleOf100();
    void downSteps();
    void downToVersion();
    void downWithoutDownSectionRefused();
    void downOfEditedFileRefused();
    void dryRunUpChangesNothing();
    void dryRunDownChangesNothing();
    void dryRunOnMissingDatabaseLeavesNoFile();
    void dryRunReportsTheFailureItWouldMeet();
    void dryRunListsNoTransactionMigration();
    void baseline();
    void baselineUnknownVersion();
    void noTransactionMigration();
};

void TestMigrator::upAppliesAllAndRecordsHistory()
{
    TempProject tp;
    QVERIFY(tp.isValid());
    for (int i = 1; i <= 3; ++i)
        QVERIFY(!tp.addMigration(tableMigrationName(i), tableMigration(i)).isEmpty());
    QVERIFY(!QFileInfo::exists(tp.dbPath()));

    QCOMPARE(applyAll(tp.load()),
             (QStringList{tableMigrationName(1), tableMigrationName(2), tableMigrationName(3)}));
    for (int i = 1; i <= 3; ++i)
        QVERIFY(tableExists(tp.dbPath(), QStringLiteral("t%1").arg(i)));

    const QList<QStringList> rows = queryRows(
        tp.dbPath(),
        QStringLiteral("SELECT version, name, checksum, applied_at, duration_ms, applied_by, sql "
                       "FROM strata_migrations ORDER BY version"));
    QCOMPARE(rows.size(), 3);
    for (int i = 0; i < 3; ++i) {
        const QString file = tableMigrationName(i + 1);
        auto mig = readMigrationFile(tp.migrationPath(file));
        QVERIFY(mig.ok());
        const QStringList& r = rows[i];
        QCOMPARE(r[0], mig->versionText);
        QCOMPARE(r[1], file);
        QCOMPARE(r[2], checksumOf(readFile(tp.migrationPath(file))));
        const QDateTime at = parseTimestamp(r[3]);
        QVERIFY2(at.isValid(), qPrintable(r[3]));
        QVERIFY(qAbs(at.secsTo(QDateTime::currentDateTimeUtc())) < 24 * 3600);
        bool ok = false;
        QVERIFY(r[4].toLongLong(&ok) >= 0 && ok);
        QCOMPARE(r[5], currentApplier());
        QCOMPARE(r[6], mig->upSql);
    }

    Migrator m(tp.load(), QStringLiteral("APP"), QStringLiteral("local"));
    auto st = m.status();
    QVERIFY(st.ok());
    QCOMPARE(st->appliedCount(), 3);
    QCOMPARE(st->pendingCount(), 0);
    QCOMPARE(st->entries[0].applied->checksum, st->entries[0].file->checksum);
}

void TestMigrator::upToVersion()
{
    TempProject tp;
    QVERIFY(tp.isValid());
    for (int i = 1; i <= 5; ++i)
        QVERIFY(!tp.addMigration(tableMigrationName(i), tableMigration(i)).isEmpty());

    QCOMPARE(applyAll(tp.load(), 3).size(), 3);
    QCOMPARE(historyVersions(tp.dbPath()),
             (QStringList{QStringLiteral("0001"), QStringLiteral("0002"), QStringLiteral("0003")}));
    QVERIFY(!tableExists(tp.dbPath(), QStringLiteral("t4")));

    Migrator m(tp.load(), QStringLiteral("APP"), QStringLiteral("local"));
    auto st = m.status();
    QVERIFY(st.ok());
    QCOMPARE(st->pendingCount(), 2);
    QCOMPARE(st->entries[3].state, MigrationState::Pending);

    QCOMPARE(applyAll(tp.load()), (QStringList{tableMigrationName(4), tableMigrationName(5)}));
    QCOMPARE(historyVersions(tp.dbPath()).size(), 5);
}

void TestMigrator::secondUpAppliesNothing()
{
    TempProject tp;
    QVERIFY(tp.isValid());
    for (int i = 1; i <= 3; ++i)
        QVERIFY(!tp.addMigration(tableMigrationName(i), tableMigration(i)).isEmpty());
    QCOMPARE(applyAll(tp.load()).size(), 3);
    const QList<QStringList> before =
        queryRows(tp.dbPath(), QStringLiteral("SELECT * FROM strata_migrations ORDER BY version"));

    Migrator m(tp.load(), QStringLiteral("APP"), QStringLiteral("local"));
    auto report = m.up(RunOptions{});
    QVERIFY(report.ok());
    QVERIFY(!report->failure);
    QVERIFY(report->steps.isEmpty());
    QCOMPARE(queryRows(tp.dbPath(), QStringLiteral("SELECT * FROM strata_migrations ORDER BY "
                                                   "version")),
             before);
    QCOMPARE(queryValue(tp.dbPath(), QStringLiteral("SELECT count(*) FROM t1")),
             QStringLiteral("1"));
}

void TestMigrator::failureInTheMiddleOf100()
{
    TempProject tp;
    QVERIFY(tp.isValid());
    TempProject reference; // the same history, stopped before #50
    QVERIFY(reference.isValid());
    QString failingPath;
    for (int i = 1; i <= 100; ++i) {
        QByteArray content = tableMigration(i);
        if (i == 50) {
            // First statement fine, the second invalid (line 4 of the file).
            content = "-- migration fifty\n-- migrate:up\nCREATE TABLE t50_first (id INTEGER);\n"
                      "INSERT INTO t50_missing (id) VALUES (1);\n-- migrate:down\n"
                      "DROP TABLE t50_first;\n";
        }
        const QString path = tp.addMigration(tableMigrationName(i), content);
        QVERIFY(!path.isEmpty());
        if (i == 50)
            failingPath = path;
        if (i < 50)
            QVERIFY(!reference.addMigration(tableMigrationName(i), content).isEmpty());
    }

    Migrator m(tp.load(), QStringLiteral("APP"), QStringLiteral("local"));
    auto report = m.up(RunOptions{});
    QVERIFY2(report.ok(), qPrintable(report.ok() ? QString() : report.error().toString()));
    QVERIFY(report->failure.has_value());
    const Error& f = *report->failure;
    QCOMPARE(QFileInfo(f.file).canonicalFilePath(), QFileInfo(failingPath).canonicalFilePath());
    QCOMPARE(f.line, 4);
    QVERIFY2(f.detail.contains(QLatin1String("INSERT INTO t50_missing")), qPrintable(f.detail));
    QVERIFY2(f.message.contains(QLatin1String("no such table: t50_missing")),
             qPrintable(f.message));
    QVERIFY2(f.toString().contains(tableMigrationName(50) + QStringLiteral(":4")),
             qPrintable(f.toString()));
    QCOMPARE(m.lastErrorKind(), ErrorKind::Failed);
    QCOMPARE(report->steps.size(), 49);

    QCOMPARE(queryValue(tp.dbPath(), QStringLiteral("SELECT count(*) FROM strata_migrations")),
             QStringLiteral("49"));
    QCOMPARE(historyVersions(tp.dbPath()).constLast(), QStringLiteral("0049"));
    for (int i = 1; i <= 49; ++i)
        QVERIFY2(tableExists(tp.dbPath(), QStringLiteral("t%1").arg(i)),
                 qPrintable(QString::number(i)));
    QVERIFY2(!tableExists(tp.dbPath(), QStringLiteral("t50_first")), "#50 was not rolled back");
    QVERIFY(!tableExists(tp.dbPath(), QStringLiteral("t51")));

    QCOMPARE(applyAll(reference.load()).size(), 49);
    QCOMPARE(schemaDump(tp.dbPath()), schemaDump(reference.dbPath()));

    auto st = m.status();
    QVERIFY(st.ok());
    QCOMPARE(st->appliedCount(), 49);
    QCOMPARE(st->pendingCount(), 51);
}

void TestMigrator::downSteps()
{
    TempProject tp;
    QVERIFY(tp.isValid());
    for (int i = 1; i <= 4; ++i)
        QVERIFY(!tp.addMigration(tableMigrationName(i), tableMigration(i)).isEmpty());
    QCOMPARE(applyAll(tp.load()).size(), 4);

    Migrator m(tp.load(), QStringLiteral("APP"), QStringLiteral("local"));
    RunOptions options;
    options.steps = 2;
    auto report = m.down(options);
    QVERIFY2(report.ok(), qPrintable(report.ok() ? QString() : report.error().toString()));
    QVERIFY2(!report->failure, qPrintable(errorText(report->failure)));
    QVERIFY(report->down);
    QCOMPARE(report->steps.size(), 2);
    QCOMPARE(report->steps[0].fileName, tableMigrationName(4));
    QCOMPARE(report->steps[1].fileName, tableMigrationName(3));
    QCOMPARE(historyVersions(tp.dbPath()),
             (QStringList{QStringLiteral("0001"), QStringLiteral("0002")}));
    QVERIFY(tableExists(tp.dbPath(), QStringLiteral("t2")));
    QVERIFY(!tableExists(tp.dbPath(), QStringLiteral("t3")));
    QVERIFY(!tableExists(tp.dbPath(), QStringLiteral("t4")));

    // Reverted migrations are pending again and can be re-applied.
    QCOMPARE(applyAll(tp.load()), (QStringList{tableMigrationName(3), tableMigrationName(4)}));
}

void TestMigrator::downToVersion()
{
    TempProject tp;
    QVERIFY(tp.isValid());
    for (int i = 1; i <= 4; ++i)
        QVERIFY(!tp.addMigration(tableMigrationName(i), tableMigration(i)).isEmpty());
    QCOMPARE(applyAll(tp.load()).size(), 4);

    Migrator m(tp.load(), QStringLiteral("APP"), QStringLiteral("local"));
    RunOptions options;
    options.toVersion = 1;
    auto report = m.down(options);
    QVERIFY(report.ok());
    QVERIFY2(!report->failure, qPrintable(errorText(report->failure)));
    QCOMPARE(report->steps.size(), 3);
    QCOMPARE(historyVersions(tp.dbPath()), QStringList{QStringLiteral("0001")});
    QVERIFY(tableExists(tp.dbPath(), QStringLiteral("t1")));
    for (int i = 2; i <= 4; ++i)
        QVERIFY(!tableExists(tp.dbPath(), QStringLiteral("t%1").arg(i)));
}

void TestMigrator::downWithoutDownSectionRefused()
{
    TempProject tp;
    QVERIFY(tp.isValid());
    QVERIFY(!tp.addMigration(tableMigrationName(1), tableMigration(1)).isEmpty());
    QVERIFY(!tp.addMigration(QStringLiteral("0002_no_down.sql"),
                             "-- migrate:up\nCREATE TABLE kept (id INTEGER);\n")
                 .isEmpty());
    QVERIFY(!tp.addMigration(tableMigrationName(3), tableMigration(3)).isEmpty());
    QCOMPARE(applyAll(tp.load()).size(), 3);
    const QStringList schemaBefore = schemaDump(tp.dbPath());
    const QStringList historyBefore = historyVersions(tp.dbPath());

    Migrator m(tp.load(), QStringLiteral("APP"), QStringLiteral("local"));
    RunOptions options;
    options.steps = 2; // 0003 has a down section, 0002 has none: neither may be reverted
    auto report = m.down(options);
    const std::optional<Error> refusal =
        !report.ok() ? std::optional<Error>(report.error()) : report->failure;
    QVERIFY2(refusal.has_value(), "down went ahead without a down section");
    QVERIFY2(refusal->toString().contains(QLatin1String("0002_no_down.sql")),
             qPrintable(refusal->toString()));
    if (report.ok())
        QVERIFY(report->steps.isEmpty());
    QCOMPARE(schemaDump(tp.dbPath()), schemaBefore);
    QCOMPARE(historyVersions(tp.dbPath()), historyBefore);
    QVERIFY(tableExists(tp.dbPath(), QStringLiteral("t3")));
}

void TestMigrator::downOfEditedFileRefused()
{
    TempProject tp;
    QVERIFY(tp.isValid());
    for (int i = 1; i <= 2; ++i)
        QVERIFY(!tp.addMigration(tableMigrationName(i), tableMigration(i)).isEmpty());
    QCOMPARE(applyAll(tp.load()).size(), 2);
    QVERIFY(
        !tp.addMigration(tableMigrationName(2), tableMigration(2) + "-- edited later\n").isEmpty());

    Migrator m(tp.load(), QStringLiteral("APP"), QStringLiteral("local"));
    auto refused = m.down(RunOptions{});
    const std::optional<Error> refusal =
        !refused.ok() ? std::optional<Error>(refused.error()) : refused->failure;
    QVERIFY2(refusal.has_value(), "an edited migration was reverted without --allow-drift");
    QVERIFY(refusal->toString().contains(tableMigrationName(2)));
    QVERIFY(tableExists(tp.dbPath(), QStringLiteral("t2")));
    QCOMPARE(historyVersions(tp.dbPath()).size(), 2);

    RunOptions allow;
    allow.allowDrift = true;
    auto reverted = m.down(allow);
    QVERIFY(reverted.ok());
    QVERIFY2(!reverted->failure, qPrintable(errorText(reverted->failure)));
    QCOMPARE(reverted->steps.size(), 1);
    QVERIFY(!tableExists(tp.dbPath(), QStringLiteral("t2")));
    QCOMPARE(historyVersions(tp.dbPath()), QStringList{QStringLiteral("0001")});
}

void TestMigrator::dryRunUpChangesNothing()
{
    TempProject tp;
    QVERIFY(tp.isValid());
    for (int i = 1; i <= 4; ++i)
        QVERIFY(!tp.addMigration(tableMigrationName(i), tableMigration(i)).isEmpty());
    QCOMPARE(applyAll(tp.load(), 2).size(), 2);
    const QByteArray bytesBefore = readFile(tp.dbPath());
    const QStringList schemaBefore = schemaDump(tp.dbPath());
    const QStringList filesBefore = listTree(tp.root());
    QVERIFY(!bytesBefore.isEmpty());

    Migrator m(tp.load(), QStringLiteral("APP"), QStringLiteral("local"));
    RunOptions options;
    options.dryRun = true;
    auto report = m.up(options);
    QVERIFY2(report.ok(), qPrintable(report.ok() ? QString() : report.error().toString()));
    QVERIFY2(!report->failure, qPrintable(errorText(report->failure)));
    QVERIFY(report->dryRun);
    QCOMPARE(report->steps.size(), 2);
    QCOMPARE(report->steps[0].fileName, tableMigrationName(3));
    QCOMPARE(report->steps[1].fileName, tableMigrationName(4));
    QVERIFY(report->steps[0].statements >= 2);

    QCOMPARE(readFile(tp.dbPath()), bytesBefore);
    QCOMPARE(schemaDump(tp.dbPath()), schemaBefore);
    QCOMPARE(historyVersions(tp.dbPath()).size(), 2);
    QCOMPARE(listTree(tp.root()), filesBefore); // no journal or lock left behind
    auto st = m.status();
    QVERIFY(st.ok());
    QCOMPARE(st->pendingCount(), 2);
}

void TestMigrator::dryRunDownChangesNothing()
{
    TempProject tp;
    QVERIFY(tp.isValid());
    for (int i = 1; i <= 3; ++i)
        QVERIFY(!tp.addMigration(tableMigrationName(i), tableMigration(i)).isEmpty());
    QCOMPARE(applyAll(tp.load()).size(), 3);
    const QByteArray bytesBefore = readFile(tp.dbPath());

    Migrator m(tp.load(), QStringLiteral("APP"), QStringLiteral("local"));
    RunOptions options;
    options.dryRun = true;
    options.steps = 2;
    auto report = m.down(options);
    QVERIFY(report.ok());
    QVERIFY2(!report->failure, qPrintable(errorText(report->failure)));
    QVERIFY(report->dryRun && report->down);
    QCOMPARE(report->steps.size(), 2);
    QCOMPARE(readFile(tp.dbPath()), bytesBefore);
    QVERIFY(tableExists(tp.dbPath(), QStringLiteral("t3")));
    QCOMPARE(historyVersions(tp.dbPath()).size(), 3);
}

void TestMigrator::dryRunOnMissingDatabaseLeavesNoFile()
{
    TempProject tp;
    QVERIFY(tp.isValid());
    for (int i = 1; i <= 3; ++i)
        QVERIFY(!tp.addMigration(tableMigrationName(i), tableMigration(i)).isEmpty());
    const QStringList filesBefore = listTree(tp.root());

    Migrator m(tp.load(), QStringLiteral("APP"), QStringLiteral("local"));
    RunOptions options;
    options.dryRun = true;
    auto report = m.up(options);
    QVERIFY2(report.ok(), qPrintable(report.ok() ? QString() : report.error().toString()));
    QVERIFY2(!report->failure, qPrintable(errorText(report->failure)));
    QCOMPARE(report->steps.size(), 3);
    QVERIFY(!QFileInfo::exists(tp.dbPath()));
    QCOMPARE(listTree(tp.root()), filesBefore); // not even the data/ folder
}

void TestMigrator::dryRunReportsTheFailureItWouldMeet()
{
    TempProject tp;
    QVERIFY(tp.isValid());
    for (int i = 1; i <= 2; ++i)
        QVERIFY(!tp.addMigration(tableMigrationName(i), tableMigration(i)).isEmpty());
    QCOMPARE(applyAll(tp.load()).size(), 2);
    QVERIFY(!tp.addMigration(tableMigrationName(3), tableMigration(3)).isEmpty());
    QVERIFY(!tp.addMigration(QStringLiteral("0004_broken.sql"),
                             "CREATE TABLE t4 (id INTEGER);\nINSERT INTO nowhere VALUES (1);\n")
                 .isEmpty());
    QVERIFY(!tp.addMigration(tableMigrationName(5), tableMigration(5)).isEmpty());
    const QByteArray bytesBefore = readFile(tp.dbPath());

    Migrator m(tp.load(), QStringLiteral("APP"), QStringLiteral("local"));
    RunOptions options;
    options.dryRun = true;
    auto report = m.up(options);
    QVERIFY(report.ok());
    QVERIFY(report->failure.has_value());
    QCOMPARE(QFileInfo(report->failure->file).fileName(), QStringLiteral("0004_broken.sql"));
    QCOMPARE(report->failure->line, 2);
    QCOMPARE(report->steps.size(), 1); // 0003 would be applied before it
    QCOMPARE(readFile(tp.dbPath()), bytesBefore);
    QVERIFY(!tableExists(tp.dbPath(), QStringLiteral("t3")));
}

void TestMigrator::dryRunListsNoTransactionMigration()
{
    // A file that must run outside a transaction (VACUUM) is part of what would run: the dry run
    // lists it and does not report a failure the real run would never meet.
    TempProject tp;
    QVERIFY(tp.isValid());
    QVERIFY(!tp.addMigration(tableMigrationName(1), tableMigration(1)).isEmpty());
    QCOMPARE(applyAll(tp.load()).size(), 1);
    QVERIFY(
        !tp.addMigration(QStringLiteral("0002_vacuum.sql"), "-- strata:no-transaction\nVACUUM;\n")
             .isEmpty());
    QVERIFY(!tp.addMigration(tableMigrationName(3), tableMigration(3)).isEmpty());
    const QByteArray bytesBefore = readFile(tp.dbPath());

    Migrator m(tp.load(), QStringLiteral("APP"), QStringLiteral("local"));
    RunOptions options;
    options.dryRun = true;
    auto report = m.up(options);
    QVERIFY(report.ok());
    QVERIFY2(!report->failure, qPrintable(errorText(report->failure)));
    QCOMPARE(report->steps.size(), 2);
    QCOMPARE(report->steps[0].fileName, QStringLiteral("0002_vacuum.sql"));
    QCOMPARE(readFile(tp.dbPath()), bytesBefore);

    // The real run applies both.
    QCOMPARE(applyAll(tp.load()).size(), 2);
}

void TestMigrator::baseline()
{
    TempProject tp;
    QVERIFY(tp.isValid());
    for (int i = 1; i <= 5; ++i)
        QVERIFY(!tp.addMigration(tableMigrationName(i), tableMigration(i)).isEmpty());

    Migrator m(tp.load(), QStringLiteral("APP"), QStringLiteral("local"));
    auto report = m.baseline(3);
    QVERIFY2(report.ok(), qPrintable(report.ok() ? QString() : report.error().toString()));
    QVERIFY2(!report->failure, qPrintable(errorText(report->failure)));
    QCOMPARE(report->steps.size(), 3);
    QCOMPARE(historyVersions(tp.dbPath()),
             (QStringList{QStringLiteral("0001"), QStringLiteral("0002"), QStringLiteral("0003")}));
    QCOMPARE(queryValue(tp.dbPath(), QStringLiteral("SELECT count(*) FROM strata_migrations "
                                                    "WHERE baseline = 1")),
             QStringLiteral("3"));
    for (int i = 1; i <= 3; ++i)
        QVERIFY2(!tableExists(tp.dbPath(), QStringLiteral("t%1").arg(i)), "baseline ran SQL");

    auto st = m.status();
    QVERIFY(st.ok());
    QCOMPARE(st->appliedCount(), 3);
    QCOMPARE(st->pendingCount(), 2);
    QVERIFY(st->entries[0].applied->baseline);

    QCOMPARE(applyAll(tp.load()), (QStringList{tableMigrationName(4), tableMigrationName(5)}));
    QVERIFY(tableExists(tp.dbPath(), QStringLiteral("t4")));
    QVERIFY(tableExists(tp.dbPath(), QStringLiteral("t5")));
    QVERIFY(!tableExists(tp.dbPath(), QStringLiteral("t1")));
}

void TestMigrator::baselineUnknownVersion()
{
    TempProject tp;
    QVERIFY(tp.isValid());
    for (int i = 1; i <= 2; ++i)
        QVERIFY(!tp.addMigration(tableMigrationName(i), tableMigration(i)).isEmpty());
    Migrator m(tp.load(), QStringLiteral("APP"), QStringLiteral("local"));
    auto report = m.baseline(7);
    QVERIFY(!report.ok() || report->failure);
    QVERIFY(!tableExists(tp.dbPath(), QStringLiteral("strata_migrations")));
}

void TestMigrator::noTransactionMigration()
{
    TempProject tp;
    QVERIFY(tp.isValid());
    QVERIFY(!tp.addMigration(tableMigrationName(1), tableMigration(1)).isEmpty());
    // VACUUM cannot run inside a transaction: it proves the file ran outside one.
    QVERIFY(!tp.addMigration(QStringLiteral("0002_vacuum.sql"),
                             "-- strata:no-transaction\nDELETE FROM t1;\nVACUUM;\n")
                 .isEmpty());
    QVERIFY(!tp.addMigration(QStringLiteral("0003_dbmate_style.sql"),
                             "-- migrate:up transaction:false\nVACUUM;\n-- migrate:down\n")
                 .isEmpty());

    QCOMPARE(applyAll(tp.load()).size(), 3);
    QCOMPARE(historyVersions(tp.dbPath()),
             (QStringList{QStringLiteral("0001"), QStringLiteral("0002"), QStringLiteral("0003")}));
    QCOMPARE(queryValue(tp.dbPath(), QStringLiteral("SELECT count(*) FROM t1")),
             QStringLiteral("0"));
    auto mig = readMigrationFile(tp.migrationPath(QStringLiteral("0002_vacuum.sql")));
    QVERIFY(mig.ok());
    QVERIFY(!mig->transactional);
    QCOMPARE(queryValue(tp.dbPath(), QStringLiteral("SELECT sql FROM strata_migrations WHERE "
                                                    "version = '0002'")),
             mig->upSql);
}

QTEST_GUILESS_MAIN(TestMigrator)
#include "tst_migrator.moc"
