// `strata translate` as a real process (STRATA_BINARY): SQL on stdout, diagnostics on stderr as
// file:line:col: level: message, exit 1 on an error while the other statements are still
// printed, --json per statement, standard input, --to d1, and usage errors.

#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace strata::test;

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

Run runStrata(const QStringList& args, const QByteArray& input = {})
{
    QProcess p;
    p.setProgram(QStringLiteral(STRATA_BINARY));
    p.setArguments(args);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    QTemporaryDir home;
    env.insert(QStringLiteral("HOME"), home.path());
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
    p.setProcessEnvironment(env);
    p.start();
    if (!input.isNull())
        p.write(input);
    p.closeWriteChannel();
    Run r;
    if (!p.waitForFinished(60000))
        return r;
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

const QByteArray kMixed = "-- the users\n"
                          "CREATE TABLE users (id serial PRIMARY KEY, email varchar(80) NOT NULL);\n"
                          "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';\n"
                          "CREATE INDEX users_email_idx ON users (email);\n";

} // namespace

class TestCliTranslate : public QObject
{
    Q_OBJECT

private slots:
    void fileToSqlite();
    void errorStillPrintsTheRest();
    void json();
    void standardInputAndD1();
    void usageErrors();
};

void TestCliTranslate::fileToSqlite()
{
    const QString input = fixturePath(QStringLiteral("dialect/comments/input.sql"));
    const Run r = runStrata({QStringLiteral("translate"), input});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.out, QString::fromUtf8(
                        readFile(fixturePath(QStringLiteral("dialect/comments/expected.sql")))));
    QCOMPARE(r.err, QString());
}

void TestCliTranslate::errorStillPrintsTheRest()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("001_users.sql"));
    QVERIFY(writeFile(path, kMixed));
    const Run r = runStrata({QStringLiteral("translate"), QStringLiteral("--from"),
                          QStringLiteral("postgres"), QStringLiteral("--to"),
                          QStringLiteral("sqlite"), path});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.out.contains(QLatin1String("-- the users\nCREATE TABLE users (")), qPrintable(r.out));
    QVERIFY(r.out.contains(QLatin1String("CREATE INDEX users_email_idx ON users (email);")));
    const QStringList lines = r.err.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 2);
    QCOMPARE(lines[0], path + QStringLiteral(":2:50: note: varchar(80) becomes TEXT: the length "
                                             "limit is not enforced"));
    QVERIFY2(lines[1].startsWith(path + QStringLiteral(":3:1: error: SQLite has no stored "
                                                       "functions")),
             qPrintable(lines[1]));
}

void TestCliTranslate::json()
{
    const Run r = runStrata({QStringLiteral("translate"), QStringLiteral("--json"),
                          QStringLiteral("-")},
                         kMixed);
    QCOMPARE(r.exitCode, 1);
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(r.out.toUtf8(), &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(r.out));
    const QJsonArray statements = doc[QLatin1String("statements")].toArray();
    QCOMPARE(statements.size(), 3);
    const QJsonObject first = statements[0].toObject();
    QCOMPARE(first[QLatin1String("firstLine")].toInt(), 2);
    QCOMPARE(first[QLatin1String("lastLine")].toInt(), 2);
    QCOMPARE(first[QLatin1String("comments")].toString(), QStringLiteral("-- the users"));
    QCOMPARE(first[QLatin1String("output")].toArray().size(), 1);
    QCOMPARE(first[QLatin1String("diagnostics")].toArray().size(), 1);
    const QJsonObject second = statements[1].toObject();
    QCOMPARE(second[QLatin1String("output")].toArray().size(), 0);
    const QJsonObject diag = second[QLatin1String("diagnostics")].toArray()[0].toObject();
    QCOMPARE(diag[QLatin1String("level")].toString(), QStringLiteral("error"));
    QCOMPARE(diag[QLatin1String("line")].toInt(), 3);
    QCOMPARE(diag[QLatin1String("column")].toInt(), 1);
    QVERIFY(second[QLatin1String("source")].toString().startsWith(QLatin1String("CREATE FUNCTION")));
}

void TestCliTranslate::standardInputAndD1()
{
    const QByteArray sql = "BEGIN;\nCREATE TABLE t (id int PRIMARY KEY, ok boolean DEFAULT true);\n"
                           "ALTER TABLE t ALTER COLUMN ok SET NOT NULL;\nCOMMIT;\n";
    const Run r = runStrata({QStringLiteral("translate"), QStringLiteral("--to"), QStringLiteral("d1")},
                         sql);
    QCOMPARE(r.exitCode, 0);
    QVERIFY(!r.out.contains(QLatin1String("BEGIN")));
    QVERIFY(!r.out.contains(QLatin1String("COMMIT")));
    QVERIFY(r.out.contains(QLatin1String("PRAGMA defer_foreign_keys = ON;")));
    QVERIFY(r.err.contains(QLatin1String("<stdin>:1:1: note: transaction control dropped: D1")));
}

void TestCliTranslate::usageErrors()
{
    QCOMPARE(runStrata({QStringLiteral("translate"), QStringLiteral("--to"), QStringLiteral("mysql"),
                     QStringLiteral("-")},
                    "SELECT 1;")
                 .exitCode,
             2);
    QCOMPARE(runStrata({QStringLiteral("translate"), QStringLiteral("--from"),
                     QStringLiteral("sqlite"), QStringLiteral("-")},
                    "SELECT 1;")
                 .exitCode,
             2);
    const Run missing = runStrata({QStringLiteral("translate"), QStringLiteral("/nonexistent/x.sql")});
    QCOMPARE(missing.exitCode, 2);
    QVERIFY(missing.err.contains(QLatin1String("/nonexistent/x.sql")));
}

QTEST_GUILESS_MAIN(TestCliTranslate)
#include "tst_cli_translate.moc"
