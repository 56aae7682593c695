// The window on a PostgreSQL database, headless, against the real test server: the project tree
// shows the masked URL and the status read off the GUI thread, the diagram shows the tables the
// files make (identity, serial and enum columns with their PostgreSQL types), the slider walks the
// history, drift compares against the live database, and a server that is not there is an error
// in the window, not a frozen window.

#include "diagramscene.h"
#include "historyslider.h"
#include "mainwindow.h"
#include "migrator.h"
#include "projectlocator.h"
#include "pgtestsupport.h"
#include "projecttreemodel.h"
#include "schemaworkspace.h"
#include "statusreader.h"
#include "tableitem.h"
#include "timelinemodel.h"
#include "uitestsupport.h"

#include <QComboBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace strata;
using namespace strata::test;

class TestPgWindow final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void showsThePostgresDiagram();
    void passwordRoleAndMaskedLocation();
    void sliderWalksTheHistory();
    void driftAgainstTheLiveDatabase();
    void unreachableServerIsAnErrorNotAFreeze();
    void withoutCreateDatabaseTheLiveDiagramShows();

private:
    // Writes the project (env `local` = `url`, `extra` lines in its table) with the migrations.
    QString writeProject(const QString& url, const QString& extra = {});
    // Opens it and waits for the history and the server's status.
    bool openAndWait(const QString& path);
    QStringList tableNames() const;
    const TableItem* item(const QString& name) const;
    QString sliderText() const; // what the history slider's labels say

    MainWindow* m_window = nullptr;
    std::unique_ptr<QTemporaryDir> m_dir;
};

namespace {

const QList<QPair<QString, QByteArray>> migrations = {
    {QStringLiteral("0001_accounts.sql"),
     "CREATE TYPE plan AS ENUM ('free', 'pro');\n"
     "CREATE TABLE accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
     "  email text NOT NULL UNIQUE, plan plan NOT NULL DEFAULT 'free',\n"
     "  created_at timestamptz NOT NULL DEFAULT now());\n"},
    {QStringLiteral("0002_projects.sql"),
     "CREATE TABLE projects (id serial PRIMARY KEY,\n"
     "  account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,\n"
     "  name varchar(120) NOT NULL, settings jsonb NOT NULL DEFAULT '{}');\n"
     "CREATE INDEX projects_settings ON projects USING gin (settings);\n"},
    {QStringLiteral("0003_billing.sql"),
     "CREATE SCHEMA billing;\n"
     "CREATE TABLE billing.invoices (id bigserial PRIMARY KEY,\n"
     "  account_id bigint NOT NULL REFERENCES accounts(id), amount numeric(12,2) NOT NULL);\n"},
};

} // namespace

void TestPgWindow::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_window = new MainWindow;
    m_window->resize(1400, 900);
    m_window->show();
}

void TestPgWindow::cleanup()
{
    delete m_window;
    m_window = nullptr;
    m_dir.reset();
}

QString TestPgWindow::writeProject(const QString& url, const QString& extra)
{
    const QByteArray toml = "[project]\nname = \"pgwin\"\n\n[[database]]\nbinding = \"APP\"\n"
                            "dialect = \"postgres\"\nmigrations = \"migrations\"\n\n"
                            "[database.env.local]\nurl = \"" +
                            url.toUtf8() + "\"\n" + extra.toUtf8() + "\n";
    const QString path = m_dir->filePath(QStringLiteral("strata.toml"));
    if (!QDir(m_dir->path()).mkpath(QStringLiteral("migrations")) || !writeFile(path, toml))
        return {};
    for (const auto& [name, sql] : migrations)
        if (!writeFile(m_dir->filePath(QStringLiteral("migrations/") + name), sql))
            return {};
    return path;
}

bool TestPgWindow::openAndWait(const QString& path)
{
    QSignalSpy ready(m_window->workspace(), &SchemaWorkspace::historyReady);
    QSignalSpy statuses(m_window->statusReader(), &StatusReader::finished);
    const Status opened = m_window->openProject(path);
    if (!opened) {
        qWarning("%s", qPrintable(opened.error().toString()));
        return false;
    }
    return (!ready.isEmpty() || ready.wait(30000)) &&
           (!statuses.isEmpty() || statuses.wait(30000));
}

QStringList TestPgWindow::tableNames() const
{
    QStringList names;
    for (TableItem* t : m_window->workspace()->scene()->tableItems())
        names << t->name();
    names.sort();
    return names;
}

const TableItem* TestPgWindow::item(const QString& name) const
{
    for (TableItem* t : m_window->workspace()->scene()->tableItems())
        if (t->name() == name)
            return t;
    return nullptr;
}

QString TestPgWindow::sliderText() const
{
    QStringList texts;
    for (QLabel* l : m_window->workspace()->slider()->findChildren<QLabel*>())
        texts << l->text();
    return texts.join(QLatin1Char('\n'));
}

void TestPgWindow::showsThePostgresDiagram()
{
    PgScratchDatabase db(QStringLiteral("win"));
    QVERIFY2(db.isValid(), qPrintable(db.error()));
    const QString path = writeProject(db.url());
    QVERIFY(!path.isEmpty());
    QVERIFY(openAndWait(path));

    const Target target{QStringLiteral("APP"), QStringLiteral("local")};
    QCOMPARE(m_window->currentTarget(), target);
    // Nothing applied yet: the status came from the server, three pending.
    const DatabaseStatus* status = m_window->projectModel()->status(target);
    QVERIFY2(status, qPrintable(m_window->projectModel()->problem(target)
                                    ? m_window->projectModel()->problem(target)->message
                                    : QStringLiteral("no status")));
    QCOMPARE(status->pendingCount(), 3);

    QCOMPARE(tableNames(), (QStringList{QStringLiteral("accounts"), QStringLiteral("billing.invoices"),
                                        QStringLiteral("projects")}));
    auto typeOf = [&](const QString& table, const QString& column) {
        const TableItem* t = item(table);
        if (t)
            for (const TableItem::Row& r : t->rows())
                if (r.name == column)
                    return r.type;
        return QString();
    };
    QCOMPARE(typeOf(QStringLiteral("accounts"), QStringLiteral("id")), QStringLiteral("bigint identity"));
    QCOMPARE(typeOf(QStringLiteral("accounts"), QStringLiteral("plan")), QStringLiteral("plan"));
    QCOMPARE(typeOf(QStringLiteral("accounts"), QStringLiteral("created_at")),
             QStringLiteral("timestamp with time zone"));
    QCOMPARE(typeOf(QStringLiteral("projects"), QStringLiteral("id")), QStringLiteral("serial"));
    QCOMPARE(typeOf(QStringLiteral("projects"), QStringLiteral("name")),
             QStringLiteral("character varying(120)"));
    QCOMPARE(typeOf(QStringLiteral("billing.invoices"), QStringLiteral("id")),
             QStringLiteral("bigserial"));
    // The foreign keys are drawn, the one into another schema too.
    const Schema& shown = m_window->workspace()->scene()->schema();
    QCOMPARE(shown.table(QStringLiteral("billing.invoices"))->foreignKeys.at(0).targetTable,
             QStringLiteral("accounts"));
}

void TestPgWindow::passwordRoleAndMaskedLocation()
{
    PgScratchDatabase db(QStringLiteral("winpw"));
    QVERIFY2(db.isValid(), qPrintable(db.error()));
    QString password;
    const QString role = db.createPasswordRole(QStringLiteral("pgwin"), &password);
    QVERIFY(!role.isEmpty());
    // The role may not create databases: the history is replayed with it refused, so the window
    // says why; the status and the live schema work with the password.
    qputenv("STRATA_PGWIN_PASSWORD", password.toUtf8());
    const QString url = QStringLiteral("postgresql://%1@%2:%3/%4")
                            .arg(role, pgHost())
                            .arg(pgPort())
                            .arg(db.name());
    const QString path = writeProject(url, QStringLiteral("password_env = \"STRATA_PGWIN_PASSWORD\""));
    QVERIFY(openAndWait(path));
    const Target target{QStringLiteral("APP"), QStringLiteral("local")};
    const QModelIndex env = m_window->projectModel()->indexOf(target);
    const QString tip = env.data(Qt::ToolTipRole).toString();
    QVERIFY2(tip.contains(QStringLiteral("%1:%2/%3").arg(pgHost()).arg(pgPort()).arg(db.name())),
             qPrintable(tip));
    QVERIFY(!tip.contains(password));
    QVERIFY(m_window->projectModel()->status(target));
    QCOMPARE(m_window->projectModel()->status(target)->pendingCount(), 3);

    const QString said = sliderText();
    QVERIFY2(said.contains(QLatin1String("CREATE DATABASE")), qPrintable(said));
    QVERIFY(!said.contains(password));
    qunsetenv("STRATA_PGWIN_PASSWORD");
}

void TestPgWindow::sliderWalksTheHistory()
{
    PgScratchDatabase db(QStringLiteral("winslide"));
    QVERIFY2(db.isValid(), qPrintable(db.error()));
    const QString path = writeProject(db.url());
    QVERIFY(!path.isEmpty());
    {
        // Two of the three applied by the real engine: the window opens at that point.
        auto project = openProject(path);
        QVERIFY(project.ok());
        Migrator migrator(project.value(), QStringLiteral("APP"), QStringLiteral("local"));
        RunOptions options;
        options.toVersion = 2;
        auto report = migrator.up(options);
        const QString why = !report.ok()       ? report.error().toString()
                            : report->failure ? report->failure->toString()
                                              : QString();
        QVERIFY2(report.ok() && !report->failure, qPrintable(why));
    }
    QVERIFY(openAndWait(path));
    SchemaWorkspace* ws = m_window->workspace();
    QTRY_COMPARE(ws->history()->points[ws->slider()->point()].version, 2);
    QCOMPARE(tableNames(), (QStringList{QStringLiteral("accounts"), QStringLiteral("projects")}));
    QCOMPARE(ws->scene()->tableState(QStringLiteral("projects")), DiffState::Added);

    ws->slider()->setPoint(3);
    QCOMPARE(tableNames(), (QStringList{QStringLiteral("accounts"), QStringLiteral("billing.invoices"),
                                        QStringLiteral("projects")}));
    QCOMPARE(ws->scene()->tableState(QStringLiteral("billing.invoices")), DiffState::Added);
    ws->slider()->setPoint(1);
    QCOMPARE(tableNames(), QStringList{QStringLiteral("accounts")});

    // The timeline's lane for the environment has the marks the server's history gave.
    TimelineModel* timeline = ws->timelineModel();
    QCOMPARE(timeline->rowCount(), 1);
    const QModelIndex lane = timeline->index(0, 0);
    QCOMPARE(timeline->rowCount(lane), 3);
    QCOMPARE(lane.data(TimelineModel::LaneNoteRole).toString(), QString());
}

void TestPgWindow::driftAgainstTheLiveDatabase()
{
    PgScratchDatabase db(QStringLiteral("windrift"));
    QVERIFY2(db.isValid(), qPrintable(db.error()));
    const QString path = writeProject(db.url());
    {
        auto project = openProject(path);
        QVERIFY(project.ok());
        Migrator migrator(project.value(), QStringLiteral("APP"), QStringLiteral("local"));
        auto report = migrator.up(RunOptions{});
        QVERIFY(report.ok() && !report->failure);
    }
    // Behind Strata's back: a column no migration made.
    QVERIFY(db.exec(QStringLiteral("ALTER TABLE projects ADD COLUMN sneaky boolean")));
    QVERIFY(openAndWait(path));
    SchemaWorkspace* ws = m_window->workspace();
    QSignalSpy shown(ws, &SchemaWorkspace::liveSchemaShown);
    auto* compare = ws->slider()->findChildren<QComboBox*>().first();
    compare->setCurrentIndex(int(HistorySlider::Compare::LiveDrift));
    QVERIFY(shown.wait(15000));
    const TableDiff* projects = ws->scene()->diff().table(QStringLiteral("projects"));
    QVERIFY(projects);
    QCOMPARE(projects->addedColumns, QStringList{QStringLiteral("sneaky")});
    QCOMPARE(ws->scene()->tableState(QStringLiteral("projects")), DiffState::Changed);
    QCOMPARE(ws->scene()->tableState(QStringLiteral("accounts")), DiffState::Unchanged);
}

void TestPgWindow::unreachableServerIsAnErrorNotAFreeze()
{
    // Port 1: nothing listens there, the connection is refused.
    const QString path = writeProject(QStringLiteral("postgresql://strata@127.0.0.1:1/app"));
    QElapsedTimer timer;
    timer.start();
    QSignalSpy ready(m_window->workspace(), &SchemaWorkspace::historyReady);
    QSignalSpy statuses(m_window->statusReader(), &StatusReader::finished);
    QVERIFY(m_window->openProject(path).ok());
    QVERIFY2(timer.elapsed() < 2000, qPrintable(QString::number(timer.elapsed())));
    const Target target{QStringLiteral("APP"), QStringLiteral("local")};
    QVERIFY(m_window->projectModel()->isReading(target));
    QVERIFY(statuses.wait(30000));
    QVERIFY(ready.count() > 0 || ready.wait(30000));
    const auto problem = m_window->projectModel()->problem(target);
    QVERIFY(problem.has_value());
    QVERIFY2(problem->message.contains(QLatin1String("127.0.0.1")), qPrintable(problem->message));
    const QString said = sliderText();
    QVERIFY2(said.contains(QLatin1String("no PostgreSQL server")), qPrintable(said));
    QVERIFY(m_window->workspace()->scene()->tableItems().isEmpty());
    const QModelIndex lane = m_window->workspace()->timelineModel()->index(0, 0);
    QVERIFY(lane.data(TimelineModel::LaneNoteRole).toString().startsWith(QLatin1String("Not readable")));
}

void TestPgWindow::withoutCreateDatabaseTheLiveDiagramShows()
{
    // An application role that may not CREATE DATABASE: the file history (replayed in a scratch
    // database) cannot be derived, yet the diagram shows the live tables.
    PgScratchDatabase db(QStringLiteral("nocreatedb"));
    QVERIFY2(db.isValid(), qPrintable(db.error()));
    QVERIFY(db.exec(QStringLiteral("CREATE TABLE teams (id serial PRIMARY KEY, name text); "
                                   "CREATE TABLE people (id int PRIMARY KEY, "
                                   "team_id int REFERENCES teams (id))")));
    QString password;
    const QString role = db.createPasswordRole(QStringLiteral("nocreate"), &password);
    QVERIFY(!role.isEmpty());
    qputenv("STRATA_TEST_NOCREATE_PW", password.toUtf8());
    QString url = db.url();
    url.replace(QRegularExpression(QStringLiteral("//[^@]+@")),
                QStringLiteral("//") + role + QLatin1Char('@'));
    const QString path =
        writeProject(url, QStringLiteral("password_env = \"STRATA_TEST_NOCREATE_PW\""));
    QSignalSpy live(m_window->workspace(), &SchemaWorkspace::liveSchemaShown);
    QVERIFY(openAndWait(path));
    QVERIFY(!live.isEmpty() || live.wait(30000));
    QCOMPARE(tableNames(), (QStringList{QStringLiteral("people"), QStringLiteral("teams")}));
    const QString said = sliderText();
    QVERIFY2(said.contains(QLatin1String("CREATEDB")), qPrintable(said));
    QVERIFY2(said.contains(QLatin1String("as it is now")), qPrintable(said));
    QVERIFY2(!said.contains(password), "the password must never be shown");
}

int main(int argc, char* argv[])
{
    TestPgWindow test;
    return strata::test::runUiTest(argc, argv, &test);
}

#include "tst_pgwindow.moc"
