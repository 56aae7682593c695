// strata.toml: good project files (tests/fixtures/projectfile/good-*) load into the right
// Project, and every malformed one (tests/fixtures/projectfile/bad/*.toml) is refused with the
// file, the line and a message that says what is wrong.

#include "pgconnection.h"
#include "projectfile.h"
#include "testsupport.h"

#include <QDir>
#include <QTest>

using namespace strata;
using namespace strata::test;

class TestProjectFile : public QObject
{
    Q_OBJECT

private slots:
    void centralFolder();
    void folderPerBinding();
    void dialectAndHistoryDefaults_data();
    void dialectAndHistoryDefaults();
    void malformed_data();
    void malformed();
    void passwordNeverEchoed_data();
    void passwordNeverEchoed();
    void missingFile();
    void displayLocationHidesPassword_data();
    void displayLocationHidesPassword();
};

void TestProjectFile::centralFolder()
{
    const QString file = fixturePath(QStringLiteral("projectfile/good-central/strata.toml"));
    const QString root = QFileInfo(file).absolutePath();
    auto loaded = loadStrataToml(file);
    QVERIFY2(loaded.ok(), qPrintable(loaded.ok() ? QString() : loaded.error().toString()));
    const Project& p = loaded.value();

    QCOMPARE(p.name, QStringLiteral("central fixture"));
    QCOMPARE(p.source, Project::Source::StrataToml);
    QCOMPARE(p.sourceFile, QFileInfo(file).absoluteFilePath());
    QCOMPARE(p.rootDir, root);
    QCOMPARE(p.databases.size(), 4);

    const Database* db = p.database(QStringLiteral("DB"));
    const Database* sso = p.database(QStringLiteral("SSO_DB"));
    QVERIFY(db && sso);
    QCOMPARE(db->name, QStringLiteral("edgeauth-users"));
    QCOMPARE(sso->name, QStringLiteral("SSO_DB")); // no name: the binding
    QCOMPARE(db->migrationsDir, root + QStringLiteral("/auth"));
    QCOMPARE(sso->migrationsDir, db->migrationsDir);
    QCOMPARE(p.bindingsSharing(db->migrationsDir),
             (QStringList{QStringLiteral("DB"), QStringLiteral("SSO_DB")}));
    QCOMPARE(db->dialect, Dialect::D1);
    QCOMPARE(db->history, HistoryKind::Wrangler);
    QCOMPARE(db->environments.size(), 1);
    QCOMPARE(db->environments[0].name, QStringLiteral("local"));
    QCOMPARE(db->environments[0].kind, Environment::Kind::SqliteFile);
    QCOMPARE(db->environments[0].path, root + QStringLiteral("/data/users.sqlite"));
    QVERIFY(!db->environments[0].isProtected);

    const Database* billing = p.database(QStringLiteral("BILLING_DB"));
    QVERIFY(billing);
    QCOMPARE(billing->dialect, Dialect::Sqlite);
    QCOMPARE(billing->history, HistoryKind::Strata);
    QCOMPARE(p.bindingsSharing(billing->migrationsDir), QStringList{QStringLiteral("BILLING_DB")});
    QCOMPARE(billing->environments.size(), 2);
    const Environment* local = billing->environment(QStringLiteral("local"));
    const Environment* prod = billing->environment(QStringLiteral("production"));
    QVERIFY(local && prod);
    QCOMPARE(billing->defaultEnvironment(), local);
    QVERIFY(!local->isProtected);
    QVERIFY(prod->isProtected);
    QCOMPARE(prod->path, QStringLiteral("/srv/strata/billing.sqlite"));

    const Database* pg = p.database(QStringLiteral("PG"));
    QVERIFY(pg);
    QCOMPARE(pg->dialect, Dialect::Postgres);
    QCOMPARE(pg->history, HistoryKind::Strata);
    QCOMPARE(pg->environments.size(), 1);
    const Environment& staging = pg->environments[0];
    QCOMPARE(staging.name, QStringLiteral("staging"));
    QCOMPARE(staging.kind, Environment::Kind::Postgres);
    QCOMPARE(staging.url,
             QStringLiteral("postgresql://app@db.example.com:5432/app?sslmode=require"));
    QCOMPARE(staging.passwordEnv, QStringLiteral("STRATA_PG_PASSWORD"));
    QVERIFY(staging.path.isEmpty());
    QCOMPARE(pg->defaultEnvironment(), &pg->environments[0]); // no "local": the first
    QVERIFY(!p.database(QStringLiteral("NOPE")));
}

void TestProjectFile::folderPerBinding()
{
    const QString file = fixturePath(QStringLiteral("projectfile/good-per-binding/strata.toml"));
    const QString root = QFileInfo(file).absolutePath();
    auto loaded = loadStrataToml(file);
    QVERIFY2(loaded.ok(), qPrintable(loaded.ok() ? QString() : loaded.error().toString()));
    const Project& p = loaded.value();
    QCOMPARE(p.name, QStringLiteral("good-per-binding")); // no name: the folder's
    QCOMPARE(p.databases.size(), 3);

    const Database* main = p.database(QStringLiteral("MAIN"));
    const Database* events = p.database(QStringLiteral("EVENTS"));
    const Database* edge = p.database(QStringLiteral("EDGE"));
    QVERIFY(main && events && edge);
    QCOMPARE(main->migrationsDir, root + QStringLiteral("/db/migrations")); // [project] default
    QCOMPARE(events->migrationsDir, root + QStringLiteral("/events"));
    QCOMPARE(edge->migrationsDir, root + QStringLiteral("/edge"));
    for (const Database* db : {main, events, edge})
        QCOMPARE(p.bindingsSharing(db->migrationsDir), QStringList{db->binding});

    QCOMPARE(main->dialect, Dialect::Sqlite);
    QCOMPARE(main->history, HistoryKind::Strata);
    QCOMPARE(events->history, HistoryKind::Dbmate);
    QCOMPARE(edge->dialect, Dialect::D1);
    QCOMPARE(edge->history, HistoryKind::Strata); // explicit beats d1's default
    QCOMPARE(edge->historyTable, QStringLiteral("edge_history"));
    QCOMPARE(edge->environments[0].path, root + QStringLiteral("/.wrangler/edge.sqlite"));
}

void TestProjectFile::dialectAndHistoryDefaults_data()
{
    QTest::addColumn<QString>("dialectLine");
    QTest::addColumn<QString>("historyLine");
    QTest::addColumn<Dialect>("dialect");
    QTest::addColumn<HistoryKind>("history");

    QTest::newRow("no dialect") << ""
                                << "" << Dialect::Sqlite << HistoryKind::Strata;
    QTest::newRow("sqlite") << "dialect = \"sqlite\""
                            << "" << Dialect::Sqlite << HistoryKind::Strata;
    QTest::newRow("d1 → wrangler") << "dialect = \"d1\""
                                   << "" << Dialect::D1 << HistoryKind::Wrangler;
    QTest::newRow("d1 + dbmate") << "dialect = \"d1\""
                                 << "history = \"dbmate\"" << Dialect::D1 << HistoryKind::Dbmate;
    QTest::newRow("sqlite + wrangler")
        << "dialect = \"sqlite\""
        << "history = \"wrangler\"" << Dialect::Sqlite << HistoryKind::Wrangler;
    QTest::newRow("sqlite + dbmate")
        << ""
        << "history = \"dbmate\"" << Dialect::Sqlite << HistoryKind::Dbmate;
}

void TestProjectFile::dialectAndHistoryDefaults()
{
    QFETCH(QString, dialectLine);
    QFETCH(QString, historyLine);
    QFETCH(Dialect, dialect);
    QFETCH(HistoryKind, history);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("strata.toml"));
    QVERIFY(writeFile(file, "[[database]]\nbinding = \"DB\"\nmigrations = \"m\"\n" +
                                dialectLine.toUtf8() + "\n" + historyLine.toUtf8() +
                                "\n[database.env.local]\npath = \"db.sqlite\"\n"));
    auto loaded = loadStrataToml(file);
    QVERIFY2(loaded.ok(), qPrintable(loaded.ok() ? QString() : loaded.error().toString()));
    QCOMPARE(loaded->databases.size(), 1);
    QCOMPARE(loaded->databases[0].dialect, dialect);
    QCOMPARE(loaded->databases[0].history, history);
}

void TestProjectFile::malformed_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("phrase");

    QTest::newRow("TOML syntax error") << "syntax.toml" << 5 << "string";
    QTest::newRow("unknown key (typo)") << "unknown-key.toml" << 6 << "unknown key 'pathh'";
    QTest::newRow("unknown section") << "unknown-section.toml" << 1 << "projekt";
    QTest::newRow("missing binding") << "missing-binding.toml" << 8 << "needs a 'binding'";
    QTest::newRow("unknown dialect") << "unknown-dialect.toml" << 4 << "unknown dialect 'mysql'";
    QTest::newRow("unknown history") << "unknown-history.toml" << 4 << "unknown history 'flyway'";
    QTest::newRow("history_table not a plain name")
        << "history-table-not-a-name.toml" << 4 << "history_table";
    QTest::newRow("duplicate binding") << "duplicate-binding.toml" << 8 << "DB is declared twice";
    QTest::newRow("postgres url with a password") << "postgres-password.toml" << 8 << "password";
    QTest::newRow("environment without path") << "env-without-path.toml" << 8 << "needs a 'path'";
    QTest::newRow("database without environment") << "no-environment.toml" << 4 << "no environment";
    QTest::newRow("no database") << "no-database.toml" << 1 << "no database";
}

void TestProjectFile::malformed()
{
    QFETCH(QString, file);
    QFETCH(int, line);
    QFETCH(QString, phrase);

    const QString path = fixturePath(QStringLiteral("projectfile/bad/") + file);
    QVERIFY(QFileInfo::exists(path));
    auto loaded = loadStrataToml(path);
    QVERIFY2(!loaded.ok(), "a malformed project file was accepted");
    const Error& e = loaded.error();
    QCOMPARE(e.file, QFileInfo(path).absoluteFilePath());
    QCOMPARE(e.line, line);
    QVERIFY2(e.message.contains(phrase, Qt::CaseInsensitive), qPrintable(e.message));
    // The printed form leads with file:line, as editors and CI logs expect.
    QVERIFY2(e.toString().startsWith(QFileInfo(path).absoluteFilePath() + QLatin1Char(':') +
                                     QString::number(line)),
             qPrintable(e.toString()));
}

void TestProjectFile::passwordNeverEchoed_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("password");

    QTest::newRow("postgresql://") << "postgres-password.toml" << 8 << "s3cretPa55word";
    QTest::newRow("postgres:// with query")
        << "postgres-password-query.toml" << 7 << "hunter2hunter2";
    // libpq also takes the password as a query parameter: still a password in the file.
    QTest::newRow("password= parameter") << "postgres-password-param.toml" << 7 << "Qz9kLm2Xv";
    // The client key's passphrase is a secret too (it would reach pg_dump's command line).
    QTest::newRow("sslpassword= parameter")
        << "postgres-sslpassword-param.toml" << 7 << "Kp7vRt2Qw";
}

void TestProjectFile::passwordNeverEchoed()
{
    QFETCH(QString, file);
    QFETCH(int, line);
    QFETCH(QString, password);

    const QString path = fixturePath(QStringLiteral("projectfile/bad/") + file);
    QVERIFY(readFile(path).contains(password.toUtf8())); // the fixture really holds it
    auto loaded = loadStrataToml(path);
    QVERIFY2(!loaded.ok(), "a URL with a password was accepted");
    const Error& e = loaded.error();
    QCOMPARE(e.line, line);
    QVERIFY2(e.message.contains(QLatin1String("password"), Qt::CaseInsensitive),
             qPrintable(e.message));
    QVERIFY2(!e.toString().contains(password), "the error repeats the password");
    QVERIFY2(!e.detail.contains(password), "the error's detail repeats the password");
}

void TestProjectFile::missingFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    auto loaded = loadStrataToml(dir.filePath(QStringLiteral("strata.toml")));
    QVERIFY(!loaded.ok());
    QCOMPARE(loaded.error().file, dir.filePath(QStringLiteral("strata.toml")));
}

void TestProjectFile::displayLocationHidesPassword_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("password");

    QTest::newRow("user:password@") << "postgresql://app:Xk3pW9@db.example.com/app"
                                    << "Xk3pW9";
    QTest::newRow("password= parameter")
        << "postgresql://app@db.example.com/app?password=Xk3pW9&sslmode=require"
        << "Xk3pW9";
    QTest::newRow("sslpassword= parameter")
        << "postgresql://app@db.example.com/app?sslmode=require&sslpassword=Xk3pW9" << "Xk3pW9";
}

void TestProjectFile::displayLocationHidesPassword()
{
    // The location printed by status and the window: never the password, wherever it hides.
    QFETCH(QString, url);
    QFETCH(QString, password);
    Environment env;
    env.kind = Environment::Kind::Postgres;
    env.url = url;
    const QString shown = env.displayLocation();
    QVERIFY2(shown.contains(QLatin1String("db.example.com")), qPrintable(shown));
    QVERIFY2(!shown.contains(password), qPrintable(shown));
    // And the masking every message goes through, on the URL and on libpq's keyword form.
    const QString masked = maskConnectionText(QStringLiteral("cannot connect to ") + url +
                                              QStringLiteral(" (") + QString(url).replace(
                                                  QLatin1Char('&'), QLatin1Char(' ')) +
                                              QLatin1Char(')'));
    QVERIFY2(!masked.contains(password), qPrintable(masked));
    QVERIFY2(masked.contains(QLatin1String("db.example.com")), qPrintable(masked));
}

QTEST_GUILESS_MAIN(TestProjectFile)
#include "tst_projectfile.moc"
