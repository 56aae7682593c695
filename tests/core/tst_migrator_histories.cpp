// History conventions other than Strata's own: dbmate's schema_migrations written exactly as
// dbmate writes it (and adopted when dbmate wrote it), and other tools' history tables
// recognised read-only, so status can say what else manages the database.

#include "migrator.h"
#include "testsupport.h"
#include "wranglerconfig.h"

#include <QTest>

using namespace strata;
using namespace strata::test;

namespace {

QString text(const Result<RunReport>& r)
{
    if (!r.ok())
        return r.error().toString();
    return r->failure ? r->failure->toString() : QString();
}

// dbmate's own SQL for its table on SQLite.
const QString kDbmateCreate = QStringLiteral(
    "create table if not exists \"schema_migrations\" (version varchar(128) primary key)");

} // namespace

class TestMigratorHistories : public QObject
{
    Q_OBJECT

private slots:
    void dbmateHistoryShape();
    void dbmatePreparedDatabase();
    void dbmateDownRemovesRow();
    void customHistoryTable();
    void foreignHistories_data();
    void foreignHistories();
};

void TestMigratorHistories::dbmateHistoryShape()
{
    TempProject tp(QStringLiteral("sqlite"), QStringLiteral("dbmate"));
    QVERIFY(tp.isValid());
    QVERIFY(!tp.addMigration(QStringLiteral("001_create_a.sql"),
                             "-- migrate:up\nCREATE TABLE a (id INTEGER);\n-- migrate:down\n"
                             "DROP TABLE a;\n")
                 .isEmpty());
    QVERIFY(!tp.addMigration(QStringLiteral("002_create_b.sql"),
                             "-- migrate:up\nCREATE TABLE b (id INTEGER);\n-- migrate:down\n"
                             "DROP TABLE b;\n")
                 .isEmpty());
    QVERIFY(!tp.addMigration(QStringLiteral("20240101120000_create_c.sql"),
                             "-- migrate:up\nCREATE TABLE c (id INTEGER);\n")
                 .isEmpty());

    Migrator m(tp.load(), QStringLiteral("APP"), QStringLiteral("local"));
    auto r = m.up(RunOptions{});
    QVERIFY2(r.ok() && !r->failure, qPrintable(text(r)));
    QCOMPARE(r->steps.size(), 3);

    // Exactly one column, as dbmate has it, holding the prefix as written.
    QCOMPARE(queryColumn(tp.dbPath(), QStringLiteral("SELECT name FROM "
                                                     "pragma_table_info('schema_migrations')")),
             QStringList{QStringLiteral("version")});
    QCOMPARE(queryColumn(tp.dbPath(), QStringLiteral("SELECT version FROM schema_migrations "
                                                     "ORDER BY version")),
             (QStringList{QStringLiteral("001"), QStringLiteral("002"),
                          QStringLiteral("20240101120000")}));
    QVERIFY(!tableExists(tp.dbPath(), QStringLiteral("strata_migrations")));

    // Strata's extra facts live beside it.
    const QList<QStringList> extra = queryRows(
        tp.dbPath(),
        QStringLiteral(
            "SELECT history_key, name, checksum FROM strata_history_extra ORDER BY history_key"));
    QCOMPARE(extra.size(), 3);
    QCOMPARE(extra[0][0], QStringLiteral("001"));
    QCOMPARE(extra[0][1], QStringLiteral("001_create_a.sql"));
    QCOMPARE(extra[0][2],
             checksumOf(readFile(tp.migrationPath(QStringLiteral("001_create_a.sql")))));

    auto st = m.status();
    QVERIFY(st.ok());
    QCOMPARE(st->appliedCount(), 3);
    QCOMPARE(st->driftCount(), 0);
    QVERIFY(st->foreign.isEmpty());
}

void TestMigratorHistories::dbmatePreparedDatabase()
{
    TempProject tp(QStringLiteral("sqlite"), QStringLiteral("dbmate"));
    QVERIFY(tp.isValid());
    for (int i = 1; i <= 4; ++i)
        QVERIFY(!tp.addMigration(QStringLiteral("00%1_create_t%1.sql").arg(i),
                                 "-- migrate:up\nCREATE TABLE t" + QByteArray::number(i) +
                                     " (id INTEGER);\n-- migrate:down\nDROP TABLE t" +
                                     QByteArray::number(i) + ";\n")
                     .isEmpty());
    // The database as dbmate leaves it after applying 001 and 002.
    QVERIFY(execSql(tp.dbPath(),
                    kDbmateCreate + QStringLiteral(";\n"
                                                   "CREATE TABLE t1 (id INTEGER);\n"
                                                   "CREATE TABLE t2 (id INTEGER);\n"
                                                   "insert into schema_migrations (version) values "
                                                   "('001');\ninsert into schema_migrations "
                                                   "(version) values ('002');")));
    const QString createBefore = queryValue(
        tp.dbPath(),
        QStringLiteral("SELECT sql FROM sqlite_schema WHERE name = 'schema_migrations'"));

    Migrator m(tp.load(), QStringLiteral("APP"), QStringLiteral("local"));
    auto st = m.status();
    QVERIFY2(st.ok(), qPrintable(st.ok() ? QString() : st.error().toString()));
    QCOMPARE(st->entries.size(), 4);
    QCOMPARE(st->entries[0].state, MigrationState::Applied);
    QCOMPARE(st->entries[1].state, MigrationState::Applied);
    QCOMPARE(st->entries[2].state, MigrationState::Pending);
    QCOMPARE(st->entries[3].state, MigrationState::Pending);
    QCOMPARE(st->driftCount(), 0);

    auto r = m.up(RunOptions{});
    QVERIFY2(r.ok() && !r->failure, qPrintable(text(r)));
    QCOMPARE(r->steps.size(), 2);
    QCOMPARE(r->steps[0].fileName, QStringLiteral("003_create_t3.sql"));
    QCOMPARE(queryColumn(tp.dbPath(), QStringLiteral("SELECT version FROM schema_migrations "
                                                     "ORDER BY version")),
             (QStringList{QStringLiteral("001"), QStringLiteral("002"), QStringLiteral("003"),
                          QStringLiteral("004")}));
    QCOMPARE(queryValue(
                 tp.dbPath(),
                 QStringLiteral("SELECT sql FROM sqlite_schema WHERE name = 'schema_migrations'")),
             createBefore);
    QCOMPARE(queryColumn(tp.dbPath(), QStringLiteral("SELECT history_key FROM "
                                                     "strata_history_extra ORDER BY 1")),
             (QStringList{QStringLiteral("003"), QStringLiteral("004")}));
}

void TestMigratorHistories::dbmateDownRemovesRow()
{
    TempProject tp(QStringLiteral("sqlite"), QStringLiteral("dbmate"));
    QVERIFY(tp.isValid());
    for (int i = 1; i <= 2; ++i)
        QVERIFY(!tp.addMigration(tableMigrationName(i), tableMigration(i)).isEmpty());
    Migrator m(tp.load(), QStringLiteral("APP"), QStringLiteral("local"));
    auto r = m.up(RunOptions{});
    QVERIFY2(r.ok() && !r->failure, qPrintable(text(r)));
    auto d = m.down(RunOptions{});
    QVERIFY2(d.ok() && !d->failure, qPrintable(text(d)));
    QCOMPARE(queryColumn(tp.dbPath(), QStringLiteral("SELECT version FROM schema_migrations")),
             QStringList{QStringLiteral("0001")});
    QCOMPARE(
        queryColumn(tp.dbPath(), QStringLiteral("SELECT history_key FROM strata_history_extra")),
        QStringList{QStringLiteral("0001")});
    QVERIFY(!tableExists(tp.dbPath(), QStringLiteral("t2")));
}

void TestMigratorHistories::customHistoryTable()
{
    // wrangler's migrations_table: the history goes where wrangler.toml says.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(writeFile(dir.filePath(QStringLiteral("wrangler.toml")),
                      "name = \"w\"\n[[d1_databases]]\nbinding = \"DB\"\ndatabase_id = \"x\"\n"
                      "migrations_table = \"custom_migrations\"\n"));
    QVERIFY(writeFile(dir.filePath(QStringLiteral("migrations/0001_a.sql")),
                      "CREATE TABLE a (id INTEGER);\n"));
    auto project = loadWranglerConfig(dir.filePath(QStringLiteral("wrangler.toml")));
    QVERIFY2(project.ok(), qPrintable(project.ok() ? QString() : project.error().toString()));
    Migrator m(project.value(), QStringLiteral("DB"), QString());
    auto r = m.up(RunOptions{});
    QVERIFY2(r.ok() && !r->failure, qPrintable(text(r)));
    const QString db = m.environment().path;
    QCOMPARE(queryColumn(db, QStringLiteral("SELECT name FROM custom_migrations")),
             QStringList{QStringLiteral("0001_a.sql")});
    QVERIFY(!tableExists(db, QStringLiteral("d1_migrations")));
}

void TestMigratorHistories::foreignHistories_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QString>("table");
    QTest::addColumn<QString>("tool");
    QTest::addColumn<int>("entries");

    QTest::newRow("golang-migrate")
        << "CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean "
           "NOT NULL); INSERT INTO schema_migrations VALUES (20240101, 0);"
        << "schema_migrations"
        << "golang-migrate" << 1;
    QTest::newRow("seed-style schema_migrations")
        << "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
           "executed_at DATETIME); INSERT INTO schema_migrations VALUES (1, 'init', "
           "'2024-01-01'), (2, 'users', '2024-01-02'), (3, 'plans', '2024-01-03');"
        << "schema_migrations"
        << "schema_migrations" << 3;
    QTest::newRow("dbmate") << QString(kDbmateCreate +
                                       QStringLiteral("; INSERT INTO schema_migrations VALUES "
                                                      "('20240101000000'), ('20240102000000');"))
                            << "schema_migrations"
                            << "dbmate" << 2;
    QTest::newRow("_migrations")
        << "CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT); INSERT INTO "
           "_migrations VALUES ('001_init.sql', '2024-01-01'), ('002_users.sql', '2024-01-02');"
        << "_migrations"
        << "_migrations" << 2;
    QTest::newRow("Kysely")
        << "CREATE TABLE kysely_migration (name varchar(255) NOT NULL PRIMARY KEY, timestamp "
           "varchar(255) NOT NULL); INSERT INTO kysely_migration VALUES ('2024_init', 'x'), "
           "('2024_users', 'y'), ('2024_plans', 'z'), ('2024_more', 'w');"
        << "kysely_migration"
        << "kysely" << 4;
    QTest::newRow("drizzle")
        << "CREATE TABLE __drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, "
           "created_at numeric); INSERT INTO __drizzle_migrations (hash, created_at) VALUES "
           "('abc', 1700000000000);"
        << "__drizzle_migrations"
        << "drizzle" << 1;
    QTest::newRow("Flyway")
        << "CREATE TABLE flyway_schema_history (installed_rank INT NOT NULL PRIMARY KEY, version "
           "VARCHAR(50), description VARCHAR(200) NOT NULL, script VARCHAR(1000) NOT NULL, "
           "checksum INT, installed_on TEXT NOT NULL, success BOOLEAN NOT NULL); INSERT INTO "
           "flyway_schema_history VALUES (1, '1', 'init', 'V1__init.sql', 123, '2024-01-01', 1), "
           "(2, '2', 'users', 'V2__users.sql', 456, '2024-01-02', 1);"
        << "flyway_schema_history"
        << "flyway" << 2;
}

void TestMigratorHistories::foreignHistories()
{
    QFETCH(QString, sql);
    QFETCH(QString, table);
    QFETCH(QString, tool);
    QFETCH(int, entries);

    TempProject tp; // Strata's own history: every table above is someone else's
    QVERIFY(tp.isValid());
    QVERIFY(!tp.addMigration(tableMigrationName(1), tableMigration(1)).isEmpty());
    QVERIFY(execSql(tp.dbPath(), sql));
    const QStringList schemaBefore = schemaDump(tp.dbPath());

    Migrator m(tp.load(), QStringLiteral("APP"), QStringLiteral("local"));
    auto st = m.status();
    QVERIFY2(st.ok(), qPrintable(st.ok() ? QString() : st.error().toString()));
    QCOMPARE(st->foreign.size(), 1);
    const ForeignHistory& f = st->foreign.first();
    QCOMPARE(f.table, table);
    QVERIFY2(f.tool.contains(tool, Qt::CaseInsensitive), qPrintable(f.tool));
    if (tool == QLatin1String("schema_migrations")) {
        // The seed style is neither of the two well-known users of that table name.
        QVERIFY2(!f.tool.contains(QLatin1String("dbmate"), Qt::CaseInsensitive),
                 qPrintable(f.tool));
        QVERIFY2(!f.tool.contains(QLatin1String("golang"), Qt::CaseInsensitive),
                 qPrintable(f.tool));
    }
    QCOMPARE(f.entries, entries);
    QVERIFY(!f.latest.isEmpty());
    // Recognised, never written: reading left the database as it was.
    QCOMPARE(schemaDump(tp.dbPath()), schemaBefore);
    QCOMPARE(st->pendingCount(), 1);
}

QTEST_GUILESS_MAIN(TestMigratorHistories)
#include "tst_migrator_histories.moc"
