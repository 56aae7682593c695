#include "mainwindow.h"

#include "diagramscene.h"
#include "diagramview.h"
#include "schemaworkspace.h"

#include "confirmapplydialog.h"
#include "demoproject.h"
#include "errordialog.h"
#include "mainactions.h"
#include "migrationspanel.h"
#include "migrationtablemodel.h"
#include "projectdock.h"
#include "projectfiledialog.h"
#include "projectlocator.h"
#include "recentprojects.h"
#include "statestyle.h"
#include "statusreader.h"
#include "timelinemodel.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QCommandLineParser>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QStatusBar>
#include <QUndoStack>

namespace strata {
namespace {

QString targetText(const QString& binding, const QString& environment)
{
    return binding + QStringLiteral(" · ") + environment;
}

QString fileNames(const QList<StepResult>& steps)
{
    QStringList names;
    for (const StepResult& s : steps)
        names << s.fileName;
    return names.join(QStringLiteral(", "));
}

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), m_projectModel(new ProjectTreeModel(this)),
      m_migrationModel(new MigrationTableModel(this)),
      m_dock(new ProjectDock(m_projectModel, this)),
      m_panel(new MigrationsPanel(m_migrationModel, this)),
      m_migrationsDock(new QDockWidget(tr("Migrations"), this)),
      m_workspace(new SchemaWorkspace(this)), m_actions(new MainActions(this)),
      m_apply(new ApplyController(
          [this](const ConfirmRequest& request) { return ConfirmApplyDialog::ask(this, request); },
          this)),
      m_statusReader(new StatusReader(this)), m_projectFileLabel(new QLabel(this)),
      m_progressLabel(new QLabel(this)), m_progressBar(new QProgressBar(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(QStringLiteral("Strata"));
    setWindowIcon(themeIcon(QStringLiteral("strata")));
    // The diagram in the centre; everything else in docks the user can rearrange.
    setCentralWidget(m_workspace->diagramArea());
    m_migrationsDock->setObjectName(QStringLiteral("migrationsDock"));
    m_migrationsDock->setWidget(m_panel);
    addDockWidget(Qt::LeftDockWidgetArea, m_dock);
    addDockWidget(Qt::BottomDockWidgetArea, m_workspace->timelineDock());
    addDockWidget(Qt::BottomDockWidgetArea, m_migrationsDock);
    tabifyDockWidget(m_workspace->timelineDock(), m_migrationsDock);
    addDockWidget(Qt::RightDockWidgetArea, m_workspace->tableDock());
    addDockWidget(Qt::RightDockWidgetArea, m_workspace->inspectorDock());
    tabifyDockWidget(m_workspace->tableDock(), m_workspace->inspectorDock());
    m_workspace->timelineDock()->raise();
    m_workspace->tableDock()->raise();
    m_actions->install(this, {m_dock->toggleViewAction(), m_migrationsDock->toggleViewAction(),
                              m_workspace->timelineDock()->toggleViewAction(),
                              m_workspace->tableDock()->toggleViewAction(),
                              m_workspace->inspectorDock()->toggleViewAction()});
    installDiagramActions();
    m_panel->setWelcomeActions(m_actions->open(), m_actions->openDemo());

    m_projectFileLabel->setObjectName(QStringLiteral("projectFileLabel"));
    m_projectFileLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_progressBar->setMaximumWidth(220);
    m_progressBar->setTextVisible(true);
    m_progressLabel->hide();
    m_progressBar->hide();
    statusBar()->addWidget(m_progressLabel);
    statusBar()->addWidget(m_progressBar);
    statusBar()->addPermanentWidget(m_projectFileLabel);

    connect(m_actions->open(), &QAction::triggered, this, &MainWindow::chooseAndOpen);
    connect(m_actions->openDemo(), &QAction::triggered, this, &MainWindow::openDemoOrReport);
    connect(m_actions->refresh(), &QAction::triggered, this, &MainWindow::refresh);
    connect(m_actions->apply(), &QAction::triggered, this, [this] { applyPending(false); });
    connect(m_actions->dryRun(), &QAction::triggered, this, [this] { applyPending(true); });
    connect(m_actions->quit(), &QAction::triggered, this, &QWidget::close);
    connect(m_actions->about(), &QAction::triggered, this, &MainWindow::showAbout);
    connect(m_actions, &MainActions::recentChosen, this,
            [this](const QString& path) { openOrReport(path, true); });
    connect(m_actions, &MainActions::clearRecentChosen, this, [this] {
        auto settings = openUserSettings();
        RecentProjects(*settings).clear();
        updateRecentMenu();
    });
    connect(m_dock, &ProjectDock::currentChanged, this, &MainWindow::showCurrent);
    connect(m_workspace, &SchemaWorkspace::targetRequested, this,
            [this](const Target& target) { selectTarget(target); });
    connect(m_apply, &ApplyController::started, this, &MainWindow::onApplyStarted);
    connect(m_apply, &ApplyController::progress, this, &MainWindow::onApplyProgress);
    connect(m_apply, &ApplyController::finished, this, &MainWindow::onApplyFinished);
    connect(m_statusReader, &StatusReader::statusRead, this,
            [this](const Target& target, std::shared_ptr<const Result<DatabaseStatus>> status) {
                onServerStatus(target, *status);
            });

    updateRecentMenu();
    m_panel->showWelcome();
    updateActions();
}

MainWindow::~MainWindow() = default;

bool MainWindow::hasProject() const
{
    return m_projectModel->hasProject();
}

Status MainWindow::openProject(const QString& path)
{
    if (m_apply->isRunning())
        return Error{
            QStringLiteral("an apply is running; open another project when it ends"), {}, 0, 0, {}};
    auto project = strata::openProject(path);
    if (!project)
        return project.error();
    setProject(project.value(), {});
    auto settings = openUserSettings();
    RecentProjects(*settings).add(project->sourceFile);
    updateRecentMenu();
    return success();
}

Status MainWindow::openDemo()
{
    auto dir = ensureDemoProject();
    if (!dir)
        return dir.error();
    return openProject(dir.value());
}

void MainWindow::setProject(const Project& project, const Target& preferred)
{
    m_projectModel->setProject(project);
    m_workspace->setProject(project);
    readServerStatuses();
    m_dock->showWholeTree();
    setWindowTitle(project.name + QStringLiteral(" — Strata"));
    m_projectFileLabel->setText(QDir::toNativeSeparators(project.sourceFile));
    m_projectFileLabel->setToolTip(QStringLiteral("The project file"));

    // Keep the selection across a refresh; otherwise the first database's default environment.
    if (preferred.isValid() && selectTarget(preferred))
        return;
    for (const Database& db : project.databases) {
        if (const Environment* env = db.defaultEnvironment()) {
            selectTarget({db.binding, env->name});
            return;
        }
    }
    showCurrent();
}

bool MainWindow::selectTarget(const Target& target)
{
    return m_dock->selectTarget(target);
}

Target MainWindow::currentTarget() const
{
    return m_dock->currentTarget();
}

void MainWindow::openOrReport(const QString& path, bool fromRecent)
{
    const Status st = openProject(path);
    if (st)
        return;
    QString extra;
    if (fromRecent) {
        auto settings = openUserSettings();
        RecentProjects(*settings).remove(path);
        updateRecentMenu();
        extra = QStringLiteral("It was removed from Open Recent.");
    }
    ErrorDialog::showError(
        this, QStringLiteral("Cannot Open Project"),
        QStringLiteral("Strata could not open %1").arg(QDir::toNativeSeparators(path)), st.error(),
        extra);
}

void MainWindow::openDemoOrReport()
{
    const Status st = openDemo();
    if (!st)
        ErrorDialog::showError(this, QStringLiteral("Cannot Open the Demo"),
                               QStringLiteral("Strata could not prepare the demo project"),
                               st.error());
}

void MainWindow::chooseAndOpen()
{
    QString start = hasProject() ? m_projectModel->project().rootDir : QString();
    if (start.isEmpty()) {
        auto settings = openUserSettings();
        const QString last = RecentProjects(*settings).last();
        start = last.isEmpty() ? QDir::homePath() : QFileInfo(last).absolutePath();
    }
    const QString path = ProjectFileDialog::choose(this, start);
    if (!path.isEmpty())
        openOrReport(path);
}

void MainWindow::refresh()
{
    if (!hasProject() || m_apply->isRunning())
        return;
    const Target keep = currentTarget();
    const QString file = m_projectModel->project().sourceFile;
    auto project = strata::openProject(file);
    if (!project) {
        ErrorDialog::showError(this, QStringLiteral("Cannot Refresh"),
                               QStringLiteral("The project file no longer reads; the window "
                                              "still shows it as it was"),
                               project.error());
        return;
    }
    setProject(project.value(), keep);
    statusBar()->showMessage(QStringLiteral("Refreshed"), 3000);
}

void MainWindow::showCurrent()
{
    if (!hasProject()) {
        m_panel->showWelcome();
        updateActions();
        return;
    }
    const Target target = currentTarget();
    const Database* db = m_projectModel->database(target.binding);
    const Environment* env = m_projectModel->environment(target);
    if (db && env) {
        m_panel->showTarget(*db, *env, m_projectModel->status(target),
                            m_projectModel->problem(target));
        const DatabaseStatus* status = m_projectModel->status(target);
        const MigrationEntry* last = status ? status->lastApplied() : nullptr;
        m_workspace->setTarget(target, last ? last->version : 0);
    } else if (const Database* selectedDb = m_projectModel->database(m_dock->currentBinding())) {
        QStringList names;
        for (const Environment& e : selectedDb->environments)
            names << e.name;
        m_panel->showHint(selectedDb->binding,
                          QStringLiteral("Select one of its environments to see its migrations: "
                                         "%1.")
                              .arg(names.join(QStringLiteral(", "))));
    } else {
        m_panel->showHint(m_projectModel->project().name,
                          QStringLiteral("Select an environment of a database in the Project "
                                         "panel to see its migrations."));
    }
    updateActions();
}

void MainWindow::installDiagramActions()
{
    // The diagram's own actions (zoom, fit, find, re-layout, minimap; undo of table moves) and
    // export, in a Diagram menu beside the others.
    DiagramView* view = m_workspace->view();
    QMenu* menu = new QMenu(tr("&Diagram"), this);
    QAction* undo = m_workspace->scene()->undoStack()->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction* redo = m_workspace->scene()->undoStack()->createRedoAction(this, tr("&Redo"));
    redo->setShortcut(QKeySequence::Redo);
    menu->addActions({undo, redo});
    menu->addSeparator();
    menu->addActions(
        {view->zoomInAction(), view->zoomOutAction(), view->fitAction(), view->actualSizeAction()});
    menu->addSeparator();
    // Find works from anywhere in the window (the zoom keys stay with the view that has focus:
    // the timeline has its own).
    view->findAction()->setShortcutContext(Qt::WindowShortcut);
    menu->addActions({view->findAction(), view->relayoutAction(), view->minimapAction()});
    menu->addSeparator();
    menu->addAction(m_workspace->exportAction());
    QList<QAction*> menus = menuBar()->actions();
    menuBar()->insertMenu(menus.size() >= 2 ? menus[menus.size() - 1] : nullptr, menu);
    addActions({undo, redo, m_workspace->exportAction()});
}

void MainWindow::readServerStatuses()
{
    m_statusReader->read(m_projectModel->project(), m_projectModel->targetsToRead());
}

void MainWindow::onServerStatus(const Target& target, const Result<DatabaseStatus>& status)
{
    m_projectModel->setStatus(target, status);
    if (status)
        m_workspace->timelineModel()->setLaneStatus(status.value());
    else
        m_workspace->timelineModel()->setLaneProblem(target.binding, target.environment,
                                                     status.error().message);
    if (target == currentTarget())
        showCurrent(); // the panel's counts, and the diagram at the point last applied there
}

void MainWindow::updateActions()
{
    const bool running = m_apply->isRunning();
    const DatabaseStatus* st = m_projectModel->status(currentTarget());
    const bool canApply = !running && st && !pendingEntries(*st).isEmpty();
    m_actions->apply()->setEnabled(canApply);
    m_actions->dryRun()->setEnabled(canApply);
    m_actions->refresh()->setEnabled(!running && hasProject());
    m_actions->open()->setEnabled(!running);
    m_actions->openDemo()->setEnabled(!running);
    m_actions->recentMenu()->setEnabled(!running);
}

void MainWindow::updateRecentMenu()
{
    auto settings = openUserSettings();
    m_actions->setRecentProjects(RecentProjects(*settings).paths());
}

bool MainWindow::applyPending(bool dryRun)
{
    const Target target = currentTarget();
    const DatabaseStatus* st = m_projectModel->status(target);
    if (!st || m_apply->isRunning())
        return false;
    return m_apply->start(m_projectModel->project(), *st, dryRun);
}

void MainWindow::onApplyStarted(const QString& binding, const QString& environment, bool dryRun,
                                int count)
{
    m_progressTarget = QStringLiteral("%1 %2").arg(dryRun ? QStringLiteral("Dry run on")
                                                          : QStringLiteral("Applying to"),
                                                   targetText(binding, environment));
    m_progressLabel->setText(m_progressTarget + QStringLiteral("…"));
    statusBar()->clearMessage(); // a temporary message would paint over the progress
    m_progressBar->setRange(0, count);
    m_progressBar->setValue(0);
    m_progressLabel->show();
    m_progressBar->show();
    updateActions();
}

void MainWindow::onApplyProgress(int index, int total, const QString& fileName)
{
    m_progressBar->setRange(0, total);
    m_progressBar->setValue(index);
    if (!fileName.isEmpty())
        m_progressLabel->setText(QStringLiteral("%1: %2 (%3 of %4)…")
                                     .arg(m_progressTarget, fileName)
                                     .arg(index + 1)
                                     .arg(total));
}

void MainWindow::onApplyFinished(const ApplyOutcome& outcome)
{
    m_progressLabel->hide();
    m_progressBar->hide();
    m_projectModel->refreshStatuses();
    m_workspace->recordOutcome(outcome);
    readServerStatuses();
    showCurrent();
    if (m_closeWhenApplyEnds) {
        close();
        return;
    }

    const QString target = targetText(outcome.binding, outcome.environment);
    if (outcome.error) {
        // Show the migration that failed, with its SQL, behind the error.
        if (outcome.failedInMigration &&
            currentTarget() == Target{outcome.binding, outcome.environment})
            m_panel->selectMigration(QFileInfo(outcome.error->file).fileName());
        QString summary, extra;
        if (outcome.failedInMigration) {
            summary = QStringLiteral("%1 %2 stopped at %3")
                          .arg(outcome.dryRun ? QStringLiteral("The dry run on")
                                              : QStringLiteral("Applying to"),
                               target, QFileInfo(outcome.error->file).fileName());
            if (outcome.dryRun)
                extra = QStringLiteral("Nothing was changed: a dry run is always rolled back.");
            else if (outcome.steps.isEmpty())
                extra = QStringLiteral("That migration was rolled back; nothing was applied.");
            else
                extra = QStringLiteral("That migration was rolled back. Applied before it, and "
                                       "still applied: %1.")
                            .arg(fileNames(outcome.steps));
        } else {
            summary = QStringLiteral("Nothing was applied to %1").arg(target);
        }
        ErrorDialog::showError(this,
                               outcome.dryRun ? QStringLiteral("Dry Run Failed")
                                              : QStringLiteral("Apply Failed"),
                               summary, *outcome.error, extra);
        statusBar()->showMessage(summary, 10000);
        return;
    }
    if (outcome.dryRun) {
        showDryRunReport(outcome);
        return;
    }
    qsizetype restorePoints = 0;
    for (const StepResult& s : outcome.steps)
        restorePoints += s.backupId.isEmpty() ? 0 : 1;
    statusBar()->showMessage(
        QStringLiteral("Applied %1 migration%2 to %3 in %4%5")
            .arg(outcome.steps.size())
            .arg(outcome.steps.size() == 1 ? QString() : QStringLiteral("s"))
            .arg(target, formatDuration(outcome.elapsedMs),
                 restorePoints == 0 ? QString()
                                    : QStringLiteral(", a restore point before each (strata "
                                                     "restore --before V)")),
        10000);
}

void MainWindow::showDryRunReport(const ApplyOutcome& outcome)
{
    QStringList lines;
    for (const StepResult& s : outcome.steps)
        lines << QStringLiteral("%1 — %2 statement%3, %4")
                     .arg(s.fileName)
                     .arg(s.statements)
                     .arg(s.statements == 1 ? QString() : QStringLiteral("s"))
                     .arg(formatDuration(s.durationMs));
    auto* box =
        new QMessageBox(QMessageBox::Information, QStringLiteral("Dry Run"),
                        QStringLiteral("All %1 pending migration%2 of %3 ran without "
                                       "error, then were rolled back. Nothing changed.")
                            .arg(outcome.steps.size())
                            .arg(outcome.steps.size() == 1 ? QString() : QStringLiteral("s"))
                            .arg(targetText(outcome.binding, outcome.environment)),
                        QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("dryRunReport"));
    box->setInformativeText(lines.join(QLatin1Char('\n')));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, QStringLiteral("About Strata"),
                       QStringLiteral("<h3>Strata %1</h3><p>Database schemas over time: apply and "
                                      "inspect SQL migrations for SQLite and Cloudflare D1.</p>")
                           .arg(QApplication::applicationVersion().toHtmlEscaped()));
}

constexpr int kLayoutVersion = 2;

void MainWindow::restoreLayout()
{
    auto settings = openUserSettings();
    const bool restored =
        restoreGeometry(settings->value(QStringLiteral("window/geometry")).toByteArray());
    // Version 2: the layout with the diagram in the centre; an older saved layout is ignored.
    const bool stateRestored =
        restoreState(settings->value(QStringLiteral("window/state")).toByteArray(), kLayoutVersion);
    if (!restored)
        resize(1500, 920);
    if (!stateRestored) {
        resizeDocks({m_dock, m_workspace->tableDock()}, {330, 340}, Qt::Horizontal);
        resizeDocks({m_workspace->timelineDock()}, {270}, Qt::Vertical);
    }
}

void MainWindow::saveLayout()
{
    auto settings = openUserSettings();
    settings->setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings->setValue(QStringLiteral("window/state"), saveState(kLayoutVersion));
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    // A migration is never cut off: the window closes once the running one has ended.
    if (m_apply->isRunning()) {
        m_closeWhenApplyEnds = true;
        statusBar()->showMessage(QStringLiteral("Strata closes when the running apply ends."));
        event->ignore();
        return;
    }
    saveLayout();
    event->accept();
}

void MainWindow::openAtStartup(const QStringList& arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption projectOption(
        QStringLiteral("project"), QStringLiteral("Open this project."), QStringLiteral("path"));
    const QCommandLineOption demoOption(QStringLiteral("demo"),
                                        QStringLiteral("Open the demo project."));
    parser.addOption(projectOption);
    parser.addOption(demoOption);
    parser.addPositionalArgument(QStringLiteral("project"), QStringLiteral("Open this project."));
    // Options meant for Qt or for later versions must not stop the window from opening.
    if (!parser.parse(arguments))
        qWarning("strata: %s", qUtf8Printable(parser.errorText()));

    if (parser.isSet(projectOption)) {
        openOrReport(parser.value(projectOption));
        return;
    }
    if (!parser.positionalArguments().isEmpty()) {
        openOrReport(parser.positionalArguments().constFirst());
        return;
    }
    if (!parser.isSet(demoOption)) {
        auto settings = openUserSettings();
        const QString last = RecentProjects(*settings).last();
        if (!last.isEmpty()) {
            const Status st = openProject(last);
            if (st)
                return;
            statusBar()->showMessage(
                QStringLiteral("Could not reopen the last project: %1").arg(st.error().toString()),
                15000);
        }
    }
    openDemoOrReport();
}

int runWindow(const QStringList& arguments)
{
    MainWindow window;
    window.restoreLayout();
    window.show();
    window.openAtStartup(arguments);
    return QApplication::exec();
}

} // namespace strata
