// Cloudflare projects opened from wrangler.toml / wrangler.jsonc, and the two-way guarantee with
// real wrangler state: on a copy of tests/fixtures/wrangler-project (made by wrangler 4 itself),
// Strata reads the same history wrangler wrote and leaves d1_migrations exactly as wrangler
// would, so `wrangler d1 migrations list` agrees afterwards.

#include "d1localstate.h"
#include "migrator.h"
#include "testsupport.h"
#include "wranglerconfig.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>

using namespace strata;
using namespace strata::test;

namespace {

const QString kDbId = QStringLiteral("00000000-0000-4000-8000-000000000000");
const QString kDbFile = QStringLiteral(".wrangler/state/v3/d1/miniflare-D1DatabaseObject/"
                                       "faaf2b0445ab934c3aac48ddf0cdfade8f9bac050be98993748742cdd2"
                                       "cb05fb.sqlite");
const QString kBillingFile = QStringLiteral(".wrangler/state/v3/d1/miniflare-D1DatabaseObject/"
                                            "b5eda56a38763a98a69bc728a6399e62c5e53ff443806d5b2a991"
                                            "719e628f0ba.sqlite");

} // namespace

class TestWrangler : public QObject
{
    Q_OBJECT

private slots:
    void loadWranglerToml();
    void loadWranglerJsonc();
    void miniflareObjectName_data();
    void miniflareObjectName();
    void localDatabaseId_data();
    void localDatabaseId();
    void migrationsDirAndTable();
    void productionEnvironmentsAreProtected();
    void malformed_data();
    void malformed();
    void jsoncToJsonKeepsStrings();
    void statusReadsWranglersHistory();
    void upWritesWhatWranglerWrites();
    void freshDatabaseGetsWranglersTable();
    void dryRunLeavesWranglerStateAlone();

private:
    // Copies the fixture (state files are modified by opening them) and loads its config.
    static bool copyFixture(const QString& name, const QTemporaryDir& dir);
};

bool TestWrangler::copyFixture(const QString& name, const QTemporaryDir& dir)
{
    return dir.isValid() && copyTree(fixturePath(name), dir.path());
}

// Checks shared by the .toml and .jsonc forms of the same configuration.
static void checkFixtureProject(const Project& p, const QString& root)
{
    QCOMPARE(p.source, Project::Source::Wrangler);
    QCOMPARE(p.name, QStringLiteral("fixture-worker"));
    QCOMPARE(p.rootDir, root);
    QCOMPARE(p.databases.size(), 2);

    const Database* db = p.database(QStringLiteral("DB"));
    QVERIFY(db);
    QCOMPARE(db->name, QStringLiteral("fixture-users"));
    QCOMPARE(db->dialect, Dialect::D1);
    QCOMPARE(db->history, HistoryKind::Wrangler);
    QCOMPARE(db->migrationsDir, root + QStringLiteral("/migrations"));
    QCOMPARE(db->environments.size(), 2);
    const Environment* local = db->environment(QStringLiteral("local"));
    QVERIFY(local);
    QCOMPARE(db->defaultEnvironment(), local);
    QCOMPARE(local->kind, Environment::Kind::SqliteFile);
    QCOMPARE(local->d1DatabaseId, kDbId);
    QCOMPARE(local->path, root + QLatin1Char('/') + kDbFile);
    const Environment* staging = db->environment(QStringLiteral("staging"));
    QVERIFY(staging);
    QCOMPARE(staging->kind, Environment::Kind::D1Remote);
    QCOMPARE(staging->d1DatabaseId, QStringLiteral("ba7fe27f-e3f3-4329-a884-d9ce0586c507"));
    QVERIFY(!staging->isProtected);

    const Database* billing = p.database(QStringLiteral("BILLING_DB"));
    QVERIFY(billing);
    QCOMPARE(billing->name, QStringLiteral("fixture-billing"));
    QCOMPARE(billing->migrationsDir, root + QStringLiteral("/billing-migrations"));
    QCOMPARE(billing->environments.size(), 1); // env.staging binds only DB
    QCOMPARE(billing->environments[0].path, root + QLatin1Char('/') + kBillingFile);
}

void TestWrangler::loadWranglerToml()
{
    QTemporaryDir dir;
    QVERIFY(copyFixture(QStringLiteral("wrangler-project"), dir));
    auto loaded = loadWranglerConfig(dir.filePath(QStringLiteral("wrangler.toml")));
    QVERIFY2(loaded.ok(), qPrintable(loaded.ok() ? QString() : loaded.error().toString()));
    checkFixtureProject(loaded.value(), dir.path());
    if (QTest::currentTestFailed())
        return;
    // The path Strata computed is the very file wrangler wrote.
    QVERIFY(QFileInfo::exists(loaded->database(QStringLiteral("DB"))->environments[0].path));
    QVERIFY(
        QFileInfo::exists(loaded->database(QStringLiteral("BILLING_DB"))->environments[0].path));

    // A staging environment is known but cannot be worked on from here.
    Migrator staging(loaded.value(), QStringLiteral("DB"), QStringLiteral("staging"));
    QVERIFY(staging.targetProblem().has_value());
    QVERIFY(!staging.status().ok());
}

void TestWrangler::loadWranglerJsonc()
{
    QTemporaryDir dir;
    QVERIFY(copyFixture(QStringLiteral("wrangler-jsonc"), dir));
    auto loaded = loadWranglerConfig(dir.filePath(QStringLiteral("wrangler.jsonc")));
    QVERIFY2(loaded.ok(), qPrintable(loaded.ok() ? QString() : loaded.error().toString()));
    checkFixtureProject(loaded.value(), dir.path());
}

void TestWrangler::miniflareObjectName_data()
{
    QTest::addColumn<QString>("databaseId");
    QTest::addColumn<QString>("objectName");

    // The first two are the files wrangler wrote in the fixture; the third from FIXTURE.md.
    QTest::newRow("DB") << kDbId
                        << "faaf2b0445ab934c3aac48ddf0cdfade8f9bac050be98993748742cdd2cb05fb";
    QTest::newRow("BILLING_DB")
        << "11111111-2222-4333-8444-555555555555"
        << "b5eda56a38763a98a69bc728a6399e62c5e53ff443806d5b2a991719e628f0ba";
    QTest::newRow("staging") << "ba7fe27f-e3f3-4329-a884-d9ce0586c507"
                             << "acf09845800c1e512d21261ca1fd083ffabf5b0876d76e4b2552d235765d65f0";
}

void TestWrangler::miniflareObjectName()
{
    QFETCH(QString, databaseId);
    QFETCH(QString, objectName);
    QCOMPARE(strata::miniflareObjectName(databaseId), objectName);
    QCOMPARE(d1LocalDatabasePath(QStringLiteral("/p/.wrangler/state"), databaseId),
             QStringLiteral("/p/.wrangler/state/v3/d1/miniflare-D1DatabaseObject/") + objectName +
                 QStringLiteral(".sqlite"));
}

void TestWrangler::localDatabaseId_data()
{
    QTest::addColumn<QString>("entry");
    QTest::addColumn<QString>("expectedId");

    // wrangler: preview_database_id ?? database_id ?? binding.
    QTest::newRow("preview wins") << "database_id = \"id-1\"\npreview_database_id = \"preview-1\"\n"
                                  << "preview-1";
    QTest::newRow("database_id") << "database_id = \"id-2\"\n"
                                 << "id-2";
    QTest::newRow("only the binding") << ""
                                      << "LOCAL_DB";
}

void TestWrangler::localDatabaseId()
{
    QFETCH(QString, entry);
    QFETCH(QString, expectedId);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("wrangler.toml"));
    QVERIFY(writeFile(file, "name = \"w\"\n\n[[d1_databases]]\nbinding = \"LOCAL_DB\"\n"
                            "database_name = \"local-db\"\n" +
                                entry.toUtf8()));
    auto loaded = loadWranglerConfig(file);
    QVERIFY2(loaded.ok(), qPrintable(loaded.ok() ? QString() : loaded.error().toString()));
    const Environment& local = loaded->databases[0].environments[0];
    QCOMPARE(local.name, QStringLiteral("local"));
    QCOMPARE(local.d1DatabaseId, expectedId);
    QCOMPARE(local.path,
             d1LocalDatabasePath(dir.path() + QStringLiteral("/.wrangler/state"), expectedId));
}

void TestWrangler::migrationsDirAndTable()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("wrangler.jsonc"));
    QVERIFY(writeFile(file,
                      "{\n  \"name\": \"w\",\n  \"d1_databases\": [\n"
                      "    { \"binding\": \"A\", \"database_id\": \"a\" },\n"
                      "    { \"binding\": \"B\", \"database_id\": \"b\",\n"
                      "      \"migrations_dir\": \"db/b\", \"migrations_table\": \"b_history\" },\n"
                      "  ],\n}\n"));
    auto loaded = loadWranglerConfig(file);
    QVERIFY2(loaded.ok(), qPrintable(loaded.ok() ? QString() : loaded.error().toString()));
    const Database* a = loaded->database(QStringLiteral("A"));
    const Database* b = loaded->database(QStringLiteral("B"));
    QVERIFY(a && b);
    QCOMPARE(a->migrationsDir, dir.path() + QStringLiteral("/migrations"));
    QVERIFY(a->historyTable.isEmpty() || a->historyTable == QLatin1String("d1_migrations"));
    QCOMPARE(b->migrationsDir, dir.path() + QStringLiteral("/db/b"));
    QCOMPARE(b->historyTable, QStringLiteral("b_history"));
    QCOMPARE(b->history, HistoryKind::Wrangler);
}

void TestWrangler::productionEnvironmentsAreProtected()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("wrangler.toml"));
    QByteArray toml = "name = \"w\"\n[[d1_databases]]\nbinding = \"DB\"\ndatabase_id = \"dev\"\n";
    for (const char* env : {"staging", "production", "prod"})
        toml += QByteArray("[[env.") + env + ".d1_databases]]\nbinding = \"DB\"\ndatabase_id = \"" +
                env + "-id\"\n";
    QVERIFY(writeFile(file, toml));
    auto loaded = loadWranglerConfig(file);
    QVERIFY2(loaded.ok(), qPrintable(loaded.ok() ? QString() : loaded.error().toString()));
    const Database& db = loaded->databases[0];
    QCOMPARE(db.environments.size(), 4);
    QVERIFY(!db.environment(QStringLiteral("local"))->isProtected);
    QVERIFY(!db.environment(QStringLiteral("staging"))->isProtected);
    QVERIFY(db.environment(QStringLiteral("production"))->isProtected);
    QVERIFY(db.environment(QStringLiteral("prod"))->isProtected);
    QCOMPARE(db.environment(QStringLiteral("prod"))->d1DatabaseId, QStringLiteral("prod-id"));
}

void TestWrangler::malformed_data()
{
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<int>("line");

    QTest::newRow("toml: unterminated table header")
        << "wrangler.toml" << QByteArray("name = \"w\"\n\n[[d1_databases]\nbinding = \"DB\"\n")
        << 3;
    QTest::newRow("toml: value missing")
        << "wrangler.toml"
        << QByteArray("name = \"w\"\n[[d1_databases]]\nbinding = \"DB\"\ndatabase_id =\n") << 4;
    QTest::newRow("toml: d1_databases not a list")
        << "wrangler.toml" << QByteArray("name = \"w\"\n\nd1_databases = \"DB\"\n") << 3;
    QTest::newRow("jsonc: missing comma")
        << "wrangler.jsonc"
        << QByteArray("// config\n{\n  \"name\": \"w\", /* c */\n  \"d1_databases\": [\n"
                      "    { \"binding\": \"DB\" \"database_id\": \"x\" },\n  ],\n}\n")
        << 5;
    QTest::newRow("jsonc: unterminated object")
        << "wrangler.jsonc"
        << QByteArray("{\n  // comment\n  \"name\": \"w\",\n  \"d1_databases\": [\n"
                      "    { \"binding\": \"DB\",\n  ]\n}\n")
        << 6;
}

void TestWrangler::malformed()
{
    QFETCH(QString, fileName);
    QFETCH(QByteArray, content);
    QFETCH(int, line);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(fileName);
    QVERIFY(writeFile(file, content));
    auto loaded = loadWranglerConfig(file);
    QVERIFY2(!loaded.ok(), "a malformed wrangler configuration was accepted");
    QCOMPARE(loaded.error().file, file);
    QCOMPARE(loaded.error().line, line);
    QVERIFY(!loaded.error().message.isEmpty());
}

void TestWrangler::jsoncToJsonKeepsStrings()
{
    const QByteArray jsonc = "{\n  // a comment\n  \"url\": \"https://example.com//x/*y*/\",\n"
                             "  /* block\n     comment */ \"list\": [1, 2, ],\n"
                             "  \"quote\": \"a \\\"//\\\" b\",\n}\n";
    const QByteArray json = jsoncToJson(jsonc);
    QCOMPARE(json.count('\n'), jsonc.count('\n')); // lines stay where they were
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    QVERIFY2(err.error == QJsonParseError::NoError, qPrintable(err.errorString()));
    QCOMPARE(doc[QLatin1String("url")].toString(), QStringLiteral("https://example.com//x/*y*/"));
    QCOMPARE(doc[QLatin1String("quote")].toString(), QStringLiteral("a \"//\" b"));
    QCOMPARE(doc[QLatin1String("list")].toArray().size(), 2);
}

void TestWrangler::statusReadsWranglersHistory()
{
    QTemporaryDir dir;
    QVERIFY(copyFixture(QStringLiteral("wrangler-project"), dir));
    auto loaded = loadWranglerConfig(dir.filePath(QStringLiteral("wrangler.toml")));
    QVERIFY(loaded.ok());

    Migrator m(loaded.value(), QStringLiteral("DB"), QStringLiteral("local"));
    auto st = m.status();
    QVERIFY2(st.ok(), qPrintable(st.ok() ? QString() : st.error().toString()));
    QVERIFY(st->databaseExists);
    QCOMPARE(st->entries.size(), 4);
    const QList<QPair<QString, MigrationState>> expected = {
        {QStringLiteral("0001_create_users.sql"), MigrationState::Applied},
        {QStringLiteral("0002_add_name.sql"), MigrationState::Applied},
        {QStringLiteral("0003_create_sessions.sql"), MigrationState::Pending},
        {QStringLiteral("0004_add_sessions_index.sql"), MigrationState::Pending}};
    for (int i = 0; i < expected.size(); ++i) {
        QCOMPARE(st->entries[i].fileName, expected[i].first);
        QCOMPARE(st->entries[i].state, expected[i].second);
    }
    QCOMPARE(st->appliedCount(), 2);
    QCOMPARE(st->pendingCount(), 2);
    QCOMPARE(st->driftCount(), 0);
    // wrangler's applied_at (UTC CURRENT_TIMESTAMP) is read as such.
    QCOMPARE(st->entries[0].applied->appliedAt,
             QDateTime(QDate(2026, 11, 21), QTime(23, 32, 32), Qt::UTC));

    Migrator billing(loaded.value(), QStringLiteral("BILLING_DB"), QString());
    auto bst = billing.status();
    QVERIFY(bst.ok());
    QCOMPARE(bst->appliedCount(), 2);
    QCOMPARE(bst->pendingCount(), 0);
}

void TestWrangler::upWritesWhatWranglerWrites()
{
    QTemporaryDir dir;
    QVERIFY(copyFixture(QStringLiteral("wrangler-project"), dir));
    const QString dbPath = dir.filePath(kDbFile);
    const QString createSql = QStringLiteral("SELECT sql FROM sqlite_schema WHERE name = "
                                             "'d1_migrations'");
    const QString wranglersCreate = queryValue(dbPath, createSql);
    QVERIFY(wranglersCreate.startsWith(QLatin1String("CREATE TABLE d1_migrations(\n\t\t")));
    const QStringList metadataBefore = queryColumn(
        dbPath, QStringLiteral("SELECT key || '|' || value FROM _cf_METADATA ORDER BY key"));

    auto loaded = loadWranglerConfig(dir.filePath(QStringLiteral("wrangler.toml")));
    QVERIFY(loaded.ok());
    Migrator m(loaded.value(), QStringLiteral("DB"), QStringLiteral("local"));
    auto report = m.up(RunOptions{});
    QVERIFY2(report.ok(), qPrintable(report.ok() ? QString() : report.error().toString()));
    QVERIFY2(!report->failure,
             qPrintable(report->failure ? report->failure->toString() : QString()));
    QCOMPARE(report->steps.size(), 2);
    QCOMPARE(report->steps[0].fileName, QStringLiteral("0003_create_sessions.sql"));
    QCOMPARE(report->steps[1].fileName, QStringLiteral("0004_add_sessions_index.sql"));

    // d1_migrations: exactly wrangler's rows plus ours, in wrangler's own form.
    const QList<QStringList> rows = queryRows(
        dbPath, QStringLiteral("SELECT id, name, applied_at FROM d1_migrations ORDER BY id"));
    QCOMPARE(rows.size(), 4);
    const QStringList files = QDir(dir.filePath(QStringLiteral("migrations")))
                                  .entryList({QStringLiteral("*.sql")}, QDir::Files, QDir::Name);
    QCOMPARE(files.size(), 4);
    const QRegularExpression timestamp(QStringLiteral(R"(^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$)"));
    for (int i = 0; i < rows.size(); ++i) {
        QCOMPARE(rows[i][0], QString::number(i + 1));
        QCOMPARE(rows[i][1], files[i]);
        QVERIFY2(timestamp.match(rows[i][2]).hasMatch(), qPrintable(rows[i][2]));
    }
    QCOMPARE(queryValue(dbPath, createSql), wranglersCreate);

    // wrangler's "pending": files whose name is not in d1_migrations.name.
    const QStringList names = queryColumn(dbPath, QStringLiteral("SELECT name FROM d1_migrations"));
    QStringList wranglerPending;
    for (const QString& f : files)
        if (!names.contains(f))
            wranglerPending << f;
    QVERIFY2(wranglerPending.isEmpty(), qPrintable(wranglerPending.join(QLatin1Char(' '))));

    // Strata's extra facts only for what Strata applied.
    QCOMPARE(queryColumn(dbPath,
                         QStringLiteral("SELECT history_key FROM strata_history_extra ORDER BY 1")),
             (QStringList{QStringLiteral("0003_create_sessions.sql"),
                          QStringLiteral("0004_add_sessions_index.sql")}));
    QCOMPARE(queryValue(dbPath, QStringLiteral("PRAGMA journal_mode")), QStringLiteral("wal"));

    // The migrations really ran (the trigger with its BEGIN … END body included), and
    // workerd's metadata table is untouched.
    QVERIFY(tableExists(dbPath, QStringLiteral("sessions")));
    QCOMPARE(queryValue(dbPath, QStringLiteral("SELECT count(*) FROM sqlite_schema WHERE name IN "
                                               "('trg_sessions_touch', 'idx_sessions_user_id')")),
             QStringLiteral("2"));
    QCOMPARE(queryColumn(dbPath, QStringLiteral(
                                     "SELECT key || '|' || value FROM _cf_METADATA ORDER BY key")),
             metadataBefore);

    auto after = m.status();
    QVERIFY(after.ok());
    QCOMPARE(after->appliedCount(), 4);
    QCOMPARE(after->pendingCount(), 0);
    QCOMPARE(after->driftCount(), 0);
}

void TestWrangler::freshDatabaseGetsWranglersTable()
{
    // No state yet (wrangler-jsonc has none): Strata creates the local file where wrangler would,
    // with d1_migrations exactly as wrangler creates it, so either tool may go first.
    QTemporaryDir fresh, reference;
    QVERIFY(copyFixture(QStringLiteral("wrangler-jsonc"), fresh));
    QVERIFY(copyFixture(QStringLiteral("wrangler-project"), reference));
    auto loaded = loadWranglerConfig(fresh.filePath(QStringLiteral("wrangler.jsonc")));
    QVERIFY(loaded.ok());
    Migrator m(loaded.value(), QStringLiteral("DB"), QStringLiteral("local"));
    QVERIFY(!QFileInfo::exists(fresh.filePath(kDbFile)));
    auto report = m.up(RunOptions{});
    QVERIFY2(report.ok(), qPrintable(report.ok() ? QString() : report.error().toString()));
    QVERIFY2(!report->failure,
             qPrintable(report->failure ? report->failure->toString() : QString()));
    QCOMPARE(report->steps.size(), 1);
    QVERIFY(QFileInfo::exists(fresh.filePath(kDbFile)));

    const QString createSql = QStringLiteral("SELECT sql FROM sqlite_schema WHERE name = "
                                             "'d1_migrations'");
    QCOMPARE(queryValue(fresh.filePath(kDbFile), createSql),
             queryValue(reference.filePath(kDbFile), createSql));
    QCOMPARE(
        queryRows(fresh.filePath(kDbFile), QStringLiteral("SELECT id, name FROM d1_migrations")),
        (QList<QStringList>{{QStringLiteral("1"), QStringLiteral("0001_create_users.sql")}}));
}

void TestWrangler::dryRunLeavesWranglerStateAlone()
{
    QTemporaryDir dir;
    QVERIFY(copyFixture(QStringLiteral("wrangler-project"), dir));
    const QString dbPath = dir.filePath(kDbFile);
    const QByteArray bytesBefore = readFile(dbPath);
    const QStringList filesBefore = listTree(dir.path());

    auto loaded = loadWranglerConfig(dir.filePath(QStringLiteral("wrangler.toml")));
    QVERIFY(loaded.ok());
    Migrator m(loaded.value(), QStringLiteral("DB"), QStringLiteral("local"));
    RunOptions options;
    options.dryRun = true;
    auto report = m.up(options);
    QVERIFY2(report.ok(), qPrintable(report.ok() ? QString() : report.error().toString()));
    QVERIFY2(!report->failure,
             qPrintable(report->failure ? report->failure->toString() : QString()));
    QCOMPARE(report->steps.size(), 2);

    QCOMPARE(readFile(dbPath), bytesBefore);
    QCOMPARE(listTree(dir.path()), filesBefore);
    QCOMPARE(queryValue(dbPath, QStringLiteral("SELECT count(*) FROM d1_migrations")),
             QStringLiteral("2"));
    QVERIFY(!tableExists(dbPath, QStringLiteral("sessions")));
    QVERIFY(!tableExists(dbPath, QStringLiteral("strata_history_extra")));
}

QTEST_GUILESS_MAIN(TestWrangler)
#include "tst_wrangler.moc"
