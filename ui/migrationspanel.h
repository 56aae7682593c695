#pragma once

// The window's centre: a welcome page while no project is open, otherwise the selected
// environment — a header naming the target, its counts, protection and any drift or problem —
// above the table of its migrations and the SQL of the selected one.

#include "migrationstatus.h"
#include "project.h"
#include "result.h"

#include <QWidget>

#include <optional>

class QAction;
class QLabel;
class QSplitter;
class QStackedWidget;
class QTableView;
class QToolButton;

namespace strata {

class MigrationDetailsView;
class MigrationTableModel;

class MigrationsPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit MigrationsPanel(MigrationTableModel* model, QWidget* parent = nullptr);

    void setWelcomeActions(QAction* open, QAction* openDemo);
    void showWelcome();
    // A project or database row is selected: a hint instead of a table.
    void showHint(const QString& title, const QString& hint);
    // `status` is null when it could not be read; `problem` then says why.
    void showTarget(const Database& db, const Environment& env, const DatabaseStatus* status,
                    const std::optional<Error>& problem);

    // Makes the row of `fileName` current (its SQL shows below); false when it is not listed.
    bool selectMigration(const QString& fileName);

    QTableView* tableView() const { return m_table; }
    MigrationDetailsView* detailsView() const { return m_migrationView; }
    bool isShowingWelcome() const;
    QString headerText() const; // title, details and notice as plain text, for tests

private:
    QWidget* makeWelcomePage();
    QWidget* makeTargetPage();
    void setNotice(const QString& text, const QString& iconName, const QColor& background);
    // After the table was reset: `preferredFile` if it is still there, else the first pending
    // migration, else the last one.
    void selectInitialRow(const QString& preferredFile);

    MigrationTableModel* m_model;
    QString m_shownTarget; // binding and environment of the table's rows; empty otherwise
    QStackedWidget* m_stack = nullptr;
    QWidget* m_welcomePage = nullptr;
    QWidget* m_targetPage = nullptr;
    QToolButton* m_openButton = nullptr;
    QToolButton* m_demoButton = nullptr;
    QLabel* m_title = nullptr;
    QLabel* m_badge = nullptr;
    QLabel* m_details = nullptr;
    QLabel* m_location = nullptr;
    QLabel* m_counts = nullptr;
    QWidget* m_notice = nullptr;
    QLabel* m_noticeIcon = nullptr;
    QLabel* m_noticeText = nullptr;
    QTableView* m_table = nullptr;
    QSplitter* m_splitter = nullptr;
    QWidget* m_filler = nullptr;
    MigrationDetailsView* m_migrationView = nullptr;
};

} // namespace strata
