// The SQLite / D1 table rebuild (core/dialect/tablerebuild.h) on real SQLite databases with data:
// every change kind, foreign keys with every action in both enforcement modes, the objects that
// hang on a table, odd identifiers and table options, and failures that leave nothing behind.

#include "sqlitecreatetable.h"
#include "sqliteschemareader.h"
#include "tablerebuild.h"
#include "testsupport.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <QTemporaryDir>
#include <QTest>

using namespace strata;
using namespace strata::test;

Q_DECLARE_METATYPE(strata::TableChanges)
Q_DECLARE_METATYPE(strata::Dialect)

namespace {

Schema readSchema(const QString& path)
{
    SQLite::Database db(path.toStdString(), SQLite::OPEN_READONLY);
    return SqliteSchemaReader(db).read();
}

enum class Wrap { Transaction, Savepoint };

// Runs the statements as Strata runs a migration: foreign_keys set before the transaction, all
// statements inside it. The error message, or an empty string on success (committed). A failure
// rolls back.
QString runStatements(const QString& path, const QStringList& statements, bool foreignKeys,
                      Wrap wrap = Wrap::Transaction)
{
    SQLite::Database db(path.toStdString(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec(foreignKeys ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF");
    db.exec(wrap == Wrap::Transaction ? "BEGIN" : "SAVEPOINT migration");
    try {
        for (const QString& s : statements)
            db.exec(s.toStdString());
        db.exec(wrap == Wrap::Transaction ? "COMMIT" : "RELEASE migration");
        return QString();
    } catch (const SQLite::Exception& e) {
        db.exec(wrap == Wrap::Transaction ? "ROLLBACK" : "ROLLBACK TO migration; RELEASE migration");
        return QString::fromUtf8(e.what());
    }
}

// The rows of one table, each value with its storage class, rowids included.
QStringList tableDump(const QString& path, const QString& table, bool withoutRowid)
{
    const QStringList columns = queryColumn(
        path, QStringLiteral("SELECT name FROM pragma_table_xinfo(%1)").arg(quoteSqliteString(table)));
    QStringList exprs{withoutRowid ? QStringLiteral("0") : QStringLiteral("rowid")};
    for (const QString& c : columns)
        exprs << QStringLiteral("quote(%1) || ':' || typeof(%1)").arg(quoteSqliteIdentifier(c));
    const QList<QStringList> rows =
        queryRows(path, QStringLiteral("SELECT %1 FROM %2").arg(exprs.join(QStringLiteral(", ")),
                                                                 quoteSqliteIdentifier(table)));
    QStringList out;
    for (const QStringList& r : rows)
        out << table + u'|' + r.join(u'|');
    out.sort();
    return out;
}

// The schema and every row of every table: equal dumps mean equal databases.
QStringList fullDump(const QString& path)
{
    QStringList dump = schemaDump(path);
    const QList<QStringList> tables = queryRows(
        path, QStringLiteral("SELECT name, sql LIKE '%WITHOUT ROWID%' FROM sqlite_schema "
                             "WHERE type = 'table' ORDER BY name"));
    for (const QStringList& t : tables)
        // sqlite_sequence's rowids are SQLite's business; its names and values are compared.
        dump += tableDump(path, t[0], t[1] == QLatin1String("1") || t[0] == QLatin1String("sqlite_sequence"));
    return dump;
}

QStringList tableSqls(const QString& path)
{
    return queryColumn(path, QStringLiteral("SELECT type || ' ' || name || ': ' || sql FROM sqlite_schema "
                                            "WHERE sql IS NOT NULL ORDER BY type, name"));
}

ColumnChange change(const QString& column)
{
    ColumnChange c;
    c.column = column;
    return c;
}

} // namespace

class TestTableRebuild final : public QObject
{
    Q_OBJECT

private:
    // A new database file made by `setup`.
    QString database(const QString& setup)
    {
        const QString path = m_dir.filePath(QStringLiteral("db%1.sqlite").arg(++m_count));
        if (!execSql(path, setup))
            qWarning("setup failed");
        return path;
    }
    // Plans `changes` on `table` and runs the plan; fails the test if either fails.
    RebuildPlan rebuild(const QString& path, const QString& table, const TableChanges& changes,
                        bool foreignKeys = true, Dialect dialect = Dialect::Sqlite)
    {
        auto plan = planTableRebuild(readSchema(path), table, changes, dialect);
        if (!plan) {
            QTest::qFail(qPrintable(plan.error().message), __FILE__, __LINE__);
            return {};
        }
        const QString error = runStatements(path, plan->statements, foreignKeys);
        if (!error.isEmpty())
            QTest::qFail(qPrintable(error + u'\n' + plan->statements.join(u'\n')), __FILE__, __LINE__);
        return plan.value();
    }

    QTemporaryDir m_dir;
    int m_count = 0;

private slots:
    void changes_data();
    void changes();
    void classicProcedureCascades();
    void childRowsUntouched_data();
    void childRowsUntouched();
    void objectsRecreated();
    void oddIdentifiers();
    void tableOptions_data();
    void tableOptions();
    void autoincrementSequenceKept();
    void setNotNullWithNullsFails();
    void runTimeFailures_data();
    void runTimeFailures();
    void planErrors_data();
    void planErrors();
    void droppedColumnDropsItsIndexes();
};

void TestTableRebuild::changes_data()
{
    QTest::addColumn<QString>("setup");
    QTest::addColumn<TableChanges>("changes");
    QTest::addColumn<QString>("expectedSql");
    QTest::addColumn<QString>("query");
    QTest::addColumn<QStringList>("expectedRows");

    const QString t = QStringLiteral(
        "CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT COLLATE NOCASE, b INT CONSTRAINT b_nn NOT NULL DEFAULT 7, "
        "c TEXT, CONSTRAINT c_len CHECK (length(c) < 10));"
        "INSERT INTO t VALUES (1, 'x', 1, '42'), (2, NULL, 2, '7');");
    const QString all = QStringLiteral("SELECT id, quote(a), quote(b), quote(c) FROM t ORDER BY id");
    const QStringList same{QStringLiteral("1|'x'|1|'42'"), QStringLiteral("2|NULL|2|'7'")};

    TableChanges c;
    auto ch = change(QStringLiteral("b"));
    ch.notNull = false;
    c.columns = {ch};
    QTest::newRow("drop named NOT NULL") << t << c
        << QStringLiteral("CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT COLLATE NOCASE, b INT DEFAULT 7, "
                          "c TEXT, CONSTRAINT c_len CHECK (length(c) < 10))") << all << same;

    c = {};
    ch = change(QStringLiteral("C"));
    ch.notNull = true;
    c.columns = {ch};
    QTest::newRow("set NOT NULL") << t << c
        << QStringLiteral("CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT COLLATE NOCASE, b INT CONSTRAINT b_nn NOT NULL DEFAULT 7, "
                          "c TEXT NOT NULL, CONSTRAINT c_len CHECK (length(c) < 10))") << all << same;

    c = {};
    ch = change(QStringLiteral("b"));
    ch.defaultSql = std::optional<QString>(QStringLiteral("(abs(-3))"));
    auto ch2 = change(QStringLiteral("a"));
    ch2.defaultSql = std::optional<QString>(QStringLiteral("'none'"));
    c.columns = {ch, ch2};
    c.addColumns = {QStringLiteral("d TEXT NOT NULL DEFAULT CURRENT_DATE")};
    QTest::newRow("set defaults, add column with a non-constant default") << t << c
        << QStringLiteral("CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT COLLATE NOCASE DEFAULT 'none', "
                          "b INT CONSTRAINT b_nn NOT NULL DEFAULT (abs(-3)), "
                          "c TEXT, d TEXT NOT NULL DEFAULT CURRENT_DATE, CONSTRAINT c_len CHECK (length(c) < 10))")
        << QStringLiteral("SELECT id, quote(a), b, d = CURRENT_DATE FROM t ORDER BY id")
        << QStringList{QStringLiteral("1|'x'|1|1"), QStringLiteral("2|NULL|2|1")};

    c = {};
    ch = change(QStringLiteral("b"));
    ch.defaultSql = std::optional<QString>();
    c.columns = {ch};
    QTest::newRow("drop default") << t << c
        << QStringLiteral("CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT COLLATE NOCASE, b INT CONSTRAINT b_nn NOT NULL, "
                          "c TEXT, CONSTRAINT c_len CHECK (length(c) < 10))") << all << same;

    c = {};
    ch = change(QStringLiteral("c"));
    ch.newType = QStringLiteral("BIGINT");
    c.columns = {ch};
    c.dropConstraints = {QStringLiteral("C_LEN")};
    QTest::newRow("type through affinity, drop table constraint") << t << c
        << QStringLiteral("CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT COLLATE NOCASE, b INT CONSTRAINT b_nn NOT NULL DEFAULT 7, "
                          "c BIGINT)")
        << QStringLiteral("SELECT id, quote(c), typeof(c) FROM t ORDER BY id")
        << QStringList{QStringLiteral("1|42|integer"), QStringLiteral("2|7|integer")};

    c = {};
    ch = change(QStringLiteral("a"));
    ch.newType = QStringLiteral("INTEGER");
    ch.usingExpr = QStringLiteral("CASE WHEN a IS NULL THEN 0 ELSE length(a) END");
    c.columns = {ch};
    QTest::newRow("type with USING") << t << c
        << QStringLiteral("CREATE TABLE t(id INTEGER PRIMARY KEY, a INTEGER COLLATE NOCASE, b INT CONSTRAINT b_nn NOT NULL DEFAULT 7, "
                          "c TEXT, CONSTRAINT c_len CHECK (length(c) < 10))")
        << QStringLiteral("SELECT id, quote(a) FROM t ORDER BY id")
        << QStringList{QStringLiteral("1|1"), QStringLiteral("2|0")};

    c = {};
    c.dropConstraints = {QStringLiteral("b_nn")};
    c.dropColumns = {QStringLiteral("a")};
    c.addConstraints = {QStringLiteral("CONSTRAINT b_pos CHECK (b > 0)"), QStringLiteral("UNIQUE (c)")};
    QTest::newRow("drop column-level constraint and column, add constraints") << t << c
        << QStringLiteral("CREATE TABLE t(id INTEGER PRIMARY KEY, b INT DEFAULT 7, "
                          "c TEXT, CONSTRAINT c_len CHECK (length(c) < 10), CONSTRAINT b_pos CHECK (b > 0), UNIQUE (c))")
        << QStringLiteral("SELECT id, b, c FROM t ORDER BY id")
        << QStringList{QStringLiteral("1|1|42"), QStringLiteral("2|2|7")};

    c = {};
    ch = change(QStringLiteral("c"));
    ch.newType = QString();
    c.columns = {ch};
    QTest::newRow("remove the type") << t << c
        << QStringLiteral("CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT COLLATE NOCASE, b INT CONSTRAINT b_nn NOT NULL DEFAULT 7, "
                          "c, CONSTRAINT c_len CHECK (length(c) < 10))") << all << same;

    const QString laidOut = QStringLiteral(
        "CREATE TABLE \"layout\" (\n"
        "  id INTEGER PRIMARY KEY, -- the key\n"
        "  name VARCHAR(20) /* shown */ NOT NULL ON CONFLICT ABORT,\n"
        "  parent INT REFERENCES layout(id) ON DELETE SET NULL NOT DEFERRABLE\n"
        ");"
        "INSERT INTO layout VALUES (1, 'a', 1), (2, 'b', 1);");
    c = {};
    ch = change(QStringLiteral("name"));
    ch.newType = QStringLiteral("TEXT");
    ch.notNull = false;
    ch2 = change(QStringLiteral("parent"));
    ch2.notNull = true;
    ch2.defaultSql = std::optional<QString>(QStringLiteral("1"));
    c.columns = {ch, ch2};
    c.addColumns = {QStringLiteral("note TEXT")};
    QTest::newRow("layout and comments kept") << laidOut << c
        << QStringLiteral("CREATE TABLE \"layout\" (\n"
                          "  id INTEGER PRIMARY KEY, -- the key\n"
                          "  name TEXT /* shown */,\n"
                          "  parent INT REFERENCES layout(id) ON DELETE SET NULL NOT DEFERRABLE NOT NULL DEFAULT 1,\n"
                          "  note TEXT\n"
                          ")")
        << QStringLiteral("SELECT id, name, quote(parent) FROM layout ORDER BY id")
        << QStringList{QStringLiteral("1|a|1"), QStringLiteral("2|b|1")};
}

void TestTableRebuild::changes()
{
    QFETCH(QString, setup);
    QFETCH(TableChanges, changes);
    QFETCH(QString, expectedSql);
    QFETCH(QString, query);
    QFETCH(QStringList, expectedRows);

    const QString path = database(setup);
    const QString table = queryValue(path, QStringLiteral("SELECT name FROM sqlite_schema WHERE type = 'table'"));
    const RebuildPlan plan = rebuild(path, table, changes, true);
    QCOMPARE(plan.tableSql, expectedSql);
    QCOMPARE(queryValue(path, QStringLiteral("SELECT sql FROM sqlite_schema WHERE name = '%1'").arg(table)),
             expectedSql);
    QStringList rows;
    for (const QStringList& r : queryRows(path, query))
        rows << r.join(u'|');
    QCOMPARE(rows, expectedRows);
    QVERIFY(queryRows(path, QStringLiteral("PRAGMA foreign_key_check")).isEmpty());
    QVERIFY(!tableExists(path, table + QStringLiteral("__strata_old")));
}

// The finding the procedure is built around (docs/table-rebuild.md): with foreign_keys ON, even
// with defer_foreign_keys ON, "create new, copy, DROP old, RENAME new" on a parent deletes the
// children's rows (ON DELETE CASCADE) and nulls their references (SET NULL).
void TestTableRebuild::classicProcedureCascades()
{
    const QString path = database(QStringLiteral(
        "CREATE TABLE p(id INTEGER PRIMARY KEY, name TEXT);"
        "CREATE TABLE c(id INTEGER PRIMARY KEY, p INT REFERENCES p(id) ON DELETE CASCADE);"
        "CREATE TABLE n(id INTEGER PRIMARY KEY, p INT REFERENCES p(id) ON DELETE SET NULL);"
        "INSERT INTO p VALUES (1, 'a'); INSERT INTO c VALUES (1, 1); INSERT INTO n VALUES (1, 1);"));
    const QString error = runStatements(path, {QStringLiteral("PRAGMA defer_foreign_keys = ON"),
                                               QStringLiteral("CREATE TABLE p_new(id INTEGER PRIMARY KEY, name TEXT NOT NULL)"),
                                               QStringLiteral("INSERT INTO p_new SELECT * FROM p"),
                                               QStringLiteral("DROP TABLE p"),
                                               QStringLiteral("ALTER TABLE p_new RENAME TO p")},
                                        true);
    QCOMPARE(error, QString());
    QCOMPARE(queryValue(path, QStringLiteral("SELECT count(*) FROM c")), QStringLiteral("0"));
    QCOMPARE(queryValue(path, QStringLiteral("SELECT quote(p) FROM n")), QStringLiteral("NULL"));
}

void TestTableRebuild::childRowsUntouched_data()
{
    QTest::addColumn<bool>("foreignKeys");
    QTest::addColumn<Dialect>("dialect");
    QTest::newRow("foreign_keys ON, SQLite") << true << Dialect::Sqlite;
    QTest::newRow("foreign_keys OFF, SQLite") << false << Dialect::Sqlite;
    QTest::newRow("foreign_keys ON, D1") << true << Dialect::D1;
    QTest::newRow("foreign_keys OFF, D1") << false << Dialect::D1;
}

// A parent with CASCADE / SET NULL / SET DEFAULT / RESTRICT / NO ACTION children, a grandchild,
// a self-reference and a table referenced by the parent: every row of every other table identical
// afterwards, and the parent's only changed where the change says.
void TestTableRebuild::childRowsUntouched()
{
    QFETCH(bool, foreignKeys);
    QFETCH(Dialect, dialect);
    const QString path = database(QStringLiteral(
        "PRAGMA foreign_keys = ON;"
        "CREATE TABLE country(code TEXT PRIMARY KEY) WITHOUT ROWID;"
        "CREATE TABLE customer(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, country TEXT REFERENCES country(code),"
        " referrer INT REFERENCES customer(id) ON DELETE SET NULL);"
        "CREATE TABLE orders(id INTEGER PRIMARY KEY, customer INT NOT NULL REFERENCES customer(id) ON DELETE CASCADE,"
        " total REAL);"
        "CREATE TABLE line(id INTEGER PRIMARY KEY, ord INT REFERENCES orders(id) ON DELETE CASCADE, qty INT);"
        "CREATE TABLE note(id INTEGER PRIMARY KEY, customer INT DEFAULT 0 REFERENCES customer ON DELETE SET DEFAULT);"
        "CREATE TABLE audit(customer INT REFERENCES customer(id) ON DELETE RESTRICT ON UPDATE CASCADE, what TEXT);"
        "CREATE TABLE tag(customer INT, label TEXT, FOREIGN KEY (customer) REFERENCES customer(id) DEFERRABLE INITIALLY DEFERRED);"
        "CREATE TABLE other(id INTEGER PRIMARY KEY, v TEXT);"
        "CREATE INDEX orders_customer ON orders(customer);"
        "INSERT INTO country VALUES ('FR'), ('JP');"
        "INSERT INTO customer VALUES (0, 'Zero', NULL, NULL), (1, 'Ann', 'FR', NULL), (2, 'Bo', 'JP', 1),"
        " (3, 'Cy', NULL, 2);"
        "INSERT INTO orders VALUES (10, 1, 9.5), (11, 2, 3), (12, 3, NULL);"
        "INSERT INTO line VALUES (100, 10, 1), (101, 11, 2), (102, 12, 3);"
        "INSERT INTO note VALUES (1, 1), (2, 3);"
        "INSERT INTO audit VALUES (1, 'created'), (2, 'created');"
        "INSERT INTO tag VALUES (2, 'vip'), (1, 'new');"
        "INSERT INTO other VALUES (1, 'x');"));
    const QStringList before = fullDump(path);

    TableChanges changes;
    auto ch = change(QStringLiteral("name"));
    ch.notNull = true;
    changes.columns = {ch};
    const RebuildPlan plan = rebuild(path, QStringLiteral("customer"), changes, foreignKeys, dialect);
    QCOMPARE(plan.rebuiltTables, (QStringList{QStringLiteral("customer"), QStringLiteral("audit"),
                                              QStringLiteral("note"), QStringLiteral("orders"),
                                              QStringLiteral("tag"), QStringLiteral("line")}));
    QVERIFY2(plan.notes.value(0).contains(QLatin1String("5 tables")), qPrintable(plan.notes.value(0)));

    QStringList after = fullDump(path);
    QStringList expected = before;
    expected.replaceInStrings(QStringLiteral("name TEXT,"), QStringLiteral("name TEXT NOT NULL,"));
    QCOMPARE(after, expected);
    QVERIFY(queryRows(path, QStringLiteral("PRAGMA foreign_key_check")).isEmpty());

    // The foreign keys still work on the new tables.
    QVERIFY(execSql(path, QStringLiteral("PRAGMA foreign_keys = ON; DELETE FROM customer WHERE id = 3;")));
    QCOMPARE(queryValue(path, QStringLiteral("SELECT count(*) FROM orders WHERE customer = 3")), QStringLiteral("0"));
    QCOMPARE(queryValue(path, QStringLiteral("SELECT count(*) FROM line WHERE id = 102")), QStringLiteral("0"));
    QCOMPARE(queryValue(path, QStringLiteral("SELECT customer FROM note WHERE id = 2")), QStringLiteral("0"));
}

void TestTableRebuild::objectsRecreated()
{
    const QString path = database(QStringLiteral(
        "CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT, price INT);"
        "CREATE TABLE log(item INT, what TEXT);"
        "CREATE UNIQUE INDEX item_name ON item(name COLLATE NOCASE);"
        "CREATE INDEX item_cheap ON item(price) WHERE price < 10;"
        "CREATE VIEW cheap AS SELECT name FROM item WHERE price < 10;"
        "CREATE VIEW cheap_names AS SELECT upper(name) AS n FROM cheap;"
        "CREATE VIEW unrelated AS SELECT 1 AS one;"
        "CREATE TRIGGER item_log AFTER INSERT ON item BEGIN INSERT INTO log VALUES (new.id, 'insert'); END;"
        "CREATE TRIGGER log_check BEFORE INSERT ON log WHEN new.item NOT IN (SELECT id FROM item) "
        "BEGIN SELECT RAISE(ABORT, 'no item'); END;"
        "CREATE TRIGGER cheap_insert INSTEAD OF INSERT ON cheap BEGIN INSERT INTO item(name, price) VALUES (new.name, 1); END;"
        "INSERT INTO item VALUES (1, 'pen', 2), (2, 'book', 20);"));
    const QStringList before = tableSqls(path);
    const QStringList logBefore = tableDump(path, QStringLiteral("log"), false);

    TableChanges changes;
    auto ch = change(QStringLiteral("price"));
    ch.defaultSql = std::optional<QString>(QStringLiteral("5"));
    changes.columns = {ch};
    const RebuildPlan plan = rebuild(path, QStringLiteral("item"), changes);
    // The copy fired no trigger; everything is back with its own text.
    QCOMPARE(tableDump(path, QStringLiteral("log"), false), logBefore);
    QStringList expected = before;
    expected.replaceInStrings(QStringLiteral("price INT)"), QStringLiteral("price INT DEFAULT 5)"));
    QCOMPARE(tableSqls(path), expected);
    QVERIFY(!plan.statements.join(u'\n').contains(QLatin1String("unrelated")));
    QVERIFY(plan.notes.last().contains(QLatin1String("2 view(s) and 3 trigger(s)")));

    // And working.
    QVERIFY(execSql(path, QStringLiteral("INSERT INTO item(name) VALUES ('ink'); INSERT INTO cheap VALUES ('cap');")));
    QCOMPARE(queryColumn(path, QStringLiteral("SELECT n FROM cheap_names ORDER BY n")),
             (QStringList{QStringLiteral("CAP"), QStringLiteral("INK"), QStringLiteral("PEN")}));
    QCOMPARE(queryValue(path, QStringLiteral("SELECT count(*) FROM log")), QStringLiteral("4"));
    QVERIFY(!execSql(path, QStringLiteral("INSERT INTO item(name) VALUES ('PEN')"))); // unique, no case
    QVERIFY(!execSql(path, QStringLiteral("INSERT INTO log VALUES (99, 'x')")));
}

void TestTableRebuild::oddIdentifiers()
{
    const QString path = database(QStringLiteral(
        "CREATE TABLE \"odd \"\"table\"\" (x)\" ([first col] TEXT, `back``tick` INT, \"select\" TEXT, "
        "'str name' REAL, CONSTRAINT \"ch, eck\" CHECK (`back``tick` >= 0));"
        "CREATE TABLE [child (of odd)] (ref TEXT REFERENCES \"odd \"\"table\"\" (x)\"([first col]) ON DELETE CASCADE);"
        "CREATE UNIQUE INDEX \"odd idx\" ON \"odd \"\"table\"\" (x)\"([first col]);"
        "INSERT INTO \"odd \"\"table\"\" (x)\" VALUES ('a', 1, 's', 1.5), ('b', 2, NULL, NULL);"
        "INSERT INTO [child (of odd)] VALUES ('a'), ('b');"));
    const QString table = QStringLiteral("odd \"table\" (x)");
    const QStringList childBefore = tableDump(path, QStringLiteral("child (of odd)"), false);

    TableChanges changes;
    auto ch = change(QStringLiteral("SELECT"));
    ch.notNull = true;
    ch.defaultSql = std::optional<QString>(QStringLiteral("''"));
    ch.usingExpr = QStringLiteral("coalesce(\"select\", '-')");
    changes.columns = {ch};
    changes.dropConstraints = {QStringLiteral("ch, eck")};
    changes.dropColumns = {QStringLiteral("str name")};
    rebuild(path, table, changes);

    QCOMPARE(queryValue(path, QStringLiteral("SELECT sql FROM sqlite_schema WHERE name = %1").arg(quoteSqliteString(table))),
             QStringLiteral("CREATE TABLE \"odd \"\"table\"\" (x)\" ([first col] TEXT, `back``tick` INT, "
                            "\"select\" TEXT NOT NULL DEFAULT '')"));
    QCOMPARE(queryColumn(path, QStringLiteral("SELECT \"select\" FROM \"odd \"\"table\"\" (x)\" ORDER BY 1")),
             (QStringList{QStringLiteral("-"), QStringLiteral("s")}));
    QCOMPARE(tableDump(path, QStringLiteral("child (of odd)"), false), childBefore);
    // The parent key is unique through an index: a twin served during the copy, and is gone.
    QCOMPARE(queryColumn(path, QStringLiteral("SELECT name FROM sqlite_schema WHERE type = 'index' ORDER BY 1")),
             QStringList{QStringLiteral("odd idx")});
    QVERIFY(queryRows(path, QStringLiteral("PRAGMA foreign_key_check")).isEmpty());
}

void TestTableRebuild::tableOptions_data()
{
    QTest::addColumn<QString>("setup");
    QTest::addColumn<QString>("column");
    QTest::addColumn<QString>("expectedSql");

    QTest::newRow("WITHOUT ROWID")
        << QStringLiteral("CREATE TABLE t(k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID;"
                          "INSERT INTO t VALUES ('b', 'x'), ('a', 'y');")
        << QStringLiteral("v")
        << QStringLiteral("CREATE TABLE t(k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID");
    QTest::newRow("STRICT")
        << QStringLiteral("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT, n ANY) STRICT;"
                          "INSERT INTO t VALUES (1, 'x', 1), (2, 'y', 'two');")
        << QStringLiteral("v") << QStringLiteral("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL, n ANY) STRICT");
    QTest::newRow("STRICT, WITHOUT ROWID")
        << QStringLiteral("CREATE TABLE t(id INT PRIMARY KEY, v TEXT)STRICT,WITHOUT ROWID;"
                          "INSERT INTO t VALUES (1, 'x');")
        << QStringLiteral("v") << QStringLiteral("CREATE TABLE t(id INT PRIMARY KEY, v TEXT NOT NULL)STRICT,WITHOUT ROWID");
    QTest::newRow("generated columns")
        << QStringLiteral("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT, "
                          "up TEXT GENERATED ALWAYS AS (upper(v)) VIRTUAL, len INT AS (length(v)) STORED);"
                          "INSERT INTO t(id, v) VALUES (1, 'ab'), (2, 'c');")
        << QStringLiteral("v")
        << QStringLiteral("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL, "
                          "up TEXT GENERATED ALWAYS AS (upper(v)) VIRTUAL, len INT AS (length(v)) STORED)");
    QTest::newRow("rowids without an INTEGER PRIMARY KEY")
        << QStringLiteral("CREATE TABLE t(name TEXT PRIMARY KEY, v TEXT);"
                          "INSERT INTO t(rowid, name, v) VALUES (7, 'x', 'a'), (3, 'y', 'b');")
        << QStringLiteral("v") << QStringLiteral("CREATE TABLE t(name TEXT PRIMARY KEY, v TEXT NOT NULL)");
}

void TestTableRebuild::tableOptions()
{
    QFETCH(QString, setup);
    QFETCH(QString, column);
    QFETCH(QString, expectedSql);
    const QString path = database(setup);
    const QStringList before = fullDump(path);
    TableChanges changes;
    auto ch = change(column);
    ch.notNull = true;
    changes.columns = {ch};
    const RebuildPlan plan = rebuild(path, QStringLiteral("t"), changes);
    QCOMPARE(plan.tableSql, expectedSql);
    QStringList expected = before;
    expected.replaceInStrings(QStringLiteral("v TEXT"), QStringLiteral("v TEXT NOT NULL"));
    QCOMPARE(fullDump(path), expected); // rows, storage classes and rowids included
}

void TestTableRebuild::autoincrementSequenceKept()
{
    const QString path = database(QStringLiteral(
        "CREATE TABLE t(id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT);"
        "CREATE TABLE u(id INTEGER PRIMARY KEY AUTOINCREMENT, t INT REFERENCES t(id));"
        "INSERT INTO t(v) VALUES ('a'), ('b'), ('c'), ('d'); DELETE FROM t WHERE id > 2;"
        "INSERT INTO u(t) VALUES (1), (2), (2); DELETE FROM u WHERE id = 3;"));
    TableChanges changes;
    auto ch = change(QStringLiteral("v"));
    ch.newType = QStringLiteral("VARCHAR(10)");
    changes.columns = {ch};
    rebuild(path, QStringLiteral("t"), changes);
    QCOMPARE(queryRows(path, QStringLiteral("SELECT name, seq FROM sqlite_sequence ORDER BY name")),
             (QList<QStringList>{{QStringLiteral("t"), QStringLiteral("4")}, {QStringLiteral("u"), QStringLiteral("3")}}));
    QVERIFY(execSql(path, QStringLiteral("INSERT INTO t(v) VALUES ('e'); INSERT INTO u(t) VALUES (1);")));
    QCOMPARE(queryValue(path, QStringLiteral("SELECT max(id) FROM t")), QStringLiteral("5"));
    QCOMPARE(queryValue(path, QStringLiteral("SELECT max(id) FROM u")), QStringLiteral("4"));
}

void TestTableRebuild::setNotNullWithNullsFails()
{
    const QString path = database(QStringLiteral(
        "CREATE TABLE p(id INTEGER PRIMARY KEY, v TEXT);"
        "CREATE TABLE c(p INT REFERENCES p(id) ON DELETE CASCADE);"
        "CREATE VIEW pv AS SELECT * FROM p;"
        "INSERT INTO p VALUES (1, 'a'), (2, NULL); INSERT INTO c VALUES (1), (2);"));
    const QStringList before = fullDump(path);
    TableChanges changes;
    auto ch = change(QStringLiteral("v"));
    ch.notNull = true;
    changes.columns = {ch};
    for (const bool foreignKeys : {true, false}) {
        auto plan = planTableRebuild(readSchema(path), QStringLiteral("p"), changes, Dialect::D1);
        QVERIFY(plan);
        const QString error = runStatements(path, plan->statements, foreignKeys, Wrap::Savepoint);
        QCOMPARE(error, QStringLiteral("NOT NULL constraint failed: p.v"));
        QCOMPARE(fullDump(path), before);
    }
}

void TestTableRebuild::runTimeFailures_data()
{
    QTest::addColumn<QString>("setup");
    QTest::addColumn<TableChanges>("changes");
    QTest::addColumn<QString>("error");

    const QString setup = QStringLiteral(
        "CREATE TABLE p(id INTEGER PRIMARY KEY);"
        "CREATE TABLE t(id INTEGER PRIMARY KEY, code TEXT, n INT, p INT);"
        "INSERT INTO p VALUES (1);"
        "INSERT INTO t VALUES (1, '12', 5, 1), (2, 'x9', 5, 2), (3, NULL, -1, 1);");
    TableChanges c;
    auto ch = change(QStringLiteral("code"));
    ch.newType = QStringLiteral("INTEGER");
    c.columns = {ch};
    QTest::newRow("value the new type cannot hold") << setup << c
        << QStringLiteral("CHECK constraint failed: column t.code holds values that type INTEGER cannot hold; "
                          "convert them with ALTER COLUMN … TYPE … USING");
    c = {};
    c.addConstraints = {QStringLiteral("CONSTRAINT t_n_positive CHECK (n > 0)")};
    QTest::newRow("CHECK violated by a row") << setup << c
        << QStringLiteral("CHECK constraint failed: t_n_positive");
    c = {};
    c.addConstraints = {QStringLiteral("CONSTRAINT t_n_unique UNIQUE (n)")};
    QTest::newRow("UNIQUE violated by rows") << setup << c << QStringLiteral("UNIQUE constraint failed: t.n");
    c = {};
    c.addConstraints = {QStringLiteral("CONSTRAINT t_p_fkey FOREIGN KEY (p) REFERENCES p(id)")};
    QTest::newRow("FOREIGN KEY violated by a row") << setup << c
        << QStringLiteral("CHECK constraint failed: foreign keys violated after rebuilding table t; see PRAGMA foreign_key_check");
}

void TestTableRebuild::runTimeFailures()
{
    QFETCH(QString, setup);
    QFETCH(TableChanges, changes);
    QFETCH(QString, error);
    const QString path = database(setup);
    const QStringList before = fullDump(path);
    auto plan = planTableRebuild(readSchema(path), QStringLiteral("t"), changes, Dialect::Sqlite);
    QVERIFY(plan);
    for (const bool foreignKeys : {false, true}) {
        QCOMPARE(runStatements(path, plan->statements, foreignKeys, Wrap::Savepoint), error);
        QCOMPARE(fullDump(path), before);
    }
}

void TestTableRebuild::planErrors_data()
{
    QTest::addColumn<QString>("table");
    QTest::addColumn<TableChanges>("changes");
    QTest::addColumn<QString>("error");

    TableChanges c;
    c.dropConstraints = {QStringLiteral("nope")};
    QTest::newRow("unknown constraint") << QStringLiteral("t") << c
                                        << QStringLiteral("Table t has no constraint named nope");
    c = {};
    c.columns = {change(QStringLiteral("zz"))};
    QTest::newRow("unknown column") << QStringLiteral("t") << c << QStringLiteral("Table t has no column zz");
    c = {};
    QTest::newRow("unknown table") << QStringLiteral("nope") << c << QStringLiteral("No table nope to rebuild");
    c.addColumns = {QStringLiteral("A INT")};
    QTest::newRow("duplicate column") << QStringLiteral("t") << c << QStringLiteral("Table t already has a column A");
    c = {};
    c.addConstraints = {QStringLiteral("CONSTRAINT T_B_CHECK CHECK (b > 1)")};
    QTest::newRow("duplicate constraint") << QStringLiteral("t") << c
                                          << QStringLiteral("Table t already has a constraint named T_B_CHECK");
    const auto drop = [](const QString& column) {
        TableChanges d;
        d.dropColumns = {column};
        return d;
    };
    QTest::newRow("column used by a view") << QStringLiteral("t") << drop(QStringLiteral("a"))
                                           << QStringLiteral("Cannot drop column t.a: view tv uses it");
    QTest::newRow("column used by a trigger") << QStringLiteral("t") << drop(QStringLiteral("c"))
                                              << QStringLiteral("Cannot drop column t.c: trigger tt uses it");
    QTest::newRow("column used by a table constraint") << QStringLiteral("t") << drop(QStringLiteral("b"))
        << QStringLiteral("Cannot drop column t.b: constraint t_b_check uses it");
    QTest::newRow("column used by a generated column") << QStringLiteral("t") << drop(QStringLiteral("d"))
        << QStringLiteral("Cannot drop column t.d: generated column g uses it");
    QTest::newRow("column used by another column's CHECK") << QStringLiteral("t") << drop(QStringLiteral("e"))
        << QStringLiteral("Cannot drop column t.e: the CHECK constraint of column f uses it");
    QTest::newRow("column referenced by a foreign key") << QStringLiteral("t") << drop(QStringLiteral("id"))
        << QStringLiteral("Cannot drop column t.id: the foreign key (t) of table child references it");
    QTest::newRow("the last column") << QStringLiteral("solo") << drop(QStringLiteral("only"))
        << QStringLiteral("Cannot drop column solo.only: a table needs at least one column");
}

void TestTableRebuild::planErrors()
{
    QFETCH(QString, table);
    QFETCH(TableChanges, changes);
    QFETCH(QString, error);
    const QString path = database(QStringLiteral(
        "CREATE TABLE t(id INTEGER PRIMARY KEY, a INT, b INT, c INT, d INT, e INT, f INT CHECK (f <> e),"
        " g INT AS (d * 2), CONSTRAINT t_b_check CHECK (b > 0));"
        "CREATE TABLE child(t INT REFERENCES t);"
        "CREATE TABLE solo(only INT);"
        "CREATE VIEW tv AS SELECT a FROM t;"
        "CREATE TRIGGER tt AFTER UPDATE ON t BEGIN SELECT new.c; END;"));
    auto plan = planTableRebuild(readSchema(path), table, changes, Dialect::Sqlite);
    QVERIFY(!plan);
    QCOMPARE(plan.error().message, error);
}

void TestTableRebuild::droppedColumnDropsItsIndexes()
{
    const QString path = database(QStringLiteral(
        "CREATE TABLE t(id INTEGER PRIMARY KEY, a INT, b INT);"
        "CREATE INDEX t_a ON t(a); CREATE INDEX t_b_where ON t(b) WHERE a > 0; CREATE INDEX t_b ON t(b);"
        "INSERT INTO t VALUES (1, 2, 3);"));
    TableChanges changes;
    changes.dropColumns = {QStringLiteral("a")};
    const RebuildPlan plan = rebuild(path, QStringLiteral("t"), changes);
    QCOMPARE(queryColumn(path, QStringLiteral("SELECT name FROM sqlite_schema WHERE type = 'index' ORDER BY name")),
             QStringList{QStringLiteral("t_b")});
    QVERIFY(plan.notes.contains(QStringLiteral("Index t_a is dropped with column t.a, which it uses.")));
    QVERIFY(plan.notes.contains(QStringLiteral("Index t_b_where is dropped with column t.a, which it uses.")));
    QCOMPARE(queryRows(path, QStringLiteral("SELECT * FROM t")),
             (QList<QStringList>{{QStringLiteral("1"), QStringLiteral("3")}}));
}

QTEST_GUILESS_MAIN(TestTableRebuild)
#include "tst_tablerebuild.moc"
