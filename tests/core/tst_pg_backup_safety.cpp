// What keeps PostgreSQL backups safe, on the real server: the store private to its user (folders
// 0700, manifest and dump 0600, whatever the umask); the target's locale read by the catalog
// columns of its server's version; the client key's passphrase never on a command line; the
// password on no program's argv, only in its environment (wrappers around pg_dump / pg_restore
// log what they get); a backup that fails says why (a table the role cannot read), not "could
// not import the snapshot"; a backup taken under a steady writer is one moment's; a session that
// connects between the last check and the rename leaves the target untouched and no scratch
// database; --before V takes the backup the history records next to V, and never one whose
// schema version is unknown.

#include "pgbackuptestsupport.h"
#include "pgdatabaseshape.h"
#include "pgsession.h"
#include "pgtools.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>
#include <QThread>

#include <atomic>
#include <thread>

#include <sys/stat.h>

using namespace strata;
using namespace strata::test;

namespace {

int modeOf(const QString& path)
{
    struct stat st;
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? int(st.st_mode & 07777) : -1;
}

// A login role with a password (roles are server-wide: named after the process), owning `db`.
struct PasswordRole
{
    QString name;
    QString password;
    QByteArray var; // the environment variable password_env names

    PasswordRole(TargetDb& db, const QString& tag, const QString& rights)
    {
        name = QStringLiteral("pgbs_%1_%2").arg(tag).arg(QCoreApplication::applicationPid());
        password =
            QString::number(QRandomGenerator::global()->generate64(), 36) + QStringLiteral("Zq8");
        var = "STRATA_TEST_PGBS_" + tag.toUpper().toLatin1();
        adminExec(QStringLiteral("DROP ROLE IF EXISTS %1").arg(name));
        adminExec(
            QStringLiteral("CREATE ROLE %1 LOGIN %2 PASSWORD '%3'").arg(name, rights, password));
        qputenv(var.constData(), password.toUtf8());
        Q_UNUSED(db);
    }
    ~PasswordRole() { qunsetenv(var.constData()); }
    // Drops the role after its objects (call before the databases go).
    void drop(TargetDb& db)
    {
        try {
            for (const QString& other : db.beside())
                adminExec(QStringLiteral("DROP DATABASE \"%1\" WITH (FORCE)").arg(other));
            adminExec(QStringLiteral("ALTER DATABASE \"%1\" OWNER TO strata").arg(db.name()));
            db.exec(QStringLiteral("REASSIGN OWNED BY %1 TO strata; DROP OWNED BY %1").arg(name));
            adminExec(QStringLiteral("DROP ROLE %1").arg(name));
        } catch (const std::exception& e) {
            qWarning("cannot drop role %s: %s", qPrintable(name), e.what());
        }
    }
};

QString manifestText(const BackupEntry& e)
{
    QFile f(e.manifestPath());
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

} // namespace

class TestPgBackupSafety : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void storeIsPrivate();
    void databaseShapePerServerVersion();
    void sslPasswordNeverInToolConninfo();
    void passwordOnlyInTheEnvironment();
    void unreadableTableIsTheReportedCause();
    void backupUnderWritesIsOneMoment();
    void sessionBeforeRenameLeavesTargetUntouched();
    void interruptedRestoreLeftoversAreDropped();
    void secondRestoreOfOneDatabaseIsBusy();
    void beforePrefersTheHistorysBackupId();
    void beforeSkipsUnknownSchemaVersions();
};

void TestPgBackupSafety::initTestCase()
{
    QString why;
    QVERIFY2(!pgServerConninfo(&why).isEmpty(), qPrintable(why));
}

void TestPgBackupSafety::storeIsPrivate()
{
    TargetDb db(QStringLiteral("modes"));
    QVERIFY2(db.isValid(), qPrintable(db.error()));
    PgProject p(db.url());
    QVERIFY(p.add(QStringLiteral("001_shop.sql"), schema1));
    QVERIFY(migrate(p.load()));
    QVERIFY(fill(db, 5, 2));
    const mode_t old = ::umask(022); // the usual umask: files 0644, folders 0755 by default
    auto backup = takeBackup(p.load());
    ::umask(old);
    QVERIFY2(backup, qPrintable(backup ? QString() : backup.error().toString()));
    const QString root = p.root() + QStringLiteral("/backups");
    // Every level Strata created: the store, the binding, the environment, the backup.
    for (const QString& dir : QStringList{root, root + QStringLiteral("/APP"),
                                          root + QStringLiteral("/APP/local"), backup->dir})
        QCOMPARE(QString::number(modeOf(dir), 8), QStringLiteral("700"));
    QCOMPARE(QString::number(modeOf(backup->manifestPath()), 8), QStringLiteral("600"));
    QCOMPARE(QString::number(modeOf(backup->payloadPath()), 8), QStringLiteral("600"));
    QCOMPARE(QDir(backup->dir).entryList(QDir::Files).size(), 2); // no temporary file left
}

void TestPgBackupSafety::databaseShapePerServerVersion()
{
    // The catalog columns each version has: daticulocale (15, 16), datlocale (17+),
    // daticurules (16+), none of them before 15.
    const QByteArray v14 = pgDatabaseShapeQuery(140000);
    const QByteArray v15 = pgDatabaseShapeQuery(150018);
    const QByteArray v16 = pgDatabaseShapeQuery(160004);
    const QByteArray v17 = pgDatabaseShapeQuery(170002);
    QVERIFY(!v14.contains("datlocprovider") && !v14.contains("locale,"));
    QVERIFY(v15.contains("d.datlocprovider::text, d.daticulocale, NULL"));
    QVERIFY(v16.contains("d.datlocprovider::text, d.daticulocale, d.daticurules"));
    QVERIFY(v17.contains("d.datlocprovider::text, d.datlocale, d.daticurules"));
    QVERIFY(!v17.contains("daticulocale"));

    TargetDb db(QStringLiteral("shape"));
    QVERIFY2(db.isValid(), qPrintable(db.error()));
    auto session =
        PgSession::open(PgProject(db.url()).load().databases.first().environments.first(), 10000);
    QVERIFY2(session, qPrintable(session ? QString() : session.error().toString()));
    PgSession& s = *session.value();
    // This server's own query runs and reads the database as it is.
    auto shape = readPgDatabaseShape(s, db.name());
    QVERIFY2(shape, qPrintable(shape ? QString() : shape.error().toString()));
    QVERIFY(shape->exists);
    QCOMPARE(shape->owner, QStringLiteral("strata"));
    QVERIFY(!shape->encoding.isEmpty() && !shape->collate.isEmpty());
    QVERIFY(shape->provider == QLatin1String("c") || shape->provider == QLatin1String("i"));

    PgDatabaseShape icu = shape.value();
    icu.tablespace = QStringLiteral("pg_default");
    icu.provider = QStringLiteral("i");
    icu.locale = QStringLiteral("de-DE");
    icu.icuRules = QStringLiteral("&a < g");
    const QByteArray icu15 = pgCreateDatabaseSql(s, QStringLiteral("x"), icu, 150018);
    const QByteArray icu16 = pgCreateDatabaseSql(s, QStringLiteral("x"), icu, 160004);
    QVERIFY2(icu15.endsWith(" LOCALE_PROVIDER icu ICU_LOCALE 'de-DE'"), icu15.constData());
    QVERIFY2(icu16.endsWith(" LOCALE_PROVIDER icu ICU_LOCALE 'de-DE' ICU_RULES '&a < g'"),
             icu16.constData());
    PgDatabaseShape builtin = icu;
    builtin.provider = QStringLiteral("b");
    builtin.locale = QStringLiteral("C.UTF-8");
    builtin.icuRules.clear();
    const QByteArray b17 = pgCreateDatabaseSql(s, QStringLiteral("x"), builtin, 170002);
    QVERIFY2(b17.endsWith(" LOCALE_PROVIDER builtin BUILTIN_LOCALE 'C.UTF-8'"), b17.constData());
    QVERIFY2(b17.startsWith("CREATE DATABASE \"x\" TEMPLATE template0 OWNER \"strata\""),
             b17.constData());
}

void TestPgBackupSafety::sslPasswordNeverInToolConninfo()
{
    // The project file refuses it (tst_projectfile); an environment made some other way still
    // never hands it to a command line, nor prints it.
    Environment env;
    env.kind = Environment::Kind::Postgres;
    env.url = QStringLiteral("postgresql://app@db.example.com:5432/app?sslmode=require&"
                             "sslpassword=Vb6tYu1Io&application_name=x");
    auto conninfo = pgToolConninfo(env);
    QVERIFY2(conninfo, qPrintable(conninfo ? QString() : conninfo.error().toString()));
    QVERIFY2(!conninfo->contains(QLatin1String("Vb6tYu1Io")), qPrintable(conninfo.value()));
    QVERIFY2(!conninfo->contains(QLatin1String("sslpassword")), qPrintable(conninfo.value()));
    QVERIFY2(conninfo->contains(QLatin1String("sslmode='require'")), qPrintable(conninfo.value()));
    QVERIFY(!env.displayLocation().contains(QLatin1String("Vb6tYu1Io")));
}

void TestPgBackupSafety::passwordOnlyInTheEnvironment()
{
    TargetDb db(QStringLiteral("argv"));
    QVERIFY2(db.isValid(), qPrintable(db.error()));
    PasswordRole role(db, QStringLiteral("argv"), QStringLiteral("CREATEDB"));
    adminExec(QStringLiteral("ALTER DATABASE \"%1\" OWNER TO %2").arg(db.name(), role.name));
    QVERIFY(db.exec(QStringLiteral("ALTER SCHEMA public OWNER TO %1").arg(role.name)));
    qunsetenv("PGPASSWORD");
    PgProject p(db.url(role.name), QString::fromLatin1(role.var));
    QVERIFY(p.add(QStringLiteral("001_shop.sql"), schema1));
    QVERIFY(migrate(p.load()));
    QVERIFY(fill(db, 10, 2));

    // Wrappers that log their arguments and whether PGPASSWORD is set, then run the real tool.
    int serverVersion = 0;
    {
        pqxx::connection c(serverConninfo(db.name()).toStdString());
        serverVersion = c.server_version();
    }
    auto real = PgTools::locate(serverVersion);
    QVERIFY2(real, qPrintable(real ? QString() : real.error().message));
    QTemporaryDir bin;
    QVERIFY(bin.isValid());
    const QString log = bin.filePath(QStringLiteral("argv.log"));
    for (const QString& tool : {QStringLiteral("pg_dump"), QStringLiteral("pg_restore")}) {
        QString script = QStringLiteral(
            "#!/bin/sh\n{ printf '%s' 'TOOL'; for a in \"$@\"; do printf ' <%s>' \"$a\"; done; "
            "if [ -n \"${PGPASSWORD+x}\" ]; then printf ' PGPASSWORD=%s\\n' \"$PGPASSWORD\"; "
            "else printf ' PGPASSWORD-unset\\n'; fi; } >> 'LOG'\nexec 'REAL/TOOL' \"$@\"\n");
        script.replace(QStringLiteral("TOOL"), tool)
            .replace(QStringLiteral("LOG"), log)
            .replace(QStringLiteral("REAL"), real->binDir());
        const QString path = bin.filePath(tool);
        QVERIFY(writeFile(path, script.toUtf8()));
        QVERIFY(
            QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    }
    qputenv("STRATA_PG_BINDIR", QFile::encodeName(bin.path()));
    auto backup = takeBackup(p.load());
    QVERIFY(db.exec(QStringLiteral("DELETE FROM orders")));
    auto restored = backup ? restore(p.load(), backup.value()) : Result<RestoreOutcome>(Error{});
    qunsetenv("STRATA_PG_BINDIR");
    QVERIFY2(backup, qPrintable(backup ? QString() : backup.error().toString()));
    QVERIFY2(restored, qPrintable(restored ? QString() : restored.error().toString()));
    QCOMPARE(db.value(QStringLiteral("SELECT count(*) FROM orders")), QStringLiteral("20"));

    const QStringList lines =
        QString::fromUtf8(readFile(log)).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    int dumps = 0, restores = 0;
    for (const QString& line : lines) {
        const qsizetype env = line.lastIndexOf(QLatin1String(" PGPASSWORD"));
        QVERIFY2(env > 0, qPrintable(line));
        const QString argv = line.left(env);
        // Never on the command line; always (this exact value) in the environment.
        QVERIFY2(!argv.contains(role.password), qPrintable(argv));
        QVERIFY2(!argv.contains(QLatin1String("password="), Qt::CaseInsensitive), qPrintable(argv));
        if (argv.startsWith(QLatin1String("pg_dump")) && argv.contains(QLatin1String("--dbname")))
            ++dumps;
        if (argv.startsWith(QLatin1String("pg_restore")) &&
            argv.contains(QLatin1String("--dbname")))
            ++restores;
        if (argv.contains(QLatin1String("--version")))
            continue; // locating the tools: no connection, no password needed
        QVERIFY2(line.mid(env) == QStringLiteral(" PGPASSWORD=") + role.password,
                 qPrintable(argv + line.mid(env)));
    }
    QCOMPARE(dumps, 1);
    QCOMPARE(restores, 1);
    QVERIFY(lines.size() >= 4); // and the --list checks of the backup and of the restore
    role.drop(db);
}

void TestPgBackupSafety::unreadableTableIsTheReportedCause()
{
    TargetDb db(QStringLiteral("denied"));
    QVERIFY2(db.isValid(), qPrintable(db.error()));
    PgProject owner(db.url());
    QVERIFY(owner.add(QStringLiteral("001_shop.sql"), schema1));
    QVERIFY(migrate(owner.load()));
    QVERIFY(fill(db, 5, 2));
    // A role that may read everything but orders.
    PasswordRole role(db, QStringLiteral("denied"), QString());
    QVERIFY(db.exec(QStringLiteral("GRANT SELECT ON customers, strata_migrations TO %1; GRANT "
                                   "SELECT ON ALL SEQUENCES IN SCHEMA public TO %1")
                        .arg(role.name)));
    PgProject p(db.url(role.name), QString::fromLatin1(role.var));
    auto backup = takeBackup(p.load());
    QVERIFY(!backup);
    const QString message = backup.error().message;
    QVERIFY2(message.contains(QLatin1String("permission denied for table orders")),
             qPrintable(backup.error().toString()));
    QVERIFY2(!message.contains(QLatin1String("could not import")), qPrintable(message));
    QVERIFY2(!message.contains(role.password), qPrintable(message));
    // Nothing left of it in the store.
    BackupManager m(p.load(), app, local);
    QCOMPARE(m.list().size(), 0);
    QVERIFY(QDir(m.store().folderOf(app, local))
                .entryList(QDir::AllEntries | QDir::NoDotAndDotDot)
                .isEmpty());
    role.drop(db);
}

void TestPgBackupSafety::backupUnderWritesIsOneMoment()
{
    TargetDb db(QStringLiteral("writer"));
    QVERIFY2(db.isValid(), qPrintable(db.error()));
    PgProject p(db.url());
    QVERIFY(p.add(QStringLiteral("001_shop.sql"), schema1));
    QVERIFY(migrate(p.load()));
    QVERIFY(fill(db, 200, 3));

    // A writer that keeps committing one customer and three orders per transaction: in any one
    // moment, orders = 3 × customers.
    std::atomic<bool> stop{false};
    std::atomic<int> commits{0};
    std::string writerError;
    std::thread writer([&] {
        try {
            pqxx::connection c(serverConninfo(db.name()).toStdString());
            while (!stop) {
                pqxx::work tx(c);
                const int id = tx.exec("INSERT INTO customers (name) VALUES ('w' || "
                                       "gen_random_uuid()) RETURNING id")[0][0]
                                   .as<int>();
                tx.exec("INSERT INTO orders (customer_id, amount) SELECT " + std::to_string(id) +
                        ", g FROM generate_series(1, 3) g");
                tx.commit();
                ++commits;
            }
        } catch (const std::exception& e) {
            writerError = e.what();
        }
    });
    while (commits < 20 && writerError.empty())
        QThread::msleep(5);
    const int before = commits;
    auto backup = takeBackup(p.load());
    const int after = commits;
    stop = true;
    writer.join();
    QVERIFY2(writerError.empty(), writerError.c_str());
    QVERIFY2(backup, qPrintable(backup ? QString() : backup.error().toString()));
    QVERIFY2(after > before, "the writer committed nothing while the backup ran");

    QMap<QString, qint64> rows;
    for (const TableRows& t : backup->manifest.rows)
        rows.insert(t.table, t.rows);
    const qint64 customers = rows.value(QStringLiteral("customers"));
    QVERIFY(customers >= 200 + 20);
    QCOMPARE(rows.value(QStringLiteral("orders")), 3 * customers);

    // The restore counts every table against the manifest: the archive holds that same moment.
    auto restored = restore(p.load(), backup.value());
    QVERIFY2(restored, qPrintable(restored ? QString() : restored.error().toString()));
    QCOMPARE(db.value(QStringLiteral("SELECT count(*) FROM customers")).toLongLong(), customers);
    QCOMPARE(db.value(QStringLiteral("SELECT count(*) FROM orders")).toLongLong(), 3 * customers);
}

void TestPgBackupSafety::sessionBeforeRenameLeavesTargetUntouched()
{
    TargetDb db(QStringLiteral("late"));
    QVERIFY2(db.isValid(), qPrintable(db.error()));
    PgProject p(db.url());
    auto backup = shopBackup(db, p, 20, 3);
    QVERIFY2(backup, qPrintable(backup ? QString() : backup.error().toString()));
    QVERIFY(db.exec(QStringLiteral("DELETE FROM orders WHERE id % 2 = 0")));
    const QString changed = db.fingerprint();

    // The Swap phase is reported after the last check of the sessions, just before the renames:
    // a session that connects then is one the check could not see.
    std::unique_ptr<pqxx::connection> late;
    bool sawSwap = false;
    RestoreOptions options;
    options.progress = [&](RestorePhase phase, qint64 done, qint64) {
        if (phase == RestorePhase::Swap && done == 0 && !late) {
            sawSwap = true;
            late = std::make_unique<pqxx::connection>(
                QString(serverConninfo(db.name()) + QStringLiteral(" application_name=late_comer"))
                    .toStdString());
        }
    };
    BackupManager m(p.load(), app, local);
    auto refused = m.restore(backup.value(), options);
    QVERIFY(sawSwap);
    QVERIFY(!refused);
    QCOMPARE(int(m.lastErrorKind()), int(BackupErrorKind::Busy));
    QVERIFY2(refused.error().message.contains(QLatin1String("late_comer")),
             qPrintable(refused.error().message));
    QVERIFY2(refused.error().message.contains(QLatin1String("the database is unchanged")),
             qPrintable(refused.error().message));
    QVERIFY(late->is_open()); // not ended by Strata
    late.reset();
    QCOMPARE(db.fingerprint(), changed);
    QCOMPARE(db.beside(), QStringList{}); // the scratch database dropped, nothing kept aside
}

void TestPgBackupSafety::interruptedRestoreLeftoversAreDropped()
{
    TargetDb db(QStringLiteral("left"));
    QVERIFY2(db.isValid(), qPrintable(db.error()));
    PgProject p(db.url());
    auto backup = shopBackup(db, p, 10, 2);
    QVERIFY2(backup, qPrintable(backup ? QString() : backup.error().toString()));

    // What a killed restore leaves (its scratch database), and names that only look like it.
    const QString leftover = db.name() + QStringLiteral("_strata_restore_abc12");
    const QString notHex = db.name() + QStringLiteral("_strata_restore_mine");
    const QString otherTarget = QStringLiteral("other_%1_strata_restore_abc12").arg(db.name());
    for (const QString& name : {leftover, notHex, otherTarget})
        adminExec(QStringLiteral("CREATE DATABASE \"%1\"").arg(name));

    BackupManager m(p.load(), app, local);
    auto restored = m.restore(backup.value());
    const QStringList after = adminColumn(
        QStringLiteral("SELECT datname FROM pg_database WHERE datname IN ('%1', '%2', '%3')")
            .arg(leftover, notHex, otherTarget));
    adminExec(QStringLiteral("DROP DATABASE IF EXISTS \"%1\"").arg(otherTarget));
    QVERIFY2(restored, qPrintable(restored ? QString() : restored.error().toString()));
    QVERIFY(!after.contains(leftover));
    QVERIFY(after.contains(notHex));
    QVERIFY(after.contains(otherTarget));
    QCOMPARE(restored->notes.size(), 1);
    QVERIFY2(restored->notes.first().contains(QStringLiteral("dropped ") + leftover),
             qPrintable(restored->notes.first()));
}

void TestPgBackupSafety::secondRestoreOfOneDatabaseIsBusy()
{
    TargetDb db(QStringLiteral("twice"));
    QVERIFY2(db.isValid(), qPrintable(db.error()));
    PgProject p(db.url());
    auto backup = shopBackup(db, p, 10, 2);
    QVERIFY2(backup, qPrintable(backup ? QString() : backup.error().toString()));
    QVERIFY(db.exec(QStringLiteral("DELETE FROM orders")));
    const QString changed = db.fingerprint();

    // A restore of the same database holds the lock (from the maintenance database, as one
    // does); a scratch database of its own must not be taken for a leftover either.
    pqxx::connection first(serverConninfo(QStringLiteral("postgres")).toStdString());
    pqxx::nontransaction tx(first);
    tx.exec("SELECT pg_advisory_lock(" + std::to_string(0x53545252) + ", " +
            std::to_string(PgSession::lockKey(db.name().toUtf8())) + ")");
    const QString inProgress = db.name() + QStringLiteral("_strata_restore_fff");
    adminExec(QStringLiteral("CREATE DATABASE \"%1\"").arg(inProgress));

    BackupManager m(p.load(), app, local);
    auto refused = m.restore(backup.value());
    QVERIFY(!refused);
    QCOMPARE(int(m.lastErrorKind()), int(BackupErrorKind::Busy));
    QVERIFY2(refused.error().message.contains(QLatin1String("another restore of database")),
             qPrintable(refused.error().message));
    QCOMPARE(db.fingerprint(), changed);
    QCOMPARE(db.beside(), QStringList{inProgress});

    // Once the other restore has finished, this one runs.
    tx.exec("SELECT pg_advisory_unlock_all()");
    adminExec(QStringLiteral("DROP DATABASE \"%1\"").arg(inProgress));
    auto restored = m.restore(backup.value());
    QVERIFY2(restored, qPrintable(restored ? QString() : restored.error().toString()));
    QVERIFY(db.fingerprint() != changed);
}

void TestPgBackupSafety::beforePrefersTheHistorysBackupId()
{
    TargetDb db(QStringLiteral("recorded"));
    QVERIFY2(db.isValid(), qPrintable(db.error()));
    PgProject p(db.url());
    QVERIFY(p.add(QStringLiteral("001_shop.sql"), schema1));
    QVERIFY(p.add(QStringLiteral("002_notes.sql"), schema2));
    QVERIFY(migrate(p.load(), 1));
    QVERIFY(fill(db, 10, 1));
    auto recorded = takeBackup(p.load(), 2);
    QVERIFY2(recorded, qPrintable(recorded ? QString() : recorded.error().toString()));
    QVERIFY(db.exec(QStringLiteral("INSERT INTO customers (name) VALUES ('later')")));
    auto newer = takeBackup(p.load(), 2); // also "before 2", newer, not the one recorded
    QVERIFY2(newer, qPrintable(newer ? QString() : newer.error().toString()));
    QVERIFY(migrate(p.load()));
    // The history records the first next to 2, as `strata up --backup` writes it.
    QVERIFY(db.exec(QStringLiteral("ALTER TABLE strata_migrations ADD COLUMN IF NOT EXISTS "
                                   "backup_id text; UPDATE strata_migrations SET backup_id = "
                                   "'%1' WHERE version = '002'")
                        .arg(recorded->manifest.id)));

    BackupManager m(p.load(), app, local);
    auto chosen = m.restorePointBefore(2);
    QVERIFY2(chosen, qPrintable(chosen ? QString() : chosen.error().toString()));
    QCOMPARE(chosen->manifest.id, recorded->manifest.id);

    // A recorded id that is no longer in the store: the manifests decide (the newest point).
    QVERIFY(BackupStore::remove(recorded.value()));
    chosen = m.restorePointBefore(2);
    QVERIFY2(chosen, qPrintable(chosen ? QString() : chosen.error().toString()));
    QCOMPARE(chosen->manifest.id, newer->manifest.id);
}

void TestPgBackupSafety::beforeSkipsUnknownSchemaVersions()
{
    TargetDb db(QStringLiteral("unknown"));
    QVERIFY2(db.isValid(), qPrintable(db.error()));
    PgProject p(db.url());
    QVERIFY(p.add(QStringLiteral("001_shop.sql"), schema1));
    QVERIFY(p.add(QStringLiteral("002_notes.sql"), schema2));
    QVERIFY(p.add(QStringLiteral("003_audit.sql"), schema3));
    QVERIFY(migrate(p.load(), 2));
    auto known = takeBackup(p.load()); // schema 2
    QVERIFY2(known, qPrintable(known ? QString() : known.error().toString()));
    QVERIFY(migrate(p.load()));
    auto unknown = takeBackup(p.load()); // schema 3, then made unknown: an unreadable history
    QVERIFY2(unknown, qPrintable(unknown ? QString() : unknown.error().toString()));
    QJsonObject o = QJsonDocument::fromJson(manifestText(unknown.value()).toUtf8()).object();
    o.insert(QStringLiteral("schema_version"), QJsonValue());
    o.insert(QStringLiteral("schema_version_name"), QString());
    o.insert(QStringLiteral("applied_migrations"), 0);
    QVERIFY(writeFile(unknown->manifestPath(), QJsonDocument(o).toJson()));

    BackupManager m(p.load(), app, local);
    QCOMPARE(m.list().size(), 2);
    QCOMPARE(m.list().first().manifest.schemaVersion, -1);
    auto chosen = m.restorePointBefore(3);
    QVERIFY2(chosen, qPrintable(chosen ? QString() : chosen.error().toString()));
    QCOMPARE(chosen->manifest.id, known->manifest.id); // not the newer one of unknown schema

    // Nothing known from before 2: refused, and the unknown one is named as left out.
    auto none = m.restorePointBefore(2);
    QVERIFY(!none);
    QVERIFY2(none.error().message.contains(QLatin1String("1 backup of unknown schema version")),
             qPrintable(none.error().message));
}

QTEST_GUILESS_MAIN(TestPgBackupSafety)
#include "tst_pg_backup_safety.moc"
