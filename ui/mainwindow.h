#pragma once

// The first window: the project tree in a dock, the selected environment's migrations in the
// centre, and the commands to open projects and apply migrations. It wires the pieces together
// — models, dock, panel, actions, apply controller — and keeps the window state; the pieces
// do the work.

#include "applycontroller.h"
#include "projecttreemodel.h"
#include "result.h"

#include <QMainWindow>
#include <QStringList>

class QDockWidget;
class QLabel;
class QProgressBar;

namespace strata {

class MainActions;
class MigrationTableModel;
class MigrationsPanel;
class ProjectDock;
class SchemaWorkspace;
class StatusReader;

class MainWindow final : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens a project (a folder or its file) without any dialog; on failure the window keeps
    // what it showed. On success it is remembered in Open Recent.
    Status openProject(const QString& path);
    Status openDemo();
    // --project PATH, else --demo, else the last project (if it still opens), else the demo.
    // A project that fails to open is reported in a dialog; the window then stays usable.
    void openAtStartup(const QStringList& arguments);

    // Window geometry and dock layout from the settings (a default size the first time).
    void restoreLayout();

    bool hasProject() const;
    bool selectTarget(const Target& target);
    Target currentTarget() const;
    // Starts Apply (or a dry run) on the selected environment; false when it did not start.
    bool applyPending(bool dryRun = false);

    ProjectTreeModel* projectModel() const { return m_projectModel; }
    MigrationTableModel* migrationModel() const { return m_migrationModel; }
    ProjectDock* projectDock() const { return m_dock; }
    MigrationsPanel* migrationsPanel() const { return m_panel; }
    ApplyController* applyController() const { return m_apply; }
    MainActions* actions() const { return m_actions; }
    SchemaWorkspace* workspace() const { return m_workspace; }
    // Reads the statuses of server environments (PostgreSQL) off the GUI thread.
    StatusReader* statusReader() const { return m_statusReader; }

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void setProject(const Project& project, const Target& preferred);
    void openOrReport(const QString& path, bool fromRecent = false);
    void openDemoOrReport();
    void chooseAndOpen();
    void refresh();
    void showCurrent();
    void updateActions();
    void updateRecentMenu();
    void onApplyStarted(const QString& binding, const QString& environment, bool dryRun, int count);
    void onApplyProgress(int index, int total, const QString& fileName);
    void onApplyFinished(const ApplyOutcome& outcome);
    void showDryRunReport(const ApplyOutcome& outcome);
    void showAbout();
    void saveLayout();
    void installDiagramActions();
    void readServerStatuses();
    void onServerStatus(const Target& target, const Result<DatabaseStatus>& status);

    ProjectTreeModel* m_projectModel;
    MigrationTableModel* m_migrationModel;
    ProjectDock* m_dock;
    MigrationsPanel* m_panel;
    QDockWidget* m_migrationsDock;
    SchemaWorkspace* m_workspace;
    MainActions* m_actions;
    ApplyController* m_apply;
    StatusReader* m_statusReader;
    QLabel* m_projectFileLabel;
    QLabel* m_progressLabel;
    QProgressBar* m_progressBar;
    QString m_progressTarget; // "Applying to BILLING_DB · local"
    bool m_closeWhenApplyEnds = false;
};

// The window's entry point, called by app/main.cpp once QApplication exists: shows the window,
// opens the project the arguments or the settings name, and runs the event loop.
int runWindow(const QStringList& arguments);

} // namespace strata
