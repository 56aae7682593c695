// The guards around applying: drift (edited, missing and out-of-order files) refused unless
// allowed, one applier at a time (a held lock means Busy; two concurrent appliers apply every
// migration exactly once), and D1's limits checked before anything runs.

#include "migrator.h"
#include "sqlitesession.h"
#include "testsupport.h"

#include <SQLiteCpp/Database.h>

#include <QDir>
#include <QFile>
#include <QSet>
#include <QTest>

#include <thread>

using namespace strata;
using namespace strata::test;

namespace {

// The refusal or failure of a run, whichever form it took.
std::optional<Error> problemOf(const Result<RunReport>& r)
{
    if (!r.ok())
        return r.error();
    return r->failure;
}

QString text(const std::optional<Error>& e)
{
    return e ? e->toString() : QString();
}

QStringList stepFiles(const RunReport& r)
{
    QStringList out;
    for (const StepResult& s : r.steps)
        out << s.fileName;
    return out;
}

const MigrationEntry* entryFor(const DatabaseStatus& st, qint64 version)
{
    for (const MigrationEntry& e : st.entries)
        if (e.version == version)
            return &e;
    return nullptr;
}

} // namespace

class TestMigratorSafety : public QObject
{
    Q_OBJECT

private slots:
    void editedFileIsDrift();
    void deletedFileIsMissing();
    void outOfOrderFile();
    void heldLockMeansBusy();
    void writerHoldingDatabaseMeansBusy();
    void twoConcurrentAppliers();
    void d1RefusesTransactionControl_data();
    void d1RefusesTransactionControl();
    void d1TriggerIsFine();
    void d1EnforcesForeignKeys();
    void d1DeferredOrphanNamesItsMigration();
    void d1TableRebuildKeepsEarlierMigrations();
};

void TestMigratorSafety::editedFileIsDrift()
{
    TempProject tp;
    QVERIFY(tp.isValid());
    for (int i = 1; i <= 3; ++i)
        QVERIFY(!tp.addMigration(tableMigrationName(i), tableMigration(i)).isEmpty());
    {
        Migrator m(tp.load(), QStringLiteral("APP"), QStringLiteral("local"));
        auto r = m.up(RunOptions{});
        QVERIFY2(r.ok() && !r->failure, qPrintable(text(problemOf(r))));
    }
    QVERIFY(!tp.addMigration(tableMigrationName(2),
                             tableMigration(2).replace("v TEXT", "v TEXT NOT NULL"))
                 .isEmpty());
    QVERIFY(!tp.addMigration(tableMigrationName(4), tableMigration(4)).isEmpty());

    Migrator m(tp.load(), QStringLiteral("APP"), QStringLiteral("local"));
    auto st = m.status();
    QVERIFY(st.ok());
    QCOMPARE(entryFor(st.value(), 2)->state, MigrationState::Edited);
    QCOMPARE(entryFor(st.value(), 4)->state, MigrationState::Pending);
    QCOMPARE(st->driftCount(), 1);
    QVERIFY(st->driftReasons().join(QLatin1Char('\n')).contains(tableMigrationName(2)));

    auto refused = m.up(RunOptions{});
    const auto problem = problemOf(refused);
    QVERIFY2(problem.has_value(), "up went ahead over an edited migration");
    QCOMPARE(m.lastErrorKind(), ErrorKind::Drift);
    QVERIFY2(problem->toString().contains(tableMigrationName(2)), qPrintable(problem->toString()));
    QVERIFY(!tableExists(tp.dbPath(), QStringLiteral("t4")));

    RunOptions allow;
    allow.allowDrift = true;
    auto applied = m.up(allow);
    QVERIFY2(applied.ok() && !applied->failure, qPrintable(text(problemOf(applied))));
    QCOMPARE(stepFiles(applied.value()), QStringList{tableMigrationName(4)});
    QVERIFY(tableExists(tp.dbPath(), QStringLiteral("t4")));
}

void TestMigratorSafety::deletedFileIsMissing()
{
    TempProject tp;
    QVERIFY(tp.isValid());
    for (int i = 1; i <= 3; ++i)
        QVERIFY(!tp.addMigration(tableMigrationName(i), tableMigration(i)).isEmpty());
    {
        Migrator m(tp.load(), QStringLiteral("APP"), QStringLiteral("local"));
        auto r = m.up(RunOptions{});
        QVERIFY2(r.ok() && !r->failure, qPrintable(text(problemOf(r))));
    }
    QVERIFY(QFile::remove(tp.migrationPath(tableMigrationName(2))));
    QVERIFY(!tp.addMigration(tableMigrationName(4), tableMigration(4)).isEmpty());

    Migrator m(tp.load(), QStringLiteral("APP"), QStringLiteral("local"));
    auto st = m.status();
    QVERIFY(st.ok());
    QCOMPARE(st->entries.size(), 4);
    const MigrationEntry* missing = entryFor(st.value(), 2);
    QVERIFY(missing);
    QCOMPARE(missing->state, MigrationState::MissingFile);
    QCOMPARE(missing->fileName, tableMigrationName(2));
    QVERIFY(!missing->file.has_value());
    QCOMPARE(st->appliedCount(), 3);
    QCOMPARE(st->driftCount(), 1);

    auto refused = m.up(RunOptions{});
    QVERIFY(problemOf(refused).has_value());
    QCOMPARE(m.lastErrorKind(), ErrorKind::Drift);
    QVERIFY(!tableExists(tp.dbPath(), QStringLiteral("t4")));
}

void TestMigratorSafety::outOfOrderFile()
{
    TempProject tp;
    QVERIFY(tp.isValid());
    QVERIFY(!tp.addMigration(tableMigrationName(1), tableMigration(1)).isEmpty());
    QVERIFY(!tp.addMigration(tableMigrationName(3), tableMigration(3)).isEmpty());
    {
        Migrator m(tp.load(), QStringLiteral("APP"), QStringLiteral("local"));
        auto r = m.up(RunOptions{});
        QVERIFY2(r.ok() && !r->failure, qPrintable(text(problemOf(r))));
    }
    // A branch merged late: numbered below the last applied migration.
    QVERIFY(!tp.addMigration(tableMigrationName(2), tableMigration(2)).isEmpty());

    Migrator m(tp.load(), QStringLiteral("APP"), QStringLiteral("local"));
    auto st = m.status();
    QVERIFY(st.ok());
    QCOMPARE(entryFor(st.value(), 2)->state, MigrationState::OutOfOrder);
    QCOMPARE(st->driftCount(), 1);
    QCOMPARE(st->pendingCount(), 1);

    auto refused = m.up(RunOptions{});
    QVERIFY2(problemOf(refused).has_value(), "an out-of-order migration was applied silently");
    QCOMPARE(m.lastErrorKind(), ErrorKind::Drift);
    QVERIFY(!tableExists(tp.dbPath(), QStringLiteral("t2")));

    RunOptions allow;
    allow.allowDrift = true;
    auto applied = m.up(allow);
    QVERIFY2(applied.ok() && !applied->failure, qPrintable(text(problemOf(applied))));
    QCOMPARE(stepFiles(applied.value()), QStringList{tableMigrationName(2)});
    QVERIFY(tableExists(tp.dbPath(), QStringLiteral("t2")));
    QCOMPARE(queryValue(tp.dbPath(), QStringLiteral("SELECT count(*) FROM strata_migrations")),
             QStringLiteral("3"));
    auto after = m.status();
    QVERIFY(after.ok());
    QCOMPARE(after->driftCount(), 0);
}

void TestMigratorSafety::heldLockMeansBusy()
{
    TempProject tp;
    QVERIFY(tp.isValid());
    for (int i = 1; i <= 3; ++i)
        QVERIFY(!tp.addMigration(tableMigrationName(i), tableMigration(i)).isEmpty());
    QVERIFY(execSql(tp.dbPath(), QStringLiteral("CREATE TABLE existing (x)")));
    {
        ApplyLock held(tp.dbPath());
        const Status st = held.acquire(0);
        QVERIFY2(st.ok(), qPrintable(st.ok() ? QString() : st.error().toString()));

        Migrator m(tp.load(), QStringLiteral("APP"), QStringLiteral("local"));
        RunOptions options;
        options.lockTimeoutMs = 300;
        auto r = m.up(options);
        const auto problem = problemOf(r);
        QVERIFY2(problem.has_value(), "up ran while another applier held the lock");
        QCOMPARE(m.lastErrorKind(), ErrorKind::Busy);
        QVERIFY2(problem->message.contains(QLatin1String("busy"), Qt::CaseInsensitive),
                 qPrintable(problem->message));
        if (r.ok())
            QVERIFY(r->steps.isEmpty());
        QVERIFY(!tableExists(tp.dbPath(), QStringLiteral("strata_migrations")));
        QVERIFY(!tableExists(tp.dbPath(), QStringLiteral("t1")));
    }
    // Once the other applier is gone, the same run goes through.
    Migrator m(tp.load(), QStringLiteral("APP"), QStringLiteral("local"));
    RunOptions options;
    options.lockTimeoutMs = 300;
    auto r = m.up(options);
    QVERIFY2(r.ok() && !r->failure, qPrintable(text(problemOf(r))));
    QCOMPARE(r->steps.size(), 3);
}

void TestMigratorSafety::writerHoldingDatabaseMeansBusy()
{
    // Another program (wrangler, a shell) in the middle of a write: not Strata's lock, but the
    // database is just as busy.
    TempProject tp;
    QVERIFY(tp.isValid());
    QVERIFY(!tp.addMigration(tableMigrationName(1), tableMigration(1)).isEmpty());
    QVERIFY(execSql(tp.dbPath(), QStringLiteral("CREATE TABLE existing (x)")));
    SQLite::Database writer(tp.dbPath().toStdString(), SQLite::OPEN_READWRITE);
    writer.exec("BEGIN IMMEDIATE");
    writer.exec("INSERT INTO existing VALUES (1)");

    Migrator m(tp.load(), QStringLiteral("APP"), QStringLiteral("local"));
    RunOptions options;
    options.lockTimeoutMs = 300;
    auto r = m.up(options);
    const auto problem = problemOf(r);
    QVERIFY2(problem.has_value(), "up ran while another program was writing");
    QCOMPARE(m.lastErrorKind(), ErrorKind::Busy);
    if (r.ok())
        QVERIFY(r->steps.isEmpty());
    writer.exec("ROLLBACK");
    QVERIFY(!tableExists(tp.dbPath(), QStringLiteral("t1")));
}

void TestMigratorSafety::twoConcurrentAppliers()
{
    TempProject tp;
    QVERIFY(tp.isValid());
    const int count = 200;
    for (int i = 1; i <= count; ++i)
        QVERIFY(!tp.addMigration(tableMigrationName(i), tableMigration(i)).isEmpty());
    const Project project = tp.load();

    struct Outcome
    {
        std::optional<Error> problem;
        ErrorKind kind = ErrorKind::Project;
        QStringList applied;
    };
    Outcome outcomes[2];
    auto apply = [&project](Outcome* out) {
        Migrator m(project, QStringLiteral("APP"), QStringLiteral("local"));
        RunOptions options;
        options.lockTimeoutMs = 120000; // generous: the second should wait, not give up
        auto r = m.up(options);
        out->problem = problemOf(r);
        out->kind = m.lastErrorKind();
        if (r.ok())
            out->applied = stepFiles(r.value());
    };
    std::thread a(apply, &outcomes[0]);
    std::thread b(apply, &outcomes[1]);
    a.join();
    b.join();

    QStringList all;
    for (const Outcome& o : outcomes) {
        if (o.problem)
            QVERIFY2(o.kind == ErrorKind::Busy, qPrintable(o.problem->toString()));
        all << o.applied;
    }
    QCOMPARE(all.size(), count); // every migration applied once, by one of the two
    QCOMPARE(QSet<QString>(all.begin(), all.end()).size(), count);
    QCOMPARE(queryValue(tp.dbPath(), QStringLiteral("SELECT count(*) FROM strata_migrations")),
             QString::number(count));
    QCOMPARE(queryValue(tp.dbPath(),
                        QStringLiteral("SELECT count(DISTINCT version) FROM strata_migrations")),
             QString::number(count));
    QCOMPARE(queryValue(tp.dbPath(), QStringLiteral("SELECT count(*) FROM sqlite_schema WHERE "
                                                    "type = 'table' AND name GLOB 't[0-9]*'")),
             QString::number(count));
    QCOMPARE(queryValue(tp.dbPath(), QStringLiteral("SELECT count(*) FROM t200")),
             QStringLiteral("1"));
}

void TestMigratorSafety::d1RefusesTransactionControl_data()
{
    QTest::addColumn<QByteArray>("statement");

    QTest::newRow("BEGIN TRANSACTION") << QByteArray("BEGIN TRANSACTION;");
    QTest::newRow("begin (lower case)") << QByteArray("begin;");
    QTest::newRow("COMMIT") << QByteArray("COMMIT;");
    QTest::newRow("END TRANSACTION") << QByteArray("END TRANSACTION;");
    QTest::newRow("ROLLBACK") << QByteArray("ROLLBACK;");
    QTest::newRow("SAVEPOINT") << QByteArray("SAVEPOINT x;");
    QTest::newRow("RELEASE") << QByteArray("RELEASE SAVEPOINT x;");
}

void TestMigratorSafety::d1RefusesTransactionControl()
{
    QFETCH(QByteArray, statement);

    TempProject tp(QStringLiteral("d1"));
    QVERIFY(tp.isValid());
    QVERIFY(!tp.addMigration(tableMigrationName(1), tableMigration(1)).isEmpty());
    const QString bad =
        tp.addMigration(QStringLiteral("0002_with_tx.sql"),
                        "-- migrate:up\nCREATE TABLE a2 (id INTEGER);\n" + statement +
                            "\nCREATE TABLE b2 (id "
                            "INTEGER);\n-- migrate:down\nDROP TABLE a2;\n");
    QVERIFY(!bad.isEmpty());

    Migrator m(tp.load(), QStringLiteral("APP"), QStringLiteral("local"));
    auto r = m.up(RunOptions{});
    const auto problem = problemOf(r);
    QVERIFY2(problem.has_value(), "a D1 migration with transaction control was accepted");
    QCOMPARE(QFileInfo(problem->file).fileName(), QStringLiteral("0002_with_tx.sql"));
    QCOMPARE(problem->line, 3);
    if (r.ok())
        QVERIFY(r->steps.isEmpty());
    // Refused before anything ran: not even 0001.
    QVERIFY(!tableExists(tp.dbPath(), QStringLiteral("t1")));
    QVERIFY(!tableExists(tp.dbPath(), QStringLiteral("a2")));
    QVERIFY(!tableExists(tp.dbPath(), QStringLiteral("d1_migrations")));
}

void TestMigratorSafety::d1TriggerIsFine()
{
    TempProject tp(QStringLiteral("d1"));
    QVERIFY(tp.isValid());
    QVERIFY(!tp.addMigration(
                   QStringLiteral("0001_trigger.sql"),
                   "CREATE TABLE users (id INTEGER PRIMARY KEY, touched INTEGER DEFAULT 0);\n"
                   "CREATE TABLE log (user_id INTEGER);\n"
                   "CREATE TRIGGER users_touch AFTER UPDATE ON users FOR EACH ROW\nBEGIN\n"
                   "  INSERT INTO log VALUES (NEW.id);\n"
                   "  UPDATE users SET touched = touched + 1 WHERE id = NEW.id AND 0;\nEND;\n")
                 .isEmpty());
    Migrator m(tp.load(), QStringLiteral("APP"), QStringLiteral("local"));
    auto r = m.up(RunOptions{});
    QVERIFY2(r.ok() && !r->failure, qPrintable(text(problemOf(r))));
    QCOMPARE(r->steps.size(), 1);
    QCOMPARE(r->steps[0].statements, 3);
    QCOMPARE(queryValue(tp.dbPath(), QStringLiteral("SELECT type FROM sqlite_schema WHERE name = "
                                                    "'users_touch'")),
             QStringLiteral("trigger"));
    QCOMPARE(queryColumn(tp.dbPath(), QStringLiteral("SELECT name FROM d1_migrations")),
             QStringList{QStringLiteral("0001_trigger.sql")});
}

void TestMigratorSafety::d1EnforcesForeignKeys()
{
    TempProject tp(QStringLiteral("d1"));
    QVERIFY(tp.isValid());
    QVERIFY(!tp.addMigration(QStringLiteral("0001_schema.sql"),
                             "CREATE TABLE parent (id INTEGER PRIMARY KEY);\n"
                             "CREATE TABLE child (id INTEGER PRIMARY KEY,\n"
                             "  parent_id INTEGER NOT NULL REFERENCES parent (id));\n")
                 .isEmpty());
    const QString orphan = tp.addMigration(QStringLiteral("0002_orphan.sql"),
                                           "INSERT INTO parent (id) VALUES (1);\n"
                                           "INSERT INTO child (id, parent_id) VALUES (1, 1);\n"
                                           "INSERT INTO child (id, parent_id) VALUES (2, 99);\n");
    QVERIFY(!orphan.isEmpty());

    Migrator m(tp.load(), QStringLiteral("APP"), QStringLiteral("local"));
    auto r = m.up(RunOptions{});
    QVERIFY(r.ok());
    QVERIFY2(r->failure.has_value(), "an orphan row was accepted on a D1 database");
    QCOMPARE(QFileInfo(r->failure->file).fileName(), QStringLiteral("0002_orphan.sql"));
    QCOMPARE(m.lastErrorKind(), ErrorKind::Failed);
    QCOMPARE(stepFiles(r.value()), QStringList{QStringLiteral("0001_schema.sql")});
    // 0002 rolled back whole: not even its valid rows stay.
    QCOMPARE(queryValue(tp.dbPath(), QStringLiteral("SELECT count(*) FROM child")),
             QStringLiteral("0"));
    QCOMPARE(queryValue(tp.dbPath(), QStringLiteral("SELECT count(*) FROM parent")),
             QStringLiteral("0"));
    QCOMPARE(queryColumn(tp.dbPath(), QStringLiteral("SELECT name FROM d1_migrations")),
             QStringList{QStringLiteral("0001_schema.sql")});
}

void TestMigratorSafety::d1DeferredOrphanNamesItsMigration()
{
    // With PRAGMA defer_foreign_keys an orphan surfaces only later: it must still be reported
    // against the migration that made it, and that migration alone rolled back.
    TempProject tp(QStringLiteral("d1"));
    QVERIFY(tp.isValid());
    QVERIFY(!tp.addMigration(QStringLiteral("0001_schema.sql"),
                             "CREATE TABLE parent (id INTEGER PRIMARY KEY);\n"
                             "CREATE TABLE child (id INTEGER PRIMARY KEY,\n"
                             "  parent_id INTEGER NOT NULL REFERENCES parent (id));\n")
                 .isEmpty());
    QVERIFY(!tp.addMigration(QStringLiteral("0002_deferred_orphan.sql"),
                             "PRAGMA defer_foreign_keys = ON;\n"
                             "INSERT INTO child (id, parent_id) VALUES (1, 42);\n")
                 .isEmpty());
    QVERIFY(!tp.addMigration(tableMigrationName(3), tableMigration(3)).isEmpty());

    Migrator m(tp.load(), QStringLiteral("APP"), QStringLiteral("local"));
    auto r = m.up(RunOptions{});
    QVERIFY(r.ok());
    QVERIFY2(r->failure.has_value(), "a deferred orphan was committed");
    QCOMPARE(QFileInfo(r->failure->file).fileName(), QStringLiteral("0002_deferred_orphan.sql"));
    QCOMPARE(stepFiles(r.value()), QStringList{QStringLiteral("0001_schema.sql")});
    QCOMPARE(queryColumn(tp.dbPath(), QStringLiteral("SELECT name FROM d1_migrations")),
             QStringList{QStringLiteral("0001_schema.sql")});
    QVERIFY(tableExists(tp.dbPath(), QStringLiteral("child")));
    QCOMPARE(queryValue(tp.dbPath(), QStringLiteral("SELECT count(*) FROM child")),
             QStringLiteral("0"));
    QVERIFY(!tableExists(tp.dbPath(), QStringLiteral("t3")));
}

void TestMigratorSafety::d1TableRebuildKeepsEarlierMigrations()
{
    // D1's documented way to change a referenced table: defer foreign keys, copy, drop, rename.
    // Whether SQLite lets that commit or not, the migrations before it must stand and any
    // failure must name the rebuilding migration.
    TempProject tp(QStringLiteral("d1"));
    QVERIFY(tp.isValid());
    QVERIFY(!tp.addMigration(QStringLiteral("0001_schema.sql"),
                             "CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);\n"
                             "CREATE TABLE child (id INTEGER PRIMARY KEY,\n"
                             "  parent_id INTEGER NOT NULL REFERENCES parent (id));\n"
                             "INSERT INTO parent VALUES (1, 'one');\n"
                             "INSERT INTO child VALUES (1, 1);\n")
                 .isEmpty());
    QVERIFY(!tp.addMigration(QStringLiteral("0002_rebuild_parent.sql"),
                             "PRAGMA defer_foreign_keys = ON;\n"
                             "CREATE TABLE parent_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL "
                             "DEFAULT '');\n"
                             "INSERT INTO parent_new SELECT id, coalesce(name, '') FROM parent;\n"
                             "DROP TABLE parent;\n"
                             "ALTER TABLE parent_new RENAME TO parent;\n")
                 .isEmpty());

    Migrator m(tp.load(), QStringLiteral("APP"), QStringLiteral("local"));
    auto r = m.up(RunOptions{});
    QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
    QVERIFY2(queryColumn(tp.dbPath(), QStringLiteral("SELECT name FROM d1_migrations ORDER BY id"))
                 .contains(QStringLiteral("0001_schema.sql")),
             qPrintable(QStringLiteral("0001 did not stand; failure: ") + text(r->failure)));
    QCOMPARE(queryValue(tp.dbPath(), QStringLiteral("SELECT count(*) FROM child")),
             QStringLiteral("1"));
    if (r->failure) {
        QVERIFY2(QFileInfo(r->failure->file).fileName() == QLatin1String("0002_rebuild_parent.sql"),
                 qPrintable(r->failure->toString()));
        QCOMPARE(stepFiles(r.value()), QStringList{QStringLiteral("0001_schema.sql")});
    } else {
        QCOMPARE(stepFiles(r.value()).size(), 2);
    }
}

QTEST_GUILESS_MAIN(TestMigratorSafety)
#include "tst_migrator_safety.moc"
