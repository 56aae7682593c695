// PostgreSQL-syntax migrations applied to SQLite and D1 databases through the dialect engine
// (seed 002's workflow): declared per file (-- strata:dialect postgres) or per database
// (migrations_dialect = "postgres"); the history records the SQL that actually ran; the schema
// derivation replays the same translation.

#include "migration.h"
#include "migrationset.h"
#include "migrator.h"
#include "schemahistory.h"
#include "testsupport.h"

#include <QTest>

using namespace strata;
using namespace strata::test;

namespace {

Result<RunReport> applyAll(const TempProject& tp)
{
    Migrator m(tp.load(), QStringLiteral("APP"), QStringLiteral("local"));
    return m.up(RunOptions{});
}

// Adds `migrations_dialect = "postgres"` to the temporary project's database.
bool declarePostgresMigrations(const TempProject& tp)
{
    const QString toml = tp.root() + QStringLiteral("/strata.toml");
    QByteArray text = readFile(toml);
    text.replace("migrations = \"migrations\"\n",
                 "migrations = \"migrations\"\nmigrations_dialect = \"postgres\"\n");
    return writeFile(toml, text);
}

const QByteArray kUsers = "-- strata:dialect postgres\n"
                          "-- migrate:up\n"
                          "CREATE TABLE users (\n"
                          "  id bigserial PRIMARY KEY,\n"
                          "  email varchar(200) NOT NULL UNIQUE,\n"
                          "  active boolean NOT NULL DEFAULT true,\n"
                          "  settings jsonb NOT NULL DEFAULT '{}'::jsonb,\n"
                          "  created_at timestamptz NOT NULL DEFAULT now()\n"
                          ");\n"
                          "-- migrate:down\n"
                          "DROP TABLE users;\n";

} // namespace

class TestTranslatedApply : public QObject
{
    Q_OBJECT

private slots:
    void perFileDirective();
    void perDatabaseDeclaration();
    void untranslatableStatementStopsThatMigration();
    void rebuildOnD1KeepsChildRows();
    void schemaHistoryReplaysTheTranslation();
    void directiveValueChecked();
};

void TestTranslatedApply::perFileDirective()
{
    TempProject tp;
    QVERIFY(tp.isValid());
    tp.addMigration(QStringLiteral("0001_users.sql"), kUsers);
    tp.addMigration(QStringLiteral("0002_tighten.sql"),
                    "-- strata:dialect postgres\n"
                    "-- migrate:up\n"
                    "ALTER TABLE users ALTER COLUMN settings DROP DEFAULT;\n"
                    "ALTER TABLE users ADD COLUMN name text;\n"
                    "-- migrate:down\n"
                    "ALTER TABLE users DROP COLUMN name;\n"
                    "ALTER TABLE users ALTER COLUMN settings SET DEFAULT '{}'::jsonb;\n");
    auto report = applyAll(tp);
    QVERIFY2(report.ok(), qPrintable(report.ok() ? QString() : report.error().toString()));
    QVERIFY2(!report->failure, qPrintable(report->failure ? report->failure->toString() : ""));
    QCOMPARE(report->steps.size(), 2);

    // The translation ran: defaults work as SQLite values, the boolean is 0/1.
    QVERIFY(execSql(tp.dbPath(), "INSERT INTO users (email, settings) VALUES ('a@x', '[]')"));
    QCOMPARE(queryRows(tp.dbPath(), "SELECT id, active, name FROM users"),
             (QList<QStringList>{{QStringLiteral("1"), QStringLiteral("1"), QString()}}));
    QVERIFY(!execSql(tp.dbPath(), "INSERT INTO users (email, settings) VALUES ('a@x', '{}')"));
    QVERIFY(!execSql(tp.dbPath(), "INSERT INTO users (email) VALUES ('b@x')")); // no default now

    // The history keeps the SQL that ran, not the PostgreSQL source.
    const QString ran = queryValue(tp.dbPath(), "SELECT sql FROM strata_migrations WHERE "
                                                "version = '0001'");
    QVERIFY2(ran.contains(QLatin1String("AUTOINCREMENT")), qPrintable(ran));
    QVERIFY2(!ran.contains(QLatin1String("bigserial")), qPrintable(ran));
    // The checksum is the file's, so editing the PostgreSQL source is still drift.
    auto mig = readMigrationFile(tp.migrationPath(QStringLiteral("0001_users.sql")));
    QVERIFY(mig.ok());
    QCOMPARE(queryValue(tp.dbPath(), "SELECT checksum FROM strata_migrations WHERE version = '0001'"),
             mig->checksum);

    // And it reverts through the translated down section.
    Migrator m(tp.load(), QStringLiteral("APP"), QStringLiteral("local"));
    RunOptions all;
    all.toVersion = 0;
    auto down = m.down(all);
    QVERIFY2(down.ok() && !down->failure,
             qPrintable(!down.ok() ? down.error().toString()
                                   : down->failure ? down->failure->toString() : QString()));
    QVERIFY(!tableExists(tp.dbPath(), QStringLiteral("users")));
}

void TestTranslatedApply::perDatabaseDeclaration()
{
    TempProject tp;
    QVERIFY(declarePostgresMigrations(tp));
    QByteArray users = kUsers;
    users.replace("-- strata:dialect postgres\n", "");
    tp.addMigration(QStringLiteral("0001_users.sql"), users);
    // A file may still say it is SQLite (STRICT is SQLite's own: PostgreSQL cannot parse it).
    tp.addMigration(QStringLiteral("0002_native.sql"),
                    "-- strata:dialect sqlite\nCREATE TABLE notes (body TEXT) STRICT;\n");
    auto report = applyAll(tp);
    QVERIFY2(report.ok() && !report->failure,
             qPrintable(report.ok() && report->failure ? report->failure->toString() : ""));
    QCOMPARE(report->steps.size(), 2);
    QVERIFY(queryValue(tp.dbPath(), "SELECT sql FROM sqlite_schema WHERE name = 'users'")
                .contains(QLatin1String("AUTOINCREMENT")));
    QVERIFY(tableExists(tp.dbPath(), QStringLiteral("notes")));
    // What the translation changed in meaning is reported, not silent.
    QVERIFY2(report->notes.join(QLatin1Char('\n')).contains(QLatin1String("0001_users.sql:")),
             qPrintable(report->notes.join(QLatin1Char('\n'))));
}

void TestTranslatedApply::untranslatableStatementStopsThatMigration()
{
    TempProject tp;
    QVERIFY(declarePostgresMigrations(tp));
    tp.addMigration(QStringLiteral("0001_t.sql"), "CREATE TABLE t (id int PRIMARY KEY);\n");
    tp.addMigration(QStringLiteral("0002_fn.sql"),
                    "CREATE TABLE u (id int);\n"
                    "\n"
                    "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                    "BEGIN NEW.id := 1; RETURN NEW; END $$;\n");
    auto report = applyAll(tp);
    QVERIFY(report.ok());
    QVERIFY(report->failure);
    QCOMPARE(report->steps.size(), 1);
    QVERIFY2(report->failure->file.endsWith(QLatin1String("0002_fn.sql")),
             qPrintable(report->failure->toString()));
    QCOMPARE(report->failure->line, 3);
    QVERIFY(report->failure->column > 0);
    QVERIFY(tableExists(tp.dbPath(), QStringLiteral("t")));
    QVERIFY(!tableExists(tp.dbPath(), QStringLiteral("u"))); // that migration rolled back whole
    QCOMPARE(queryValue(tp.dbPath(), "SELECT count(*) FROM strata_migrations"),
             QStringLiteral("1"));
}

void TestTranslatedApply::rebuildOnD1KeepsChildRows()
{
    TempProject tp(QStringLiteral("d1"), QStringLiteral("strata"));
    QVERIFY(declarePostgresMigrations(tp));
    tp.addMigration(QStringLiteral("0001_orgs.sql"),
                    "CREATE TABLE orgs (id int PRIMARY KEY, name text);\n"
                    "CREATE TABLE members (id int PRIMARY KEY,\n"
                    "  org_id int NOT NULL REFERENCES orgs (id) ON DELETE CASCADE);\n"
                    "INSERT INTO orgs VALUES (1, 'a'), (2, 'b');\n"
                    "INSERT INTO members VALUES (10, 1), (11, 1), (12, 2);\n");
    // SET NOT NULL on the parent: SQLite has no such ALTER, so the table is rebuilt; with D1's
    // foreign keys on, a naive rebuild would cascade-delete every member.
    tp.addMigration(QStringLiteral("0002_not_null.sql"),
                    "ALTER TABLE orgs ALTER COLUMN name SET NOT NULL;\n");
    auto report = applyAll(tp);
    QVERIFY2(report.ok() && !report->failure,
             qPrintable(report.ok() && report->failure ? report->failure->toString() : ""));
    QCOMPARE(queryValue(tp.dbPath(), "SELECT count(*) FROM members"), QStringLiteral("3"));
    QVERIFY(!execSql(tp.dbPath(), "INSERT INTO orgs VALUES (3, NULL)"));
    QVERIFY(queryRows(tp.dbPath(), "PRAGMA foreign_key_check").isEmpty());
}

void TestTranslatedApply::schemaHistoryReplaysTheTranslation()
{
    TempProject tp;
    QVERIFY(declarePostgresMigrations(tp));
    tp.addMigration(QStringLiteral("0001_users.sql"), kUsers);
    tp.addMigration(QStringLiteral("0002_name.sql"),
                    "ALTER TABLE users ADD COLUMN name text NOT NULL DEFAULT '';\n"
                    "ALTER TABLE users ALTER COLUMN email TYPE text;\n");
    const Project project = tp.load();
    auto files = migrationsFor(project, project.databases.first());
    QVERIFY(files.ok());
    const SchemaHistory history = deriveSchemaHistory(files.value(), Dialect::Sqlite);
    QVERIFY2(!history.failure, qPrintable(history.failure ? history.failure->toString() : ""));
    QCOMPARE(history.points.size(), 3);
    const Table* users = history.points[2].schema.table(QStringLiteral("users"));
    QVERIFY(users);
    QVERIFY(users->column(QStringLiteral("name")));
    QCOMPARE(users->column(QStringLiteral("email"))->declaredType, QStringLiteral("TEXT"));
    QVERIFY(!history.points[1].schema.table(QStringLiteral("users"))->column(
        QStringLiteral("name")));
}

void TestTranslatedApply::directiveValueChecked()
{
    auto mig = parseMigration(QStringLiteral("/x/0001_a.sql"),
                              "-- strata:dialect mysql\nSELECT 1;\n");
    QVERIFY(!mig.ok());
    QCOMPARE(mig.error().line, 1);
    QVERIFY(mig.error().message.contains(QLatin1String("postgres or sqlite")));
}

QTEST_GUILESS_MAIN(TestTranslatedApply)
#include "tst_translated_apply.moc"
