// The PostgreSQL → SQLite / D1 translator on fixture folders, one per construct:
// tests/fixtures/dialect/<construct>/{input.sql, expected.sql, expected-diagnostics} and, where
// D1 differs, expected-d1.sql / expected-d1-diagnostics. Output and diagnostics must match
// exactly, and every expected SQL file must run on a real SQLite database. Also the history a
// translator keeps across files and from a seeded database.
//
// STRATA_UPDATE_FIXTURES=1 writes the expected files from the current output (review the diff).

#include "dialecttranslator.h"
#include "testsupport.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

using namespace strata;
using namespace strata::test;

namespace {

QString dialectDir()
{
    return fixturePath(QStringLiteral("dialect"));
}

QString readText(const QString& path)
{
    return QString::fromUtf8(readFile(path));
}

QString diagnosticsText(const TranslationResult& r)
{
    QStringList lines;
    for (const TranslatedStatement& s : r.statements)
        for (const TranslationDiagnostic& d : s.diagnostics)
            lines << QStringLiteral("%1:%2: %3: %4")
                         .arg(d.line)
                         .arg(d.column)
                         .arg(TranslationDiagnostic::levelName(d.level), d.message);
    return lines.isEmpty() ? QString() : lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

// Runs SQL on a fresh in-memory SQLite database; the error text, empty on success.
QString runOnSqlite(const QString& sql)
{
    try {
        SQLite::Database db(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db.exec("PRAGMA foreign_keys = ON");
        db.exec("BEGIN");
        db.exec(sql.toStdString());
        db.exec("COMMIT");
        return {};
    } catch (const SQLite::Exception& e) {
        return QString::fromUtf8(e.what());
    }
}

} // namespace

class TestDialect : public QObject
{
    Q_OBJECT

private slots:
    void fixtures_data();
    void fixtures();
    void enoughFixtures();
    void historyAcrossFiles();
    void seededFromDatabase();
    void badStatementDoesNotStopOthers();
    void lineNumbersFromFirstLine();
    void indexKeyDiagnosticsOnce();
};

void TestDialect::fixtures_data()
{
    QTest::addColumn<QString>("dir");
    QTest::addColumn<bool>("d1");
    const QStringList cases =
        QDir(dialectDir()).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    for (const QString& c : cases) {
        QTest::newRow(qPrintable(c + QStringLiteral("/sqlite"))) << c << false;
        QTest::newRow(qPrintable(c + QStringLiteral("/d1"))) << c << true;
    }
}

void TestDialect::fixtures()
{
    QFETCH(QString, dir);
    QFETCH(bool, d1);
    const QDir folder(dialectDir() + QLatin1Char('/') + dir);
    const QString input = readText(folder.filePath(QStringLiteral("input.sql")));
    QVERIFY2(!input.isEmpty(), "input.sql is missing or empty");

    DialectTranslator translator(d1 ? Dialect::D1 : Dialect::Sqlite);
    const TranslationResult result = translator.translate(input, QStringLiteral("input.sql"));
    const QString sql = result.sql();
    const QString diagnostics = diagnosticsText(result);

    QString sqlFile = folder.filePath(QStringLiteral("expected.sql"));
    QString diagFile = folder.filePath(QStringLiteral("expected-diagnostics"));
    if (d1) {
        const QString d1Sql = folder.filePath(QStringLiteral("expected-d1.sql"));
        const QString d1Diag = folder.filePath(QStringLiteral("expected-d1-diagnostics"));
        if (QFile::exists(d1Sql) || (qEnvironmentVariableIsSet("STRATA_UPDATE_FIXTURES") &&
                                     sql != readText(sqlFile)))
            sqlFile = d1Sql;
        if (QFile::exists(d1Diag) || (qEnvironmentVariableIsSet("STRATA_UPDATE_FIXTURES") &&
                                      diagnostics != readText(diagFile)))
            diagFile = d1Diag;
    }
    if (qEnvironmentVariableIsSet("STRATA_UPDATE_FIXTURES")) {
        QVERIFY(writeFile(sqlFile, sql.toUtf8()));
        QVERIFY(writeFile(diagFile, diagnostics.toUtf8()));
    }
    QCOMPARE(sql, readText(sqlFile));
    QCOMPARE(diagnostics, readText(diagFile));

    // The expected SQL must run on a real SQLite (statements of a failing source statement are
    // still SQL: an error never produces garbage).
    const QString failure = runOnSqlite(readText(sqlFile));
    QVERIFY2(failure.isEmpty(), qPrintable(dir + QStringLiteral(": ") + failure));
}

void TestDialect::enoughFixtures()
{
    const QStringList cases =
        QDir(dialectDir()).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    QVERIFY2(cases.size() >= 30, qPrintable(QString::number(cases.size())));
    for (const QString& c : cases)
        QVERIFY2(QFile::exists(dialectDir() + QLatin1Char('/') + c +
                               QStringLiteral("/expected-diagnostics")),
                 qPrintable(c));
}

void TestDialect::historyAcrossFiles()
{
    DialectTranslator t;
    const TranslationResult first = t.translate(QStringLiteral(
        "CREATE TYPE state AS ENUM ('a', 'b');\n"
        "CREATE TABLE things (id serial PRIMARY KEY, s state NOT NULL, n integer);\n"));
    QVERIFY(!first.hasErrors());
    // A later file: the enum is known, and the rebuild knows the table.
    const TranslationResult second = t.translate(
        QStringLiteral("ALTER TABLE things ALTER COLUMN n SET NOT NULL;\n"
                       "CREATE TABLE others (id serial PRIMARY KEY, s state);\n"),
        QStringLiteral("002.sql"));
    QVERIFY2(!second.hasErrors(), qPrintable(second.diagnosticLines({}).join(QLatin1Char('\n'))));
    QCOMPARE(second.statements.size(), 2);
    const QString rebuilt = second.statements[0].output.join(QLatin1Char('\n'));
    QVERIFY2(rebuilt.contains(QLatin1String("\"n\" INTEGER NOT NULL")) ||
                 rebuilt.contains(QLatin1String("n INTEGER NOT NULL")),
             qPrintable(rebuilt));
    QVERIFY(rebuilt.contains(QLatin1String("things_s_enum")));
    QVERIFY(second.statements[1].output.join(QString()).contains(
        QLatin1String("CHECK (s IN ('a', 'b'))")));
    const QString failure = runOnSqlite(first.sql() + second.sql());
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

void TestDialect::seededFromDatabase()
{
    QTemporaryDir dir;
    const QString db = dir.filePath(QStringLiteral("app.sqlite"));
    QVERIFY(execSql(db, QStringLiteral("CREATE TABLE existing (id INTEGER PRIMARY KEY, v TEXT);"
                                       "INSERT INTO existing (v) VALUES ('x');")));
    DialectTranslator t;
    QVERIFY(t.seedFromSqlite(db).ok());
    const TranslationResult r =
        t.translate(QStringLiteral("ALTER TABLE existing ALTER COLUMN v SET NOT NULL;"));
    QVERIFY2(!r.hasErrors(), qPrintable(r.diagnosticLines({}).join(QLatin1Char('\n'))));
    QVERIFY(execSql(db, r.sql()));
    QCOMPARE(queryValue(db, QStringLiteral("SELECT v FROM existing")), QStringLiteral("x"));
    QCOMPARE(queryValue(db, QStringLiteral("SELECT \"notnull\" FROM pragma_table_info('existing') "
                                           "WHERE name = 'v'")),
             QStringLiteral("1"));

    // Without the seed the table is unknown: an error that names it.
    DialectTranslator blank;
    const TranslationResult unknown =
        blank.translate(QStringLiteral("ALTER TABLE existing ALTER COLUMN v SET NOT NULL;"));
    QVERIFY(unknown.hasErrors());
    QVERIFY(unknown.diagnosticLines({}).join(QString()).contains(QLatin1String("existing")));
}

void TestDialect::badStatementDoesNotStopOthers()
{
    DialectTranslator t;
    const TranslationResult r = t.translate(QStringLiteral(
        "CREATE TABLE a (id int);\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';\n"
        "SELEC oops;\nCREATE TABLE b (id int);\n"));
    QCOMPARE(r.statements.size(), 4);
    QVERIFY(r.hasErrors());
    QVERIFY(r.statements[0].output.size() == 1 && !r.statements[0].hasError());
    QVERIFY(r.statements[1].output.isEmpty() && r.statements[1].hasError());
    QVERIFY(r.statements[2].hasError());
    QCOMPARE(r.statements[2].diagnostics.first().line, 3);
    QVERIFY(r.statements[3].output.size() == 1 && !r.statements[3].hasError());
}

void TestDialect::lineNumbersFromFirstLine()
{
    DialectTranslator t;
    const TranslationResult r =
        t.translate(QStringLiteral("\n\nCREATE TABLE t (\n  x  varchar(5)\n);\n"), {}, 10);
    QCOMPARE(r.statements.size(), 1);
    QCOMPARE(r.statements[0].firstLine, 12);
    QCOMPARE(r.statements[0].lastLine, 14);
    QCOMPARE(r.statements[0].diagnostics.size(), 1);
    QCOMPARE(r.statements[0].diagnostics[0].line, 13);
    QCOMPARE(r.statements[0].diagnostics[0].column, 6);
}

void TestDialect::indexKeyDiagnosticsOnce()
{
    // A function-call key is translated once: its warning is reported once, not twice.
    DialectTranslator t;
    const TranslationResult r = t.translate(
        QStringLiteral("CREATE TABLE u (a text);\nCREATE INDEX u_a ON u (unaccent(a), (a || 'x'));\n"));
    QCOMPARE(r.statements.size(), 2);
    QCOMPARE(r.statements[1].output,
             QStringList{QStringLiteral("CREATE INDEX u_a ON u (unaccent(a), (a || 'x'));")});
    QCOMPARE(r.statements[1].diagnostics.size(), 1);
    QVERIFY(r.statements[1].diagnostics[0].message.contains(QLatin1String("unaccent()")));
}

QTEST_GUILESS_MAIN(TestDialect)
#include "tst_dialect.moc"
