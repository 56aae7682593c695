// PostgreSQL backups and restores on the real server (the `postgres` CTest fixture), each test in
// databases of its own: a round trip with data (rows, sequences, an enum, foreign keys, a
// database-level setting and comment) that puts back exactly what was dumped and keeps the
// database that was there; a session connected to the target refuses the restore before and
// nothing is created; damaged backups (a flipped byte, a truncated payload, a manifest whose
// checksum or row counts lie) are refused and the target stays as it was; --before V puts back
// the schema and rows from before V; the password reaches pg_dump / pg_restore from the
// environment variable only; a role without CREATEDB is told so; the full archive check reads
// the data blocks that the table of contents leaves out.

#include "backupmanager.h"
#include "migrator.h"
#include "pgbackuptestsupport.h"
#include "pgtestsupport.h"
#include "pgtools.h"
#include "projectfile.h"
#include "testsupport.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <pqxx/pqxx>

using namespace strata;
using namespace strata::test;

class TestPgBackup : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void roundTripWithData();
    void connectedSessionRefusesRestore();
    void damagedBackupIsRefused_data();
    void damagedBackupIsRefused();
    void beforeRestoresSchemaAndRows();
    void passwordRoleAndMissingCreatedb();
    void fullCheckReadsTheData();
};

void TestPgBackup::initTestCase()
{
    QString why;
    QVERIFY2(!pgServerConninfo(&why).isEmpty(), qPrintable(why));
}

void TestPgBackup::roundTripWithData()
{
    TargetDb db(QStringLiteral("round"));
    QVERIFY2(db.isValid(), qPrintable(db.error()));
    PgProject p(db.url());
    QVERIFY(p.isValid());
    QVERIFY(p.add(QStringLiteral("001_shop.sql"), schema1));
    QVERIFY(p.add(QStringLiteral("002_notes.sql"), schema2));
    QVERIFY(migrate(p.load()));
    QVERIFY(fill(db, 300, 10));
    QVERIFY(db.exec(QStringLiteral("ALTER DATABASE \"%1\" SET work_mem = '8MB'; COMMENT ON "
                                   "DATABASE \"%1\" IS 'the shop'")
                        .arg(db.name())));
    const QString before = db.fingerprint();
    const QString nextOrder = db.value(QStringLiteral("SELECT last_value FROM orders_id_seq"));

    auto backup = takeBackup(p.load());
    QVERIFY2(backup, qPrintable(backup ? QString() : backup.error().toString()));
    const BackupManifest& mf = backup->manifest;
    QCOMPARE(mf.dialect, QStringLiteral("postgres"));
    QCOMPARE(mf.payload, QStringLiteral("database.dump"));
    QCOMPARE(mf.schemaVersion, 2);
    QCOMPARE(mf.appliedCount, 2);
    QCOMPARE(mf.integrity, QStringLiteral("ok"));
    QCOMPARE(mf.integrityCheck, QStringLiteral("pg_restore --list"));
    QVERIFY(mf.checksPassed());
    QCOMPARE(mf.database, db.name());
    QVERIFY(!mf.serverVersion.isEmpty());
    QVERIFY2(mf.dumpProgram.contains(QLatin1String("pg_dump")), qPrintable(mf.dumpProgram));
    QVERIFY(mf.archiveEntries > 5);
    QCOMPARE(QFileInfo(backup->payloadPath()).size(), mf.payloadSize);
    // The archive is pg_dump's custom format: "PGDMP" at the start.
    QFile payload(backup->payloadPath());
    QVERIFY(payload.open(QIODevice::ReadOnly));
    QCOMPARE(payload.read(5), QByteArray("PGDMP"));
    QMap<QString, qint64> rows;
    for (const TableRows& t : mf.rows)
        rows.insert(t.table, t.rows);
    QCOMPARE(rows.value(QStringLiteral("customers")), 300);
    QCOMPARE(rows.value(QStringLiteral("orders")), 3000);
    QCOMPARE(rows.value(QStringLiteral("notes")), 0);
    QVERIFY(rows.contains(QStringLiteral("strata_migrations")) || rows.size() == 4);
    // Round trip through the file: what BackupStore reads back is what was written.
    auto reread = BackupStore::readFolder(backup->dir);
    QVERIFY2(reread, qPrintable(reread ? QString() : reread.error().toString()));
    QCOMPARE(reread->manifest.database, db.name());
    QCOMPARE(reread->manifest.archiveEntries, mf.archiveEntries);

    // Changes after the backup: rows gone and added, a table dropped, a sequence moved on.
    QVERIFY(db.exec(QStringLiteral("DELETE FROM orders WHERE id % 2 = 0; INSERT INTO notes (body) "
                                   "VALUES ('after'); DROP TABLE notes; INSERT INTO customers "
                                   "(name) VALUES ('late')")));
    QVERIFY(db.fingerprint() != before);

    auto restored = restore(p.load(), backup.value());
    QVERIFY2(restored, qPrintable(restored ? QString() : restored.error().toString()));
    QCOMPARE(db.fingerprint(), before);
    QCOMPARE(db.value(QStringLiteral("SELECT last_value FROM orders_id_seq")), nextOrder);
    QCOMPARE(db.value(QStringLiteral("SELECT count(*) FROM pg_constraint WHERE contype = 'f'")),
             QStringLiteral("1"));
    QCOMPARE(db.value(QStringLiteral("SELECT count(*) FROM pg_indexes WHERE indexname = "
                                     "'orders_customer'")),
             QStringLiteral("1"));
    // Database-level setting and comment carried over to the restored database.
    QCOMPARE(db.value(QStringLiteral("SELECT current_setting('work_mem')")), QStringLiteral("8MB"));
    QCOMPARE(db.value(QStringLiteral("SELECT shobj_description(oid, 'pg_database') FROM "
                                     "pg_database WHERE datname = current_database()")),
             QStringLiteral("the shop"));
    // The database that was there is kept aside, with the changes made after the backup.
    QVERIFY(restored->safetyCopy.startsWith(db.name() + QStringLiteral("_strata_before_restore_")));
    QCOMPARE(db.beside(), QStringList{restored->safetyCopy});
    pqxx::connection aside(serverConninfo(restored->safetyCopy).toStdString());
    pqxx::nontransaction tx(aside);
    QCOMPARE(tx.exec("SELECT count(*) FROM customers WHERE name = 'late'")[0][0].as<int>(), 1);
    QCOMPARE(tx.exec("SELECT to_regclass('notes') IS NULL")[0][0].as<bool>(), true);
}

void TestPgBackup::connectedSessionRefusesRestore()
{
    TargetDb db(QStringLiteral("busy"));
    QVERIFY2(db.isValid(), qPrintable(db.error()));
    PgProject p(db.url());
    auto backup = shopBackup(db, p, 20, 3);
    QVERIFY2(backup, qPrintable(backup ? QString() : backup.error().toString()));
    QVERIFY(db.exec(QStringLiteral("DELETE FROM orders")));
    const QString changed = db.fingerprint();

    {
        // Another session on the target, as an app would hold it.
        const QString info =
            serverConninfo(db.name()) + QStringLiteral(" application_name=the_app");
        pqxx::connection other(info.toStdString());
        BackupErrorKind kind = BackupErrorKind::Project;
        auto refused = restore(p.load(), backup.value(), &kind);
        QVERIFY(!refused);
        QCOMPARE(int(kind), int(BackupErrorKind::Busy));
        const QString message = refused.error().message;
        QVERIFY2(message.contains(QLatin1String("other session")), qPrintable(message));
        QVERIFY2(message.contains(QLatin1String("the_app")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("pid %1").arg(other.backendpid())),
                 qPrintable(message));
        QVERIFY2(message.contains(QLatin1String("does not end them")), qPrintable(message));
        QVERIFY(other.is_open()); // not killed
        pqxx::nontransaction tx(other);
        QCOMPARE(tx.exec("SELECT 1")[0][0].as<int>(), 1);
    }
    QCOMPARE(db.fingerprint(), changed);
    QCOMPARE(db.beside(), QStringList{}); // no scratch database left, nothing kept aside

    // Once the session is gone the same restore goes through.
    auto restored = restore(p.load(), backup.value());
    QVERIFY2(restored, qPrintable(restored ? QString() : restored.error().toString()));
    QCOMPARE(db.value(QStringLiteral("SELECT count(*) FROM orders")), QStringLiteral("60"));
}

void TestPgBackup::damagedBackupIsRefused_data()
{
    QTest::addColumn<QString>("damage");
    QTest::addColumn<QString>("reason");
    QTest::newRow("flipped byte") << "flip"
                                  << "does not match its SHA-256";
    QTest::newRow("truncated payload") << "truncate"
                                       << "truncated or damaged";
    QTest::newRow("manifest checksum") << "sha"
                                       << "does not match its SHA-256";
    QTest::newRow("manifest row count") << "rows"
                                        << "orders has 60 rows, expected 61";
    QTest::newRow("not an archive") << "garbage"
                                    << "archive cannot be read";
}

void TestPgBackup::damagedBackupIsRefused()
{
    QFETCH(QString, damage);
    QFETCH(QString, reason);
    TargetDb db(QStringLiteral("damaged"));
    QVERIFY2(db.isValid(), qPrintable(db.error()));
    PgProject p(db.url());
    auto backup = shopBackup(db, p, 20, 3);
    QVERIFY2(backup, qPrintable(backup ? QString() : backup.error().toString()));
    QVERIFY(db.exec(QStringLiteral("UPDATE customers SET name = name || ' (changed)'")));
    const QString changed = db.fingerprint();

    const QString payload = backup->payloadPath();
    const QString manifestPath = backup->manifestPath();
    QFile f(payload);
    QVERIFY(f.open(QIODevice::ReadWrite));
    QByteArray bytes = f.readAll();
    if (damage == QLatin1String("flip")) {
        bytes[bytes.size() / 2] = char(bytes[bytes.size() / 2] ^ 0x20);
    } else if (damage == QLatin1String("truncate")) {
        bytes.chop(100);
    } else if (damage == QLatin1String("garbage")) {
        // Same size, a checksum that matches: only the archive check can tell.
        bytes.fill('x');
    }
    QVERIFY(f.resize(0) && f.seek(0) && f.write(bytes) == bytes.size());
    f.close();
    if (damage != QLatin1String("flip") && damage != QLatin1String("truncate")) {
        QFile m(manifestPath);
        QVERIFY(m.open(QIODevice::ReadOnly));
        QJsonObject o = QJsonDocument::fromJson(m.readAll()).object();
        m.close();
        if (damage == QLatin1String("sha"))
            o.insert(QStringLiteral("sha256"), QString(64, QLatin1Char('0')));
        if (damage == QLatin1String("garbage"))
            o.insert(QStringLiteral("sha256"),
                     QString::fromLatin1(
                         QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex()));
        if (damage == QLatin1String("rows")) {
            QJsonObject tables = o.value(QStringLiteral("tables")).toObject();
            tables.insert(QStringLiteral("orders"), 61);
            o.insert(QStringLiteral("tables"), tables);
        }
        QVERIFY(writeFile(manifestPath, QJsonDocument(o).toJson()));
    }

    auto entry = BackupStore::readFolder(backup->dir);
    QVERIFY2(entry, qPrintable(entry ? QString() : entry.error().toString()));
    BackupErrorKind kind = BackupErrorKind::Project;
    auto refused = restore(p.load(), entry.value(), &kind);
    QVERIFY(!refused);
    QCOMPARE(int(kind), int(BackupErrorKind::Refused));
    QVERIFY2(refused.error().message.contains(reason), qPrintable(refused.error().toString()));
    QVERIFY2(!refused.error().message.contains(QLatin1String("could not be dropped")),
             qPrintable(refused.error().toString()));
    QCOMPARE(db.fingerprint(), changed);
    QCOMPARE(db.beside(), QStringList{});
}

void TestPgBackup::beforeRestoresSchemaAndRows()
{
    TargetDb db(QStringLiteral("before"));
    QVERIFY2(db.isValid(), qPrintable(db.error()));
    PgProject p(db.url(), {}, 1);
    QVERIFY(p.add(QStringLiteral("001_shop.sql"), schema1));
    QVERIFY(p.add(QStringLiteral("002_notes.sql"), schema2));
    QVERIFY(p.add(QStringLiteral("003_audit.sql"), schema3));
    QVERIFY(migrate(p.load(), 2));
    QVERIFY(fill(db, 50, 2));
    QVERIFY(db.exec(QStringLiteral("INSERT INTO notes (body) VALUES ('one'), ('two')")));
    const QString beforeV3 = db.fingerprint();

    // What `strata up --backup` does before migration 3: a restore point, then the migration.
    auto point = takeBackup(p.load(), 3);
    QVERIFY2(point, qPrintable(point ? QString() : point.error().toString()));
    QVERIFY(migrate(p.load()));
    QVERIFY(db.exec(QStringLiteral("INSERT INTO audit (what) VALUES ('x'); UPDATE customers SET "
                                   "email = 'a@b.c'")));
    // A newer backup (keep = 1): retention keeps 3's restore point, 3 being applied.
    auto newer = takeBackup(p.load());
    QVERIFY2(newer, qPrintable(newer ? QString() : newer.error().toString()));
    BackupManager m(p.load(), app, local);
    QCOMPARE(m.list().size(), 2);
    QCOMPARE(newer->manifest.schemaVersion, 3);

    auto chosen = m.restorePointBefore(3);
    QVERIFY2(chosen, qPrintable(chosen ? QString() : chosen.error().toString()));
    QCOMPARE(chosen->manifest.id, point->manifest.id);
    auto restored = m.restore(chosen.value());
    QVERIFY2(restored, qPrintable(restored ? QString() : restored.error().toString()));
    QCOMPARE(db.fingerprint(), beforeV3);
    QCOMPARE(db.value(QStringLiteral("SELECT to_regclass('audit') IS NULL")), QStringLiteral("t"));
    QCOMPARE(db.column(QStringLiteral("SELECT version FROM strata_migrations ORDER BY 1")),
             (QStringList{QStringLiteral("001"), QStringLiteral("002")}));
}

void TestPgBackup::passwordRoleAndMissingCreatedb()
{
    TargetDb db(QStringLiteral("role"));
    QVERIFY2(db.isValid(), qPrintable(db.error()));
    const QString role = QStringLiteral("pgb_owner_%1").arg(QCoreApplication::applicationPid());
    const QString password =
        QString::number(QRandomGenerator::global()->generate64(), 36) + QStringLiteral("Zz9");
    adminExec(QStringLiteral("DROP ROLE IF EXISTS %1").arg(role));
    adminExec(QStringLiteral("CREATE ROLE %1 LOGIN PASSWORD '%2'; ALTER DATABASE \"%3\" OWNER "
                             "TO %1")
                  .arg(role, password, db.name()));
    QVERIFY(db.exec(QStringLiteral("ALTER SCHEMA public OWNER TO %1").arg(role)));
    const QByteArray var = "STRATA_TEST_PGB_PASSWORD";
    qputenv(var.constData(), password.toUtf8());
    qunsetenv("PGPASSWORD");
    PgProject p(db.url(role), QString::fromLatin1(var));
    QVERIFY(p.add(QStringLiteral("001_shop.sql"), schema1));
    QVERIFY(migrate(p.load()));
    QVERIFY(fill(db, 10, 1));

    // pg_dump and pg_restore get the password from their environment (the role must give it).
    auto backup = takeBackup(p.load());
    QVERIFY2(backup, qPrintable(backup ? QString() : backup.error().toString()));
    QFile manifest(backup->manifestPath());
    QVERIFY(manifest.open(QIODevice::ReadOnly));
    QVERIFY(!manifest.readAll().contains(password.toUtf8()));

    // Without CREATEDB the restore is refused by name, before anything is created.
    BackupErrorKind kind = BackupErrorKind::Project;
    auto refused = restore(p.load(), backup.value(), &kind);
    QVERIFY(!refused);
    QCOMPARE(int(kind), int(BackupErrorKind::Refused));
    QVERIFY2(refused.error().message.contains(QLatin1String("CREATEDB")),
             qPrintable(refused.error().message));
    QVERIFY(!refused.error().message.contains(password));
    QCOMPARE(db.beside(), QStringList{});

    adminExec(QStringLiteral("ALTER ROLE %1 CREATEDB").arg(role));
    QVERIFY(db.exec(QStringLiteral("DELETE FROM orders")));
    auto restored = restore(p.load(), backup.value());
    QVERIFY2(restored, qPrintable(restored ? QString() : restored.error().toString()));
    QCOMPARE(db.value(QStringLiteral("SELECT count(*) FROM orders")), QStringLiteral("10"));
    QCOMPARE(db.value(QStringLiteral("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE "
                                     "datname = current_database()")),
             role);
    qunsetenv(var.constData());
    // The role goes with the test: its databases first.
    for (const QString& other : db.beside())
        adminExec(QStringLiteral("DROP DATABASE \"%1\" WITH (FORCE)").arg(other));
    adminExec(QStringLiteral("ALTER DATABASE \"%1\" OWNER TO strata").arg(db.name()));
    QVERIFY(db.exec(QStringLiteral("REASSIGN OWNED BY %1 TO strata; DROP OWNED BY %1").arg(role)));
    adminExec(QStringLiteral("DROP ROLE %1").arg(role));
}

void TestPgBackup::fullCheckReadsTheData()
{
    TargetDb db(QStringLiteral("full"));
    QVERIFY2(db.isValid(), qPrintable(db.error()));
    PgProject p(db.url());
    QVERIFY(p.add(QStringLiteral("001_shop.sql"), schema1));
    QVERIFY(migrate(p.load()));
    QVERIFY(fill(db, 2000, 20));
    BackupManager m(p.load(), app, local);
    BackupOptions options;
    options.integrity = IntegrityLevel::Full;
    auto outcome = m.backup(options);
    QVERIFY2(outcome, qPrintable(outcome ? QString() : outcome.error().toString()));
    const BackupEntry& entry = outcome->entry;
    QCOMPARE(entry.manifest.integrityCheck, QStringLiteral("pg_restore --file=/dev/null"));
    QCOMPARE(entry.manifest.integrity, QStringLiteral("ok"));
    QVERIFY(PgRestore::verify(entry, m.environment()));

    // A byte changed inside the compressed rows: the table of contents still reads, the data
    // does not. (The SHA-256 catches it first in a restore; this is the check on its own.)
    QFile f(entry.payloadPath());
    QVERIFY(f.open(QIODevice::ReadWrite));
    QByteArray bytes = f.readAll();
    const qsizetype at = bytes.size() * 3 / 4;
    bytes[at] = char(bytes[at] ^ 0xff);
    QVERIFY(f.seek(0) && f.write(bytes) == bytes.size());
    f.close();
    pqxx::connection c(serverConninfo(db.name()).toStdString());
    auto tools = PgTools::locate(c.server_version());
    QVERIFY2(tools, qPrintable(tools ? QString() : tools.error().message));
    QCOMPARE(checkPgArchive(tools->pgRestore(), entry.payloadPath(), IntegrityLevel::Quick,
                            m.environment(), entry.manifest.rows),
             QStringLiteral("ok"));
    const QString full = checkPgArchive(tools->pgRestore(), entry.payloadPath(),
                                        IntegrityLevel::Full, m.environment(), entry.manifest.rows);
    QVERIFY2(full != QLatin1String("ok") && full.contains(QLatin1String("pg_restore")),
             qPrintable(full));
    const Status verified = PgRestore::verify(entry, m.environment());
    QVERIFY(!verified);
    QVERIFY2(verified.error().message.contains(QLatin1String("SHA-256")),
             qPrintable(verified.error().message));
}

QTEST_GUILESS_MAIN(TestPgBackup)
#include "tst_pg_backup.moc"
