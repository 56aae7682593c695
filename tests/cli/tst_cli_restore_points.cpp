// `strata up --backup` and the restore points it leaves, run as a real process: the restore
// point printed and in --json, recorded in `status --json`; `restore --before V` brings back the
// database from just before V; a protected environment gets restore points without asking;
// --backup with down is a usage error; a dry run takes none.

#include "clisandbox.h"
#include "testsupport.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace strata::test;

class TestCliRestorePoints : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup() { m_box.reset(); }

    void upWithBackupThenRestoreBefore();
    void protectedEnvironmentTakesThemUnasked();
    void dryRunAndDownRefuseOrSkip();

private:
    QString db(const QString& name) const { return m_root + QStringLiteral("/data/") + name; }
    CliRun strata(QStringList args) const
    {
        args << QStringLiteral("--project") << m_root;
        return m_box->run(args);
    }

    std::unique_ptr<CliSandbox> m_box;
    QString m_root;
};

void TestCliRestorePoints::init()
{
    m_box = std::make_unique<CliSandbox>();
    QVERIFY2(m_box->isValid(), STRATA_BINARY);
    m_root = m_box->path(QStringLiteral("project"));
    for (int n = 1; n <= 3; ++n)
        QVERIFY(writeFile(m_root + QStringLiteral("/migrations/") + tableMigrationName(n),
                          tableMigration(n)));
    QVERIFY(writeFile(m_root + QStringLiteral("/strata.toml"),
                      "[[database]]\nbinding = \"APP\"\nmigrations = \"migrations\"\n"
                      "[database.env.local]\npath = \"data/app.sqlite\"\n"
                      "[database.env.production]\npath = \"data/prod.sqlite\"\n"
                      "protected = true\n[backups]\ndir = \"backups\"\n"));
}

void TestCliRestorePoints::upWithBackupThenRestoreBefore()
{
    QCOMPARE(strata({QStringLiteral("up"), QStringLiteral("--to"), QStringLiteral("1")}).exitCode,
             0);
    QVERIFY(execSql(db(QStringLiteral("app.sqlite")),
                    QStringLiteral("INSERT INTO t1 (v) VALUES ('kept')")));
    const QStringList schemaBefore2 = schemaDump(db(QStringLiteral("app.sqlite")));

    const CliRun up = strata({QStringLiteral("up"), QStringLiteral("--backup")});
    QCOMPARE(up.exitCode, 0);
    QVERIFY2(up.out.contains(QStringLiteral("restore point ")) &&
                 up.out.contains(QStringLiteral("strata restore --before 2 --db APP --env local")),
             qPrintable(up.both()));

    const CliRun status = strata({QStringLiteral("status"), QStringLiteral("--json")});
    QCOMPARE(status.exitCode, 0);
    const QJsonArray migrations =
        status.json()[QLatin1String("databases")][0][QLatin1String("migrations")].toArray();
    QCOMPARE(migrations.size(), 3);
    QVERIFY(migrations[0][QLatin1String("applied")][QLatin1String("restore_point")].isNull());
    const QString point2 =
        migrations[1][QLatin1String("applied")][QLatin1String("restore_point")].toString();
    QVERIFY2(!point2.isEmpty(), qPrintable(status.out));

    // Break the database, then one command puts back the moment before 0002.
    QVERIFY(execSql(db(QStringLiteral("app.sqlite")), QStringLiteral("DELETE FROM t1")));
    const CliRun restore = strata({QStringLiteral("restore"), QStringLiteral("--before"),
                                   QStringLiteral("2"), QStringLiteral("--json")});
    QVERIFY2(restore.exitCode == 0, qPrintable(restore.both()));
    QCOMPARE(restore.json()[QLatin1String("restored")][QLatin1String("id")].toString(), point2);
    QCOMPARE(schemaDump(db(QStringLiteral("app.sqlite"))), schemaBefore2);
    QCOMPARE(queryColumn(db(QStringLiteral("app.sqlite")),
                         QStringLiteral("SELECT v FROM t1 ORDER BY id")),
             (QStringList{QStringLiteral("row of t1"), QStringLiteral("kept")}));
    const CliRun after = strata({QStringLiteral("status"), QStringLiteral("--json")});
    QCOMPARE(after.json()[QLatin1String("databases")][0][QLatin1String("pending")].toInt(), 2);
}

void TestCliRestorePoints::protectedEnvironmentTakesThemUnasked()
{
    const CliRun up = strata({QStringLiteral("up"), QStringLiteral("--env"),
                              QStringLiteral("production"), QStringLiteral("--confirm"),
                              QStringLiteral("production"), QStringLiteral("--json")});
    QVERIFY2(up.exitCode == 0, qPrintable(up.both()));
    const QJsonArray steps =
        up.json()[QLatin1String("results")][0][QLatin1String("steps")].toArray();
    QCOMPARE(steps.size(), 3);
    for (const QJsonValue& step : steps)
        QVERIFY2(!step[QLatin1String("restore_point")].toString().isEmpty(),
                 qPrintable(up.out));
    const CliRun list = strata({QStringLiteral("backups"), QStringLiteral("--env"),
                                QStringLiteral("production"), QStringLiteral("--json")});
    QCOMPARE(list.exitCode, 0);
    QCOMPARE(list.json()[QLatin1String("backups")].toArray().size(), 3);
}

void TestCliRestorePoints::dryRunAndDownRefuseOrSkip()
{
    const CliRun dry = strata({QStringLiteral("up"), QStringLiteral("--backup"),
                               QStringLiteral("--dry-run")});
    QCOMPARE(dry.exitCode, 0);
    QVERIFY2(dry.out.contains(QStringLiteral("dry run: no restore points were taken")),
             qPrintable(dry.both()));
    QVERIFY(!QDir(m_root + QStringLiteral("/backups")).exists() ||
            strata({QStringLiteral("backups"), QStringLiteral("--json")})
                .json()[QLatin1String("backups")]
                .toArray()
                .isEmpty());

    const CliRun down = strata({QStringLiteral("down"), QStringLiteral("--backup"),
                                QStringLiteral("--db"), QStringLiteral("APP")});
    QCOMPARE(down.exitCode, 2);
    QVERIFY2(down.err.contains(QStringLiteral("--backup is for `strata up`")),
             qPrintable(down.both()));
}

QTEST_GUILESS_MAIN(TestCliRestorePoints)
#include "tst_cli_restore_points.moc"
