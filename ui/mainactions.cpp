#include "mainactions.h"

#include "statestyle.h"

#include <QAction>
#include <QDir>
#include <QMainWindow>
#include <QMenuBar>
#include <QStyle>
#include <QToolBar>

namespace strata {
namespace {

QAction* makeAction(QObject* parent, const char* objectName, const QString& text,
                    const QKeySequence& shortcut, const QString& tip)
{
    auto* a = new QAction(text, parent);
    a->setObjectName(QString::fromLatin1(objectName));
    if (!shortcut.isEmpty())
        a->setShortcut(shortcut);
    a->setStatusTip(tip);
    a->setToolTip(shortcut.isEmpty()
                      ? tip
                      : tip + QStringLiteral(" (") + shortcut.toString(QKeySequence::NativeText) +
                            QLatin1Char(')'));
    return a;
}

} // namespace

MainActions::MainActions(QMainWindow* window) : QObject(window)
{
    QStyle* style = window->style();
    m_open = makeAction(this, "actionOpen", QStringLiteral("&Open Project…"),
                        QKeySequence(Qt::CTRL | Qt::Key_O),
                        QStringLiteral("Open a strata.toml, a wrangler configuration or a folder "
                                       "holding one"));
    m_open->setIcon(style->standardIcon(QStyle::SP_DirOpenIcon));
    m_openDemo = makeAction(this, "actionOpenDemo", QStringLiteral("Open &Demo"), {},
                            QStringLiteral("Open the demo project: an auth service and a billing "
                                           "database"));
    m_openDemo->setIcon(themeIcon(QStringLiteral("strata")));
    m_refresh =
        makeAction(this, "actionRefresh", QStringLiteral("&Refresh"), QKeySequence(Qt::Key_F5),
                   QStringLiteral("Read the project, the files and the databases again"));
    m_refresh->setIcon(style->standardIcon(QStyle::SP_BrowserReload));
    m_apply = makeAction(this, "actionApply", QStringLiteral("&Apply Pending"),
                         QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A),
                         QStringLiteral("Apply the pending migrations to the selected "
                                        "environment"));
    m_apply->setIcon(themeIcon(QStringLiteral("applied")));
    m_dryRun = makeAction(this, "actionDryRun", QStringLiteral("&Dry Run"),
                          QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D),
                          QStringLiteral("Run the pending migrations inside a transaction that "
                                         "is rolled back: nothing changes"));
    m_dryRun->setIcon(themeIcon(QStringLiteral("pending")));
    m_quit = makeAction(this, "actionQuit", QStringLiteral("&Quit"),
                        QKeySequence(Qt::CTRL | Qt::Key_Q), QStringLiteral("Quit Strata"));
    m_quit->setMenuRole(QAction::QuitRole);
    m_about = makeAction(this, "actionAbout", QStringLiteral("&About Strata"), {},
                         QStringLiteral("Version and licence"));
    m_about->setMenuRole(QAction::AboutRole);
    m_recentMenu = new QMenu(QStringLiteral("Open &Recent"), window);
    m_recentMenu->setObjectName(QStringLiteral("recentMenu"));
    setRecentProjects({});
}

void MainActions::install(QMainWindow* window, const QList<QAction*>& viewToggles)
{
    QMenuBar* bar = window->menuBar();
    QMenu* file = bar->addMenu(QStringLiteral("&File"));
    file->addAction(m_open);
    file->addMenu(m_recentMenu);
    file->addAction(m_openDemo);
    file->addSeparator();
    file->addAction(m_quit);

    QMenu* migrations = bar->addMenu(QStringLiteral("&Migrations"));
    migrations->addAction(m_apply);
    migrations->addAction(m_dryRun);
    migrations->addSeparator();
    migrations->addAction(m_refresh);

    QMenu* view = bar->addMenu(QStringLiteral("&View"));
    for (QAction* toggle : viewToggles)
        view->addAction(toggle);

    QMenu* help = bar->addMenu(QStringLiteral("&Help"));
    help->addAction(m_about);

    m_toolBar = window->addToolBar(QStringLiteral("Main"));
    m_toolBar->setObjectName(QStringLiteral("mainToolBar"));
    m_toolBar->setMovable(false);
    m_toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_toolBar->addAction(m_open);
    m_toolBar->addAction(m_refresh);
    m_toolBar->addSeparator();
    m_toolBar->addAction(m_apply);
    m_toolBar->addAction(m_dryRun);
    view->addAction(m_toolBar->toggleViewAction());
}

void MainActions::setRecentProjects(const QStringList& paths)
{
    m_recentMenu->clear();
    int n = 0;
    for (const QString& path : paths) {
        ++n;
        // &1 … &8 as mnemonics; the path in native form, with && so '&' shows as itself.
        QString shown = QDir::toNativeSeparators(path);
        shown.replace(QLatin1Char('&'), QStringLiteral("&&"));
        QAction* a = m_recentMenu->addAction(QStringLiteral("&%1  %2").arg(n).arg(shown));
        a->setData(path);
        connect(a, &QAction::triggered, this, [this, path] { emit recentChosen(path); });
    }
    if (paths.isEmpty()) {
        m_recentMenu->addAction(QStringLiteral("No recent projects"))->setEnabled(false);
        return;
    }
    m_recentMenu->addSeparator();
    QAction* clear = m_recentMenu->addAction(QStringLiteral("&Clear Menu"));
    clear->setObjectName(QStringLiteral("actionClearRecent"));
    connect(clear, &QAction::triggered, this, &MainActions::clearRecentChosen);
}

} // namespace strata
