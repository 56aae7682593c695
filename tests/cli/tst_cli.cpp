// The `strata` command line, run as a real process (STRATA_BINARY) on copies of projects: exit
// codes (0 ok, 1 failed or drift, 2 usage or project error, 3 busy), human and JSON output, the
// demo, protected environments, `new`, `baseline`, and two appliers racing for one database.
// Every test gets a private HOME and XDG folders, so the demo is prepared afresh each time.

#include "testsupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

#include <memory>

using namespace strata::test;

namespace {

struct Run
{
    bool finished = false;
    int exitCode = -1;
    QString out;
    QString err;
};

QByteArray slowMigration(const char* table)
{
    // A real statement that keeps SQLite busy for a while (about a second here).
    return QByteArray("CREATE TABLE ") + table +
           " AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) "
           "SELECT count(*) AS n FROM c;\n";
}

// The migration files of a folder (digits, '_', name, .sql), sorted by name.
QStringList migrationFiles(const QString& dir)
{
    static const QRegularExpression re(QStringLiteral(R"(^\d+_.+\.sql$)"));
    return QDir(dir).entryList(QDir::Files, QDir::Name).filter(re);
}

// The name `strata new NAME` should give in `dir`: the last number plus one, same width.
QString nextName(const QString& dir, const QString& name)
{
    const QString last = migrationFiles(dir).constLast();
    const QString digits = last.left(last.indexOf(QLatin1Char('_')));
    return QStringLiteral("%1_%2.sql")
        .arg(digits.toLongLong() + 1, int(digits.size()), 10, QLatin1Char('0'))
        .arg(name);
}

QJsonObject databaseJson(const QJsonDocument& doc, const QString& binding)
{
    for (const QJsonValue& v : doc[QLatin1String("databases")].toArray())
        if (v[QLatin1String("binding")].toString() == binding)
            return v.toObject();
    return {};
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void version();
    void statusDemo();
    void statusDemoJson();
    void upDemoBillingDb();
    void protectedEnvironmentNeedsConfirm();
    void failureNamesFileAndLine();
    void driftMakesStatusFail();
    void usageErrors_data();
    void usageErrors();
    void noProjectInFolder();
    void newMigration();
    void baseline();
    void busyDatabase();
    void wranglerProject();

private:
    QProcessEnvironment environment() const;
    std::unique_ptr<QProcess> start(const QStringList& args, const QString& workDir = {});
    Run strata(const QStringList& args, const QString& workDir = {}, int timeoutMs = 120000);
    // A copy of tests/fixtures/<fixture> in a folder that lives as long as the test.
    QString copyProject(const QString& fixture);
    QJsonDocument statusJson(const QStringList& args);

    std::unique_ptr<QTemporaryDir> m_tmp;
};

void TestCli::init()
{
    QVERIFY2(QFileInfo(QStringLiteral(STRATA_BINARY)).isExecutable(), STRATA_BINARY);
    m_tmp = std::make_unique<QTemporaryDir>();
    QVERIFY(m_tmp->isValid());
    for (const char* sub : {"home", "data", "config", "cache", "work"})
        QVERIFY(QDir().mkpath(m_tmp->filePath(QString::fromLatin1(sub))));
}

void TestCli::cleanup()
{
    m_tmp.reset();
}

QProcessEnvironment TestCli::environment() const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), m_tmp->filePath(QStringLiteral("home")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_tmp->filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_tmp->filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), m_tmp->filePath(QStringLiteral("cache")));
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    return env;
}

std::unique_ptr<QProcess> TestCli::start(const QStringList& args, const QString& workDir)
{
    auto p = std::make_unique<QProcess>();
    p->setProgram(QStringLiteral(STRATA_BINARY));
    p->setArguments(args);
    p->setWorkingDirectory(workDir.isEmpty() ? m_tmp->filePath(QStringLiteral("work")) : workDir);
    p->setProcessEnvironment(environment());
    p->start();
    p->closeWriteChannel(); // no one at stdin: prompts must not wait
    return p;
}

Run TestCli::strata(const QStringList& args, const QString& workDir, int timeoutMs)
{
    Run run;
    auto p = start(args, workDir);
    if (!p->waitForStarted()) {
        QTest::qFail("strata did not start", __FILE__, __LINE__);
        return run;
    }
    run.finished = p->waitForFinished(timeoutMs);
    if (!run.finished) {
        p->kill();
        p->waitForFinished();
    }
    run.exitCode = run.finished && p->exitStatus() == QProcess::NormalExit ? p->exitCode() : -1;
    run.out = QString::fromUtf8(p->readAllStandardOutput());
    run.err = QString::fromUtf8(p->readAllStandardError());
    return run;
}

QString TestCli::copyProject(const QString& fixture)
{
    const QString dir = m_tmp->filePath(QStringLiteral("project-") + QFileInfo(fixture).fileName());
    if (!copyTree(fixture.startsWith(QLatin1Char('/')) ? fixture : fixturePath(fixture), dir))
        QTest::qFail(qPrintable(QStringLiteral("cannot copy ") + fixture), __FILE__, __LINE__);
    return dir;
}

QJsonDocument TestCli::statusJson(const QStringList& args)
{
    const Run run = strata(QStringList{QStringLiteral("status"), QStringLiteral("--json")} + args);
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(run.out.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError)
        QTest::qFail(qPrintable(QStringLiteral("status --json is not JSON (%1): %2 %3")
                                    .arg(error.errorString(), run.out, run.err)),
                     __FILE__, __LINE__);
    return doc;
}

void TestCli::version()
{
    const Run run = strata({QStringLiteral("--version")});
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.contains(QLatin1String("strata")), qPrintable(run.out));
    QVERIFY2(run.out.contains(QLatin1String(STRATA_VERSION)), qPrintable(run.out));
}

void TestCli::statusDemo()
{
    const Run run = strata({QStringLiteral("status"), QStringLiteral("--demo")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY2(run.out.contains(QLatin1String("BILLING_DB")), qPrintable(run.out));
    QVERIFY2(run.out.contains(QLatin1String("pending")), qPrintable(run.out));
    // The demo was prepared in this test's private data folder, nowhere else.
    QVERIFY(QFileInfo::exists(m_tmp->filePath(QStringLiteral("data/strata/demo/strata.toml"))));
}

void TestCli::statusDemoJson()
{
    const QJsonDocument doc = statusJson({QStringLiteral("--demo")});
    QVERIFY(doc.isObject());
    const QJsonArray dbs = doc[QLatin1String("databases")].toArray();
    QVERIFY(dbs.size() >= 2);
    for (const QJsonValue& db : dbs) {
        QVERIFY(db[QLatin1String("pending")].isDouble());
        QVERIFY(db[QLatin1String("applied")].isDouble());
        QVERIFY(db[QLatin1String("drift")].isDouble());
        const QJsonArray migrations = db[QLatin1String("migrations")].toArray();
        QCOMPARE(db[QLatin1String("applied")].toInt() + db[QLatin1String("pending")].toInt(),
                 int(migrations.size()));
    }
    const QJsonObject billing = databaseJson(doc, QStringLiteral("BILLING_DB"));
    QVERIFY(!billing.isEmpty());
    QVERIFY(billing[QLatin1String("pending")].toInt() > 0);
    QCOMPARE(billing[QLatin1String("environment")].toString(), QStringLiteral("local"));
    QCOMPARE(billing[QLatin1String("migrations")].toArray().size(),
             migrationFiles(QStringLiteral(STRATA_SOURCE_DIR "/migrations/billing")).size());
}

void TestCli::upDemoBillingDb()
{
    const int dbPendingBefore = databaseJson(statusJson({QStringLiteral("--demo")}),
                                             QStringLiteral("DB"))[QLatin1String("pending")]
                                    .toInt();
    const Run run = strata({QStringLiteral("up"), QStringLiteral("--demo"), QStringLiteral("--db"),
                            QStringLiteral("BILLING_DB")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));

    const QJsonDocument after = statusJson({QStringLiteral("--demo")});
    const QJsonObject billing = databaseJson(after, QStringLiteral("BILLING_DB"));
    QCOMPARE(billing[QLatin1String("pending")].toInt(), 0);
    QCOMPARE(billing[QLatin1String("applied")].toInt(),
             migrationFiles(QStringLiteral(STRATA_SOURCE_DIR "/migrations/billing")).size());
    // The other databases were not touched.
    QCOMPARE(databaseJson(after, QStringLiteral("DB"))[QLatin1String("pending")].toInt(),
             dbPendingBefore);

    const Run human = strata({QStringLiteral("status"), QStringLiteral("--demo"),
                              QStringLiteral("--db"), QStringLiteral("BILLING_DB")});
    QCOMPARE(human.exitCode, 0);
    QVERIFY2(human.out.contains(QLatin1String("0 pending")), qPrintable(human.out));
}

void TestCli::protectedEnvironmentNeedsConfirm()
{
    const QString project = copyProject(QStringLiteral("cli-project"));
    const QString prodDb = project + QStringLiteral("/data/production.sqlite");
    const QStringList base{QStringLiteral("up"), QStringLiteral("--project"), project,
                           QStringLiteral("--env"), QStringLiteral("production")};

    const Run refused = strata(base);
    QCOMPARE(refused.exitCode, 2);
    QVERIFY2(refused.err.contains(QLatin1String("--confirm production")), qPrintable(refused.err));
    QVERIFY(!tableExists(prodDb, QStringLiteral("items")));
    QVERIFY(!tableExists(prodDb, QStringLiteral("strata_migrations")));

    const Run wrongName =
        strata(base + QStringList{QStringLiteral("--confirm"), QStringLiteral("local")});
    QCOMPARE(wrongName.exitCode, 2);
    QVERIFY(!tableExists(prodDb, QStringLiteral("items")));

    const Run confirmed =
        strata(base + QStringList{QStringLiteral("--confirm"), QStringLiteral("production")});
    QVERIFY2(confirmed.exitCode == 0, qPrintable(confirmed.err));
    QVERIFY(tableExists(prodDb, QStringLiteral("orders")));
    QCOMPARE(queryValue(prodDb, QStringLiteral("SELECT count(*) FROM strata_migrations")),
             QStringLiteral("3"));
    // Only production: local was not asked for.
    QVERIFY(!QFileInfo::exists(project + QStringLiteral("/data/app.sqlite")));
}

void TestCli::failureNamesFileAndLine()
{
    const QString project = copyProject(QStringLiteral("cli-project"));
    QVERIFY(writeFile(project + QStringLiteral("/migrations/0004_broken.sql"),
                      "-- migrate:up\nCREATE TABLE broken_first (id INTEGER);\n\n"
                      "INSERT INTO no_such_table VALUES (1);\n\n-- migrate:down\n"
                      "DROP TABLE broken_first;\n"));
    const Run run = strata({QStringLiteral("up"), QStringLiteral("--project"), project});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains(QLatin1String("0004_broken.sql:4")), qPrintable(run.err));
    QVERIFY2(run.err.contains(QLatin1String("no such table")), qPrintable(run.err));

    const QString db = project + QStringLiteral("/data/app.sqlite");
    QCOMPARE(queryValue(db, QStringLiteral("SELECT count(*) FROM strata_migrations")),
             QStringLiteral("3"));
    QVERIFY(!tableExists(db, QStringLiteral("broken_first")));
}

void TestCli::driftMakesStatusFail()
{
    const QString project = copyProject(QStringLiteral("cli-project"));
    const QStringList where{QStringLiteral("--project"), project};
    QCOMPARE(strata(QStringList{QStringLiteral("up")} + where).exitCode, 0);
    QCOMPARE(strata(QStringList{QStringLiteral("status")} + where).exitCode, 0);

    const QString file = project + QStringLiteral("/migrations/0002_add_item_price.sql");
    QVERIFY(writeFile(file, readFile(file).replace("DEFAULT 0", "DEFAULT 100")));
    const Run status = strata(QStringList{QStringLiteral("status")} + where);
    QCOMPARE(status.exitCode, 1);
    QVERIFY2(status.out.contains(QLatin1String("0002_add_item_price.sql")), qPrintable(status.out));
    QVERIFY2(status.out.contains(QLatin1String("edited"), Qt::CaseInsensitive),
             qPrintable(status.out));

    const QJsonObject app = databaseJson(statusJson(where), QStringLiteral("APP"));
    QCOMPARE(app[QLatin1String("drift")].toInt(), 1);

    QVERIFY(writeFile(project + QStringLiteral("/migrations/0004_more.sql"),
                      "CREATE TABLE more (id INTEGER);\n"));
    QCOMPARE(strata(QStringList{QStringLiteral("up")} + where).exitCode, 1);
    QVERIFY(!tableExists(project + QStringLiteral("/data/app.sqlite"), QStringLiteral("more")));
}

void TestCli::usageErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("phrase");

    QTest::newRow("unknown command") << QStringList{"frobnicate"} << "frobnicate";
    QTest::newRow("unknown option") << QStringList{"status", "--frobnicate"} << "frobnicate";
    QTest::newRow("unknown --db") << QStringList{"status", "--project", "@PROJECT@", "--db", "NOPE"}
                                  << "NOPE";
    QTest::newRow("unknown --db for up")
        << QStringList{"up", "--project", "@PROJECT@", "--db", "NOPE"} << "NOPE";
    QTest::newRow("unknown --env")
        << QStringList{"up", "--project", "@PROJECT@", "--env", "staging"} << "staging";
    QTest::newRow("--to not a number")
        << QStringList{"up", "--project", "@PROJECT@", "--to", "x"} << "--to";
    QTest::newRow("baseline without version")
        << QStringList{"baseline", "--project", "@PROJECT@"} << "baseline";
    QTest::newRow("--project not there")
        << QStringList{"status", "--project", "@PROJECT@/nowhere"} << "nowhere";
}

void TestCli::usageErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QString, phrase);

    const QString project = copyProject(QStringLiteral("cli-project"));
    args.replaceInStrings(QStringLiteral("@PROJECT@"), project);
    // A usage error answers at once; a window opened instead would never exit on its own.
    const Run run = strata(args, project, 15000);
    QVERIFY2(run.finished, "strata did not exit (did it open the window?)");
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains(phrase), qPrintable(run.err));
    QVERIFY(!QFileInfo::exists(project + QStringLiteral("/data/app.sqlite")));
}

void TestCli::noProjectInFolder()
{
    const Run run = strata({QStringLiteral("status")}, m_tmp->filePath(QStringLiteral("work")));
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains(QLatin1String("strata.toml")), qPrintable(run.err));
}

void TestCli::newMigration()
{
    // A copy of the demo project's sources: billing/ is BILLING_DB's own folder (001_…, ten
    // files), auth/ a central folder shared by DB, SSO_DB and OAUTH_DB (0001_…).
    const QString project = copyProject(QStringLiteral(STRATA_SOURCE_DIR "/migrations"));
    const QStringList where{QStringLiteral("--project"), project};

    const Run billing = strata(QStringList{QStringLiteral("new"), QStringLiteral("add_thing"),
                                           QStringLiteral("--db"), QStringLiteral("BILLING_DB")} +
                               where);
    QVERIFY2(billing.exitCode == 0, qPrintable(billing.err));
    const QString billingFile = project + QStringLiteral("/billing/011_add_thing.sql");
    QVERIFY2(QFileInfo::exists(billingFile), qPrintable(billing.out));
    const QByteArray billingText = readFile(billingFile);
    QVERIFY(billingText.contains("-- migrate:up"));
    QVERIFY(billingText.contains("-- migrate:down"));
    QVERIFY(billingText.indexOf("-- migrate:up") < billingText.indexOf("-- migrate:down"));
    QVERIFY(!billingText.contains("strata:targets"));

    const QString centralName =
        nextName(project + QStringLiteral("/auth"), QStringLiteral("add_thing"));
    const Run central = strata(QStringList{QStringLiteral("new"), QStringLiteral("add_thing"),
                                           QStringLiteral("--db"), QStringLiteral("SSO_DB")} +
                               where);
    QVERIFY2(central.exitCode == 0, qPrintable(central.err));
    const QString centralFile = project + QStringLiteral("/auth/") + centralName;
    QVERIFY2(QFileInfo::exists(centralFile), qPrintable(central.out));
    const QByteArray centralText = readFile(centralFile);
    QVERIFY2(centralText.contains("-- strata:targets SSO_DB\n"), centralText.constData());
    QVERIFY(centralText.contains("-- migrate:up"));
    QVERIFY(centralText.contains("-- migrate:down"));

    // The new files are valid migrations of their databases: status still works, each shows
    // one more pending migration.
    const QJsonDocument doc = statusJson(where);
    QCOMPARE(databaseJson(doc, QStringLiteral("BILLING_DB"))[QLatin1String("pending")].toInt(),
             migrationFiles(project + QStringLiteral("/billing")).size());
    const QJsonArray sso =
        databaseJson(doc, QStringLiteral("SSO_DB"))[QLatin1String("migrations")].toArray();
    QVERIFY(!sso.isEmpty());
    QCOMPARE(sso.last()[QLatin1String("file")].toString(), centralName);

    // `new` never overwrites: the same name again gets the next number.
    QCOMPARE(strata(QStringList{QStringLiteral("new"), QStringLiteral("add_thing"),
                                QStringLiteral("--db"), QStringLiteral("BILLING_DB")} +
                    where)
                 .exitCode,
             0);
    QVERIFY(QFileInfo::exists(project + QStringLiteral("/billing/012_add_thing.sql")));
}

void TestCli::baseline()
{
    const QString project = copyProject(QStringLiteral("cli-project"));
    const QStringList where{QStringLiteral("--project"), project};
    const QString db = project + QStringLiteral("/data/app.sqlite");

    const Run run = strata(QStringList{QStringLiteral("baseline"), QStringLiteral("2")} + where);
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    const QJsonObject app = databaseJson(statusJson(where), QStringLiteral("APP"));
    QCOMPARE(app[QLatin1String("applied")].toInt(), 2);
    QCOMPARE(app[QLatin1String("pending")].toInt(), 1);
    const QJsonArray migrations = app[QLatin1String("migrations")].toArray();
    QVERIFY(migrations[0][QLatin1String("applied")][QLatin1String("baseline")].toBool());
    QVERIFY2(!tableExists(db, QStringLiteral("items")), "baseline ran a migration");

    // Adopt a database whose tables exist already, then apply the rest.
    QVERIFY(execSql(db, QStringLiteral("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT "
                                       "NULL, price_cents INTEGER NOT NULL DEFAULT 0)")));
    const Run up = strata(QStringList{QStringLiteral("up")} + where);
    QVERIFY2(up.exitCode == 0, qPrintable(up.err));
    QVERIFY(tableExists(db, QStringLiteral("orders")));
    QCOMPARE(queryValue(db, QStringLiteral("SELECT count(*) FROM strata_migrations")),
             QStringLiteral("3"));
}

void TestCli::busyDatabase()
{
    const QString project = copyProject(QStringLiteral("cli-project"));
    // Slow migrations first, so the first applier holds the lock long enough.
    const QString migrations = project + QStringLiteral("/migrations");
    QVERIFY(QDir(migrations).removeRecursively());
    QVERIFY(writeFile(migrations + QStringLiteral("/0001_slow_a.sql"), slowMigration("slow_a")));
    QVERIFY(writeFile(migrations + QStringLiteral("/0002_slow_b.sql"), slowMigration("slow_b")));
    QVERIFY(writeFile(migrations + QStringLiteral("/0003_slow_c.sql"), slowMigration("slow_c")));
    const QString db = project + QStringLiteral("/data/app.sqlite");
    const QString lock = db + QStringLiteral(".strata-lock");

    auto first = start({QStringLiteral("up"), QStringLiteral("--project"), project});
    QVERIFY(first->waitForStarted());
    // Wait (without a deadline of its own: the test's timeout guards) until it holds the lock.
    while (!QFileInfo::exists(lock) && first->state() != QProcess::NotRunning)
        first->waitForFinished(10);
    QVERIFY2(QFileInfo::exists(lock), "the first applier finished before it could be raced");

    const Run second = strata({QStringLiteral("up"), QStringLiteral("--project"), project,
                               QStringLiteral("--lock-timeout"), QStringLiteral("0.2")});
    QVERIFY2(second.exitCode == 3,
             qPrintable(QStringLiteral("exit %1 (first applier %2): %3")
                            .arg(second.exitCode)
                            .arg(first->state() == QProcess::NotRunning ? u"done" : u"running")
                            .arg(second.err)));
    QVERIFY2(second.err.contains(QLatin1String("busy"), Qt::CaseInsensitive),
             qPrintable(second.err));

    QVERIFY(first->waitForFinished(300000));
    QCOMPARE(first->exitStatus(), QProcess::NormalExit);
    QVERIFY2(first->exitCode() == 0, first->readAllStandardError().constData());
    QCOMPARE(queryValue(db, QStringLiteral("SELECT count(*) FROM strata_migrations")),
             QStringLiteral("3"));
    QCOMPARE(queryValue(db, QStringLiteral("SELECT n FROM slow_c")), QStringLiteral("3000000"));
    QVERIFY(!QFileInfo::exists(lock));
}

void TestCli::wranglerProject()
{
    const QString project = copyProject(QStringLiteral("wrangler-project"));

    const Run human = strata({QStringLiteral("status"), QStringLiteral("--project"), project});
    QVERIFY2(human.exitCode == 0, qPrintable(human.err));
    QVERIFY2(human.out.contains(QLatin1String("DB")), qPrintable(human.out));
    QVERIFY2(human.out.contains(QLatin1String("2 applied, 2 pending")), qPrintable(human.out));

    // The wrangler.toml itself may be named, too.
    const QJsonDocument doc =
        statusJson({QStringLiteral("--project"), project + QStringLiteral("/wrangler.toml")});
    const QJsonObject db = databaseJson(doc, QStringLiteral("DB"));
    QCOMPARE(db[QLatin1String("applied")].toInt(), 2);
    QCOMPARE(db[QLatin1String("pending")].toInt(), 2);
    QCOMPARE(db[QLatin1String("environment")].toString(), QStringLiteral("local"));
    const QJsonObject billing = databaseJson(doc, QStringLiteral("BILLING_DB"));
    QCOMPARE(billing[QLatin1String("applied")].toInt(), 2);
    QCOMPARE(billing[QLatin1String("pending")].toInt(), 0);

    const Run up = strata({QStringLiteral("up"), QStringLiteral("--project"), project,
                           QStringLiteral("--db"), QStringLiteral("DB")});
    QVERIFY2(up.exitCode == 0, qPrintable(up.err));
    const QJsonObject after =
        databaseJson(statusJson({QStringLiteral("--project"), project}), QStringLiteral("DB"));
    QCOMPARE(after[QLatin1String("applied")].toInt(), 4);
    QCOMPARE(after[QLatin1String("pending")].toInt(), 0);
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
