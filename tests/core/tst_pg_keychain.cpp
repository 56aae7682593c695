// A password from the OS keychain, for real: the test starts a private D-Bus session bus and an
// unlocked gnome-keyring in temporary folders (nothing of the user's is touched), stores a role's
// password there with Qt6Keychain, and applies to the test server with `password_keychain`.

#include "migrator.h"
#include "pgconnection.h"
#include "pgtestsupport.h"
#include "projectfile.h"
#include "testsupport.h"

#include <QEventLoop>
#include <QProcess>
#include <QTest>

#include <qt6keychain/keychain.h>

using namespace strata;
using namespace strata::test;

class TestPgKeychain : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void passwordFromKeychain();

private:
    QTemporaryDir m_home;
    QProcess m_bus;
};

void TestPgKeychain::initTestCase()
{
    QVERIFY(m_home.isValid());
    qputenv("HOME", m_home.path().toUtf8());
    qputenv("XDG_DATA_HOME", (m_home.path() + QStringLiteral("/data")).toUtf8());
    qputenv("XDG_RUNTIME_DIR", m_home.path().toUtf8());
    m_bus.start(QStringLiteral("dbus-daemon"),
                {QStringLiteral("--session"), QStringLiteral("--nofork"),
                 QStringLiteral("--print-address=1")});
    QVERIFY2(m_bus.waitForStarted(), "dbus-daemon (package dbus) is needed");
    QVERIFY(m_bus.waitForReadyRead(10000));
    const QByteArray address = m_bus.readLine().trimmed();
    QVERIFY(!address.isEmpty());
    qputenv("DBUS_SESSION_BUS_ADDRESS", address);

    QProcess keyring;
    keyring.start(QStringLiteral("gnome-keyring-daemon"),
                  {QStringLiteral("--unlock"), QStringLiteral("--components=secrets")});
    QVERIFY2(keyring.waitForStarted(), "gnome-keyring-daemon (package gnome-keyring) is needed");
    keyring.write("test-keyring-password");
    keyring.closeWriteChannel();
    QVERIFY(keyring.waitForFinished(20000));
    QCOMPARE(keyring.exitCode(), 0);
}

void TestPgKeychain::cleanupTestCase()
{
    // The bus is ours; the keyring daemon leaves with it.
    m_bus.terminate();
    m_bus.waitForFinished(5000);
}

void TestPgKeychain::passwordFromKeychain()
{
    PgScratchDatabase db(QStringLiteral("keychain"));
    QVERIFY2(db.isValid(), qPrintable(db.error()));
    QString password;
    const QString role = db.createPasswordRole(QStringLiteral("strata_kc"), &password);
    QVERIFY(!role.isEmpty());

    const QString key = QStringLiteral("pg-") + db.name();
    QKeychain::WritePasswordJob write(QStringLiteral("strata"));
    write.setAutoDelete(false);
    write.setKey(key);
    write.setTextData(password);
    QEventLoop loop;
    connect(&write, &QKeychain::Job::finished, &loop, &QEventLoop::quit);
    write.start();
    loop.exec();
    QVERIFY2(write.error() == QKeychain::NoError, qPrintable(write.errorString()));

    QTemporaryDir dir;
    const QString url =
        QStringLiteral("postgresql://%1@%2:%3/%4").arg(role, pgHost()).arg(pgPort()).arg(db.name());
    auto writeProject = [&](const QString& entry) {
        return writeFile(
            dir.filePath(QStringLiteral("strata.toml")),
            "[project]\nname = \"kc\"\n[[database]]\nbinding = \"APP\"\ndialect = "
            "\"postgres\"\nmigrations = \"migrations\"\n[database.env.local]\nurl = \"" +
                url.toUtf8() + "\"\npassword_keychain = \"" + entry.toUtf8() + "\"\n");
    };
    QVERIFY(writeFile(dir.filePath(QStringLiteral("migrations/0001_a.sql")),
                      "CREATE TABLE from_keychain (id int);\n"));

    QVERIFY(writeProject(QStringLiteral("strata/") + key));
    auto project = loadStrataToml(dir.filePath(QStringLiteral("strata.toml")));
    QVERIFY(project.ok());
    Migrator m(project.value(), QStringLiteral("APP"), QStringLiteral("local"));
    auto report = m.up(RunOptions{});
    QVERIFY2(report.ok() && !report->failure,
             qPrintable(report.ok() ? QString() : report.error().toString()));
    QCOMPARE(db.value(QStringLiteral("SELECT tableowner FROM pg_tables WHERE tablename = "
                                     "'from_keychain'")),
             role);
    QCOMPARE(maskConnectionText(QStringLiteral("x ") + password), QStringLiteral("x ***"));

    // An entry that is not there: a clear error naming it.
    QVERIFY(writeProject(QStringLiteral("no-such-entry")));
    project = loadStrataToml(dir.filePath(QStringLiteral("strata.toml")));
    QVERIFY(project.ok());
    Migrator missing(project.value(), QStringLiteral("APP"), QStringLiteral("local"));
    auto st = missing.status();
    QVERIFY(!st.ok());
    QVERIFY2(st.error().message.contains(QLatin1String("keychain entry 'no-such-entry'")),
             qPrintable(st.error().message));
}

QTEST_GUILESS_MAIN(TestPgKeychain)
#include "tst_pg_keychain.moc"
