// The semantic check of the PostgreSQL → SQLite / D1 translator, which does not trust Strata's
// own output: each case's PostgreSQL SQL runs on the real test server, its translation (by
// DialectTranslator, from the PostgreSQL text — never from expected.sql) runs on a real SQLite
// database, and the two schemas are read back from each engine's own catalogs and compared
// (semanticcomparison.h). Cases are every folder under tests/fixtures/dialect/ (found by listing
// it, for sqlite and, where the folder has expected-d1.sql, for d1) plus an app's migration
// history written here, applied file by file through one translator.

#include "dialecttranslator.h"
#include "pgsplitter.h"
#include "pgtestsupport.h"
#include "semanticcomparison.h"

#include <QDir>
#include <QFile>
#include <QTest>

#include <SQLiteCpp/SQLiteCpp.h>
#include <pqxx/pqxx>

using namespace strata;
using namespace strata::test;

namespace {

struct MigrationFile
{
    QString name;
    QString sql;
};

QString dialectFixtures()
{
    return QStringLiteral(STRATA_FIXTURES_DIR "/dialect");
}

QStringList fixtureFolders()
{
    return QDir(dialectFixtures()).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
}

// Runs `files` on a fresh PostgreSQL database and, translated, on a fresh SQLite database, then
// compares. Every problem is a line in the returned list, naming `label`.
QStringList runCase(const QString& label, const QList<MigrationFile>& files, Dialect target)
{
    QStringList failures;
    PgScratchDatabase db(QStringLiteral("sem"));
    if (!db.isValid())
        return {label + QStringLiteral(": ") + db.error()};
    pqxx::connection pg(db.conninfo().toStdString());
    {
        pqxx::nontransaction tx(pg);
        tx.exec("SET TIME ZONE 'UTC'");
    }

    // The translation first (it needs no server), through one translator for all the files.
    DialectTranslator translator(target);
    QList<TranslationResult> translations;
    for (const MigrationFile& f : files)
        translations << translator.translate(f.sql, f.name, 1);

    // 1. PostgreSQL: statement by statement (split by the server's own parser), each in its own
    // transaction as a migration runner would, so that e.g. ALTER TYPE … ADD VALUE can be used by
    // the next statement.
    for (qsizetype i = 0; i < files.size(); ++i) {
        const MigrationFile& f = files.at(i);
        auto statements = splitPostgresStatements(f.sql, 1, f.name);
        if (!statements) {
            // PostgreSQL's parser refuses the file. That is only right where the translator
            // refuses the very same statement (a syntax-error case): then every other statement,
            // as the translator split them, must run on both sides and compare equal.
            const Error& e = statements.error();
            QList<SqlStatement> accepted;
            bool agreed = false;
            for (const TranslatedStatement& st : translations.at(i).statements) {
                if (st.hasError() && st.firstLine <= e.line && e.line <= st.lastLine)
                    agreed = true;
                else if (!st.hasError())
                    accepted << SqlStatement{st.source, st.firstLine};
            }
            if (!agreed)
                return {label +
                        QStringLiteral(": PostgreSQL's parser rejects the input (and the "
                                       "translator has no error there): ") +
                        e.toString()};
            qInfo("%s: PostgreSQL and the translator both refuse %s; the other statements are "
                  "compared",
                  qPrintable(label), qPrintable(e.toString()));
            statements = accepted;
        }
        for (const SqlStatement& s : statements.value()) {
            try {
                pqxx::nontransaction tx(pg);
                tx.exec(s.sql.toStdString());
            } catch (const std::exception& e) {
                return {QStringLiteral("%1: PostgreSQL rejects the input at %2:%3: %4\n%5")
                            .arg(label, f.name)
                            .arg(s.line)
                            .arg(QString::fromUtf8(e.what()).trimmed(), s.sql)};
            }
        }
    }

    // 2. SQLite: every output statement of the translation. STRATA_SEMANTIC_DUMP=1 prints them.
    SQLite::Database lite(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    if (target == Dialect::D1)
        lite.exec("PRAGMA foreign_keys = ON"); // D1 enforces foreign keys
    const bool dump = qEnvironmentVariableIsSet("STRATA_SEMANTIC_DUMP");
    QStringList refused, warnings;
    for (qsizetype i = 0; i < files.size(); ++i) {
        const MigrationFile& f = files.at(i);
        for (const TranslatedStatement& st : translations.at(i).statements) {
            for (const TranslationDiagnostic& d : st.diagnostics)
                if (d.level == TranslationDiagnostic::Level::Warning)
                    warnings << d.message;
            if (st.hasError()) {
                refused << st.source;
                if (!st.output.isEmpty())
                    failures << QStringLiteral("%1: %2:%3: a statement with an error diagnostic "
                                               "still has output: %4")
                                    .arg(label, f.name)
                                    .arg(st.firstLine)
                                    .arg(st.output.join(QLatin1Char(' ')));
                continue;
            }
            for (const QString& out : st.output) {
                if (dump)
                    qInfo("%s: %s:%d: %s", qPrintable(label), qPrintable(f.name), st.firstLine,
                          qPrintable(out));
                if (out.trimmed().startsWith(QLatin1String("--")))
                    continue; // a COMMENT ON, carried as a comment
                try {
                    lite.exec(out.toStdString());
                } catch (const std::exception& e) {
                    failures << QStringLiteral("%1: %2:%3: SQLite rejects the translation: %4\n"
                                               "  source: %5\n  output: %6")
                                    .arg(label, f.name)
                                    .arg(st.firstLine)
                                    .arg(QString::fromUtf8(e.what()), st.source, out);
                }
            }
        }
    }
    if (!failures.isEmpty())
        return failures; // a schema built from partly failed output proves nothing more

    // 3. The schemas, each read from its engine's catalogs.
    SemanticComparison comparison(label, pg, lite, refused, warnings);
    comparison.run();
    for (const QString& note : comparison.notes())
        qInfo("%s", qPrintable(note));
    qInfo("%s: %d table(s) compared", qPrintable(label), comparison.comparedTables());
    return comparison.failures();
}

// A small app's history: users, orgs, memberships, projects, then changes to them.
QList<MigrationFile> appMigrations()
{
    return {
        {QStringLiteral("0001_users.sql"), QStringLiteral(R"(
CREATE TABLE users (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email text NOT NULL,
    display_name text,
    is_admin boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_email_key UNIQUE (email)
);
INSERT INTO users (email, display_name) VALUES ('ada@example.com', 'Ada');
)")},
        {QStringLiteral("0002_orgs.sql"), QStringLiteral(R"(
CREATE TYPE org_plan AS ENUM ('free', 'team', 'enterprise');
CREATE TABLE orgs (
    id bigserial PRIMARY KEY,
    slug varchar(64) NOT NULL UNIQUE,
    name text NOT NULL,
    plan org_plan NOT NULL DEFAULT 'free',
    settings jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orgs_created_at_idx ON orgs (created_at);
INSERT INTO orgs (slug, name) VALUES ('acme', 'Acme');
)")},
        {QStringLiteral("0003_memberships.sql"), QStringLiteral(R"(
CREATE TYPE membership_status AS ENUM ('invited', 'active', 'suspended');
CREATE TABLE memberships (
    org_id bigint NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
    status membership_status NOT NULL DEFAULT 'invited',
    invited_by uuid REFERENCES users (id) ON DELETE SET NULL,
    joined_at timestamptz,
    PRIMARY KEY (org_id, user_id)
);
CREATE INDEX memberships_user_idx ON memberships (user_id);
CREATE INDEX memberships_active_idx ON memberships (org_id) WHERE status = 'active';
INSERT INTO memberships (org_id, user_id, status)
    SELECT o.id, u.id, 'active' FROM orgs o, users u;
)")},
        {QStringLiteral("0004_projects.sql"), QStringLiteral(R"(
CREATE TABLE projects (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id bigint NOT NULL,
    name text NOT NULL,
    archived boolean DEFAULT false,
    budget numeric(12, 2) DEFAULT 0,
    tags text[] DEFAULT '{}',
    CONSTRAINT projects_org_fkey FOREIGN KEY (org_id) REFERENCES orgs (id) ON DELETE RESTRICT,
    CONSTRAINT projects_org_name_key UNIQUE (org_id, name),
    CONSTRAINT projects_budget_check CHECK (budget >= 0)
);
INSERT INTO projects (org_id, name) SELECT id, 'Launch' FROM orgs;
)")},
        {QStringLiteral("0005_users_locale.sql"), QStringLiteral(R"(
ALTER TABLE users ADD COLUMN last_login_at timestamptz;
ALTER TABLE users ADD COLUMN locale text;
UPDATE users SET locale = 'en' WHERE locale IS NULL;
ALTER TABLE users ALTER COLUMN locale SET DEFAULT 'en';
ALTER TABLE users ALTER COLUMN locale SET NOT NULL;
ALTER TABLE users ADD CONSTRAINT users_email_lower CHECK (email = lower(email));
ALTER TABLE orgs ALTER COLUMN settings SET DEFAULT '{"theme": "light", "seats": 5}';
)")},
        {QStringLiteral("0006_roles.sql"), QStringLiteral(R"(
ALTER TABLE projects DROP CONSTRAINT projects_budget_check;
ALTER TABLE projects ADD CONSTRAINT projects_budget_range CHECK (budget BETWEEN 0 AND 1000000);
ALTER TABLE memberships ADD COLUMN role text NOT NULL DEFAULT 'member';
ALTER TABLE memberships ALTER COLUMN joined_at SET DEFAULT now();
UPDATE projects SET archived = false WHERE archived IS NULL;
ALTER TABLE projects ALTER COLUMN archived SET NOT NULL;
CREATE INDEX projects_org_idx ON projects (org_id);
ALTER TABLE users DROP COLUMN display_name;
)")},
    };
}

} // namespace

class TestDialectSemantic final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void fixtures_data();
    void fixtures();
    void migrationHistory_data();
    void migrationHistory();
};

void TestDialectSemantic::initTestCase()
{
    QString why;
    QVERIFY2(!pgServerConninfo(&why).isEmpty(), qPrintable(why));
}

void TestDialectSemantic::fixtures_data()
{
    QTest::addColumn<QString>("folder");
    QTest::addColumn<int>("target");
    // The rows come from listing the folder: an empty or missing one is a failing row, not a
    // test with no data that would pass quietly.
    const QStringList folders = fixtureFolders();
    if (folders.isEmpty())
        QTest::newRow("no fixture folders") << QString() << int(Dialect::Sqlite);
    for (const QString& f : folders) {
        QTest::newRow(qPrintable(f + QStringLiteral(" sqlite"))) << f << int(Dialect::Sqlite);
        if (QFile::exists(dialectFixtures() + QLatin1Char('/') + f +
                          QStringLiteral("/expected-d1.sql")))
            QTest::newRow(qPrintable(f + QStringLiteral(" d1"))) << f << int(Dialect::D1);
    }
}

void TestDialectSemantic::fixtures()
{
    QFETCH(QString, folder);
    QFETCH(int, target);
    const Dialect dialect = Dialect(target);
    QVERIFY2(!folder.isEmpty(),
             qPrintable(QStringLiteral("no fixture folders under %1").arg(dialectFixtures())));
    QFile input(dialectFixtures() + QLatin1Char('/') + folder + QStringLiteral("/input.sql"));
    QVERIFY2(
        input.open(QIODevice::ReadOnly),
        qPrintable(QStringLiteral("fixture %1: cannot read %2 (every fixture folder needs one)")
                       .arg(folder, input.fileName())));
    const QString label = QStringLiteral("fixture %1 (%2)").arg(folder, dialectName(dialect));
    const QStringList failures = runCase(
        label, {{QStringLiteral("input.sql"), QString::fromUtf8(input.readAll())}}, dialect);
    QVERIFY2(failures.isEmpty(), qPrintable(QLatin1Char('\n') + failures.join(QLatin1Char('\n'))));
}

void TestDialectSemantic::migrationHistory_data()
{
    QTest::addColumn<int>("target");
    QTest::newRow("app sqlite") << int(Dialect::Sqlite);
    QTest::newRow("app d1") << int(Dialect::D1);
}

void TestDialectSemantic::migrationHistory()
{
    QFETCH(int, target);
    const Dialect dialect = Dialect(target);
    const QStringList failures = runCase(
        QStringLiteral("app history (%1)").arg(dialectName(dialect)), appMigrations(), dialect);
    QVERIFY2(failures.isEmpty(), qPrintable(QLatin1Char('\n') + failures.join(QLatin1Char('\n'))));
}

QTEST_GUILESS_MAIN(TestDialectSemantic)
#include "tst_dialect_semantic.moc"
