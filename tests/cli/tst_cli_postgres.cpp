// The `strata` command line, run as a real process (STRATA_BINARY), on a PostgreSQL environment:
// a scratch database on the test server reached as a role of its own whose password comes from
// an environment variable. status / up / down / baseline, human and JSON output, the URL shown
// as written (no password anywhere), exit codes 0 / 1 / 2 / 3.

#include "pgtestsupport.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include <memory>

using namespace strata::test;

namespace {

const char* const kPasswordVar = "STRATA_CLI_TEST_PG_PASSWORD";

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

QByteArray table(int n)
{
    const QByteArray t = "t" + QByteArray::number(n);
    return "-- migrate:up\nCREATE TABLE " + t +
           " (id int PRIMARY KEY);\n-- migrate:down\nDROP TABLE " + t + ";\n";
}

} // namespace

class TestCliPostgres : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void statusUpStatus();
    void failureNamesFileLineAndSqlstate();
    void downAndBaseline();
    void dryRunJson();
    void passwordProblems();
    void protectedNeedsConfirm();
    void busyExitsWith3();

private:
    void writeProject(bool isProtected = false);
    QProcess* start(const QStringList& args, const QString& password);
    Run strata(const QStringList& args, const QString& password = {});

    std::unique_ptr<QTemporaryDir> m_tmp;
    std::unique_ptr<PgScratchDatabase> m_db;
    QString m_role, m_password, m_url;
    std::vector<std::unique_ptr<QProcess>> m_processes;
};

void TestCliPostgres::init()
{
    QVERIFY2(QFileInfo(QStringLiteral(STRATA_BINARY)).isExecutable(), STRATA_BINARY);
    m_tmp = std::make_unique<QTemporaryDir>();
    QVERIFY(m_tmp->isValid());
    m_db = std::make_unique<PgScratchDatabase>(QStringLiteral("cli"));
    QVERIFY2(m_db->isValid(), qPrintable(m_db->error()));
    m_role = m_db->createPasswordRole(QStringLiteral("strata_cli"), &m_password);
    QVERIFY(!m_role.isEmpty());
    m_url = QStringLiteral("postgresql://%1@%2:%3/%4")
                .arg(m_role, pgHost())
                .arg(pgPort())
                .arg(m_db->name());
    writeProject();
    for (int i = 1; i <= 3; ++i)
        QVERIFY(writeFile(
            m_tmp->filePath(
                QStringLiteral("migrations/%1_t%2.sql").arg(i, 4, 10, QLatin1Char('0')).arg(i)),
            table(i)));
}

void TestCliPostgres::cleanup()
{
    for (auto& p : m_processes)
        p->waitForFinished(30000);
    m_processes.clear();
    m_db.reset();
    m_tmp.reset();
}

void TestCliPostgres::writeProject(bool isProtected)
{
    const QByteArray toml = "[project]\nname = \"pgcli\"\n\n[[database]]\nbinding = \"APP\"\n"
                            "dialect = \"postgres\"\nmigrations = \"migrations\"\n\n"
                            "[database.env.staging]\nurl = \"" +
                            m_url.toUtf8() + "\"\npassword_env = \"" + kPasswordVar + "\"\n" +
                            (isProtected ? "protected = true\n" : "");
    QVERIFY(writeFile(m_tmp->filePath(QStringLiteral("strata.toml")), toml));
}

QProcess* TestCliPostgres::start(const QStringList& args, const QString& password)
{
    auto p = std::make_unique<QProcess>();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), m_tmp->path());
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_tmp->filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_tmp->filePath(QStringLiteral("config")));
    env.remove(QString::fromLatin1(kPasswordVar));
    if (!password.isNull())
        env.insert(QString::fromLatin1(kPasswordVar), password);
    p->setProcessEnvironment(env);
    p->setProgram(QStringLiteral(STRATA_BINARY));
    p->setArguments(args + QStringList{QStringLiteral("--project"), m_tmp->path()});
    p->start();
    p->closeWriteChannel();
    m_processes.push_back(std::move(p));
    return m_processes.back().get();
}

Run TestCliPostgres::strata(const QStringList& args, const QString& password)
{
    QProcess* p = start(args, password.isNull() ? m_password : password);
    Run run;
    if (!p->waitForFinished(120000)) {
        p->kill();
        p->waitForFinished();
        return run;
    }
    run.exitCode = p->exitStatus() == QProcess::NormalExit ? p->exitCode() : -1;
    run.out = QString::fromUtf8(p->readAllStandardOutput());
    run.err = QString::fromUtf8(p->readAllStandardError());
    // The password never shows, whatever the command printed.
    if (run.out.contains(m_password) || run.err.contains(m_password))
        QTest::qFail("the password appeared in strata's output", __FILE__, __LINE__);
    return run;
}

void TestCliPostgres::statusUpStatus()
{
    const QStringList env{QStringLiteral("--db"), QStringLiteral("APP"), QStringLiteral("--env"),
                          QStringLiteral("staging")};
    Run run = strata(QStringList{QStringLiteral("status")} + env);
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY2(run.out.contains(m_url), qPrintable(run.out));
    QVERIFY2(run.out.contains(QLatin1String("0 applied, 3 pending, 0 drift")), qPrintable(run.out));

    run = strata(QStringList{QStringLiteral("up")} + env);
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY2(run.out.contains(QLatin1String("3 applied")), qPrintable(run.out));
    QCOMPARE(m_db->value(QStringLiteral("SELECT count(*) FROM strata_migrations")),
             QStringLiteral("3"));

    run = strata(QStringList{QStringLiteral("status"), QStringLiteral("--json")} + env);
    QCOMPARE(run.exitCode, 0);
    const QJsonObject db =
        QJsonDocument::fromJson(run.out.toUtf8())[QLatin1String("databases")][0].toObject();
    QCOMPARE(db[QLatin1String("location")].toString(), m_url);
    QCOMPARE(db[QLatin1String("exists")].toBool(), true);
    QCOMPARE(db[QLatin1String("applied")].toInt(), 3);
    QCOMPARE(db[QLatin1String("pending")].toInt(), 0);
    QCOMPARE(db[QLatin1String("history")].toString(),
             QStringLiteral("strata (public.strata_migrations)"));
    const QJsonObject applied =
        db[QLatin1String("migrations")][0][QLatin1String("applied")].toObject();
    QVERIFY(applied[QLatin1String("applied_by")].toString().contains(QLatin1Char('@')));

    run = strata(QStringList{QStringLiteral("up")} + env);
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.contains(QLatin1String("up to date")), qPrintable(run.out));
}

void TestCliPostgres::failureNamesFileLineAndSqlstate()
{
    QVERIFY(
        writeFile(m_tmp->filePath(QStringLiteral("migrations/0004_bad.sql")),
                  "-- migrate:up\nCREATE TABLE ok4 (id int);\nSELECT missing_column FROM t1;\n"));
    const Run run =
        strata({QStringLiteral("up"), QStringLiteral("--env"), QStringLiteral("staging")});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains(QLatin1String("0004_bad.sql:3:8: column \"missing_column\" does not "
                                            "exist (SQLSTATE 42703)")),
             qPrintable(run.err));
    QVERIFY2(run.err.contains(QLatin1String("statement: SELECT missing_column FROM t1;")),
             qPrintable(run.err));
    QVERIFY2(run.out.contains(QLatin1String("3 applied")), qPrintable(run.out));
    QCOMPARE(m_db->value(QStringLiteral("SELECT count(*) FROM strata_migrations")),
             QStringLiteral("3"));
    QCOMPARE(m_db->value(QStringLiteral("SELECT to_regclass('ok4') IS NULL")), QStringLiteral("t"));
}

void TestCliPostgres::downAndBaseline()
{
    const QStringList env{QStringLiteral("--db"), QStringLiteral("APP"), QStringLiteral("--env"),
                          QStringLiteral("staging")};
    QCOMPARE(strata(QStringList{QStringLiteral("up")} + env).exitCode, 0);
    Run run = strata(
        QStringList{QStringLiteral("down"), QStringLiteral("--to"), QStringLiteral("0")} + env);
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY2(run.out.contains(QLatin1String("3 reverted")), qPrintable(run.out));
    QCOMPARE(m_db->value(QStringLiteral("SELECT count(*) FROM strata_migrations")),
             QStringLiteral("0"));

    run = strata(QStringList{QStringLiteral("baseline"), QStringLiteral("2")} + env);
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY2(run.out.contains(QLatin1String("2 migrations recorded as applied")),
             qPrintable(run.out));
    run = strata(QStringList{QStringLiteral("status")} + env);
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.contains(QLatin1String("baseline")) &&
                 run.out.contains(QLatin1String("2 applied, 1 pending")),
             qPrintable(run.out));
    run = strata(QStringList{QStringLiteral("baseline"), QStringLiteral("9")} + env);
    QCOMPARE(run.exitCode, 2);
}

void TestCliPostgres::dryRunJson()
{
    QVERIFY(writeFile(m_tmp->filePath(QStringLiteral("migrations/0004_index.sql")),
                      "-- strata:no-transaction\nCREATE INDEX CONCURRENTLY t1_id ON t1 (id);\n"));
    const Run run =
        strata({QStringLiteral("up"), QStringLiteral("--dry-run"), QStringLiteral("--json"),
                QStringLiteral("--env"), QStringLiteral("staging")});
    QCOMPARE(run.exitCode, 0);
    const QJsonObject r =
        QJsonDocument::fromJson(run.out.toUtf8())[QLatin1String("results")][0].toObject();
    QCOMPARE(r[QLatin1String("dry_run")].toBool(), true);
    QCOMPARE(r[QLatin1String("steps")].toArray().size(), 4);
    QVERIFY2(r[QLatin1String("notes")][0].toString().contains(QLatin1String("0004_index.sql")),
             qPrintable(run.out));
    QCOMPARE(m_db->value(QStringLiteral("SELECT to_regclass('strata_migrations') IS NULL")),
             QStringLiteral("t"));
}

void TestCliPostgres::passwordProblems()
{
    const QString wrong = QStringLiteral("not-the-password-4711");
    Run run = strata({QStringLiteral("status"), QStringLiteral("--env"), QStringLiteral("staging")},
                     wrong);
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains(QLatin1String("password authentication failed")),
             qPrintable(run.err));
    QVERIFY(!run.err.contains(wrong) && !run.out.contains(wrong));

    run = strata({QStringLiteral("up"), QStringLiteral("--env"), QStringLiteral("staging"),
                  QStringLiteral("--json")},
                 wrong);
    QCOMPARE(run.exitCode, 2);
    QVERIFY(!run.out.contains(wrong));
    QVERIFY2(
        QJsonDocument::fromJson(run.out.toUtf8())[QLatin1String("error")][QLatin1String("message")]
            .toString()
            .contains(QLatin1String("password authentication failed")),
        qPrintable(run.out));

    QProcess* p =
        start({QStringLiteral("status"), QStringLiteral("--env"), QStringLiteral("staging")},
              QString()); // the variable is not set at all
    QVERIFY(p->waitForFinished(60000));
    QCOMPARE(p->exitCode(), 2);
    const QString err = QString::fromUtf8(p->readAllStandardError());
    QVERIFY2(err.contains(QLatin1String(kPasswordVar)) && err.contains(QLatin1String("not set")),
             qPrintable(err));
}

void TestCliPostgres::protectedNeedsConfirm()
{
    writeProject(true);
    Run run = strata({QStringLiteral("up"), QStringLiteral("--env"), QStringLiteral("staging")});
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains(QLatin1String("--confirm staging")), qPrintable(run.err));
    QCOMPARE(m_db->value(QStringLiteral("SELECT to_regclass('t1') IS NULL")), QStringLiteral("t"));
    run = strata({QStringLiteral("up"), QStringLiteral("--env"), QStringLiteral("staging"),
                  QStringLiteral("--confirm"), QStringLiteral("staging")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
}

void TestCliPostgres::busyExitsWith3()
{
    QVERIFY(writeFile(m_tmp->filePath(QStringLiteral("migrations/0004_slow.sql")),
                      "SELECT pg_sleep(4);\n"));
    QProcess* first = start(
        {QStringLiteral("up"), QStringLiteral("--env"), QStringLiteral("staging")}, m_password);
    QTest::qWait(1500); // it holds the lock while 0004 sleeps
    const Run second =
        strata({QStringLiteral("up"), QStringLiteral("--env"), QStringLiteral("staging"),
                QStringLiteral("--lock-timeout"), QStringLiteral("1")});
    QCOMPARE(second.exitCode, 3);
    QVERIFY2(second.err.contains(QLatin1String("busy")) &&
                 second.err.contains(QLatin1String("strata apply")),
             qPrintable(second.err));
    QVERIFY(first->waitForFinished(60000));
    QCOMPARE(first->exitCode(), 0);
    QCOMPARE(m_db->value(QStringLiteral("SELECT count(*) FROM strata_migrations")),
             QStringLiteral("4"));
}

QTEST_GUILESS_MAIN(TestCliPostgres)
#include "tst_cli_postgres.moc"
