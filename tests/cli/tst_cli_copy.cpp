// `strata copy` run as a real process (STRATA_BINARY): a scratch PostgreSQL database on the test
// server, reached as a role whose password comes from an environment variable, copied into a
// project's SQLite / D1 binding. The report (human and --json), exit codes 0 / 1 / 2 / 3, the
// protected-environment confirmation, and no password anywhere in the output.

#include "pgtestsupport.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLockFile>
#include <QProcess>
#include <QTest>

#include <memory>

using namespace strata::test;

namespace {

const char* const kPasswordVar = "STRATA_CLI_COPY_PG_PASSWORD";

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

} // namespace

class TestCliCopy : public QObject
{
    Q_OBJECT

private slots:
    void init();

    void jsonReport();
    void humanReportAndSafetyCopy();
    void protectedTargetNeedsConfirm();
    void usageErrors();
    void untranslatableTableExits1();
    void lockedTargetExits3();
    void unreadableSequenceIsAWarning();

private:
    Run strata(const QStringList& args, bool withPassword = true);
    QStringList copyArgs(const QString& toEnv) const;
    QString targetPath(const QString& env) const;

    std::unique_ptr<QTemporaryDir> m_tmp;
    std::unique_ptr<PgScratchDatabase> m_db;
    QString m_role, m_password;
};

void TestCliCopy::init()
{
    QVERIFY2(QFileInfo(QStringLiteral(STRATA_BINARY)).isExecutable(), STRATA_BINARY);
    m_tmp = std::make_unique<QTemporaryDir>();
    QVERIFY(m_tmp->isValid());
    m_db = std::make_unique<PgScratchDatabase>(QStringLiteral("clicopy"));
    QVERIFY2(m_db->isValid(), qPrintable(m_db->error()));
    m_role = m_db->createPasswordRole(QStringLiteral("strata_copy"), &m_password);
    QVERIFY(!m_role.isEmpty());
    const QString url = QStringLiteral("postgresql://%1@%2:%3/%4")
                            .arg(m_role, pgHost())
                            .arg(pgPort())
                            .arg(m_db->name());
    QVERIFY(
        writeFile(m_tmp->filePath(QStringLiteral("strata.toml")),
                  QStringLiteral("[project]\nname = \"copy\"\n\n"
                                 "[[database]]\nbinding = \"PG\"\ndialect = \"postgres\"\n"
                                 "migrations = \"pg\"\n\n"
                                 "[database.env.production]\nurl = \"%1\"\n"
                                 "password_env = \"%2\"\n\n"
                                 "[[database]]\nbinding = \"DB\"\ndialect = \"d1\"\n"
                                 "migrations = \"d1\"\n\n"
                                 "[database.env.local]\npath = \"data/local.sqlite\"\n\n"
                                 "[database.env.production]\npath = \"data/production.sqlite\"\n"
                                 "protected = true\n")
                      .arg(url, QString::fromLatin1(kPasswordVar))
                      .toUtf8()));
    QVERIFY(QDir().mkpath(m_tmp->filePath(QStringLiteral("pg"))));
    QVERIFY(QDir().mkpath(m_tmp->filePath(QStringLiteral("d1"))));
    QVERIFY(m_db->exec(
        QStringLiteral(
            "CREATE TABLE tenants (id uuid PRIMARY KEY, name text NOT NULL, settings jsonb, "
            "  active boolean DEFAULT true); "
            "CREATE TABLE orders (id bigserial PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES "
            "  tenants(id), total numeric(19,4), placed_at timestamptz NOT NULL DEFAULT now()); "
            "INSERT INTO tenants VALUES ('00000000-0000-4000-8000-000000000001', 'acme', "
            "  '{\"plan\": \"pro\"}', true), ('00000000-0000-4000-8000-000000000002', 'globex', "
            "  NULL, false); "
            "INSERT INTO orders (tenant_id, total, placed_at) SELECT "
            "  '00000000-0000-4000-8000-000000000001', i * 1.5, '2024-01-01 00:00:00+00' "
            "  FROM generate_series(1, 25) i; "
            "GRANT SELECT ON ALL TABLES IN SCHEMA public TO ") +
        m_role));
}

Run TestCliCopy::strata(const QStringList& args, bool withPassword)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), m_tmp->filePath(QStringLiteral("home")));
    if (withPassword)
        env.insert(QString::fromLatin1(kPasswordVar), m_password);
    p.setProcessEnvironment(env);
    p.setWorkingDirectory(m_tmp->path());
    p.start(QStringLiteral(STRATA_BINARY), args);
    p.closeWriteChannel();
    Run r;
    if (!p.waitForFinished(120000))
        return r;
    r.exitCode = p.exitCode();
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

QStringList TestCliCopy::copyArgs(const QString& toEnv) const
{
    return {QStringLiteral("copy"),       QStringLiteral("--from-db"),  QStringLiteral("PG"),
            QStringLiteral("--from-env"), QStringLiteral("production"), QStringLiteral("--to-db"),
            QStringLiteral("DB"),         QStringLiteral("--to-env"),   toEnv};
}

QString TestCliCopy::targetPath(const QString& env) const
{
    return m_tmp->filePath(QStringLiteral("data/%1.sqlite").arg(env));
}

void TestCliCopy::jsonReport()
{
    const Run r = strata(copyArgs(QStringLiteral("local")) << QStringLiteral("--json"));
    QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
    QVERIFY(!r.out.contains(m_password) && !r.err.contains(m_password));
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(o.value(QStringLiteral("ok")).toBool(), true);
    QCOMPARE(o.value(QStringLiteral("rows")).toInt(), 27);
    QCOMPARE(
        o.value(QStringLiteral("target")).toObject().value(QStringLiteral("dialect")).toString(),
        QStringLiteral("d1"));
    const QJsonArray tables = o.value(QStringLiteral("tables")).toArray();
    QCOMPARE(tables.size(), 2);
    // Referenced before referencing.
    QCOMPARE(tables[0].toObject().value(QStringLiteral("table")).toString(),
             QStringLiteral("tenants"));
    QCOMPARE(tables[1].toObject().value(QStringLiteral("source_rows")).toInt(), 25);
    QCOMPARE(tables[1].toObject().value(QStringLiteral("target_rows")).toInt(), 25);
    QCOMPARE(tables[1].toObject().value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
    bool timestamptzWarning = false;
    for (const QJsonValue& d : o.value(QStringLiteral("diagnostics")).toArray())
        timestamptzWarning |= d.toObject()
                                  .value(QStringLiteral("message"))
                                  .toString()
                                  .contains(QLatin1String("timestamptz"));
    QVERIFY(timestamptzWarning);
    QCOMPARE(queryValue(targetPath(QStringLiteral("local")),
                        QStringLiteral("SELECT settings FROM tenants WHERE name = 'acme'")),
             QStringLiteral("{\"plan\": \"pro\"}"));
    QCOMPARE(queryValue(targetPath(QStringLiteral("local")),
                        QStringLiteral("SELECT placed_at FROM orders WHERE id = 1")),
             QStringLiteral("2024-01-01 00:00:00"));
}

void TestCliCopy::humanReportAndSafetyCopy()
{
    QVERIFY(execSql(targetPath(QStringLiteral("local")),
                    QStringLiteral("CREATE TABLE previous (x); INSERT INTO previous VALUES (1)")));
    const Run r = strata(copyArgs(QStringLiteral("local")));
    QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
    QVERIFY(!r.out.contains(m_password) && !r.err.contains(m_password));
    QVERIFY2(
        r.out.contains(QRegularExpression(QStringLiteral("TABLE\\s+SOURCE\\s+TARGET\\s+STATUS"))),
        qPrintable(r.out));
    QVERIFY2(r.out.contains(QRegularExpression(QStringLiteral("orders\\s+25\\s+25\\s+ok"))),
             qPrintable(r.out));
    QVERIFY2(r.out.contains(QRegularExpression(QStringLiteral("tenants\\s+2\\s+2\\s+ok"))),
             qPrintable(r.out));
    QVERIFY(r.out.contains(QLatin1String("copied 27 rows in 2 tables")));
    const QRegularExpressionMatch kept =
        QRegularExpression(QStringLiteral("kept as (\\S+strata-before-copy-\\S+)")).match(r.out);
    QVERIFY2(kept.hasMatch(), qPrintable(r.out));
    QCOMPARE(queryValue(kept.captured(1), QStringLiteral("SELECT x FROM previous")),
             QStringLiteral("1"));
    QVERIFY(!tableExists(targetPath(QStringLiteral("local")), QStringLiteral("previous")));
}

void TestCliCopy::protectedTargetNeedsConfirm()
{
    // No terminal to ask at: refused without --confirm, and nothing written.
    Run r = strata(copyArgs(QStringLiteral("production")));
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QLatin1String("--confirm production")), qPrintable(r.err));
    QVERIFY(!QFileInfo::exists(targetPath(QStringLiteral("production"))));
    r = strata(copyArgs(QStringLiteral("production"))
               << QStringLiteral("--confirm") << QStringLiteral("production"));
    QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
    QCOMPARE(queryValue(targetPath(QStringLiteral("production")),
                        QStringLiteral("SELECT count(*) FROM orders")),
             QStringLiteral("25"));
}

void TestCliCopy::usageErrors()
{
    Run r = strata({QStringLiteral("copy"), QStringLiteral("--from-db"), QStringLiteral("PG")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QLatin1String("usage: strata copy")), qPrintable(r.err));
    r = strata({QStringLiteral("copy"), QStringLiteral("--from-db"), QStringLiteral("NOPE"),
                QStringLiteral("--from-env"), QStringLiteral("production"),
                QStringLiteral("--to-db"), QStringLiteral("DB"), QStringLiteral("--to-env"),
                QStringLiteral("local")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QLatin1String("no database with binding 'NOPE'")), qPrintable(r.err));
    // The source must be PostgreSQL.
    r = strata({QStringLiteral("copy"), QStringLiteral("--from-db"), QStringLiteral("DB"),
                QStringLiteral("--from-env"), QStringLiteral("local"), QStringLiteral("--to-db"),
                QStringLiteral("DB"), QStringLiteral("--to-env"), QStringLiteral("local"),
                QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(QJsonDocument::fromJson(r.out.toUtf8())
                 .object()
                 .value(QStringLiteral("error"))
                 .toObject()
                 .value(QStringLiteral("message"))
                 .toString()
                 .contains(QLatin1String("PostgreSQL")),
             qPrintable(r.out));
    // No password in the environment: a project error, said without any secret.
    r = strata(copyArgs(QStringLiteral("local")), false);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QLatin1String(kPasswordVar)), qPrintable(r.err));
    QVERIFY(!QFileInfo::exists(targetPath(QStringLiteral("local"))));
}

void TestCliCopy::untranslatableTableExits1()
{
    QVERIFY(m_db->exec(QStringLiteral("CREATE TABLE rules (id int, pattern text, CHECK (pattern "
                                      "~ '^[a-z]+$'))")));
    const Run r = strata(copyArgs(QStringLiteral("local")) << QStringLiteral("--json"));
    QCOMPARE(r.exitCode, 1);
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(o.value(QStringLiteral("ok")).toBool(true), false);
    QVERIFY2(o.value(QStringLiteral("error"))
                 .toObject()
                 .value(QStringLiteral("message"))
                 .toString()
                 .contains(QLatin1String("rules")),
             qPrintable(r.out));
    QVERIFY(!QFileInfo::exists(targetPath(QStringLiteral("local"))));
    QVERIFY(QDir(m_tmp->filePath(QStringLiteral("data")))
                .entryList(QDir::Files | QDir::NoDotAndDotDot)
                .isEmpty());
}

void TestCliCopy::lockedTargetExits3()
{
    // Another apply holds the target's lock.
    QVERIFY(QDir().mkpath(m_tmp->filePath(QStringLiteral("data"))));
    QLockFile lock(targetPath(QStringLiteral("local")) + QStringLiteral(".strata-lock"));
    QVERIFY(lock.tryLock(0));
    const Run r = strata(copyArgs(QStringLiteral("local"))
                         << QStringLiteral("--lock-timeout") << QStringLiteral("1"));
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(r.err.contains(QLatin1String("busy")), qPrintable(r.err));
    QVERIFY(!QFileInfo::exists(targetPath(QStringLiteral("local"))));
}

void TestCliCopy::unreadableSequenceIsAWarning()
{
    // The role reads the tables but not their sequences (init grants ON ALL TABLES only): the
    // copy succeeds, and says which counter could not be raised and which GRANT would.
    QVERIFY(m_db->exec(QStringLiteral("SELECT setval('orders_id_seq', 40)")));
    const QString sequence = QStringLiteral("public.orders_id_seq");
    auto sequenceWarning = [&](const QJsonObject& o) {
        QString found;
        for (const QJsonValue& d : o.value(QStringLiteral("diagnostics")).toArray())
            if (d[QStringLiteral("object")].toString() == QStringLiteral("sequence ") + sequence &&
                d[QStringLiteral("level")].toString() == QLatin1String("warning"))
                found = d[QStringLiteral("message")].toString();
        return found;
    };
    Run r = strata(copyArgs(QStringLiteral("local")) << QStringLiteral("--json"));
    QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
    const QString warning = sequenceWarning(QJsonDocument::fromJson(r.out.toUtf8()).object());
    QVERIFY2(
        warning.contains(QStringLiteral("GRANT SELECT ON SEQUENCE %1 TO %2").arg(sequence, m_role)),
        qPrintable(r.out));
    QVERIFY2(warning.contains(QLatin1String("AUTOINCREMENT counter of orders")),
             qPrintable(warning));
    // SQLite's counter: the largest copied id, nothing more.
    QCOMPARE(queryValue(targetPath(QStringLiteral("local")),
                        QStringLiteral("SELECT seq FROM sqlite_sequence WHERE name = 'orders'")),
             QStringLiteral("25"));

    // Granted: no warning, the counter follows the sequence.
    QVERIFY(m_db->exec(QStringLiteral("GRANT SELECT ON SEQUENCE %1 TO %2").arg(sequence, m_role)));
    r = strata(copyArgs(QStringLiteral("local")) << QStringLiteral("--json"));
    QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
    QVERIFY2(sequenceWarning(QJsonDocument::fromJson(r.out.toUtf8()).object()).isEmpty(),
             qPrintable(r.out));
    QCOMPARE(queryValue(targetPath(QStringLiteral("local")),
                        QStringLiteral("SELECT seq FROM sqlite_sequence WHERE name = 'orders'")),
             QStringLiteral("40"));
}

QTEST_GUILESS_MAIN(TestCliCopy)
#include "tst_cli_copy.moc"
