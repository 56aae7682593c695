// Restore points on the real PostgreSQL server: `up` with backups runs pg_dump before each
// migration, after the ones before it committed, records the backup's id in Strata's history
// (and in strata_history_extra beside dbmate's table), and `--before V` puts back the schema and
// rows from just before V.

#include "backupmanager.h"
#include "migrator.h"
#include "pgtestsupport.h"
#include "projectfile.h"
#include "testsupport.h"

#include <QDir>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace strata;
using namespace strata::test;

namespace {

const QString app = QStringLiteral("APP");
const QString local = QStringLiteral("local");

class PgRestorePointProject final
{
public:
    PgRestorePointProject(const QString& url, const QString& history,
                          const QString& passwordEnv = {})
    {
        QByteArray toml =
            "[project]\nname = \"rp\"\n\n[backups]\ndir = \"backups\"\n\n[[database]]\n"
            "binding = \"APP\"\ndialect = \"postgres\"\nhistory = \"" +
            history.toUtf8() + "\"\nmigrations = \"migrations\"\n\n[database.env.local]\nurl = \"" +
            url.toUtf8() + "\"\n";
        if (!passwordEnv.isEmpty())
            toml += "password_env = \"" + passwordEnv.toUtf8() + "\"\n";
        m_ok = m_dir.isValid() &&
               writeFile(m_dir.filePath(QStringLiteral("strata.toml")), toml) &&
               writeFile(m_dir.filePath(QStringLiteral("migrations/001_items.sql")),
                         "CREATE TABLE items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                         "name text NOT NULL);\nINSERT INTO items (name) VALUES ('first');\n") &&
               writeFile(m_dir.filePath(QStringLiteral("migrations/002_tags.sql")),
                         "CREATE TABLE tags (item_id bigint REFERENCES items, tag text);\n") &&
               writeFile(m_dir.filePath(QStringLiteral("migrations/003_price.sql")),
                         "ALTER TABLE items ADD COLUMN price numeric(10,2) NOT NULL DEFAULT 0;\n");
    }
    bool isValid() const { return m_ok; }
    Project load() const { return loadProjectIn(m_dir.path()); }

private:
    QTemporaryDir m_dir;
    bool m_ok = false;
};

Result<RunReport> up(const Project& project, bool backup, std::optional<qint64> to = {})
{
    Migrator m(project, app, local);
    RunOptions options;
    options.backup = backup;
    options.toVersion = to;
    return m.up(options);
}

QString why(const Result<RunReport>& run)
{
    if (!run)
        return run.error().toString();
    return run->failure ? run->failure->toString() : QString();
}

// The columns of the public tables and every row, as text: equal means equal.
QStringList snapshot(PgScratchDatabase& db)
{
    QStringList out = db.column(QStringLiteral(
        "SELECT table_name || '.' || column_name || ' ' || data_type FROM "
        "information_schema.columns WHERE table_schema = 'public' AND table_name NOT LIKE "
        "'strata%' AND table_name <> 'schema_migrations' ORDER BY 1"));
    for (const QString& t : db.column(QStringLiteral(
             "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT "
             "LIKE 'strata%' AND tablename <> 'schema_migrations' ORDER BY 1")))
        out << t + QLatin1Char('=') +
                   db.value(QStringLiteral("SELECT coalesce(string_agg(x::text, ',' ORDER BY "
                                           "x::text), '') FROM \"%1\" x")
                                .arg(t));
    return out;
}

} // namespace

class TestPgRestorePoints : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void restorePointsOnEachHistory_data();
    void restorePointsOnEachHistory();
    void olderHistoryNeedsNoOwnershipWithoutRestorePoints();
};

void TestPgRestorePoints::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QString why;
    QVERIFY2(!pgServerConninfo(&why).isEmpty(), qPrintable(why));
}

void TestPgRestorePoints::restorePointsOnEachHistory_data()
{
    QTest::addColumn<QString>("history");
    QTest::addColumn<QString>("factsTable");
    QTest::addColumn<QString>("keyColumn");
    QTest::newRow("strata") << QStringLiteral("strata") << QStringLiteral("strata_migrations")
                            << QStringLiteral("version");
    QTest::newRow("dbmate") << QStringLiteral("dbmate") << QStringLiteral("strata_history_extra")
                            << QStringLiteral("history_key");
}

void TestPgRestorePoints::restorePointsOnEachHistory()
{
    QFETCH(QString, history);
    QFETCH(QString, factsTable);
    QFETCH(QString, keyColumn);
    PgScratchDatabase db(QStringLiteral("rp"));
    QVERIFY2(db.isValid(), qPrintable(db.error()));
    PgRestorePointProject p(db.url(), history);
    QVERIFY(p.isValid());

    auto first = up(p.load(), false, 1);
    QVERIFY2(first && !first->failure, qPrintable(why(first)));
    QVERIFY(db.exec(QStringLiteral("INSERT INTO items (name) VALUES ('second')")));
    const QStringList before2 = snapshot(db);

    auto run = up(p.load(), true);
    QVERIFY2(run && !run->failure, qPrintable(why(run)));
    QCOMPARE(run->steps.size(), 2);
    QVERIFY(db.exec(QStringLiteral("INSERT INTO tags VALUES (1, 'x')")));
    for (const StepResult& step : run->steps) {
        QVERIFY(!step.backupId.isEmpty());
        QCOMPARE(db.value(QStringLiteral("SELECT backup_id FROM %1 WHERE %2 = '%3'")
                              .arg(factsTable, keyColumn,
                                   QString::number(step.version).rightJustified(3, u'0'))),
                 step.backupId);
    }
    QVERIFY(db.value(QStringLiteral("SELECT backup_id FROM %1 WHERE %2 = '001'")
                         .arg(factsTable, keyColumn))
                .isNull());

    BackupManager backups(p.load(), app, local);
    auto point = backups.restorePointBefore(2);
    QVERIFY2(point, qPrintable(point ? QString() : point.error().toString()));
    QCOMPARE(point->manifest.id, run->steps.first().backupId);
    QCOMPARE(point->manifest.beforeVersion, qint64(2));
    db.disconnect(); // a restore refuses while other sessions are connected
    auto restored = backups.restore(point.value());
    QVERIFY2(restored, qPrintable(restored ? QString() : restored.error().toString()));
    QCOMPARE(snapshot(db), before2);
    Migrator m(p.load(), app, local);
    auto st = m.status();
    QVERIFY2(st, qPrintable(st ? QString() : st.error().toString()));
    QCOMPARE(st->appliedCount(), 1);
    QCOMPARE(st->pendingCount(), 2);
}

void TestPgRestorePoints::olderHistoryNeedsNoOwnershipWithoutRestorePoints()
{
    PgScratchDatabase db(QStringLiteral("rpowner"));
    QVERIFY2(db.isValid(), qPrintable(db.error()));
    QString password;
    const QString role = db.createPasswordRole(QStringLiteral("rpapp"), &password);
    QVERIFY(!role.isEmpty());
    // Strata's history as it was before restore points, owned by someone else; the application
    // role may write to it.
    QVERIFY(db.exec(QStringLiteral(
        "CREATE TABLE strata_migrations (version text PRIMARY KEY, name text NOT NULL, checksum "
        "text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), duration_ms bigint NOT "
        "NULL, applied_by text NOT NULL, sql text NOT NULL, baseline boolean NOT NULL DEFAULT "
        "false, transactional boolean NOT NULL DEFAULT true); GRANT SELECT, INSERT, DELETE ON "
        "strata_migrations TO %1")
                        .arg(role)));
    QString url = db.url();
    url.replace(QRegularExpression(QStringLiteral("//[^@]*@")),
                QStringLiteral("//%1@").arg(role));
    qputenv("STRATA_RP_PASSWORD", password.toUtf8());
    PgRestorePointProject p(url, QStringLiteral("strata"), QStringLiteral("STRATA_RP_PASSWORD"));
    QVERIFY(p.isValid());

    auto plain = up(p.load(), false, 1);
    QVERIFY2(plain && !plain->failure, qPrintable(why(plain)));
    QCOMPARE(db.value(QStringLiteral("SELECT count(*) FROM strata_migrations")),
             QStringLiteral("1"));
    // Recording a restore point needs the column, which only the table's owner may add: said.
    auto withBackup = up(p.load(), true);
    QVERIFY2(why(withBackup).contains(QStringLiteral("restore-point column")),
             qPrintable(why(withBackup)));
    QCOMPARE(db.value(QStringLiteral("SELECT count(*) FROM strata_migrations")),
             QStringLiteral("1"));
}

QTEST_GUILESS_MAIN(TestPgRestorePoints)
#include "tst_pg_restore_points.moc"
