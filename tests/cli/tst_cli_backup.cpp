// `strata backup`, `strata backups` and `strata restore`, run as a real process (STRATA_BINARY)
// on the demo and on temporary projects, each test with a private HOME and XDG folders: back up,
// break the database, restore, data back; --json parses; --before V; a damaged backup refused
// with exit 1; protected environments need the confirmation; an unreachable PostgreSQL server is
// a failure (exit 1) that says so (the PostgreSQL round trip: tst_cli_pg_backup).

#include "testsupport.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include <memory>

using namespace strata::test;

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
    QString both() const { return out + err; }
};

QJsonDocument parseJson(const Run& run)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(run.out.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError)
        QTest::qFail(qPrintable(QStringLiteral("not JSON (%1): %2 %3")
                                    .arg(error.errorString(), run.out, run.err)),
                     __FILE__, __LINE__);
    return doc;
}

} // namespace

class TestCliBackup : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void demoBackupBreakRestore();
    void jsonOutputs();
    void restoreBeforeVersion();
    void damagedBackupExitsOne();
    void protectedEnvironmentNeedsConfirm();
    void usageErrors_data();
    void usageErrors();
    void postgresUnreachableExitsOne();

private:
    Run strata(const QStringList& args);
    QString demoDbPath(const QString& binding, const QString& env = QStringLiteral("local"));
    QString tempProject(const QByteArray& extraToml = {});

    std::unique_ptr<QTemporaryDir> m_tmp;
};

void TestCliBackup::init()
{
    QVERIFY2(QFileInfo(QStringLiteral(STRATA_BINARY)).isExecutable(), STRATA_BINARY);
    m_tmp = std::make_unique<QTemporaryDir>();
    QVERIFY(m_tmp->isValid());
    for (const char* sub : {"home", "data", "config", "cache", "work"})
        QVERIFY(QDir().mkpath(m_tmp->filePath(QString::fromLatin1(sub))));
}

void TestCliBackup::cleanup()
{
    m_tmp.reset();
}

Run TestCliBackup::strata(const QStringList& args)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), m_tmp->filePath(QStringLiteral("home")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_tmp->filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_tmp->filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), m_tmp->filePath(QStringLiteral("cache")));
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    p.setProcessEnvironment(env);
    p.setWorkingDirectory(m_tmp->filePath(QStringLiteral("work")));
    p.start(QStringLiteral(STRATA_BINARY), args);
    p.closeWriteChannel();
    Run run;
    if (!p.waitForFinished(120000)) {
        p.kill();
        p.waitForFinished();
        QTest::qFail("strata did not finish", __FILE__, __LINE__);
        return run;
    }
    run.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    run.out = QString::fromUtf8(p.readAllStandardOutput());
    run.err = QString::fromUtf8(p.readAllStandardError());
    return run;
}

QString TestCliBackup::demoDbPath(const QString& binding, const QString& env)
{
    const Run run = strata({QStringLiteral("status"), QStringLiteral("--demo"),
                            QStringLiteral("--json"), QStringLiteral("--db"), binding,
                            QStringLiteral("--env"), env});
    const QJsonDocument doc = parseJson(run);
    return doc[QLatin1String("databases")][0][QLatin1String("location")].toString();
}

QString TestCliBackup::tempProject(const QByteArray& extraToml)
{
    const QString root = m_tmp->filePath(QStringLiteral("project"));
    QDir().mkpath(root + QStringLiteral("/migrations"));
    for (int n = 1; n <= 3; ++n)
        writeFile(root + QStringLiteral("/migrations/") + tableMigrationName(n), tableMigration(n));
    writeFile(root + QStringLiteral("/strata.toml"),
              "[[database]]\nbinding = \"APP\"\nmigrations = \"migrations\"\n"
              "[database.env.local]\npath = \"data/app.sqlite\"\n"
              "[database.env.production]\npath = \"data/prod.sqlite\"\nprotected = true\n" +
                  extraToml);
    return root;
}

void TestCliBackup::demoBackupBreakRestore()
{
    const QString db = demoDbPath(QStringLiteral("BILLING_DB"));
    QVERIFY2(QFileInfo::exists(db), qPrintable(db));
    const QStringList tables = queryColumn(db, QStringLiteral(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name <> 'd1_migrations' ORDER BY name"));
    QVERIFY2(!tables.isEmpty(), "the demo's BILLING_DB has no table");
    const QStringList schemaBefore = schemaDump(db);

    const Run backup = strata({QStringLiteral("--demo"), QStringLiteral("backup"),
                               QStringLiteral("--db"), QStringLiteral("BILLING_DB")});
    QVERIFY2(backup.exitCode == 0, qPrintable(backup.both()));
    QVERIFY2(backup.out.contains(QStringLiteral("BILLING_DB · local: backup ")), qPrintable(backup.out));
    QVERIFY2(backup.out.contains(QLatin1String("quick_check ok")), qPrintable(backup.out));
    const QString id = backup.out.section(QStringLiteral("backup "), 1, 1).section(QLatin1Char('\n'), 0, 0).trimmed();
    QVERIFY(!id.isEmpty());

    // Break it: a table gone.
    QVERIFY(execSql(db, QStringLiteral("DROP TABLE \"%1\";").arg(tables.first())));
    QVERIFY(!tableExists(db, tables.first()));

    const Run restore = strata({QStringLiteral("--demo"), QStringLiteral("restore"), id});
    QVERIFY2(restore.exitCode == 0, qPrintable(restore.both()));
    QVERIFY2(restore.out.contains(QLatin1String("kept as")), qPrintable(restore.out));
    QVERIFY(tableExists(db, tables.first()));
    QCOMPARE(schemaDump(db), schemaBefore);

    const Run status = strata({QStringLiteral("--demo"), QStringLiteral("status"),
                               QStringLiteral("--db"), QStringLiteral("BILLING_DB")});
    QVERIFY2(status.exitCode == 0, qPrintable(status.both()));
}

void TestCliBackup::jsonOutputs()
{
    const Run backup = strata({QStringLiteral("--demo"), QStringLiteral("backup"),
                               QStringLiteral("--db"), QStringLiteral("DB"),
                               QStringLiteral("--json")});
    QCOMPARE(backup.exitCode, 0);
    const QJsonObject taken = parseJson(backup)[QLatin1String("backups")][0].toObject();
    QCOMPARE(taken[QLatin1String("binding")].toString(), QStringLiteral("DB"));
    QCOMPARE(taken[QLatin1String("integrity")].toString(), QStringLiteral("ok"));
    QCOMPARE(taken[QLatin1String("sha256")].toString().size(), 64);
    QVERIFY(taken[QLatin1String("total_rows")].toInteger() > 0);

    const Run list = strata({QStringLiteral("--demo"), QStringLiteral("backups"),
                             QStringLiteral("--json")});
    QCOMPARE(list.exitCode, 0);
    const QJsonArray all = parseJson(list)[QLatin1String("backups")].toArray();
    QCOMPARE(all.size(), 1);
    QCOMPARE(all[0][QLatin1String("id")].toString(), taken[QLatin1String("id")].toString());

    const Run restore = strata({QStringLiteral("--demo"), QStringLiteral("restore"),
                                taken[QLatin1String("id")].toString(), QStringLiteral("--json")});
    QVERIFY2(restore.exitCode == 0, qPrintable(restore.both()));
    const QJsonDocument restored = parseJson(restore);
    QCOMPARE(restored[QLatin1String("binding")].toString(), QStringLiteral("DB"));
    QVERIFY(QFileInfo::exists(restored[QLatin1String("safety_copy")].toString()));
}

void TestCliBackup::restoreBeforeVersion()
{
    const QString root = tempProject("[backups]\ndir = \"store\"\n");
    const QString db = root + QStringLiteral("/data/app.sqlite");
    const QStringList project{QStringLiteral("--project"), root};
    QCOMPARE(strata(project + QStringList{QStringLiteral("up"), QStringLiteral("--to"),
                                          QStringLiteral("1")}).exitCode, 0);
    QVERIFY(execSql(db, QStringLiteral("INSERT INTO t1 (v) VALUES ('kept');")));
    const QStringList schemaAt1 = schemaDump(db);
    // A restore point: the state before migration 2 (the CLI's `up --backup` will do this).
    const Run b = strata(project + QStringList{QStringLiteral("backup")});
    QCOMPARE(b.exitCode, 0);
    QCOMPARE(strata(project + QStringList{QStringLiteral("up")}).exitCode, 0);
    QVERIFY(tableExists(db, QStringLiteral("t3")));
    QVERIFY(strata(project + QStringList{QStringLiteral("backup")}).exitCode == 0);

    const Run r = strata(project + QStringList{QStringLiteral("restore"), QStringLiteral("--before"),
                                               QStringLiteral("2")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.both()));
    QVERIFY2(r.out.contains(QLatin1String("without migration 2")), qPrintable(r.out));
    QCOMPARE(schemaDump(db), schemaAt1);
    QCOMPARE(queryValue(db, QStringLiteral("SELECT count(*) FROM t1")), QStringLiteral("2"));

    const Run none = strata(project + QStringList{QStringLiteral("restore"),
                                                  QStringLiteral("--before"), QStringLiteral("1")});
    QCOMPARE(none.exitCode, 1);
    QVERIFY2(none.err.contains(QLatin1String("no backup")), qPrintable(none.err));
}

void TestCliBackup::damagedBackupExitsOne()
{
    const QString root = tempProject("[backups]\ndir = \"store\"\n");
    const QStringList project{QStringLiteral("--project"), root};
    QCOMPARE(strata(project + QStringList{QStringLiteral("up")}).exitCode, 0);
    const Run b = strata(project + QStringList{QStringLiteral("backup"), QStringLiteral("--json")});
    QCOMPARE(b.exitCode, 0);
    const QString dir = parseJson(b)[QLatin1String("backups")][0][QLatin1String("dir")].toString();
    const QString payload = dir + QStringLiteral("/database.sqlite");
    QByteArray bytes = readFile(payload);
    bytes[bytes.size() - 10] = char(bytes[bytes.size() - 10] ^ 1);
    QVERIFY(writeFile(payload, bytes));
    const QString db = root + QStringLiteral("/data/app.sqlite");
    const QByteArray before = readFile(db);

    const Run r = strata(project + QStringList{QStringLiteral("restore"), dir});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(QLatin1String("SHA-256")), qPrintable(r.err));
    QVERIFY(readFile(db) == before);
}

void TestCliBackup::protectedEnvironmentNeedsConfirm()
{
    const QString root = tempProject("[backups]\ndir = \"store\"\n");
    const QStringList project{QStringLiteral("--project"), root, QStringLiteral("--env"),
                              QStringLiteral("production")};
    QVERIFY(strata(project + QStringList{QStringLiteral("up"), QStringLiteral("--confirm"),
                                         QStringLiteral("production")}).exitCode == 0);
    const Run b = strata(project + QStringList{QStringLiteral("backup"), QStringLiteral("--json")});
    QCOMPARE(b.exitCode, 0); // taking a backup changes nothing: no confirmation
    const QString id = parseJson(b)[QLatin1String("backups")][0][QLatin1String("id")].toString();

    const Run refused = strata(project + QStringList{QStringLiteral("restore"), id});
    QCOMPARE(refused.exitCode, 2);
    QVERIFY2(refused.err.contains(QLatin1String("--confirm production")), qPrintable(refused.err));
    const Run ok = strata(project + QStringList{QStringLiteral("restore"), id,
                                                QStringLiteral("--confirm"),
                                                QStringLiteral("production")});
    QVERIFY2(ok.exitCode == 0, qPrintable(ok.both()));
}

void TestCliBackup::usageErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::newRow("restore without a backup") << QStringList{QStringLiteral("restore")};
    QTest::newRow("restore with both") << QStringList{QStringLiteral("restore"), QStringLiteral("x"),
                                                       QStringLiteral("--before"), QStringLiteral("2")};
    QTest::newRow("unknown backup") << QStringList{QStringLiteral("restore"),
                                                   QStringLiteral("20990101T000000Z-000000")};
    QTest::newRow("bad --before") << QStringList{QStringLiteral("restore"), QStringLiteral("--before"),
                                                 QStringLiteral("abc")};
    QTest::newRow("backup with an argument") << QStringList{QStringLiteral("backup"), QStringLiteral("x")};
}

void TestCliBackup::usageErrors()
{
    QFETCH(QStringList, args);
    const QString root = tempProject();
    const Run r = strata(QStringList{QStringLiteral("--project"), root} + args);
    QVERIFY2(r.exitCode == 2, qPrintable(QString::number(r.exitCode) + r.both()));
}

void TestCliBackup::postgresUnreachableExitsOne()
{
    const QString root = m_tmp->filePath(QStringLiteral("pgproject"));
    QVERIFY(writeFile(root + QStringLiteral("/strata.toml"),
                      "[[database]]\nbinding = \"PG\"\ndialect = \"postgres\"\nmigrations = "
                      "\"migrations\"\n[database.env.local]\nurl = "
                      "\"postgresql://app@127.0.0.1:1/app\"\n"));
    QVERIFY(QDir().mkpath(root + QStringLiteral("/migrations")));
    const Run r = strata({QStringLiteral("--project"), root, QStringLiteral("backup")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(QLatin1String("cannot connect")), qPrintable(r.err));
    const Run restore = strata({QStringLiteral("--project"), root, QStringLiteral("restore"),
                                QStringLiteral("--before"), QStringLiteral("2")});
    QCOMPARE(restore.exitCode, 1);
    QVERIFY2(restore.err.contains(QLatin1String("no backup of PG")), qPrintable(restore.err));
}

QTEST_GUILESS_MAIN(TestCliBackup)
#include "tst_cli_backup.moc"
