#pragma once

// The window's commands as QActions with their shortcuts, and the menus and tool bar that show
// them. Owns no behaviour: the window connects each action to what it does.

#include <QObject>
#include <QStringList>

class QAction;
class QMainWindow;
class QMenu;
class QToolBar;

namespace strata {

class MainActions final : public QObject
{
    Q_OBJECT

public:
    explicit MainActions(QMainWindow* window);

    QAction* open() const { return m_open; } // Ctrl+O
    QAction* openDemo() const { return m_openDemo; }
    QAction* refresh() const { return m_refresh; } // F5
    QAction* apply() const { return m_apply; }     // Ctrl+Shift+A
    QAction* dryRun() const { return m_dryRun; }   // Ctrl+Shift+D
    QAction* quit() const { return m_quit; }       // Ctrl+Q
    QAction* about() const { return m_about; }
    QMenu* recentMenu() const { return m_recentMenu; }

    // Builds the menu bar and the main tool bar of `window`; `viewToggles` go in the View menu.
    void install(QMainWindow* window, const QList<QAction*>& viewToggles);
    // Rebuilds Open Recent: one entry per path, and Clear Menu.
    void setRecentProjects(const QStringList& paths);

signals:
    void recentChosen(const QString& path);
    void clearRecentChosen();

private:
    QAction* m_open;
    QAction* m_openDemo;
    QAction* m_refresh;
    QAction* m_apply;
    QAction* m_dryRun;
    QAction* m_quit;
    QAction* m_about;
    QMenu* m_recentMenu;
    QToolBar* m_toolBar = nullptr;
};

} // namespace strata
