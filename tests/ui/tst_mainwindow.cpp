// The first window, headless: opens the demo (a private copy per test), checks the tree and the
// table with QAbstractItemModelTester, and applies migrations through the real window and the
// real engine on real SQLite files — only the confirmation dialog is replaced, through the
// apply controller's confirmer seam.

#include "applycontroller.h"
#include "demoproject.h"
#include "errordialog.h"
#include "mainactions.h"
#include "mainwindow.h"
#include "migrationdetailsview.h"
#include "migrationspanel.h"
#include "migrationtablemodel.h"
#include "projectdock.h"
#include "projecttreemodel.h"
#include "recentprojects.h"
#include "uitestsupport.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QIcon>
#include <QLabel>
#include <QMessageBox>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

#include <memory>

using namespace strata;
using strata::test::copyTree;
using strata::test::writeFile;

namespace {

constexpr int ApplyTimeoutMs = 30000;

QVariant treeValue(const MainWindow& w, const Target& t, int role)
{
    return w.projectModel()->indexOf(t).data(role);
}

int pendingCount(const MainWindow& w, const Target& t)
{
    return treeValue(w, t, ProjectTreeModel::PendingCountRole).toInt();
}

int appliedCount(const MainWindow& w, const Target& t)
{
    return treeValue(w, t, ProjectTreeModel::AppliedCountRole).toInt();
}

QStringList tableColumn(const MigrationTableModel* model, int column, int role = Qt::DisplayRole)
{
    QStringList out;
    for (int r = 0; r < model->rowCount(); ++r)
        out << model->index(r, column).data(role).toString();
    return out;
}

// A confirmer that records what it was asked and answers `answer`.
struct RecordingConfirmer
{
    bool answer = true;
    QList<ConfirmRequest> requests;

    Confirmer get()
    {
        return [this](const ConfirmRequest& r) {
            requests << r;
            return answer;
        };
    }
};

const Target billingLocal{QStringLiteral("BILLING_DB"), QStringLiteral("local")};
const Target billingProduction{QStringLiteral("BILLING_DB"), QStringLiteral("production")};

} // namespace

class TestMainWindow final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void opensDemoWithCounts();
    void modelsPassTheTester();
    void tableShowsSelectedEnvironment();
    void actionsHaveShortcuts();
    void applyThroughWindow();
    void protectedEnvironmentNeedsConfirmation();
    void dryRunChangesNothing();
    void failingMigrationNamesFileAndLine();
    void remoteD1EnvironmentsAreGreyed();
    void refreshKeepsSelectionAndSeesNewFiles();
    void driftRefusesAndSaysWhy();
    void closingWaitsForTheRunningApply();
    void startupOpensProjectDemoOrLast_data();
    void startupOpensProjectDemoOrLast();
    void startupWithBrokenProjectShowsErrorAndStaysUsable();

private:
    std::unique_ptr<MainWindow> openDemoWindow();
    ApplyOutcome applyAndWait(MainWindow& w, bool dryRun, bool* started);
};

void TestMainWindow::init()
{
    // Every test starts from a pristine demo and empty settings: no test uses another's leftovers.
    QDir(demoProjectDir()).removeRecursively();
    openUserSettings()->clear();
}

void TestMainWindow::cleanup()
{
    QDir(demoProjectDir()).removeRecursively();
}

std::unique_ptr<MainWindow> TestMainWindow::openDemoWindow()
{
    auto w = std::make_unique<MainWindow>();
    w->show();
    const Status st = w->openDemo();
    if (!st)
        qWarning("%s", qUtf8Printable(st.error().toString()));
    return w;
}

ApplyOutcome TestMainWindow::applyAndWait(MainWindow& w, bool dryRun, bool* started)
{
    QSignalSpy finished(w.applyController(), &ApplyController::finished);
    *started = w.applyPending(dryRun);
    if (!*started)
        return {};
    if (finished.isEmpty() && !finished.wait(ApplyTimeoutMs))
        return {};
    return finished.constFirst().constFirst().value<ApplyOutcome>();
}

void TestMainWindow::opensDemoWithCounts()
{
    auto w = openDemoWindow();
    QVERIFY(w->hasProject());
    const Project& project = w->projectModel()->project();
    QCOMPARE(w->windowTitle(), project.name + QStringLiteral(" — Strata"));
    QCOMPARE(w->findChild<QLabel*>(QStringLiteral("projectFileLabel"))->text(),
             QDir::toNativeSeparators(project.sourceFile));

    // The demo prepares BILLING_DB (10 files) with all but a quarter applied locally, half in
    // production.
    QCOMPARE(appliedCount(*w, billingLocal), 8);
    QCOMPARE(pendingCount(*w, billingLocal), 2);
    QCOMPARE(treeValue(*w, billingLocal, ProjectTreeModel::DriftCountRole).toInt(), 0);
    QCOMPARE(treeValue(*w, billingLocal, ProjectTreeModel::ProtectedRole).toBool(), false);
    QCOMPARE(appliedCount(*w, billingProduction), 5);
    QCOMPARE(pendingCount(*w, billingProduction), 5);
    QCOMPARE(treeValue(*w, billingProduction, ProjectTreeModel::ProtectedRole).toBool(), true);
    // The counts are shown as text in their columns too.
    QCOMPARE(
        w->projectModel()->indexOf(billingLocal, ProjectTreeModel::PendingColumn).data().toInt(),
        2);

    // Every database has its environments, and every count adds up to the files.
    QCOMPARE(w->projectModel()->rowCount(w->projectModel()->index(0, 0)),
             int(project.databases.size()));
    for (const Database& db : project.databases) {
        for (const Environment& env : db.environments) {
            const Target t{db.binding, env.name};
            const DatabaseStatus* st = w->projectModel()->status(t);
            QVERIFY2(st, qPrintable(t.binding + QLatin1Char('/') + t.environment));
            QCOMPARE(appliedCount(*w, t) + pendingCount(*w, t), int(st->entries.size()));
            QVERIFY(treeValue(*w, t, ProjectTreeModel::WorkableRole).toBool());
        }
    }
    // Opening it remembered it.
    QCOMPARE(RecentProjects(*openUserSettings()).last(), project.sourceFile);
}

void TestMainWindow::modelsPassTheTester()
{
    MainWindow w;
    QAbstractItemModelTester treeTester(w.projectModel(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester tableTester(w.migrationModel(),
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(w.openDemo());
    // Walk every environment (table resets), refresh in place, and re-open (tree reset).
    const Project project = w.projectModel()->project();
    for (const Database& db : project.databases)
        for (const Environment& env : db.environments)
            QVERIFY(w.selectTarget({db.binding, env.name}));
    w.projectModel()->refreshStatuses();
    w.actions()->refresh()->trigger();
    QVERIFY(w.selectTarget(billingLocal));
    QCOMPARE(w.migrationModel()->rowCount(), 10);
    w.projectModel()->clear();
    QCOMPARE(w.migrationModel()->rowCount(), 0);
}

void TestMainWindow::tableShowsSelectedEnvironment()
{
    auto w = openDemoWindow();
    QAbstractItemModelTester tableTester(w->migrationModel(),
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(w->selectTarget(billingLocal));
    QCOMPARE(w->currentTarget(), billingLocal);
    const MigrationTableModel* table = w->migrationModel();
    QCOMPARE(table->rowCount(), 10);
    QCOMPARE(table->columnCount(), int(MigrationTableModel::ColumnCount));
    QStringList headers;
    for (int c = 0; c < table->columnCount(); ++c)
        headers << table->headerData(c, Qt::Horizontal).toString();
    QCOMPARE(headers, (QStringList{"Version", "File", "Status", "Applied at", "Duration",
                                   "Applied by", "Down?"}));

    const QStringList states = tableColumn(table, MigrationTableModel::StatusColumn);
    QCOMPARE(states.count(QStringLiteral("Applied")), 8);
    QCOMPARE(states.mid(8), (QStringList{"Pending", "Pending"}));
    QCOMPARE(tableColumn(table, MigrationTableModel::FileColumn).first(),
             QStringLiteral("001_create_plans.sql"));
    QCOMPARE(tableColumn(table, MigrationTableModel::VersionColumn).first(), QStringLiteral("001"));
    for (int r = 0; r < table->rowCount(); ++r) {
        const QModelIndex status = table->index(r, MigrationTableModel::StatusColumn);
        // Not colour alone: a word and an icon as well.
        QVERIFY(!status.data(Qt::DecorationRole).value<QIcon>().isNull());
        QVERIFY(status.data(Qt::ForegroundRole).canConvert<QColor>());
        const bool applied = r < 8;
        QCOMPARE(table->index(r, MigrationTableModel::AppliedAtColumn).data().toString().isEmpty(),
                 !applied);
        QCOMPARE(table->index(r, MigrationTableModel::AppliedByColumn).data().toString().isEmpty(),
                 !applied);
        QCOMPARE(table->index(r, MigrationTableModel::DurationColumn).data().toString().isEmpty(),
                 !applied);
    }
    QCOMPARE(tableColumn(table, MigrationTableModel::DownColumn).count(QStringLiteral("Yes")) +
                 tableColumn(table, MigrationTableModel::DownColumn).count(QStringLiteral("No")),
             10);
    QVERIFY(w->migrationsPanel()->headerText().contains(QStringLiteral("BILLING_DB · local")));
    QVERIFY(w->migrationsPanel()->headerText().contains(QStringLiteral("2 pending")));
    QVERIFY(w->actions()->apply()->isEnabled());
    // The first pending migration is selected, its SQL shown below the table.
    QCOMPARE(w->migrationsPanel()->tableView()->currentIndex().row(), 8);
    const QString sql = w->migrationsPanel()->detailsView()->sqlText();
    QVERIFY2(sql.startsWith(QStringLiteral("-- migrate:up\n")), qPrintable(sql));
    QVERIFY(sql.contains(QStringLiteral("CREATE VIEW")));
    QVERIFY(w->migrationsPanel()->tableView()->selectionModel()->currentIndex().isValid());

    // A database row is no target: a hint, an empty table, nothing to apply.
    QTreeView* tree = w->projectDock()->view();
    tree->setCurrentIndex(w->projectModel()->indexOf(billingLocal).parent());
    QVERIFY(!w->currentTarget().isValid());
    QCOMPARE(table->rowCount(), 0);
    QVERIFY(!w->actions()->apply()->isEnabled());
    QVERIFY(w->migrationsPanel()->headerText().contains(QStringLiteral("local, production")));
}

void TestMainWindow::actionsHaveShortcuts()
{
    MainWindow w;
    const MainActions* a = w.actions();
    QCOMPARE(a->open()->shortcut(), QKeySequence(QStringLiteral("Ctrl+O")));
    QCOMPARE(a->refresh()->shortcut(), QKeySequence(QStringLiteral("F5")));
    QCOMPARE(a->apply()->shortcut(), QKeySequence(QStringLiteral("Ctrl+Shift+A")));
    QCOMPARE(a->dryRun()->shortcut(), QKeySequence(QStringLiteral("Ctrl+Shift+D")));
    QCOMPARE(a->quit()->shortcut(), QKeySequence(QStringLiteral("Ctrl+Q")));
    // Without a project: the welcome page, Open available, nothing to apply.
    QVERIFY(w.migrationsPanel()->isShowingWelcome());
    QCOMPARE(w.windowTitle(), QStringLiteral("Strata"));
    QVERIFY(a->open()->isEnabled());
    QVERIFY(a->openDemo()->isEnabled());
    QVERIFY(!a->apply()->isEnabled());
    QVERIFY(!a->refresh()->isEnabled());
}

void TestMainWindow::applyThroughWindow()
{
    auto w = openDemoWindow();
    QAbstractItemModelTester treeTester(w->projectModel(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester tableTester(w->migrationModel(),
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    RecordingConfirmer confirmer;
    w->applyController()->setConfirmer(confirmer.get());
    QVERIFY(w->selectTarget(billingLocal));

    QSignalSpy progress(w->applyController(), &ApplyController::progress);
    QSignalSpy finished(w->applyController(), &ApplyController::finished);
    w->actions()->apply()->trigger();
    QVERIFY(w->applyController()->isRunning());
    QVERIFY(!w->actions()->apply()->isEnabled()); // one run at a time
    QVERIFY(finished.wait(ApplyTimeoutMs));

    QCOMPARE(confirmer.requests.size(), 1);
    const ConfirmRequest& request = confirmer.requests.constFirst();
    QCOMPARE(request.binding, QStringLiteral("BILLING_DB"));
    QCOMPARE(request.environment, QStringLiteral("local"));
    QCOMPARE(request.isProtected, false);
    QCOMPARE(request.migrations, (QStringList{"009_create_active_subscriptions_view.sql",
                                              "010_add_plans_stripe_price_id.sql"}));

    const auto outcome = finished.constFirst().constFirst().value<ApplyOutcome>();
    QVERIFY2(outcome.ok(), qPrintable(outcome.error ? outcome.error->toString() : QString()));
    QCOMPARE(outcome.dryRun, false);
    QCOMPARE(outcome.steps.size(), 2);
    QVERIFY(progress.size() >= 2);
    QCOMPARE(progress.constFirst().at(2).toString(),
             QStringLiteral("009_create_active_subscriptions_view.sql"));

    QCOMPARE(pendingCount(*w, billingLocal), 0);
    QCOMPARE(appliedCount(*w, billingLocal), 10);
    QCOMPARE(pendingCount(*w, billingProduction), 5); // only the target changed
    QCOMPARE(w->currentTarget(), billingLocal);       // the selection stays
    const QStringList states = tableColumn(w->migrationModel(), MigrationTableModel::StatusColumn);
    QCOMPARE(states.size(), 10);
    QCOMPARE(states.count(QStringLiteral("Applied")), 10);
    QVERIFY(!w->actions()->apply()->isEnabled()); // nothing left to apply
    QVERIFY(w->findChildren<ErrorDialog*>().isEmpty());
}

void TestMainWindow::protectedEnvironmentNeedsConfirmation()
{
    auto w = openDemoWindow();
    RecordingConfirmer confirmer;
    confirmer.answer = false; // the user cancels
    w->applyController()->setConfirmer(confirmer.get());
    QVERIFY(w->selectTarget(billingProduction));
    QVERIFY(w->migrationsPanel()->headerText().contains(QStringLiteral("5 pending")));

    QSignalSpy started(w->applyController(), &ApplyController::started);
    QSignalSpy finished(w->applyController(), &ApplyController::finished);
    bool didStart = true;
    applyAndWait(*w, false, &didStart);
    QVERIFY(!didStart);
    QCOMPARE(confirmer.requests.size(), 1);
    QCOMPARE(confirmer.requests.constFirst().isProtected, true);
    QCOMPARE(confirmer.requests.constFirst().environment, QStringLiteral("production"));
    QCOMPARE(confirmer.requests.constFirst().migrations.size(), 5);
    QVERIFY(!w->applyController()->isRunning());
    QVERIFY(!finished.wait(300));
    QCOMPARE(started.size(), 0);

    // Nothing was applied: read again from the database file, not from the old snapshot.
    w->projectModel()->refreshStatuses();
    QCOMPARE(pendingCount(*w, billingProduction), 5);
    QCOMPARE(appliedCount(*w, billingProduction), 5);

    // Saying yes applies them.
    confirmer.answer = true;
    const ApplyOutcome outcome = applyAndWait(*w, false, &didStart);
    QVERIFY(didStart);
    QVERIFY(outcome.ok());
    QCOMPARE(pendingCount(*w, billingProduction), 0);
}

void TestMainWindow::dryRunChangesNothing()
{
    auto w = openDemoWindow();
    RecordingConfirmer confirmer;
    w->applyController()->setConfirmer(confirmer.get());
    QVERIFY(w->selectTarget(billingLocal));
    bool started = false;
    const ApplyOutcome outcome = applyAndWait(*w, true, &started);
    QVERIFY(started);
    QVERIFY2(outcome.ok(), qPrintable(outcome.error ? outcome.error->toString() : QString()));
    QCOMPARE(outcome.dryRun, true);
    QCOMPARE(outcome.steps.size(), 2);
    QCOMPARE(confirmer.requests.size(), 0); // a dry run changes nothing: no confirmation
    QCOMPARE(pendingCount(*w, billingLocal), 2);
    QCOMPARE(appliedCount(*w, billingLocal), 8);
    auto* report = w->findChild<QMessageBox*>(QStringLiteral("dryRunReport"));
    QVERIFY(report);
    QVERIFY(report->text().contains(QStringLiteral("Nothing changed")));
    QVERIFY(
        report->informativeText().contains(QStringLiteral("010_add_plans_stripe_price_id.sql")));
}

void TestMainWindow::failingMigrationNamesFileAndLine()
{
    // A copy of the prepared demo, with a broken migration after the two pending ones.
    auto demo = ensureDemoProject();
    QVERIFY(demo);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(copyTree(demo.value(), dir.path()));
    const QString broken = dir.filePath(QStringLiteral("billing/011_broken.sql"));
    QVERIFY(writeFile(broken, "-- migrate:up\nCREATE TABLE x(;\n"));

    MainWindow w;
    w.show();
    QAbstractItemModelTester treeTester(w.projectModel(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
    RecordingConfirmer confirmer;
    w.applyController()->setConfirmer(confirmer.get());
    const Status opened = w.openProject(dir.path());
    QVERIFY2(opened, qPrintable(opened ? QString() : opened.error().toString()));
    QVERIFY(w.selectTarget(billingLocal));
    QCOMPARE(pendingCount(w, billingLocal), 3);

    bool started = false;
    const ApplyOutcome outcome = applyAndWait(w, false, &started);
    QVERIFY(started);
    QCOMPARE(confirmer.requests.constFirst().migrations.size(), 3);
    QVERIFY(outcome.error.has_value());
    QVERIFY(outcome.failedInMigration);
    QCOMPARE(QFileInfo(outcome.error->file).fileName(), QStringLiteral("011_broken.sql"));
    QCOMPARE(outcome.error->line, 2);
    QVERIFY2(outcome.error->detail.contains(QStringLiteral("CREATE TABLE x(")),
             qPrintable(outcome.error->detail));
    QVERIFY(outcome.error->toString().contains(QStringLiteral("011_broken.sql:2")));
    QCOMPARE(outcome.steps.size(), 2); // the two good ones ran and stay applied

    QCOMPARE(appliedCount(w, billingLocal), 10);
    QCOMPARE(pendingCount(w, billingLocal), 1);
    QCOMPARE(pendingCount(w, billingProduction), 6); // untouched (5 + the new file)
    const QStringList states = tableColumn(w.migrationModel(), MigrationTableModel::StatusColumn);
    QCOMPARE(states.size(), 11);
    QCOMPARE(states.last(), QStringLiteral("Pending"));
    QCOMPARE(states.count(QStringLiteral("Applied")), 10);
    // The failed migration is the current row, its SQL below the table.
    QCOMPARE(w.migrationsPanel()->tableView()->currentIndex().row(), 10);
    QVERIFY(
        w.migrationsPanel()->detailsView()->sqlText().contains(QStringLiteral("CREATE TABLE x(")));

    // The window shows it: message, file and line, and the statement.
    const QList<ErrorDialog*> dialogs = w.findChildren<ErrorDialog*>();
    QCOMPARE(dialogs.size(), 1);
    ErrorDialog* dialog = dialogs.constFirst();
    QVERIFY(dialog->isVisible());
    const QString text = dialog->plainText();
    QVERIFY2(text.contains(QStringLiteral("011_broken.sql:2")), qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("CREATE TABLE x(")));
    QVERIFY(text.contains(QStringLiteral("009_create_active_subscriptions_view.sql")));
    auto* location = dialog->findChild<QLabel*>(QStringLiteral("errorLocation"));
    QVERIFY(location && location->text().contains(QStringLiteral("011_broken.sql:2")));
}

void TestMainWindow::remoteD1EnvironmentsAreGreyed()
{
    QTemporaryDir dir;
    QVERIFY(copyTree(QStringLiteral(STRATA_FIXTURES_DIR "/wrangler-project"), dir.path()));
    MainWindow w;
    QAbstractItemModelTester treeTester(w.projectModel(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
    const Status opened = w.openProject(dir.filePath(QStringLiteral("wrangler.toml")));
    QVERIFY2(opened, qPrintable(opened ? QString() : opened.error().toString()));

    const Target local{QStringLiteral("DB"), QStringLiteral("local")};
    const Target staging{QStringLiteral("DB"), QStringLiteral("staging")};
    QCOMPARE(appliedCount(w, local), 2);
    QCOMPARE(pendingCount(w, local), 2);

    const QModelIndex remote = w.projectModel()->indexOf(staging);
    QVERIFY(remote.isValid());
    QVERIFY(!remote.data(ProjectTreeModel::WorkableRole).toBool());
    QVERIFY(!remote.data(ProjectTreeModel::PendingCountRole).isValid());
    QVERIFY(remote.data().toString().contains(QStringLiteral("remote")));
    QCOMPARE(remote.data(Qt::ForegroundRole).value<QColor>(),
             QApplication::palette().color(QPalette::Disabled, QPalette::Text));
    QVERIFY(remote.data(Qt::ToolTipRole).toString().contains(QStringLiteral("wrangler d1")));
    QVERIFY(!w.projectModel()->indexOf(local).data(Qt::ForegroundRole).isValid());

    // Selecting it explains, and offers nothing to run.
    QVERIFY(w.selectTarget(staging));
    QVERIFY(w.migrationsPanel()->headerText().contains(QStringLiteral("remote Cloudflare D1")));
    QCOMPARE(w.migrationModel()->rowCount(), 0);
    QVERIFY(!w.actions()->apply()->isEnabled());
    QVERIFY(!w.actions()->dryRun()->isEnabled());
    bool started = true;
    applyAndWait(w, false, &started);
    QVERIFY(!started);
}

void TestMainWindow::refreshKeepsSelectionAndSeesNewFiles()
{
    auto w = openDemoWindow();
    QVERIFY(w->selectTarget(billingProduction));
    QCOMPARE(pendingCount(*w, billingProduction), 5);
    const QString dir = w->projectModel()->project().rootDir;
    QVERIFY(writeFile(dir + QStringLiteral("/billing/011_add_notes.sql"),
                      "-- migrate:up\nALTER TABLE plans ADD COLUMN notes TEXT;\n"));
    w->actions()->refresh()->trigger();
    QCOMPARE(w->currentTarget(), billingProduction);
    QCOMPARE(pendingCount(*w, billingProduction), 6);
    QCOMPARE(w->migrationModel()->rowCount(), 11);
}

void TestMainWindow::driftRefusesAndSaysWhy()
{
    auto w = openDemoWindow();
    RecordingConfirmer confirmer;
    w->applyController()->setConfirmer(confirmer.get());
    const QString dir = w->projectModel()->project().rootDir;
    QFile applied(dir + QStringLiteral("/billing/003_create_subscriptions.sql"));
    QVERIFY(applied.open(QIODevice::Append));
    applied.write("-- edited after it was applied\n");
    applied.close();
    w->actions()->refresh()->trigger();
    QVERIFY(w->selectTarget(billingLocal));
    QCOMPARE(treeValue(*w, billingLocal, ProjectTreeModel::DriftCountRole).toInt(), 1);
    QVERIFY(w->migrationsPanel()->headerText().contains(
        QStringLiteral("003_create_subscriptions.sql was edited")));
    const QStringList states = tableColumn(w->migrationModel(), MigrationTableModel::StatusColumn);
    QCOMPARE(states.at(2), QStringLiteral("Edited (drift)"));

    bool started = false;
    const ApplyOutcome outcome = applyAndWait(*w, false, &started);
    QVERIFY(started);
    QVERIFY(outcome.error.has_value());
    QVERIFY(!outcome.failedInMigration);
    QVERIFY(outcome.error->message.contains(QStringLiteral("drifted")));
    QVERIFY(outcome.steps.isEmpty());
    QCOMPARE(pendingCount(*w, billingLocal), 2);
    QCOMPARE(w->findChildren<ErrorDialog*>().size(), 1);
}

void TestMainWindow::closingWaitsForTheRunningApply()
{
    auto w = openDemoWindow();
    RecordingConfirmer confirmer;
    w->applyController()->setConfirmer(confirmer.get());
    QVERIFY(w->selectTarget(billingLocal));
    QSignalSpy finished(w->applyController(), &ApplyController::finished);
    QVERIFY(w->applyPending());
    // The worker may be done already, but until its end is handled the apply counts as running.
    QVERIFY(!w->close());
    QVERIFY(w->isVisible());
    QVERIFY(finished.wait(ApplyTimeoutMs));
    QTRY_VERIFY(!w->isVisible()); // closed once the apply ended
    w->projectModel()->refreshStatuses();
    QCOMPARE(pendingCount(*w, billingLocal), 0);
}

void TestMainWindow::startupOpensProjectDemoOrLast_data()
{
    QTest::addColumn<QString>("arguments");
    QTest::addColumn<QString>("lastProject"); // "fixture": the wrangler fixture; "gone": a path
    QTest::addColumn<QString>("expect");      // "fixture" or "demo"

    QTest::newRow("first start opens the demo") << ""
                                                << ""
                                                << "demo";
    QTest::newRow("--demo wins over the last project") << "--demo"
                                                       << "fixture"
                                                       << "demo";
    QTest::newRow("the last project reopens") << ""
                                              << "fixture"
                                              << "fixture";
    QTest::newRow("a vanished last project falls back to the demo") << ""
                                                                    << "gone"
                                                                    << "demo";
    QTest::newRow("--project opens it") << "--project FIXTURE"
                                        << ""
                                        << "fixture";
    QTest::newRow("--project wins over --demo") << "--demo --project FIXTURE"
                                                << ""
                                                << "fixture";
}

void TestMainWindow::startupOpensProjectDemoOrLast()
{
    QFETCH(QString, arguments);
    QFETCH(QString, lastProject);
    QFETCH(QString, expect);

    QTemporaryDir dir;
    QVERIFY(copyTree(QStringLiteral(STRATA_FIXTURES_DIR "/wrangler-project"), dir.path()));
    const QString fixtureFile = dir.filePath(QStringLiteral("wrangler.toml"));
    if (lastProject == QLatin1String("fixture"))
        RecentProjects(*openUserSettings()).add(fixtureFile);
    else if (lastProject == QLatin1String("gone"))
        RecentProjects(*openUserSettings()).add(dir.filePath(QStringLiteral("gone/strata.toml")));

    QStringList args{QStringLiteral("strata")};
    for (const QString& a : arguments.split(QLatin1Char(' '), Qt::SkipEmptyParts))
        args << (a == QLatin1String("FIXTURE") ? dir.path() : a);

    MainWindow w;
    w.openAtStartup(args);
    QVERIFY(w.hasProject());
    QVERIFY(w.findChildren<ErrorDialog*>().isEmpty());
    const QString opened = w.projectModel()->project().sourceFile;
    if (expect == QLatin1String("demo"))
        QCOMPARE(opened, demoProjectDir() + QStringLiteral("/strata.toml"));
    else
        QCOMPARE(opened, fixtureFile);
}

void TestMainWindow::startupWithBrokenProjectShowsErrorAndStaysUsable()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("strata.toml"));
    QVERIFY(writeFile(file, "[project]\nname = \"x\"\n[[database]]\nbinding = \n"));

    MainWindow w;
    w.show();
    w.openAtStartup({QStringLiteral("strata"), QStringLiteral("--project"), dir.path()});
    QVERIFY(!w.hasProject());
    QVERIFY(w.migrationsPanel()->isShowingWelcome());
    QCOMPARE(w.windowTitle(), QStringLiteral("Strata"));
    QVERIFY(w.actions()->open()->isEnabled());
    QVERIFY(w.actions()->openDemo()->isEnabled());
    const QList<ErrorDialog*> dialogs = w.findChildren<ErrorDialog*>();
    QCOMPARE(dialogs.size(), 1);
    // file:line: message, as Error::toString gives it.
    QVERIFY2(dialogs.constFirst()->plainText().contains(file + QStringLiteral(":4")),
             qPrintable(dialogs.constFirst()->plainText()));
    dialogs.constFirst()->close();

    // A path that does not exist at all: the same, no crash.
    w.openAtStartup({QStringLiteral("strata"), QStringLiteral("--project"),
                     dir.filePath(QStringLiteral("nowhere"))});
    QVERIFY(!w.hasProject());

    // And the window still opens projects afterwards.
    w.actions()->openDemo()->trigger();
    QVERIFY(w.hasProject());
    QVERIFY(!w.migrationsPanel()->isShowingWelcome());
}

int main(int argc, char* argv[])
{
    TestMainWindow test;
    return strata::test::runUiTest(argc, argv, &test);
}

#include "tst_mainwindow.moc"
