#pragma once

// MoveTablesCommand: one undoable change of table positions on the diagram — a drag of one or
// more tables, or a re-layout of all of them.

#include <QHash>
#include <QPointF>
#include <QUndoCommand>

namespace strata {

class DiagramScene;

class MoveTablesCommand final : public QUndoCommand
{
public:
    MoveTablesCommand(DiagramScene* scene, const QString& text, QHash<QString, QPointF> before,
                      QHash<QString, QPointF> after);

    void undo() override;
    void redo() override;

private:
    DiagramScene* m_scene;
    QHash<QString, QPointF> m_before;
    QHash<QString, QPointF> m_after;
};

} // namespace strata
