// `strata backup`, `strata backups` and `strata restore` on a PostgreSQL environment, run as the
// real binary against the test server, with a role that must give its password (from
// password_env): back up, --json, the backup listed, a session connected to the target makes
// the restore exit 3 and changes nothing, restore by id and --before V, the protected
// environment's confirmation. The password never appears in the output.

#include "clisandbox.h"
#include "pgtestsupport.h"
#include "testsupport.h"

#include <QCoreApplication>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTest>

#include <pqxx/pqxx>

using namespace strata::test;

namespace {


QString serverConninfo(const QString& db)
{
    QString info = pgServerConninfo();
    info.replace(QRegularExpression(QStringLiteral("dbname=\\S+")), QStringLiteral("dbname=") + db);
    return info;
}

void adminExec(const QString& sql, const QString& db = QStringLiteral("postgres"))
{
    pqxx::connection c(serverConninfo(db).toStdString());
    pqxx::nontransaction tx(c);
    tx.exec(sql.toStdString());
}

QString adminValue(const QString& sql, const QString& db)
{
    pqxx::connection c(serverConninfo(db).toStdString());
    pqxx::nontransaction tx(c);
    const pqxx::result r = tx.exec(sql.toStdString());
    return r.empty() || r[0][0].is_null() ? QString() : QString::fromUtf8(r[0][0].c_str());
}

} // namespace

class TestCliPgBackup : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void backupListRestore();

private:
    CliRun strata(const QStringList& args);

    CliSandbox m_box;
    QString m_db;
    QString m_role;
    QString m_password;
};

void TestCliPgBackup::initTestCase()
{
    QString why;
    QVERIFY2(!pgServerConninfo(&why).isEmpty(), qPrintable(why));
    QVERIFY2(QFileInfo(QStringLiteral(STRATA_BINARY)).isExecutable(), STRATA_BINARY);
    const qint64 pid = QCoreApplication::applicationPid();
    m_db = QStringLiteral("clipgb_%1").arg(pid);
    m_role = QStringLiteral("clipgb_owner_%1").arg(pid);
    m_password =
        QString::number(QRandomGenerator::global()->generate64(), 36) + QStringLiteral("Q7");
    adminExec(
        QStringLiteral("CREATE ROLE %1 LOGIN CREATEDB PASSWORD '%2'").arg(m_role, m_password));
    adminExec(QStringLiteral("CREATE DATABASE %1 OWNER %2").arg(m_db, m_role));
    adminExec(QStringLiteral("ALTER SCHEMA public OWNER TO %1").arg(m_role), m_db);
    QVERIFY(QDir().mkpath(m_box.path(QStringLiteral("project/migrations"))));
    m_box.setEnv(QStringLiteral("CLIPGB_PASSWORD"), m_password);
    m_box.setEnv(QStringLiteral("PGPASSWORD"), QString());
    const auto field = [&](const QString& key) {
        return QRegularExpression(key + QStringLiteral("=(\\S+)"))
            .match(pgServerConninfo())
            .captured(1);
    };
    const QString url =
        QStringLiteral("postgresql://%1@%2:%3/%4")
            .arg(m_role, field(QStringLiteral("host")), field(QStringLiteral("port")), m_db);
    QByteArray toml = "[backups]\ndir = \"backups\"\n\n[[database]]\nbinding = \"PG\"\ndialect = "
                      "\"postgres\"\nmigrations = \"migrations\"\n";
    for (const char* env : {"local", "production"})
        toml += "\n[database.env." + QByteArray(env) + "]\nurl = \"" + url.toUtf8() +
                "\"\npassword_env = \"CLIPGB_PASSWORD\"\n" +
                (qstrcmp(env, "production") == 0 ? "protected = true\n" : "");
    QVERIFY(writeFile(m_box.path(QStringLiteral("project/strata.toml")), toml));
    QVERIFY(writeFile(m_box.path(QStringLiteral("project/migrations/001_items.sql")),
                      "CREATE TABLE items (id serial PRIMARY KEY, name text);\n"
                      "INSERT INTO items (name) SELECT 'item ' || g FROM generate_series(1, "
                      "500) g;\n"));
    QVERIFY(
        writeFile(m_box.path(QStringLiteral("project/migrations/002_tags.sql")),
                  "CREATE TABLE tags (id serial PRIMARY KEY, item_id int REFERENCES items);\n"));
}

void TestCliPgBackup::cleanupTestCase()
{
    if (m_db.isEmpty())
        return;
    try {
        pqxx::connection c(serverConninfo(QStringLiteral("postgres")).toStdString());
        pqxx::nontransaction tx(c);
        for (const auto& row : tx.exec("SELECT datname FROM pg_database WHERE datname LIKE '" +
                                       m_db.toStdString() + "%'"))
            tx.exec("DROP DATABASE \"" + std::string(row[0].c_str()) + "\" WITH (FORCE)");
        tx.exec("DROP ROLE IF EXISTS " + m_role.toStdString());
    } catch (const std::exception& e) {
        qWarning("cleanup: %s", e.what());
    }
}

CliRun TestCliPgBackup::strata(const QStringList& args)
{
    const CliRun run = m_box.run(
        QStringList{QStringLiteral("--project"), m_box.path(QStringLiteral("project"))} + args,
        300000);
    if (run.both().contains(m_password))
        QTest::qFail("the password appeared in strata's output", __FILE__, __LINE__);
    return run;
}

void TestCliPgBackup::backupListRestore()
{
    CliRun up = strata({QStringLiteral("up"), QStringLiteral("--to"), QStringLiteral("1")});
    QVERIFY2(up.exitCode == 0, qPrintable(up.both()));

    // A backup, as JSON: a PostgreSQL manifest with the rows of the snapshot.
    CliRun backup = strata({QStringLiteral("backup"), QStringLiteral("--json")});
    QVERIFY2(backup.exitCode == 0, qPrintable(backup.both()));
    const QJsonObject b = QJsonDocument::fromJson(backup.out.toUtf8())
                              .object()[QLatin1String("backups")][0]
                              .toObject();
    QCOMPARE(b[QLatin1String("dialect")].toString(), QStringLiteral("postgres"));
    QCOMPARE(b[QLatin1String("tables")][QLatin1String("items")].toInt(), 500);
    QCOMPARE(b[QLatin1String("integrity")].toString(), QStringLiteral("ok"));
    QCOMPARE(b[QLatin1String("schema_version")].toString(), QStringLiteral("1"));
    const QString id = b[QLatin1String("id")].toString();
    QVERIFY(!id.isEmpty());

    // Human output, and the listing.
    CliRun second = strata({QStringLiteral("backup")});
    QVERIFY2(second.exitCode == 0, qPrintable(second.both()));
    QVERIFY2(second.out.contains(QLatin1String("pg_restore --list ok")), qPrintable(second.out));
    CliRun list = strata({QStringLiteral("backups"), QStringLiteral("--json")});
    QVERIFY2(list.exitCode == 0, qPrintable(list.both()));
    QCOMPARE(QJsonDocument::fromJson(list.out.toUtf8())
                 .object()[QLatin1String("backups")]
                 .toArray()
                 .size(),
             2);

    // Migration 2 and changed rows; then a session on the target: the restore exits 3.
    up = strata({QStringLiteral("up")});
    QVERIFY2(up.exitCode == 0, qPrintable(up.both()));
    adminExec(QStringLiteral("DELETE FROM items WHERE id > 100"), m_db);
    {
        pqxx::connection other(serverConninfo(m_db).toStdString());
        CliRun busy = strata({QStringLiteral("restore"), id});
        QVERIFY2(busy.exitCode == 3, qPrintable(QString::number(busy.exitCode) + busy.both()));
        QVERIFY2(busy.err.contains(QLatin1String("other session")), qPrintable(busy.err));
        QCOMPARE(adminValue(QStringLiteral("SELECT count(*) FROM items"), m_db),
                 QStringLiteral("100"));
    }

    // The protected environment asks for its name.
    CliRun unconfirmed = strata(
        {QStringLiteral("restore"), id, QStringLiteral("--env"), QStringLiteral("production")});
    QVERIFY2(unconfirmed.exitCode == 2, qPrintable(unconfirmed.both()));
    QCOMPARE(adminValue(QStringLiteral("SELECT count(*) FROM items"), m_db), QStringLiteral("100"));

    // --before 2: the backups were taken at schema 1, so they qualify; rows and schema back.
    CliRun restore =
        strata({QStringLiteral("restore"), QStringLiteral("--before"), QStringLiteral("2")});
    QVERIFY2(restore.exitCode == 0, qPrintable(restore.both()));
    QVERIFY2(restore.out.contains(QLatin1String("kept as database")), qPrintable(restore.out));
    QCOMPARE(adminValue(QStringLiteral("SELECT count(*) FROM items"), m_db), QStringLiteral("500"));
    QCOMPARE(adminValue(QStringLiteral("SELECT to_regclass('tags') IS NULL"), m_db),
             QStringLiteral("t"));

    // By id into production (the same database here), confirmed, as JSON.
    CliRun confirmed = strata({QStringLiteral("restore"), id, QStringLiteral("--env"),
                            QStringLiteral("production"), QStringLiteral("--confirm"),
                            QStringLiteral("production"), QStringLiteral("--json")});
    QVERIFY2(confirmed.exitCode == 0, qPrintable(confirmed.both()));
    const QJsonObject r = QJsonDocument::fromJson(confirmed.out.toUtf8()).object();
    QVERIFY2(r[QLatin1String("safety_copy")].toString().startsWith(
                 m_db + QStringLiteral("_strata_before_restore_")),
             qPrintable(confirmed.out));
}

QTEST_GUILESS_MAIN(TestCliPgBackup)
#include "tst_cli_pg_backup.moc"
