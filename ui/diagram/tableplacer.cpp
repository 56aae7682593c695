#include "tableplacer.h"

#include <algorithm>
#include <cmath>

namespace strata {
namespace {

constexpr double margin = 36; // free space kept around a placed box
constexpr double step = 40;   // the search grid
constexpr int maxRings = 80;

} // namespace

TablePlacer::TablePlacer(QList<QRectF> occupied) : m_occupied(std::move(occupied))
{
    for (const QRectF& r : std::as_const(m_occupied))
        m_bounds |= r;
}

bool TablePlacer::isFree(const QRectF& box) const
{
    const QRectF padded = box.adjusted(-margin, -margin, margin, margin);
    return std::none_of(m_occupied.begin(), m_occupied.end(),
                        [&](const QRectF& r) { return r.intersects(padded); });
}

QPointF TablePlacer::place(const QSizeF& size, const QRectF& neighbour)
{
    // Start just right of the neighbour, or right of everything when there is none; then
    // search rings of grid cells outwards, nearest cells of a ring first.
    const QPointF start = neighbour.isValid()
                              ? QPointF(neighbour.right() + 2 * margin, neighbour.top())
                              : QPointF(m_bounds.isValid() ? m_bounds.right() + 2 * margin : 0,
                                        m_bounds.isValid() ? m_bounds.top() : 0);
    QPointF chosen = start;
    bool found = isFree(QRectF(start, size));
    for (int ring = 1; ring <= maxRings && !found; ++ring) {
        QList<QPointF> cells;
        for (int dx = -ring; dx <= ring; ++dx)
            for (int dy = -ring; dy <= ring; ++dy)
                if (std::max(std::abs(dx), std::abs(dy)) == ring)
                    cells << QPointF(dx * step, dy * step);
        std::sort(cells.begin(), cells.end(), [](const QPointF& a, const QPointF& b) {
            return std::hypot(a.x(), a.y()) < std::hypot(b.x(), b.y());
        });
        for (const QPointF& c : std::as_const(cells))
            if (isFree(QRectF(start + c, size))) {
                chosen = start + c;
                found = true;
                break;
            }
    }
    if (!found) // far out of the way rather than on top of something
        chosen = QPointF(m_bounds.right() + 2 * margin, m_bounds.top());
    const QRectF box(chosen, size);
    m_occupied << box;
    m_bounds |= box;
    return chosen;
}

} // namespace strata
