// Migration files: names → versions, ordering, sections (dbmate's and the "-- Up migration"
// style), strata: directives, checksums that ignore line endings, and the central-folder rule
// that a file in a folder shared by several bindings must say which it targets.

#include "migration.h"
#include "migrationset.h"
#include "projectfile.h"
#include "testsupport.h"

#include <QTest>

using namespace strata;
using namespace strata::test;

class TestMigrations : public QObject
{
    Q_OBJECT

private slots:
    void fileNameToVersion_data();
    void fileNameToVersion();
    void numericOrdering();
    void nonMigrationFilesIgnored();
    void duplicateVersions();
    void sections_data();
    void sections();
    void sqlAboveFirstMarker_data();
    void sqlAboveFirstMarker();
    void directives();
    void unknownDirective_data();
    void unknownDirective();
    void directiveBelowSql();
    void checksumIgnoresLineEndings();
    void checksumSeesRealEdits();
    void centralFolderNeedsTargets();
    void centralFolderSplitsByTargets();
    void targetsUnknownBinding();
    void nextFileName_data();
    void nextFileName();
    void nextFileNameTimestamped();
};

void TestMigrations::fileNameToVersion_data()
{
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<bool>("isMigration");
    QTest::addColumn<QString>("versionText");
    QTest::addColumn<qint64>("version");
    QTest::addColumn<QString>("description");

    QTest::newRow("4 digits") << "0001_create_users.sql" << true << "0001" << qint64(1)
                              << "create_users";
    QTest::newRow("3 digits") << "001_create_plans.sql" << true << "001" << qint64(1)
                              << "create_plans";
    QTest::newRow("1 digit") << "7_x.sql" << true << "7" << qint64(7) << "x";
    QTest::newRow("timestamp") << "20240101120000_add_index.sql" << true << "20240101120000"
                               << qint64(20240101120000LL) << "add_index";
    QTest::newRow("upper-case extension")
        << "0012_Seed.SQL" << true << "0012" << qint64(12) << "Seed";
    QTest::newRow("no prefix") << "README.sql" << false << "" << qint64(0) << "";
    QTest::newRow("seed file") << "seed.sql" << false << "" << qint64(0) << "";
    QTest::newRow("dash instead of underscore")
        << "0001-create.sql" << false << "" << qint64(0) << "";
    QTest::newRow("no name after prefix") << "0001_.sql" << false << "" << qint64(0) << "";
    QTest::newRow("not sql") << "0001_create.txt" << false << "" << qint64(0) << "";
}

void TestMigrations::fileNameToVersion()
{
    QFETCH(QString, fileName);
    QFETCH(bool, isMigration);
    QFETCH(QString, versionText);
    QFETCH(qint64, version);
    QFETCH(QString, description);

    QString gotText, gotDescription;
    QCOMPARE(splitMigrationName(fileName, &gotText, &gotDescription), isMigration);
    auto parsed = parseMigration(QStringLiteral("/tmp/") + fileName, "SELECT 1;");
    QCOMPARE(parsed.ok(), isMigration);
    if (!isMigration)
        return;
    QCOMPARE(gotText, versionText);
    QCOMPARE(gotDescription, description);
    QCOMPARE(parsed->version, version);
    QCOMPARE(parsed->versionText, versionText);
    QCOMPARE(parsed->description, description);
    QCOMPARE(parsed->fileName, fileName);
}

void TestMigrations::numericOrdering()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // Name order would put 10_ before 2_; version order must not.
    for (const char* name :
         {"10_ten.sql", "2_two.sql", "1_one.sql", "100_hundred.sql", "9_nine.sql"})
        QVERIFY(writeFile(dir.filePath(QString::fromLatin1(name)), "SELECT 1;"));
    auto scanned = scanMigrationFolder(dir.path());
    QVERIFY2(scanned.ok(), qPrintable(scanned.ok() ? QString() : scanned.error().toString()));
    QList<qint64> versions;
    for (const Migration& m : scanned.value())
        versions << m.version;
    QCOMPARE(versions, (QList<qint64>{1, 2, 9, 10, 100}));
}

void TestMigrations::nonMigrationFilesIgnored()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(writeFile(dir.filePath(QStringLiteral("0001_a.sql")), "SELECT 1;"));
    QVERIFY(writeFile(dir.filePath(QStringLiteral("README.md")), "# not SQL"));
    QVERIFY(writeFile(dir.filePath(QStringLiteral("seed.sql")), "this is not; valid at all"));
    QVERIFY(writeFile(dir.filePath(QStringLiteral("0002_b.sql.bak")), "SELECT 1;"));
    QVERIFY(writeFile(dir.filePath(QStringLiteral("notes.txt")), "x"));
    QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("0003_folder.sql"))));
    auto scanned = scanMigrationFolder(dir.path());
    QVERIFY2(scanned.ok(), qPrintable(scanned.ok() ? QString() : scanned.error().toString()));
    QCOMPARE(scanned->size(), 1);
    QCOMPARE(scanned->first().fileName, QStringLiteral("0001_a.sql"));

    auto missing = scanMigrationFolder(dir.filePath(QStringLiteral("does-not-exist")));
    QVERIFY(missing.ok());
    QVERIFY(missing->isEmpty());
}

void TestMigrations::duplicateVersions()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(writeFile(dir.filePath(QStringLiteral("001_a.sql")), "SELECT 1;"));
    QVERIFY(writeFile(dir.filePath(QStringLiteral("0001_b.sql")), "SELECT 2;"));
    QVERIFY(writeFile(dir.filePath(QStringLiteral("0002_c.sql")), "SELECT 3;"));
    auto scanned = scanMigrationFolder(dir.path());
    QVERIFY(!scanned.ok());
    const QString text = scanned.error().toString();
    QVERIFY2(text.contains(QLatin1String("001_a.sql")), qPrintable(text));
    QVERIFY2(text.contains(QLatin1String("0001_b.sql")), qPrintable(text));
}

void TestMigrations::sections_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("up");
    QTest::addColumn<int>("upLine");
    QTest::addColumn<bool>("hasDown");
    QTest::addColumn<QString>("down");
    QTest::addColumn<int>("downLine");
    QTest::addColumn<bool>("transactional");

    QTest::newRow("dbmate")
        << QByteArray("-- migrate:up\nCREATE TABLE a (x);\n\n-- migrate:down\nDROP TABLE a;\n")
        << "CREATE TABLE a (x);" << 2 << true << "DROP TABLE a;" << 5 << true;
    QTest::newRow("dbmate with a header comment")
        << QByteArray("-- the users table\n\n-- migrate:up\nCREATE TABLE u (x);\n-- migrate:down\n"
                      "DROP TABLE u;\n")
        << "CREATE TABLE u (x);" << 4 << true << "DROP TABLE u;" << 6 << true;
    QTest::newRow("dbmate transaction:false")
        << QByteArray("-- migrate:up transaction:false\nCREATE INDEX i ON a (x);\n"
                      "-- migrate:down\nDROP INDEX i;\n")
        << "CREATE INDEX i ON a (x);" << 2 << true << "DROP INDEX i;" << 4 << false;
    QTest::newRow("dbmate without down") << QByteArray("-- migrate:up\nCREATE TABLE a (x);\n")
                                         << "CREATE TABLE a (x);" << 2 << false << "" << 0 << true;
    QTest::newRow("Up / Down migration")
        << QByteArray("-- Up migration\nCREATE TABLE b (y);\n\n-- Down migration\nDROP TABLE b;\n")
        << "CREATE TABLE b (y);" << 2 << true << "DROP TABLE b;" << 5 << true;
    QTest::newRow("no markers: all up")
        << QByteArray("-- Migration number: 0001\nCREATE TABLE c (z);\nCREATE INDEX ci ON c (z);\n")
        << "-- Migration number: 0001\nCREATE TABLE c (z);\nCREATE INDEX ci ON c (z);" << 1 << false
        << "" << 0 << true;
    QTest::newRow("CRLF line endings")
        << QByteArray(
               "-- migrate:up\r\nCREATE TABLE d (x);\r\n-- migrate:down\r\nDROP TABLE d;\r\n")
        << "CREATE TABLE d (x);" << 2 << true << "DROP TABLE d;" << 4 << true;
}

void TestMigrations::sections()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, up);
    QFETCH(int, upLine);
    QFETCH(bool, hasDown);
    QFETCH(QString, down);
    QFETCH(int, downLine);
    QFETCH(bool, transactional);

    auto mig = parseMigration(QStringLiteral("/tmp/0001_x.sql"), content);
    QVERIFY2(mig.ok(), qPrintable(mig.ok() ? QString() : mig.error().toString()));
    QCOMPARE(mig->upSql.trimmed(), up);
    QCOMPARE(mig->upLine, upLine);
    QCOMPARE(mig->hasDown, hasDown);
    QCOMPARE(mig->downSql.trimmed(), down);
    if (hasDown)
        QCOMPARE(mig->downLine, downLine);
    QCOMPARE(mig->transactional, transactional);
    QVERIFY(!mig->upSql.contains(QLatin1String("migrate:")));
    QVERIFY(!mig->upSql.contains(QLatin1Char('\r')));
}

void TestMigrations::sqlAboveFirstMarker_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<int>("line");

    QTest::newRow("first line") << QByteArray("CREATE TABLE z (x);\n-- migrate:up\nSELECT 1;\n")
                                << 1;
    QTest::newRow("below a comment")
        << QByteArray("-- header\n\nINSERT INTO z VALUES (1);\n-- Up migration\nSELECT 1;\n") << 3;
}

void TestMigrations::sqlAboveFirstMarker()
{
    QFETCH(QByteArray, content);
    QFETCH(int, line);
    auto mig = parseMigration(QStringLiteral("/tmp/0001_x.sql"), content);
    QVERIFY(!mig.ok());
    QCOMPARE(mig.error().file, QStringLiteral("/tmp/0001_x.sql"));
    QCOMPARE(mig.error().line, line);
}

void TestMigrations::directives()
{
    const QByteArray content = "-- strata:targets DB, SSO_DB\n-- strata:owner admin-worker\n"
                               "-- strata:no-transaction\n-- migrate:up\nCREATE TABLE a (x);\n";
    auto mig = parseMigration(QStringLiteral("/tmp/0001_x.sql"), content);
    QVERIFY2(mig.ok(), qPrintable(mig.ok() ? QString() : mig.error().toString()));
    QCOMPARE(mig->targets, (QStringList{QStringLiteral("DB"), QStringLiteral("SSO_DB")}));
    QCOMPARE(mig->owner, QStringLiteral("admin-worker"));
    QVERIFY(!mig->transactional);

    // The same without markers: the directives are header comments of an all-up file.
    auto plain = parseMigration(QStringLiteral("/tmp/0002_y.sql"),
                                "-- strata:targets BILLING_DB\nCREATE TABLE b (y);\n");
    QVERIFY(plain.ok());
    QCOMPARE(plain->targets, QStringList{QStringLiteral("BILLING_DB")});
    QVERIFY(plain->transactional);
    QVERIFY(plain->owner.isEmpty());
}

void TestMigrations::unknownDirective_data()
{
    QTest::addColumn<QByteArray>("line");

    // Typos of real directives: each must be reported, never read as a plain comment.
    QTest::newRow("misspelt name") << QByteArray("-- strata:tragets DB");
    QTest::newRow("unknown name") << QByteArray("-- strata:transaction off");
    QTest::newRow("capitalised") << QByteArray("-- strata:No-Transaction");
    QTest::newRow("space after the colon") << QByteArray("-- strata: no-transaction");
}

void TestMigrations::unknownDirective()
{
    QFETCH(QByteArray, line);
    const QByteArray content = "-- migrate:up\n" + line + "\nCREATE TABLE a (x);\n";
    auto mig = parseMigration(QStringLiteral("/tmp/0001_x.sql"), content);
    QVERIFY2(!mig.ok(), "a mistyped directive was taken for a comment");
    QCOMPARE(mig.error().line, 2);
    QCOMPARE(mig.error().file, QStringLiteral("/tmp/0001_x.sql"));
    QVERIFY2(mig.error().message.contains(QLatin1String("strata:")),
             qPrintable(mig.error().message));
}

void TestMigrations::directiveBelowSql()
{
    const QByteArray content = "-- migrate:up\nCREATE TABLE a (x);\n-- strata:owner admin\n";
    auto mig = parseMigration(QStringLiteral("/tmp/0001_x.sql"), content);
    QVERIFY(!mig.ok());
    QCOMPARE(mig.error().line, 3);
}

void TestMigrations::checksumIgnoresLineEndings()
{
    const QByteArray lf = "-- migrate:up\nCREATE TABLE a (x);\n-- migrate:down\nDROP TABLE a;\n";
    QByteArray crlf = lf;
    crlf.replace("\n", "\r\n");
    QCOMPARE(checksumOf(crlf), checksumOf(lf));
    QCOMPARE(checksumOf("\xEF\xBB\xBF" + lf), checksumOf(lf));

    // Through real files, as scanning reads them.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(writeFile(dir.filePath(QStringLiteral("lf/0001_a.sql")), lf));
    QVERIFY(writeFile(dir.filePath(QStringLiteral("crlf/0001_a.sql")), crlf));
    auto a = readMigrationFile(dir.filePath(QStringLiteral("lf/0001_a.sql")));
    auto b = readMigrationFile(dir.filePath(QStringLiteral("crlf/0001_a.sql")));
    QVERIFY(a.ok() && b.ok());
    QCOMPARE(a->checksum.size(), 64); // hex SHA-256
    QCOMPARE(a->checksum, b->checksum);
    QCOMPARE(a->upSql, b->upSql);
}

void TestMigrations::checksumSeesRealEdits()
{
    const QByteArray original = "CREATE TABLE a (x);\n";
    QVERIFY(checksumOf(original) != checksumOf("CREATE TABLE a (y);\n"));
    QVERIFY(checksumOf(original) != checksumOf("CREATE TABLE a (x);\n-- a note\n"));
    QVERIFY(checksumOf(original) != checksumOf("CREATE TABLE a (x);"));
}

namespace {

// Two D1 bindings sharing the folder `shared/`, and BILLING_DB with its own.
QByteArray centralToml()
{
    return "[[database]]\nbinding = \"DB\"\ndialect = \"d1\"\nmigrations = \"shared\"\n"
           "[database.env.local]\npath = \"db.sqlite\"\n\n"
           "[[database]]\nbinding = \"SSO_DB\"\ndialect = \"d1\"\nmigrations = \"shared\"\n"
           "[database.env.local]\npath = \"sso.sqlite\"\n\n"
           "[[database]]\nbinding = \"BILLING_DB\"\nmigrations = \"billing\"\n"
           "[database.env.local]\npath = \"billing.sqlite\"\n";
}

QStringList fileNames(const QList<Migration>& list)
{
    QStringList out;
    for (const Migration& m : list)
        out << m.fileName;
    return out;
}

} // namespace

void TestMigrations::centralFolderNeedsTargets()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(writeFile(dir.filePath(QStringLiteral("strata.toml")), centralToml()));
    QVERIFY(writeFile(dir.filePath(QStringLiteral("shared/0001_users.sql")),
                      "-- strata:targets DB\nCREATE TABLE users (id);\n"));
    QVERIFY(writeFile(dir.filePath(QStringLiteral("shared/0002_untargeted.sql")),
                      "CREATE TABLE orphan (id);\n"));
    // A folder of its own needs no targets.
    QVERIFY(writeFile(dir.filePath(QStringLiteral("billing/001_plans.sql")),
                      "CREATE TABLE plans (id);\n"));
    auto project = loadStrataToml(dir.filePath(QStringLiteral("strata.toml")));
    QVERIFY2(project.ok(), qPrintable(project.ok() ? QString() : project.error().toString()));

    for (const char* binding : {"DB", "SSO_DB"}) {
        auto list =
            migrationsFor(project.value(), *project->database(QString::fromLatin1(binding)));
        QVERIFY(!list.ok());
        const Error& e = list.error();
        QVERIFY2(e.file.endsWith(QLatin1String("0002_untargeted.sql")) ||
                     e.message.contains(QLatin1String("0002_untargeted.sql")),
                 qPrintable(e.toString()));
        QVERIFY2(e.message.contains(QLatin1String("strata:targets")), qPrintable(e.toString()));
    }
    auto billing = migrationsFor(project.value(), *project->database(QStringLiteral("BILLING_DB")));
    QVERIFY(billing.ok());
    QCOMPARE(fileNames(billing.value()), QStringList{QStringLiteral("001_plans.sql")});
}

void TestMigrations::centralFolderSplitsByTargets()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(writeFile(dir.filePath(QStringLiteral("strata.toml")), centralToml()));
    QVERIFY(writeFile(dir.filePath(QStringLiteral("shared/0001_users.sql")),
                      "-- strata:targets DB\nCREATE TABLE users (id);\n"));
    QVERIFY(writeFile(dir.filePath(QStringLiteral("shared/0002_sessions.sql")),
                      "-- strata:targets SSO_DB\nCREATE TABLE sessions (id);\n"));
    QVERIFY(writeFile(dir.filePath(QStringLiteral("shared/0003_audit.sql")),
                      "-- strata:targets DB, SSO_DB\nCREATE TABLE audit (id);\n"));
    auto project = loadStrataToml(dir.filePath(QStringLiteral("strata.toml")));
    QVERIFY(project.ok());
    QCOMPARE(project->bindingsSharing(project->database(QStringLiteral("DB"))->migrationsDir),
             (QStringList{QStringLiteral("DB"), QStringLiteral("SSO_DB")}));

    auto db = migrationsFor(project.value(), *project->database(QStringLiteral("DB")));
    auto sso = migrationsFor(project.value(), *project->database(QStringLiteral("SSO_DB")));
    QVERIFY(db.ok() && sso.ok());
    QCOMPARE(fileNames(db.value()),
             (QStringList{QStringLiteral("0001_users.sql"), QStringLiteral("0003_audit.sql")}));
    QCOMPARE(fileNames(sso.value()),
             (QStringList{QStringLiteral("0002_sessions.sql"), QStringLiteral("0003_audit.sql")}));
}

void TestMigrations::targetsUnknownBinding()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(writeFile(dir.filePath(QStringLiteral("strata.toml")), centralToml()));
    QVERIFY(writeFile(dir.filePath(QStringLiteral("shared/0001_users.sql")),
                      "-- strata:targets DB, AUTH_DB\nCREATE TABLE users (id);\n"));
    auto project = loadStrataToml(dir.filePath(QStringLiteral("strata.toml")));
    QVERIFY(project.ok());
    auto list = migrationsFor(project.value(), *project->database(QStringLiteral("DB")));
    QVERIFY(!list.ok());
    QVERIFY2(list.error().message.contains(QLatin1String("AUTH_DB")),
             qPrintable(list.error().toString()));
    QVERIFY(list.error().file.endsWith(QLatin1String("0001_users.sql")));
}

void TestMigrations::nextFileName_data()
{
    QTest::addColumn<QStringList>("existing");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("expected");

    QTest::newRow("empty folder") << QStringList{} << "create users"
                                  << "0001_create_users.sql";
    QTest::newRow("4 digits") << QStringList{"0001_a.sql", "0002_b.sql"} << "add_thing"
                              << "0003_add_thing.sql";
    QTest::newRow("3 digits past 9")
        << QStringList{"001_a.sql", "009_b.sql", "010_c.sql"} << "add_thing"
        << "011_add_thing.sql";
    QTest::newRow("1 digit grows") << QStringList{"1_a.sql", "9_b.sql"} << "x"
                                   << "10_x.sql";
    QTest::newRow("name is slugged") << QStringList{"0007_a.sql"} << "  Add Plans: v2! "
                                     << "0008_add_plans_v2.sql";
}

void TestMigrations::nextFileName()
{
    QFETCH(QStringList, existing);
    QFETCH(QString, name);
    QFETCH(QString, expected);

    QList<Migration> list;
    for (const QString& file : existing) {
        auto mig = parseMigration(QStringLiteral("/tmp/") + file, "SELECT 1;");
        QVERIFY(mig.ok());
        list << mig.value();
    }
    QCOMPARE(nextMigrationFileName(list, name), expected);
}

void TestMigrations::nextFileNameTimestamped()
{
    auto last = parseMigration(QStringLiteral("/tmp/20240101120000_a.sql"), "SELECT 1;");
    QVERIFY(last.ok());
    const QString next = nextMigrationFileName({last.value()}, QStringLiteral("b"));
    QString versionText;
    QVERIFY(splitMigrationName(next, &versionText, nullptr));
    QCOMPARE(versionText.size(), 14);
    QVERIFY(versionText.toLongLong() > 20240101120000LL);
    QVERIFY(next.endsWith(QLatin1String("_b.sql")));
}

QTEST_GUILESS_MAIN(TestMigrations)
#include "tst_migrations.moc"
