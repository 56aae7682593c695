// The translator's text model of SQLite DDL (core/dialect/ddlschema.h) against SQLite itself:
// each row's statements are replayed into an empty SQLite database (a failing statement skipped,
// as the translator's history replay does) and read back by SqliteSchemaReader; the model must
// give exactly that Schema, or no answer for the forms it leaves to SQLite.

#include "ddlschema.h"
#include "sqliteschemareader.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <QTest>

using namespace strata;

namespace {

Schema replayed(const QStringList& statements)
{
    SQLite::Database db(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    for (const QString& s : statements) {
        try {
            db.exec(s.toStdString());
        } catch (const SQLite::Exception&) {
        }
    }
    return SqliteSchemaReader(db).read();
}

QString describe(const Schema& schema)
{
    QStringList out;
    for (const Table& t : schema.tables) {
        out << QStringLiteral("table %1: %2").arg(t.name, t.sql);
        for (const Column& c : t.columns)
            out << QStringLiteral(
                       "  column %1 [%2] affinity %3 notnull %4 default %5:%6 pk %7 gen %8")
                       .arg(c.name, c.declaredType, c.affinity)
                       .arg(c.notNull)
                       .arg(c.hasDefault)
                       .arg(c.defaultValue)
                       .arg(c.primaryKeyPosition)
                       .arg(int(c.generated));
        for (const ForeignKey& fk : t.foreignKeys)
            out << QStringLiteral("  fk (%1) -> %2 (%3) delete %4 update %5")
                       .arg(fk.columns.join(u','), fk.targetTable, fk.targetColumns.join(u','),
                            fk.onDelete, fk.onUpdate);
        for (const Index& i : t.indexes)
            out << QStringLiteral("  index %1 unique %2 origin %3 partial %4 (%5) %6")
                       .arg(i.name)
                       .arg(i.unique)
                       .arg(int(i.origin))
                       .arg(i.partial)
                       .arg(i.columns.join(u','), i.sql);
        out << QStringLiteral("  checks %1 rowid %2").arg(t.checks.join(u'|')).arg(!t.withoutRowid);
    }
    out << QStringLiteral("views %1 triggers %2")
               .arg(schema.views.size())
               .arg(schema.triggers.size());
    return out.join(u'\n');
}

} // namespace

class TestDdlSchema : public QObject
{
    Q_OBJECT

private slots:
    void sameAsSqlite_data();
    void sameAsSqlite();
    void leftToSqlite_data();
    void leftToSqlite();
};

void TestDdlSchema::sameAsSqlite_data()
{
    QTest::addColumn<QStringList>("statements");
    QTest::newRow("translator's table") << QStringList{
        QStringLiteral(
            "CREATE TABLE t1 (\n"
            "    id INTEGER CONSTRAINT t1_pkey PRIMARY KEY AUTOINCREMENT,\n"
            "    title TEXT DEFAULT '',\n"
            "    slug TEXT NOT NULL CONSTRAINT t1_slug_key UNIQUE,\n"
            "    state TEXT NOT NULL DEFAULT 'draft' CONSTRAINT t1_state_enum CHECK "
            "(state IN ('draft', 'active')),\n"
            "    score NUMERIC(12, 2) DEFAULT 0,\n"
            "    active INTEGER NOT NULL DEFAULT 1 CONSTRAINT t1_active_bool CHECK "
            "(active IN (0, 1)),\n"
            "    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),\n"
            "    parent_id INTEGER CONSTRAINT t1_parent_id_fkey REFERENCES t0 (id) ON "
            "DELETE CASCADE\n"
            ");"),
        QStringLiteral("CREATE INDEX t1_created_idx ON t1 (created_at DESC);"),
        QStringLiteral("CREATE INDEX t1_slug_lower_idx ON t1 (lower(slug)) WHERE active;"),
        QStringLiteral(
            "CREATE UNIQUE INDEX \"t1 Title\" ON \"t1\" (title COLLATE NOCASE, slug) ;")};
    QTest::newRow("keys and their indexes") << QStringList{
        QStringLiteral(
            "CREATE TABLE a (x INT PRIMARY KEY, y text unique, z, UNIQUE (y), UNIQUE (x));"),
        QStringLiteral("CREATE TABLE b (x TEXT UNIQUE, y integer, PRIMARY KEY (x));"),
        QStringLiteral("CREATE TABLE c (x integer, y, CONSTRAINT c_pk PRIMARY KEY (x));"),
        QStringLiteral("CREATE TABLE d (x, y, z, PRIMARY KEY (y, x), UNIQUE (z, y) ON CONFLICT "
                       "REPLACE, CHECK (x > y));"),
        QStringLiteral("CREATE TABLE e (x INTEGER PRIMARY KEY ASC, y INT NOT NULL ON CONFLICT "
                       "IGNORE);")};
    QTest::newRow("foreign keys") << QStringList{
        QStringLiteral("CREATE TABLE p (id INTEGER PRIMARY KEY, code TEXT UNIQUE);"),
        QStringLiteral("CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p, "
                       "code TEXT REFERENCES p (code) ON UPDATE CASCADE ON DELETE SET NULL "
                       "DEFERRABLE INITIALLY DEFERRED, a, b, CONSTRAINT c_ab FOREIGN KEY (a, b) "
                       "REFERENCES \"p\" (id, code) ON DELETE RESTRICT MATCH SIMPLE, FOREIGN KEY "
                       "(b) REFERENCES later ON DELETE SET DEFAULT ON UPDATE NO ACTION);")};
    QTest::newRow("defaults and generated columns") << QStringList{
        QStringLiteral("CREATE TABLE g (a INT DEFAULT -1, b REAL DEFAULT +2.5, c TEXT DEFAULT "
                       "CURRENT_TIMESTAMP, d BLOB DEFAULT x'00', e DEFAULT (1 + 2), f TEXT COLLATE "
                       "NOCASE DEFAULT 'x''y', g INT GENERATED ALWAYS AS (a * 2) STORED, h AS (a "
                       "+ 1), i INT AS (a - 1) VIRTUAL, j varchar(20) NULL, k double precision"
                       ");")};
    QTest::newRow("drops and skipped statements")
        << QStringList{QStringLiteral("CREATE TABLE a (id INTEGER PRIMARY KEY, v TEXT);"),
                       QStringLiteral("CREATE TABLE IF NOT EXISTS a (other TEXT);"),
                       QStringLiteral("CREATE TABLE A (again TEXT);"),
                       QStringLiteral("CREATE INDEX a_v ON a (v);"),
                       QStringLiteral("CREATE INDEX IF NOT EXISTS a_v ON a (id);"),
                       QStringLiteral("CREATE INDEX a_missing ON a (nothing);"),
                       QStringLiteral("CREATE INDEX gone_v ON gone (v);"),
                       QStringLiteral("CREATE INDEX a ON a (v);"),
                       QStringLiteral("CREATE TABLE b (id INTEGER PRIMARY KEY, w TEXT UNIQUE);"),
                       QStringLiteral("CREATE INDEX b_w ON b (w);"),
                       QStringLiteral("DROP INDEX a_v;"),
                       QStringLiteral("DROP INDEX IF EXISTS nothing;"),
                       QStringLiteral("DROP INDEX sqlite_autoindex_b_1;"),
                       QStringLiteral("DROP TABLE IF EXISTS nothing;"),
                       QStringLiteral("DROP TABLE b_w;"),
                       QStringLiteral("DROP TABLE b;"),
                       QStringLiteral("CREATE TABLE b (id INTEGER PRIMARY KEY);"),
                       QStringLiteral("CREATE TABLE strata_migrations (name TEXT PRIMARY KEY);"),
                       QStringLiteral("CREATE INDEX \"B_id\" ON B (ID);")};
}

void TestDdlSchema::sameAsSqlite()
{
    QFETCH(QStringList, statements);
    const std::optional<Schema> model = schemaFromSqliteDdl(statements);
    QVERIFY(model.has_value());
    const Schema expected = replayed(statements);
    QVERIFY(!expected.tables.isEmpty());
    QCOMPARE(describe(*model), describe(expected));
    QVERIFY(*model == expected);
}

void TestDdlSchema::leftToSqlite_data()
{
    QTest::addColumn<QString>("statement");
    QTest::newRow("view") << QStringLiteral("CREATE VIEW v AS SELECT 1;");
    QTest::newRow("trigger") << QStringLiteral(
        "CREATE TRIGGER tr AFTER INSERT ON a BEGIN SELECT 1; END;");
    QTest::newRow("alter") << QStringLiteral("ALTER TABLE a ADD COLUMN b TEXT;");
    QTest::newRow("temp table") << QStringLiteral("CREATE TEMP TABLE t (a);");
    QTest::newRow("without rowid")
        << QStringLiteral("CREATE TABLE t (a TEXT PRIMARY KEY) WITHOUT ROWID;");
    QTest::newRow("as select") << QStringLiteral("CREATE TABLE t AS SELECT 1 AS a;");
    QTest::newRow("qualified") << QStringLiteral("CREATE TABLE main.t (a);");
    QTest::newRow("desc key") << QStringLiteral("CREATE TABLE t (a INTEGER PRIMARY KEY DESC);");
    QTest::newRow("collated key") << QStringLiteral(
        "CREATE TABLE t (a TEXT, PRIMARY KEY (a COLLATE NOCASE));");
    QTest::newRow("two keys") << QStringLiteral(
        "CREATE TABLE t (a INT PRIMARY KEY, b INT PRIMARY KEY);");
    QTest::newRow("index without ';'") << QStringLiteral("CREATE INDEX i ON a (b)");
    QTest::newRow("index on a string") << QStringLiteral("CREATE INDEX i ON a ('b');");
}

void TestDdlSchema::leftToSqlite()
{
    QFETCH(QString, statement);
    const QStringList statements{QStringLiteral("CREATE TABLE a (b TEXT);"), statement};
    QVERIFY(!schemaFromSqliteDdl(statements).has_value());
}

QTEST_GUILESS_MAIN(TestDdlSchema)
#include "tst_ddlschema.moc"
