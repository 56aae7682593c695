#pragma once

// TablePlacer: puts tables that appear in a diagram already laid out (a later point of the
// history, a table added since) into free space next to a table they are joined to, without
// moving anything already placed — positions stay stable while you move along the history.

#include <QList>
#include <QPointF>
#include <QRectF>
#include <QSizeF>

namespace strata {

class TablePlacer final
{
public:
    explicit TablePlacer(QList<QRectF> occupied);

    // A free spot for a box of `size`: near `neighbour` (to its right first) when it is valid,
    // else beside everything placed so far. The spot counts as occupied from then on.
    QPointF place(const QSizeF& size, const QRectF& neighbour);

private:
    bool isFree(const QRectF& box) const;

    QList<QRectF> m_occupied;
    QRectF m_bounds;
};

} // namespace strata
