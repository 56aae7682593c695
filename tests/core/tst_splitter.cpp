// splitSqliteStatements: where one statement ends and the next begins, as SQLite sees it —
// strings, quoted names, comments and trigger bodies keep their semicolons — and on which line
// of the file each statement starts, so errors can point at it.

#include "pgsplitter.h"
#include "sqlsplitter.h"

#include <QTest>

using namespace strata;

class TestSplitter : public QObject
{
    Q_OBJECT

private slots:
    void split_data();
    void split();
    void firstLineOffset();
    void triggerBodyIsOneStatement();
    void leadingKeyword_data();
    void leadingKeyword();
    void isBlankSql_data();
    void isBlankSql();
    void postgresDollarQuotesAndDoBlocks();
    void postgresSyntaxErrorPosition();
    void postgresColumnsCountCharacters();
};

void TestSplitter::split_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("statements");
    QTest::addColumn<QList<int>>("lines");

    QTest::newRow("two statements")
        << QStringLiteral("CREATE TABLE a (x);\nCREATE TABLE b (y);\n")
        << QStringList{QStringLiteral("CREATE TABLE a (x);"), QStringLiteral("CREATE TABLE b (y);")}
        << QList<int>{1, 2};
    QTest::newRow("two on one line")
        << QStringLiteral("SELECT 1; SELECT 2;")
        << QStringList{QStringLiteral("SELECT 1;"), QStringLiteral("SELECT 2;")}
        << QList<int>{1, 1};
    QTest::newRow("semicolon in a string")
        << QStringLiteral("INSERT INTO t VALUES ('a;b', 'it''s; fine');\nSELECT 1;")
        << QStringList{QStringLiteral("INSERT INTO t VALUES ('a;b', 'it''s; fine');"),
                       QStringLiteral("SELECT 1;")}
        << QList<int>{1, 2};
    QTest::newRow("comment marker in a string")
        << QStringLiteral("INSERT INTO t VALUES ('--;', '/*;');\nSELECT 2;")
        << QStringList{QStringLiteral("INSERT INTO t VALUES ('--;', '/*;');"),
                       QStringLiteral("SELECT 2;")}
        << QList<int>{1, 2};
    QTest::newRow("quoted identifiers")
        << QStringLiteral("CREATE TABLE \"we;ird\" (\"c;1\" INT, [c;2] INT, `c;3` INT);\nSELECT 3;")
        << QStringList{QStringLiteral(
                           "CREATE TABLE \"we;ird\" (\"c;1\" INT, [c;2] INT, `c;3` INT);"),
                       QStringLiteral("SELECT 3;")}
        << QList<int>{1, 2};
    QTest::newRow("line comment with semicolon")
        << QStringLiteral("SELECT 1; -- one; two\nSELECT 2;")
        << QStringList{QStringLiteral("SELECT 1;"), QStringLiteral("SELECT 2;")}
        << QList<int>{1, 2};
    QTest::newRow("block comments")
        << QStringLiteral("/* header; with ; */\nSELECT 1;\nSELECT /* ; */ 2;")
        << QStringList{QStringLiteral("SELECT 1;"), QStringLiteral("SELECT /* ; */ 2;")}
        << QList<int>{2, 3};
    QTest::newRow("leading comment lines are skipped")
        << QStringLiteral(
               "-- create the table\n-- (twice commented)\n\nCREATE TABLE a (\n  x INT\n);")
        << QStringList{QStringLiteral("CREATE TABLE a (\n  x INT\n);")} << QList<int>{4};
    QTest::newRow("multi-line statements keep their first line")
        << QStringLiteral("CREATE TABLE a (\n  x INT\n);\n\nCREATE INDEX i\n  ON a (x);\n")
        << QStringList{QStringLiteral("CREATE TABLE a (\n  x INT\n);"),
                       QStringLiteral("CREATE INDEX i\n  ON a (x);")}
        << QList<int>{1, 5};
    QTest::newRow("trigger")
        << QStringLiteral("CREATE TRIGGER tr AFTER INSERT ON a BEGIN\n  INSERT INTO b VALUES (1);\n"
                          "  UPDATE c SET x = 1;\nEND;\nSELECT 1;")
        << QStringList{QStringLiteral("CREATE TRIGGER tr AFTER INSERT ON a BEGIN\n  INSERT INTO b "
                                      "VALUES (1);\n  UPDATE c SET x = 1;\nEND;"),
                       QStringLiteral("SELECT 1;")}
        << QList<int>{1, 5};
    QTest::newRow("trailing statement without semicolon")
        << QStringLiteral("SELECT 1;\nSELECT 2")
        << QStringList{QStringLiteral("SELECT 1;"), QStringLiteral("SELECT 2")} << QList<int>{1, 2};
    QTest::newRow("comment-only tail dropped")
        << QStringLiteral("SELECT 1;\n-- done\n/* really; done */\n\n")
        << QStringList{QStringLiteral("SELECT 1;")} << QList<int>{1};
    QTest::newRow("lone semicolons dropped")
        << QStringLiteral("SELECT 1;;\n;\n  ;") << QStringList{QStringLiteral("SELECT 1;")}
        << QList<int>{1};
    QTest::newRow("only comments")
        << QStringLiteral("-- nothing\n/* at all */") << QStringList{} << QList<int>{};
    QTest::newRow("empty") << QString() << QStringList{} << QList<int>{};
    QTest::newRow("non-ASCII text")
        << QStringLiteral("INSERT INTO t VALUES ('café; crème');\nSELECT 'ü';")
        << QStringList{QStringLiteral("INSERT INTO t VALUES ('café; crème');"),
                       QStringLiteral("SELECT 'ü';")}
        << QList<int>{1, 2};
}

void TestSplitter::split()
{
    QFETCH(QString, text);
    QFETCH(QStringList, statements);
    QFETCH(QList<int>, lines);

    const QList<SqlStatement> got = splitSqliteStatements(text);
    QStringList gotSql;
    QList<int> gotLines;
    for (const SqlStatement& s : got) {
        gotSql << s.sql;
        gotLines << s.line;
    }
    QCOMPARE(gotSql, statements);
    QCOMPARE(gotLines, lines);
}

void TestSplitter::firstLineOffset()
{
    // The up section of a file often starts below a marker: lines count from there.
    const QString text = QStringLiteral("\n\nCREATE TABLE a (x);\n\n-- b\nCREATE TABLE b (x);");
    const QList<SqlStatement> got = splitSqliteStatements(text, 10);
    QCOMPARE(got.size(), 2);
    QCOMPARE(got[0].line, 12);
    QCOMPARE(got[1].line, 15);
}

void TestSplitter::triggerBodyIsOneStatement()
{
    // The trigger of the wrangler fixture, with a CASE … END inside the body for good measure.
    const QString text = QStringLiteral(
        "CREATE TRIGGER trg_sessions_touch\nAFTER UPDATE OF token ON sessions\nFOR EACH ROW\n"
        "BEGIN\n    UPDATE sessions SET last_seen_at = CURRENT_TIMESTAMP WHERE id = NEW.id;\n"
        "    UPDATE users SET display_name = CASE WHEN display_name IS NULL THEN 'x;y' ELSE "
        "display_name END WHERE id = NEW.user_id;\nEND;\nCREATE INDEX i ON sessions (token);\n");
    const QList<SqlStatement> got = splitSqliteStatements(text, 3);
    QCOMPARE(got.size(), 2);
    QVERIFY(got[0].sql.startsWith(QLatin1String("CREATE TRIGGER")));
    QVERIFY(got[0].sql.endsWith(QLatin1String("END;")));
    QCOMPARE(got[0].line, 3);
    QCOMPARE(got[1].sql, QStringLiteral("CREATE INDEX i ON sessions (token);"));
    QCOMPARE(got[1].line, 10);
}

void TestSplitter::leadingKeyword_data()
{
    QTest::addColumn<QString>("statement");
    QTest::addColumn<QString>("keyword");

    QTest::newRow("plain") << QStringLiteral("CREATE TABLE a (x);") << QStringLiteral("CREATE");
    QTest::newRow("lower case") << QStringLiteral("begin transaction;") << QStringLiteral("BEGIN");
    QTest::newRow("leading space") << QStringLiteral("   \n\tcommit;") << QStringLiteral("COMMIT");
    QTest::newRow("after comments")
        << QStringLiteral("-- why\n/* what */ SavePoint x;") << QStringLiteral("SAVEPOINT");
    QTest::newRow("keyword glued to paren") << QStringLiteral("WITH(x)") << QStringLiteral("WITH");
    QTest::newRow("no keyword") << QStringLiteral("(SELECT 1)") << QString();
    QTest::newRow("empty") << QString() << QString();
    QTest::newRow("only a comment") << QStringLiteral("-- BEGIN") << QString();
}

void TestSplitter::leadingKeyword()
{
    QFETCH(QString, statement);
    QFETCH(QString, keyword);
    QCOMPARE(strata::leadingKeyword(statement), keyword);
}

void TestSplitter::isBlankSql_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("blank");

    QTest::newRow("empty") << QString() << true;
    QTest::newRow("whitespace") << QStringLiteral(" \n\t\r\n") << true;
    QTest::newRow("comments") << QStringLiteral("-- a\n/* b\n c */\n-- d") << true;
    QTest::newRow("statement") << QStringLiteral("-- a\nSELECT 1;") << false;
    QTest::newRow("semicolon") << QStringLiteral(";") << false;
}

void TestSplitter::isBlankSql()
{
    QFETCH(QString, text);
    QFETCH(bool, blank);
    QCOMPARE(strata::isBlankSql(text), blank);
}

void TestSplitter::postgresDollarQuotesAndDoBlocks()
{
    const QString sql = QStringLiteral(
        "-- header\n"
        "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; SELECT 2; $body$ LANGUAGE sql;\n"
        "/* a /* nested */ comment; */\n"
        "DO $$ BEGIN RAISE NOTICE 'a;b'; END $$;\n"
        "INSERT INTO t VALUES ('x;y', E'\\';')");
    auto split = strata::splitPostgres(sql, 10);
    QVERIFY2(split.ok(), qPrintable(split.ok() ? QString() : split.error().toString()));
    QCOMPARE(split->size(), 3);
    QVERIFY(split->at(0).statement.sql.startsWith(QStringLiteral("CREATE FUNCTION")));
    QVERIFY(split->at(0).statement.sql.endsWith(QStringLiteral("LANGUAGE sql;")));
    QCOMPARE(split->at(0).statement.line, 11);
    QCOMPARE(split->at(0).leading, QStringLiteral("-- header\n"));
    QVERIFY(split->at(1).statement.sql.startsWith(QStringLiteral("DO $$")));
    QCOMPARE(split->at(1).statement.line, 13);
    QVERIFY(split->at(1).leading.contains(QStringLiteral("nested")));
    QCOMPARE(split->at(2).statement.line, 14);
    QVERIFY(!split->at(2).statement.sql.endsWith(QLatin1Char(';')));
}

void TestSplitter::postgresSyntaxErrorPosition()
{
    const QString sql = QStringLiteral("CREATE TABLE a (id int);\nCREATE TABLE b (id int,);\n");
    auto split = strata::splitPostgresStatements(sql, 5, QStringLiteral("m.sql"));
    QVERIFY(!split.ok());
    QCOMPARE(split.error().file, QStringLiteral("m.sql"));
    QCOMPARE(split.error().line, 6);
    QCOMPARE(split.error().column, 24); // at the ')' after the stray comma
    QVERIFY(split.error().message.contains(QStringLiteral("syntax error")));
}

void TestSplitter::postgresColumnsCountCharacters()
{
    const strata::PgSourceText text(QStringLiteral("SELECT 'é';\nSELECT 'ü', x"));
    const int x = int(text.utf8().lastIndexOf('x'));
    QCOMPARE(text.lineAt(x), 2);
    QCOMPARE(text.columnAt(x), 13);
}

QTEST_GUILESS_MAIN(TestSplitter)
#include "tst_splitter.moc"
