#pragma once

// The project tree in a dock: databases and their environments with applied / pending / drift
// counts. Tells the window which environment is selected.

#include "projecttreemodel.h"

#include <QDockWidget>

class QStackedWidget;
class QTreeView;

namespace strata {

class ProjectDock final : public QDockWidget
{
    Q_OBJECT

public:
    explicit ProjectDock(ProjectTreeModel* model, QWidget* parent = nullptr);

    QTreeView* view() const { return m_view; }
    // The selected environment; invalid when a project or database row (or nothing) is.
    Target currentTarget() const;
    // The current row's database binding, for a database or environment row.
    QString currentBinding() const;
    bool selectTarget(const Target& target);
    // After a model reset: expands everything and sizes the count columns.
    void showWholeTree();

signals:
    void currentChanged(); // another row became current

private:
    ProjectTreeModel* m_model;
    QTreeView* m_view;
    QStackedWidget* m_stack = nullptr;
};

} // namespace strata
