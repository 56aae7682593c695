// The schema model: read from a live SQLite file, derived at every point of a history (the
// incremental reader checked against a full read after every step), and diffed.

#include "migrationset.h"
#include "schemadiff.h"
#include "schemahistory.h"
#include "sqliteschemareader.h"
#include "testsupport.h"

#include <SQLiteCpp/Database.h>

#include <QtTest>

using namespace strata;
using namespace strata::test;

class TestSchema final : public QObject
{
    Q_OBJECT

private slots:
    void readsColumnsKeysAndConstraints();
    void readsIndexesOfEveryKind();
    void checkConstraintsParsed_data();
    void checkConstraintsParsed();
    void leavesBookkeepingTablesOut();
    void derivesEveryPoint();
    void incrementalEqualsFullReadAtEveryStep_data();
    void incrementalEqualsFullReadAtEveryStep();
    void derivationStopsAtAFailure();
    void diffSeesEveryKindOfChange();
    void diffOfIdenticalSchemasIsEmpty();
};

namespace {

Schema schemaOf(const QString& sql)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("s.sqlite"));
    if (!execSql(path, sql))
        return {};
    auto schema = readSqliteSchemaFile(path);
    return schema ? schema.value() : Schema{};
}

} // namespace

void TestSchema::readsColumnsKeysAndConstraints()
{
    const Schema s = schemaOf(QStringLiteral(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(255) NOT NULL UNIQUE,"
        " created_at TEXT DEFAULT CURRENT_TIMESTAMP, score REAL);"
        "CREATE TABLE memberships (user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
        " org TEXT NOT NULL, role TEXT NOT NULL DEFAULT 'member',"
        " upper_org TEXT GENERATED ALWAYS AS (upper(org)) STORED,"
        " PRIMARY KEY (org, user_id)) WITHOUT ROWID;"
        "CREATE TABLE pairs (a INT, b INT, FOREIGN KEY (a, b) REFERENCES memberships(org, user_id)"
        " ON UPDATE SET NULL) STRICT;"
        "CREATE VIEW active AS SELECT id, email FROM users;"
        "CREATE TRIGGER t AFTER INSERT ON users BEGIN UPDATE users SET score = 0; END;"));
    QCOMPARE(s.tables.size(), 3);
    const Table* users = s.table(QStringLiteral("users"));
    QVERIFY(users);
    QCOMPARE(users->columns.size(), 4);
    const Column* email = users->column(QStringLiteral("email"));
    QVERIFY(email);
    QCOMPARE(email->declaredType, QStringLiteral("VARCHAR(255)"));
    QCOMPARE(email->affinity, QStringLiteral("TEXT"));
    QVERIFY(email->notNull);
    QCOMPARE(users->column(QStringLiteral("created_at"))->defaultValue,
             QStringLiteral("CURRENT_TIMESTAMP"));
    QCOMPARE(users->column(QStringLiteral("score"))->affinity, QStringLiteral("REAL"));
    QCOMPARE(users->primaryKey(), QStringList{QStringLiteral("id")});

    const Table* m = s.table(QStringLiteral("memberships"));
    QVERIFY(m);
    QVERIFY(m->withoutRowid);
    QCOMPARE(m->primaryKey(), (QStringList{QStringLiteral("org"), QStringLiteral("user_id")}));
    QCOMPARE(m->column(QStringLiteral("upper_org"))->generated, Column::Generated::Stored);
    QCOMPARE(m->column(QStringLiteral("role"))->defaultValue, QStringLiteral("'member'"));
    QCOMPARE(m->foreignKeys.size(), 1);
    QCOMPARE(m->foreignKeys[0].targetTable, QStringLiteral("users"));
    QCOMPARE(m->foreignKeys[0].onDelete, QStringLiteral("CASCADE"));

    const Table* pairs = s.table(QStringLiteral("pairs"));
    QVERIFY(pairs->strict);
    QCOMPARE(pairs->foreignKeys.size(), 1);
    QCOMPARE(pairs->foreignKeys[0].columns, (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
    QCOMPARE(pairs->foreignKeys[0].targetColumns,
             (QStringList{QStringLiteral("org"), QStringLiteral("user_id")}));
    QCOMPARE(pairs->foreignKeys[0].onUpdate, QStringLiteral("SET NULL"));

    QCOMPARE(s.views.size(), 1);
    QCOMPARE(s.views[0].columns, (QStringList{QStringLiteral("id"), QStringLiteral("email")}));
    QCOMPARE(s.triggers.size(), 1);
    QCOMPARE(s.triggers[0].table, QStringLiteral("users"));
}

void TestSchema::readsIndexesOfEveryKind()
{
    const Schema s = schemaOf(QStringLiteral(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT UNIQUE, b TEXT, c INT);"
        "CREATE INDEX t_b ON t(b, c);"
        "CREATE UNIQUE INDEX t_lower ON t(lower(b));"
        "CREATE INDEX t_live ON t(c) WHERE c IS NOT NULL;"));
    const Table* t = s.table(QStringLiteral("t"));
    QVERIFY(t);
    QCOMPARE(t->indexes.size(), 4);
    auto find = [&](const QString& name) -> const Index* {
        for (const Index& ix : t->indexes)
            if (ix.name == name)
                return &ix;
        return nullptr;
    };
    const Index* b = find(QStringLiteral("t_b"));
    QVERIFY(b);
    QCOMPARE(b->columns, (QStringList{QStringLiteral("b"), QStringLiteral("c")}));
    QCOMPARE(b->origin, Index::Origin::CreateIndex);
    QVERIFY(!b->unique);
    const Index* lower = find(QStringLiteral("t_lower"));
    QVERIFY(lower && lower->unique);
    QCOMPARE(lower->columns, QStringList{QStringLiteral("lower(b)")});
    const Index* live = find(QStringLiteral("t_live"));
    QVERIFY(live && live->partial);
    const Index* autoUnique = find(QStringLiteral("sqlite_autoindex_t_1"));
    QVERIFY(autoUnique);
    QCOMPARE(autoUnique->origin, Index::Origin::UniqueConstraint);
    QCOMPARE(autoUnique->columns, QStringList{QStringLiteral("a")});
}

void TestSchema::checkConstraintsParsed_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QStringList>("checks");
    QTest::newRow("column and table checks")
        << QStringLiteral("CREATE TABLE t (a INT CHECK (a > 0), b TEXT, CHECK (length(b) < 10))")
        << QStringList{QStringLiteral("a > 0"), QStringLiteral("length(b) < 10")};
    QTest::newRow("nested parentheses")
        << QStringLiteral("CREATE TABLE t (a INT, CHECK ((a IN (1, 2)) OR (a IS NULL)))")
        << QStringList{QStringLiteral("(a IN (1, 2)) OR (a IS NULL)")};
    QTest::newRow("the word inside strings and names")
        << QStringLiteral("CREATE TABLE t (\"check\" TEXT DEFAULT 'CHECK (x)', "
                          "rechecked INT CHECK (rechecked <> ')'))")
        << QStringList{QStringLiteral("rechecked <> ')'")};
    QTest::newRow("none") << QStringLiteral("CREATE TABLE t (a INT)") << QStringList{};
}

void TestSchema::checkConstraintsParsed()
{
    QFETCH(QString, sql);
    QFETCH(QStringList, checks);
    QCOMPARE(checkConstraintsOf(sql), checks);
}

void TestSchema::leavesBookkeepingTablesOut()
{
    const Schema s = schemaOf(QStringLiteral(
        "CREATE TABLE d1_migrations(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE);"
        "CREATE TABLE strata_migrations(version TEXT PRIMARY KEY);"
        "CREATE TABLE _cf_METADATA(key INTEGER PRIMARY KEY, value BLOB);"
        "CREATE TABLE users(id INTEGER PRIMARY KEY);"));
    QCOMPARE(s.tables.size(), 1);
    QCOMPARE(s.tables[0].name, QStringLiteral("users"));
}

void TestSchema::derivesEveryPoint()
{
    TempProject tp;
    QVERIFY(tp.isValid());
    QVERIFY(!tp.addMigration(QStringLiteral("0001_users.sql"),
                             "-- migrate:up\nCREATE TABLE users (id INTEGER PRIMARY KEY);\n")
                 .isEmpty());
    QVERIFY(!tp.addMigration(QStringLiteral("0002_email.sql"),
                             "ALTER TABLE users ADD COLUMN email TEXT;\n"
                             "CREATE INDEX users_email ON users(email);\n")
                 .isEmpty());
    QVERIFY(!tp.addMigration(QStringLiteral("0005_posts.sql"),
                             "CREATE TABLE posts (id INTEGER PRIMARY KEY,"
                             " user_id INTEGER REFERENCES users(id));\n")
                 .isEmpty());
    const Project project = tp.load();
    auto files = migrationsFor(project, project.databases.first());
    QVERIFY(files.ok());
    const SchemaHistory h = deriveSchemaHistory(files.value(), Dialect::Sqlite);
    QVERIFY(!h.failure);
    QCOMPARE(h.points.size(), 4);
    QVERIFY(h.points[0].schema.tables.isEmpty());
    QCOMPARE(h.points[1].schema.tables.size(), 1);
    QCOMPARE(h.points[1].schema.tables[0].columns.size(), 1);
    QCOMPARE(h.points[2].schema.tables[0].columns.size(), 2);
    QCOMPARE(h.points[2].schema.tables[0].indexes.size(), 1);
    QCOMPARE(h.points[3].schema.tables.size(), 2);
    // at() finds the point at or below a version.
    QCOMPARE(h.at(4).version, 2);
    QCOMPARE(h.at(5).fileName, QStringLiteral("0005_posts.sql"));
    QCOMPARE(h.at(0).schema.tables.size(), 0);
}

void TestSchema::incrementalEqualsFullReadAtEveryStep_data()
{
    QTest::addColumn<bool>("tracking");
    QTest::newRow("catalog scan") << false;
    QTest::newRow("authorizer tracking") << true;
}

void TestSchema::incrementalEqualsFullReadAtEveryStep()
{
    QFETCH(bool, tracking);
    // A history with every kind of step: creates, column adds, indexes, views, triggers,
    // drops and renames. After each one the incremental reader must equal a fresh full read.
    const QStringList steps = {
        QStringLiteral("CREATE TABLE a (id INTEGER PRIMARY KEY, name TEXT)"),
        QStringLiteral("CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INT REFERENCES a(id))"),
        QStringLiteral("INSERT INTO a (name) VALUES ('x')"),
        QStringLiteral("ALTER TABLE a ADD COLUMN flag INT NOT NULL DEFAULT 0"),
        QStringLiteral("CREATE INDEX a_flag ON a(flag)"),
        QStringLiteral("CREATE VIEW v AS SELECT * FROM a"),
        QStringLiteral("CREATE TRIGGER tr AFTER INSERT ON b BEGIN SELECT 1; END"),
        QStringLiteral("DROP INDEX a_flag"),
        QStringLiteral("ALTER TABLE b RENAME TO c"),
        QStringLiteral("ALTER TABLE a RENAME COLUMN name TO title"),
        QStringLiteral("DROP VIEW v"),
        QStringLiteral("DROP TABLE c"),
        QStringLiteral("CREATE TABLE b (id INTEGER PRIMARY KEY, note TEXT)"),
        QStringLiteral("CREATE TABLE p (id INTEGER PRIMARY KEY, code TEXT UNIQUE)"),
        QStringLiteral("CREATE TABLE ch (id INTEGER PRIMARY KEY, p_code TEXT REFERENCES p(code))"),
        QStringLiteral("CREATE VIEW pv AS SELECT p.code, ch.id FROM p JOIN ch ON ch.p_code = p.code"),
        QStringLiteral("CREATE TRIGGER ptr AFTER UPDATE ON p BEGIN UPDATE ch SET p_code = new.code"
                       " WHERE p_code = old.code; END"),
        QStringLiteral("ALTER TABLE p RENAME COLUMN code TO sku"),
        QStringLiteral("ALTER TABLE p RENAME TO products"),
        QStringLiteral("ALTER TABLE ch ADD COLUMN qty INT"),
        QStringLiteral("ALTER TABLE ch DROP COLUMN qty"),
        QStringLiteral("CREATE INDEX ch_p ON ch(p_code)"),
        QStringLiteral("DROP TABLE ch"),
    };
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("s.sqlite"));
    QVERIFY(execSql(path, QStringLiteral("PRAGMA user_version = 1")));
    SQLite::Database db(path.toStdString(), SQLite::OPEN_READWRITE);
    SqliteSchemaReader incremental(db);
    if (tracking)
        incremental.trackChanges();
    incremental.read();
    for (const QString& step : steps) {
        db.exec(step.toStdString());
        const Schema inc = incremental.readChanged();
        SqliteSchemaReader fresh(db);
        const Schema full = fresh.read();
        QVERIFY2(inc == full, qPrintable(QStringLiteral("differs after: ") + step));
    }
}

void TestSchema::derivationStopsAtAFailure()
{
    TempProject tp;
    QVERIFY(tp.isValid());
    QVERIFY(!tp.addMigration(tableMigrationName(1), tableMigration(1)).isEmpty());
    QVERIFY(!tp.addMigration(QStringLiteral("0002_bad.sql"), "CREATE TABLE t1 (x INT);\n")
                 .isEmpty());
    QVERIFY(!tp.addMigration(tableMigrationName(3), tableMigration(3)).isEmpty());
    const Project project = tp.load();
    auto files = migrationsFor(project, project.databases.first());
    QVERIFY(files.ok());
    const SchemaHistory h = deriveSchemaHistory(files.value(), Dialect::Sqlite);
    QVERIFY(h.failure);
    QVERIFY(h.failure->file.endsWith(QLatin1String("0002_bad.sql")));
    QCOMPARE(h.failure->line, 1);
    QCOMPARE(h.points.size(), 2); // before anything, and after 0001
}

void TestSchema::diffSeesEveryKindOfChange()
{
    const Schema from = schemaOf(QStringLiteral(
        "CREATE TABLE keep (id INTEGER PRIMARY KEY, a TEXT, gone INT, ref INT REFERENCES old(id));"
        "CREATE TABLE old (id INTEGER PRIMARY KEY);"
        "CREATE INDEX keep_a ON keep(a);"
        "CREATE VIEW v1 AS SELECT id FROM keep;"
        "CREATE VIEW v2 AS SELECT id FROM keep;"));
    const Schema to = schemaOf(QStringLiteral(
        "CREATE TABLE keep (id INTEGER PRIMARY KEY, a TEXT NOT NULL, fresh INT, "
        "ref INT, CHECK (fresh > 0));"
        "CREATE TABLE added (id INTEGER PRIMARY KEY);"
        "CREATE INDEX keep_fresh ON keep(fresh);"
        "CREATE VIEW v1 AS SELECT id, a FROM keep;"
        "CREATE TRIGGER tr AFTER INSERT ON keep BEGIN SELECT 1; END;"));
    const SchemaDiff d = diffSchemas(from, to);
    QVERIFY(!d.isEmpty());
    const TableDiff* keep = d.table(QStringLiteral("keep"));
    QVERIFY(keep);
    QCOMPARE(keep->kind, ChangeKind::Changed);
    QCOMPARE(keep->addedColumns, QStringList{QStringLiteral("fresh")});
    QCOMPARE(keep->removedColumns, QStringList{QStringLiteral("gone")});
    QCOMPARE(keep->changedColumns, QStringList{QStringLiteral("a")});
    QCOMPARE(keep->removedForeignKeys.size(), 1);
    QCOMPARE(keep->addedIndexes, QStringList{QStringLiteral("keep_fresh")});
    QCOMPARE(keep->removedIndexes, QStringList{QStringLiteral("keep_a")});
    QCOMPARE(keep->addedChecks, QStringList{QStringLiteral("fresh > 0")});
    const QStringList details = keep->details(from, to);
    QVERIFY(details.contains(QStringLiteral("column a changed: TEXT → TEXT NOT NULL")));
    QCOMPARE(d.table(QStringLiteral("added"))->kind, ChangeKind::Added);
    QCOMPARE(d.table(QStringLiteral("old"))->kind, ChangeKind::Removed);

    QCOMPARE(d.objects.size(), 3);
    auto kindOf = [&](const QString& name) {
        for (const ObjectDiff& o : d.objects)
            if (o.name == name)
                return changeKindName(o.kind);
        return QString();
    };
    QCOMPARE(kindOf(QStringLiteral("v1")), QStringLiteral("changed"));
    QCOMPARE(kindOf(QStringLiteral("v2")), QStringLiteral("removed"));
    QCOMPARE(kindOf(QStringLiteral("tr")), QStringLiteral("added"));
}

void TestSchema::diffOfIdenticalSchemasIsEmpty()
{
    const QString sql = QStringLiteral("CREATE TABLE a (id INTEGER PRIMARY KEY, b TEXT);"
                                       "CREATE INDEX a_b ON a(b);");
    QVERIFY(diffSchemas(schemaOf(sql), schemaOf(sql)).isEmpty());
}

QTEST_GUILESS_MAIN(TestSchema)
#include "tst_schema.moc"
