#include "projectdock.h"

#include <QHeaderView>
#include <QLabel>
#include <QStackedWidget>
#include <QTreeView>

namespace strata {

ProjectDock::ProjectDock(ProjectTreeModel* model, QWidget* parent)
    : QDockWidget(QStringLiteral("Project"), parent), m_model(model), m_view(new QTreeView(this))
{
    setObjectName(QStringLiteral("projectDock"));
    setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable |
                QDockWidget::DockWidgetClosable);
    m_view->setObjectName(QStringLiteral("projectTree"));
    m_view->setModel(model);
    m_view->setUniformRowHeights(true);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAllColumnsShowFocus(true);
    m_view->setAccessibleName(QStringLiteral("Databases and environments"));
    QHeaderView* header = m_view->header();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(ProjectTreeModel::NameColumn, QHeaderView::Stretch);
    for (int c = ProjectTreeModel::AppliedColumn; c < ProjectTreeModel::ColumnCount; ++c)
        header->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    // While no project is open the dock says so instead of showing an empty tree.
    auto* empty = new QLabel(QStringLiteral("No project open.\n\nUse Open Project… or Open Demo "
                                            "to see databases and environments here."));
    empty->setObjectName(QStringLiteral("projectDockHint"));
    empty->setAlignment(Qt::AlignCenter);
    empty->setWordWrap(true);
    empty->setMargin(16);
    empty->setForegroundRole(QPalette::PlaceholderText);
    m_stack = new QStackedWidget(this);
    m_stack->addWidget(empty);
    m_stack->addWidget(m_view);
    setWidget(m_stack);
    const auto showTreeOrHint = [this, empty] {
        m_stack->setCurrentWidget(m_model->hasProject() ? static_cast<QWidget*>(m_view) : empty);
    };
    connect(model, &QAbstractItemModel::modelReset, this, showTreeOrHint);
    showTreeOrHint();

    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &ProjectDock::currentChanged);
    // A reset drops the current index without a currentRowChanged: say so too.
    connect(model, &QAbstractItemModel::modelReset, this, &ProjectDock::currentChanged);
}

Target ProjectDock::currentTarget() const
{
    return m_model->targetAt(m_view->currentIndex());
}

QString ProjectDock::currentBinding() const
{
    return m_view->currentIndex().data(ProjectTreeModel::BindingRole).toString();
}

bool ProjectDock::selectTarget(const Target& target)
{
    const QModelIndex index = m_model->indexOf(target);
    if (!index.isValid())
        return false;
    m_view->scrollTo(index);
    m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                         QItemSelectionModel::Rows);
    return true;
}

void ProjectDock::showWholeTree()
{
    m_view->expandAll();
}

} // namespace strata
