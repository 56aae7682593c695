#include "timelineview.h"

#include "timelinemodel.h"
#include "timelinestyle.h"

#include <QScrollBar>

#include <algorithm>
#include <cmath>

namespace strata {

TimelineView::TimelineView(QWidget* parent) : QAbstractItemView(parent)
{
    setObjectName(QStringLiteral("timelineView"));
    setSelectionMode(SingleSelection);
    setSelectionBehavior(SelectItems);
    setEditTriggers(NoEditTriggers);
    setMouseTracking(true);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    horizontalScrollBar()->setSingleStep(20);
    verticalScrollBar()->setSingleStep(20);
    viewport()->setBackgroundRole(QPalette::Base);
    setAccessibleName(QStringLiteral("Migration timeline"));
}

void TimelineView::setModel(QAbstractItemModel* model)
{
    for (const QMetaObject::Connection& c : std::as_const(m_modelConnections))
        disconnect(c);
    m_modelConnections.clear();
    m_model = qobject_cast<TimelineModel*>(model);
    QAbstractItemView::setModel(model);
    if (model) {
        // The slots QAbstractItemView offers as virtuals do not cover these.
        m_modelConnections << connect(model, &QAbstractItemModel::rowsRemoved, this,
                                      &TimelineView::markLayoutDirty)
                           << connect(model, &QAbstractItemModel::layoutChanged, this,
                                      &TimelineView::markLayoutDirty);
    }
    m_userZoomed = false;
    m_scrollToEnd = true;
    markLayoutDirty();
}

void TimelineView::markLayoutDirty()
{
    m_layoutDirty = true;
    scheduleDelayedItemsLayout();
    viewport()->update();
}

void TimelineView::ensureLayout() const
{
    if (!m_layoutDirty)
        return;
    m_layoutDirty = false;
    if (!model()) {
        m_layout.clear();
        return;
    }
    const auto axis = m_model ? m_model->axis() : TimelineModel::Axis::Sequence;
    m_layout.rebuild(*model(), axis);
    updateMetrics();
    if (!m_layout.hasZoom() || !m_userZoomed)
        m_layout.setZoom(m_layout.defaultZoom(plotWidth()));
    else
        m_layout.setZoom(m_layout.zoomedBy(1.0, plotWidth())); // not below fit for the new marks
}

void TimelineView::doItemsLayout()
{
    ensureLayout();
    QAbstractItemView::doItemsLayout(); // updateGeometries() and a repaint
}

void TimelineView::updateMetrics() const
{
    const QFontMetrics fm(font());
    QFont small = font();
    small.setPointSizeF(font().pointSizeF() * 0.85);
    const QFontMetrics sfm(small);
    QFont bold = font();
    bold.setBold(true);
    const QFontMetrics bfm(bold);

    int label = 0;
    int version = sfm.horizontalAdvance(QStringLiteral("0000"));
    if (model()) {
        for (int l = 0; l < model()->rowCount(); ++l) {
            const QModelIndex lane = model()->index(l, 0);
            label = std::max(label, bfm.horizontalAdvance(lane.data().toString()));
            label = std::max(
                label, sfm.horizontalAdvance(lane.data(TimelineModel::DatabaseNameRole).toString() +
                                             QStringLiteral(" · protected")));
            for (int r = 0; r < m_layout.markCount(l); ++r)
                version = std::max(version, sfm.horizontalAdvance(m_layout.versionText(l, r)));
        }
    }
    m_metrics.labelWidth = std::clamp(label + 24, 120, 280);
    m_metrics.rulerHeight = fm.height() + 10;
    m_metrics.markY = 8 + 8;
    m_metrics.laneHeight =
        std::max(m_metrics.markY + 8 + 4 + sfm.height() + 6, 2 * fm.height() + 14);
    m_metrics.versionWidth = version;
    m_metrics.padding = std::max(24, version / 2 + 8);
    m_metrics.legendHeight = legendHeightFor(viewport()->width());
}

// The legend flows over as many rows as the width needs.
int TimelineView::legendHeightFor(int width) const
{
    const QFontMetrics fm(font());
    const int rowHeight = fm.height() + 10;
    int rows = 1;
    int x = 8;
    for (const LegendEntry& e : timelineLegend()) {
        const int w = 16 + 6 + fm.horizontalAdvance(e.label) + 16;
        if (x + w > width - 8 && x > 8) {
            ++rows;
            x = 8;
        }
        x += w;
    }
    return rows * rowHeight + 2;
}

QRect TimelineView::plotRect() const
{
    const QRect vr = viewport()->rect();
    return QRect(m_metrics.labelWidth, m_metrics.rulerHeight,
                 std::max(1, vr.width() - m_metrics.labelWidth),
                 std::max(1, vr.height() - m_metrics.rulerHeight - m_metrics.legendHeight));
}

double TimelineView::plotWidth() const
{
    return std::max(1.0, double(plotRect().width() - 2 * m_metrics.padding));
}

double TimelineView::viewportXOf(double contentX) const
{
    return m_metrics.labelWidth + m_metrics.padding + contentX - horizontalOffset();
}

double TimelineView::contentXOf(double viewportX) const
{
    return viewportX - m_metrics.labelWidth - m_metrics.padding + horizontalOffset();
}

int TimelineView::laneTop(int lane) const
{
    return m_metrics.rulerHeight + lane * m_metrics.laneHeight - verticalOffset();
}

qreal TimelineView::markRadius() const
{
    if (m_layout.axis() == TimelineModel::Axis::Time)
        return std::clamp(m_layout.zoom().gap * 0.4, 2.5, 6.5);
    return std::clamp(m_layout.scale() * 0.36, 2.5, 7.0);
}

QRect TimelineView::laneRect(int lane) const
{
    ensureLayout();
    return QRect(0, laneTop(lane), viewport()->width(), m_metrics.laneHeight);
}

int TimelineView::laneAtY(int y) const
{
    if (y < m_metrics.rulerHeight || y >= m_metrics.rulerHeight + plotRect().height())
        return -1;
    const int lane = (y - m_metrics.rulerHeight + verticalOffset()) / m_metrics.laneHeight;
    return lane >= 0 && lane < m_layout.laneCount() ? lane : -1;
}

int TimelineView::laneOf(const QModelIndex& mark) const
{
    return mark.isValid() && mark.parent().isValid() ? mark.parent().row() : -1;
}

QModelIndex TimelineView::markAt(int lane, int row) const
{
    if (!model() || lane < 0 || row < 0)
        return {};
    return model()->index(row, 0, model()->index(lane, 0));
}

QPoint TimelineView::markCenter(const QModelIndex& mark) const
{
    ensureLayout();
    const int lane = laneOf(mark);
    if (lane < 0 || lane >= m_layout.laneCount() || mark.row() >= m_layout.markCount(lane))
        return {};
    return QPoint(int(std::lround(viewportXOf(m_layout.markX(lane, mark.row())))),
                  laneTop(lane) + m_metrics.markY);
}

QModelIndex TimelineView::indexAt(const QPoint& point) const
{
    ensureLayout();
    const QRect plot = plotRect();
    if (!plot.contains(point))
        return {};
    const int lane = laneAtY(point.y());
    if (lane < 0 || !m_layout.laneHasMarks(lane))
        return {};
    const double x = contentXOf(point.x());
    const int row = m_layout.nearestRow(lane, x);
    const double tolerance = std::max(markRadius() + 3.0, 6.0);
    if (row < 0 || std::abs(m_layout.markX(lane, row) - x) > tolerance ||
        std::abs(point.y() - (laneTop(lane) + m_metrics.markY)) > m_metrics.laneHeight / 2)
        return {};
    return markAt(lane, row);
}

QRect TimelineView::visualRect(const QModelIndex& index) const
{
    ensureLayout();
    if (!index.isValid() || !model())
        return {};
    if (!index.parent().isValid())
        return laneRect(index.row());
    const QPoint c = markCenter(index);
    const int r = int(std::ceil(markRadius())) + 4;
    return QRect(c.x() - r, c.y() - r, 2 * r + 1, 2 * r + 1);
}

void TimelineView::scrollTo(const QModelIndex& index, ScrollHint hint)
{
    if (!index.isValid())
        return;
    if (m_layoutDirty)
        doItemsLayout();
    const QRect plot = plotRect();
    const QRect rect = visualRect(index);
    const int margin = m_metrics.padding;
    QScrollBar* h = horizontalScrollBar();
    QScrollBar* v = verticalScrollBar();
    if (index.parent().isValid()) {
        if (hint == PositionAtCenter || rect.left() < plot.left() || rect.right() > plot.right()) {
            const bool centre = hint == PositionAtCenter || rect.right() < plot.left() - margin ||
                                rect.left() > plot.right() + margin;
            if (centre)
                h->setValue(h->value() + rect.center().x() - plot.center().x());
            else if (rect.left() < plot.left())
                h->setValue(h->value() - (plot.left() - rect.left()) - margin);
            else
                h->setValue(h->value() + (rect.right() - plot.right()) + margin);
        }
    }
    const int top = laneTop(laneOf(index) >= 0 ? laneOf(index) : index.row());
    if (top < plot.top())
        v->setValue(v->value() - (plot.top() - top));
    else if (top + m_metrics.laneHeight > plot.bottom())
        v->setValue(v->value() + (top + m_metrics.laneHeight - plot.bottom()));
}

void TimelineView::updateGeometries()
{
    ensureLayout();
    m_metrics.legendHeight = legendHeightFor(viewport()->width());
    const QRect plot = plotRect();
    QScrollBar* h = horizontalScrollBar();
    const int contentWidth = int(std::ceil(m_layout.contentWidth())) + 2 * m_metrics.padding;
    h->setPageStep(plot.width());
    h->setRange(0, std::max(0, contentWidth - plot.width()));
    QScrollBar* v = verticalScrollBar();
    v->setPageStep(plot.height());
    v->setRange(0, std::max(0, m_layout.laneCount() * m_metrics.laneHeight - plot.height()));
    if (m_scrollToEnd && isVisible() && m_layout.laneCount() > 0) {
        m_scrollToEnd = false;
        h->setValue(h->maximum());
    }
    QAbstractItemView::updateGeometries();
}

int TimelineView::horizontalOffset() const
{
    return horizontalScrollBar()->value();
}

int TimelineView::verticalOffset() const
{
    return verticalScrollBar()->value();
}

bool TimelineView::isIndexHidden(const QModelIndex&) const
{
    return false;
}

void TimelineView::setSelection(const QRect& rect, QItemSelectionModel::SelectionFlags command)
{
    ensureLayout();
    if (!model() || !selectionModel())
        return;
    const QRect area = rect.normalized();
    QList<QModelIndex> hits;
    for (int lane = 0; lane < m_layout.laneCount(); ++lane) {
        const QRect band = laneRect(lane);
        if (band.bottom() < area.top() || band.top() > area.bottom())
            continue;
        const double r = markRadius() + 4;
        const auto [first, last] =
            m_layout.marksIn(lane, contentXOf(area.left()) - r, contentXOf(area.right()) + r);
        for (qsizetype i = first; i < last; ++i)
            hits << markAt(lane, m_layout.sortedMark(lane, i).row);
    }
    QItemSelection selection;
    if (selectionMode() == SingleSelection && !hits.isEmpty()) {
        // One mark: the current one if the rectangle reaches it (a click just made it current).
        const QModelIndex one = hits.contains(currentIndex()) ? currentIndex() : hits.constFirst();
        selection.select(one, one);
    } else {
        for (const QModelIndex& i : std::as_const(hits))
            selection.select(i, i);
    }
    selectionModel()->select(selection, command);
}

QRegion TimelineView::visualRegionForSelection(const QItemSelection& selection) const
{
    QRegion region;
    for (const QItemSelectionRange& range : selection)
        for (const QModelIndex& index : range.indexes())
            region += visualRect(index);
    return region;
}

QModelIndex TimelineView::moveCursor(CursorAction action, Qt::KeyboardModifiers)
{
    ensureLayout();
    const QModelIndex current = currentMark();
    int lane = laneOf(current);
    if (lane < 0) {
        // Nothing current yet: start at the cursor's mark, else the first mark there is.
        if (m_cursorVersion)
            if (QModelIndex t = targetMarkForVersion(m_cursorBinding, *m_cursorVersion);
                t.isValid())
                return t;
        for (int l = 0; l < m_layout.laneCount(); ++l)
            if (m_layout.laneHasMarks(l))
                return markAt(l, m_layout.sortedMark(l, 0).row);
        return {};
    }
    const qsizetype pos = m_layout.sortedPosition(lane, current.row());
    const qsizetype count = m_layout.markCount(lane);
    // A page: about as many marks as fit across the plot at their usual spacing.
    const double pitch =
        m_layout.axis() == TimelineModel::Axis::Sequence ? m_layout.scale() : m_layout.zoom().gap;
    const qsizetype page = std::max<qsizetype>(1, qsizetype(plotWidth() / std::max(1.0, pitch)));
    auto atPosition = [&](qsizetype p) {
        return markAt(lane, m_layout.sortedMark(lane, std::clamp<qsizetype>(p, 0, count - 1)).row);
    };
    switch (action) {
    case MoveLeft:
    case MovePrevious:
        return atPosition(pos - 1);
    case MoveRight:
    case MoveNext:
        return atPosition(pos + 1);
    case MoveHome:
        return atPosition(0);
    case MoveEnd:
        return atPosition(count - 1);
    case MovePageUp:
        return atPosition(pos - page);
    case MovePageDown:
        return atPosition(pos + page);
    case MoveUp:
    case MoveDown: {
        // The nearest mark in the next lane up or down that has any.
        const double x = m_layout.markX(lane, current.row());
        const int step = action == MoveUp ? -1 : 1;
        for (int l = lane + step; l >= 0 && l < m_layout.laneCount(); l += step)
            if (m_layout.laneHasMarks(l))
                return markAt(l, m_layout.nearestRow(l, x));
        return current;
    }
    }
    return current;
}

QModelIndex TimelineView::currentMark() const
{
    const QModelIndex current = currentIndex();
    return current.isValid() && current.parent().isValid() ? current : QModelIndex();
}

void TimelineView::currentChanged(const QModelIndex& current, const QModelIndex& previous)
{
    QAbstractItemView::currentChanged(current, previous);
    viewport()->update();
    const QModelIndex mark =
        current.isValid() && current.parent().isValid() ? current : QModelIndex();
    emit currentMarkChanged(mark);
    if (m_userAction > 0 && mark.isValid())
        emit markSelected(mark.data(TimelineModel::BindingRole).toString(),
                          mark.data(TimelineModel::EnvironmentRole).toString(),
                          mark.data(TimelineModel::VersionRole).toLongLong(),
                          mark.data(TimelineModel::FileNameRole).toString());
}

void TimelineView::reset()
{
    QAbstractItemView::reset();
    m_hover = QPersistentModelIndex();
    m_userZoomed = false;
    m_scrollToEnd = true;
    markLayoutDirty();
    emit currentMarkChanged(QModelIndex());
}

void TimelineView::rowsInserted(const QModelIndex& parent, int start, int end)
{
    QAbstractItemView::rowsInserted(parent, start, end);
    markLayoutDirty();
}

void TimelineView::rowsAboutToBeRemoved(const QModelIndex& parent, int start, int end)
{
    QAbstractItemView::rowsAboutToBeRemoved(parent, start, end);
    markLayoutDirty();
}

void TimelineView::dataChanged(const QModelIndex& topLeft, const QModelIndex& bottomRight,
                               const QList<int>& roles)
{
    QAbstractItemView::dataChanged(topLeft, bottomRight, roles);
    markLayoutDirty();
}

void TimelineView::scrollContentsBy(int, int)
{
    viewport()->update();
}

// Cursor ----------------------------------------------------------------------------------------

QModelIndex TimelineView::targetMarkForVersion(const QString& binding, qint64 version) const
{
    if (!model())
        return {};
    const QModelIndex current = currentMark();
    if (current.isValid() && current.data(TimelineModel::BindingRole).toString() == binding) {
        const int lane = laneOf(current);
        const int row = m_layout.rowAtOrBelow(lane, version);
        if (row >= 0 && m_layout.version(lane, row) == version)
            return markAt(lane, row);
    }
    for (int l = 0; l < m_layout.laneCount(); ++l) {
        if (model()->index(l, 0).data(TimelineModel::BindingRole).toString() != binding ||
            !m_layout.laneHasMarks(l))
            continue;
        const int row = m_layout.rowAtOrBelow(l, version);
        if (row >= 0 && m_layout.version(l, row) == version)
            return markAt(l, row);
    }
    return {};
}

void TimelineView::setCurrentVersion(const QString& binding, qint64 version)
{
    if (m_layoutDirty)
        doItemsLayout();
    m_cursorBinding = binding;
    m_cursorVersion = version;
    const QModelIndex target = targetMarkForVersion(binding, version);
    if (selectionModel()) {
        if (target.isValid()) {
            if (target != currentIndex())
                selectionModel()->setCurrentIndex(target, QItemSelectionModel::ClearAndSelect);
            scrollTo(target);
        } else {
            selectionModel()->clear();
            for (int l = 0; l < m_layout.laneCount(); ++l) {
                if (const auto x = cursorX(model()->index(l, 0))) {
                    const QRect plot = plotRect();
                    if (*x < plot.left() || *x > plot.right())
                        horizontalScrollBar()->setValue(horizontalScrollBar()->value() + *x -
                                                        plot.center().x());
                    break;
                }
            }
        }
    }
    viewport()->update();
}

void TimelineView::clearCurrentVersion()
{
    m_cursorBinding.clear();
    m_cursorVersion.reset();
    viewport()->update();
}

std::optional<int> TimelineView::cursorX(const QModelIndex& lane) const
{
    ensureLayout();
    if (!m_cursorVersion || !lane.isValid() || lane.parent().isValid() ||
        lane.data(TimelineModel::BindingRole).toString() != m_cursorBinding ||
        !m_layout.laneHasMarks(lane.row()))
        return std::nullopt;
    const int l = lane.row();
    const int row = m_layout.rowAtOrBelow(l, *m_cursorVersion);
    double x;
    if (row < 0) {
        // Before the first migration: half a step before the first mark.
        x = m_layout.markX(l, 0) - std::min(m_metrics.padding * 0.5, 12.0);
    } else if (m_layout.version(l, row) == *m_cursorVersion || row + 1 >= m_layout.markCount(l)) {
        x = m_layout.markX(l, row) +
            (m_layout.version(l, row) == *m_cursorVersion ? 0.0 : markRadius() + 4);
    } else {
        x = (m_layout.markX(l, row) + m_layout.markX(l, row + 1)) / 2;
    }
    return int(std::lround(viewportXOf(x)));
}

} // namespace strata
