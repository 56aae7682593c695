#include "movetablescommand.h"

#include "diagramscene.h"

namespace strata {

MoveTablesCommand::MoveTablesCommand(DiagramScene* scene, const QString& text,
                                     QHash<QString, QPointF> before, QHash<QString, QPointF> after)
    : QUndoCommand(text), m_scene(scene), m_before(std::move(before)), m_after(std::move(after))
{
}

void MoveTablesCommand::undo()
{
    m_scene->applyPositions(m_before);
}

void MoveTablesCommand::redo()
{
    m_scene->applyPositions(m_after);
}

} // namespace strata
