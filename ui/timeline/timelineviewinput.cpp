// TimelineView's zoom and input: wheel, keys, mouse and tooltips, apart from its geometry and
// item-view plumbing (timelineview.cpp) and its painting (timelineviewpaint.cpp).

#include "timelinemodel.h"
#include "timelineview.h"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QScrollBar>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace strata {
namespace {

constexpr double ZoomStep = 1.25;

} // namespace

// Zoom ------------------------------------------------------------------------------------------

double TimelineView::zoomScale() const
{
    ensureLayout();
    return m_layout.scale();
}

void TimelineView::setZoomScale(double scale)
{
    ensureLayout();
    m_userZoomed = true;
    TimelineLayout::Zoom zoom = m_layout.zoom();
    zoom.scale = scale;
    m_layout.setZoom(zoom);
    m_layout.setZoom(m_layout.zoomedBy(1.0, plotWidth()));
    updateGeometries();
    viewport()->update();
}

// Zooms by `factor` keeping `anchor` (a mark) where it is on screen, or else the point at
// `anchorViewportX` at the same fraction of the content.
void TimelineView::zoomBy(double factor, double anchorViewportX, const QModelIndex& anchor)
{
    ensureLayout();
    const double oldWidth = std::max(1.0, m_layout.contentWidth());
    const double anchorContent = contentXOf(anchorViewportX);
    const int anchorLane = laneOf(anchor);
    const double markBefore =
        anchorLane >= 0 ? viewportXOf(m_layout.markX(anchorLane, anchor.row())) : 0.0;
    m_userZoomed = true;
    m_layout.setZoom(m_layout.zoomedBy(factor, plotWidth()));
    updateGeometries();
    QScrollBar* h = horizontalScrollBar();
    if (anchorLane >= 0) {
        const double markAfter = viewportXOf(m_layout.markX(anchorLane, anchor.row()));
        h->setValue(h->value() + int(std::lround(markAfter - markBefore)));
    } else {
        const double moved = anchorContent * (m_layout.contentWidth() / oldWidth) - anchorContent;
        h->setValue(h->value() + int(std::lround(moved)));
    }
    viewport()->update();
}

void TimelineView::zoomIn()
{
    const QModelIndex mark = currentMark();
    zoomBy(ZoomStep, plotRect().center().x(), mark);
}

void TimelineView::zoomOut()
{
    const QModelIndex mark = currentMark();
    zoomBy(1 / ZoomStep, plotRect().center().x(), mark);
}

void TimelineView::zoomToFit()
{
    ensureLayout();
    m_userZoomed = true;
    m_layout.setZoom(m_layout.fitZoom(plotWidth()));
    updateGeometries();
    horizontalScrollBar()->setValue(0);
    viewport()->update();
}

void TimelineView::applyDefaultZoom()
{
    if (m_userZoomed || m_layoutDirty)
        return;
    m_layout.setZoom(m_layout.defaultZoom(plotWidth()));
}

// Events ----------------------------------------------------------------------------------------

void TimelineView::resizeEvent(QResizeEvent* event)
{
    QAbstractItemView::resizeEvent(event);
    ensureLayout();
    m_metrics.legendHeight = legendHeightFor(viewport()->width());
    applyDefaultZoom();
    updateGeometries();
}

void TimelineView::changeEvent(QEvent* event)
{
    QAbstractItemView::changeEvent(event);
    if (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange)
        markLayoutDirty();
}

void TimelineView::wheelEvent(QWheelEvent* event)
{
    const QPoint delta = event->angleDelta();
    if (event->modifiers() & Qt::ControlModifier) {
        if (delta.y() != 0)
            zoomBy(std::pow(1.2, delta.y() / 120.0), event->position().x(), QModelIndex());
        event->accept();
        return;
    }
    // Vertical wheel scrolls the lanes when they overflow, else along the axis.
    if (delta.x() == 0 && verticalScrollBar()->maximum() == 0 && delta.y() != 0) {
        horizontalScrollBar()->setValue(horizontalScrollBar()->value() -
                                        delta.y() * horizontalScrollBar()->singleStep() / 40);
        event->accept();
        return;
    }
    QAbstractItemView::wheelEvent(event);
}

void TimelineView::keyPressEvent(QKeyEvent* event)
{
    if (event->modifiers() & Qt::ControlModifier) {
        switch (event->key()) {
        case Qt::Key_Plus:
        case Qt::Key_Equal:
            zoomIn();
            event->accept();
            return;
        case Qt::Key_Minus:
            zoomOut();
            event->accept();
            return;
        case Qt::Key_0:
            zoomToFit();
            event->accept();
            return;
        default:
            break;
        }
    }
    setUserAction(true);
    QAbstractItemView::keyPressEvent(event);
    setUserAction(false);
}

void TimelineView::mousePressEvent(QMouseEvent* event)
{
    setUserAction(true);
    QAbstractItemView::mousePressEvent(event);
    setUserAction(false);
}

void TimelineView::mouseMoveEvent(QMouseEvent* event)
{
    const QPersistentModelIndex hover = indexAt(event->position().toPoint());
    if (hover != m_hover) {
        if (m_hover.isValid())
            viewport()->update(visualRect(m_hover));
        m_hover = hover;
        if (m_hover.isValid())
            viewport()->update(visualRect(m_hover));
    }
    setUserAction(true);
    QAbstractItemView::mouseMoveEvent(event);
    setUserAction(false);
}

void TimelineView::mouseReleaseEvent(QMouseEvent* event)
{
    setUserAction(true);
    QAbstractItemView::mouseReleaseEvent(event);
    setUserAction(false);
}

bool TimelineView::viewportEvent(QEvent* event)
{
    switch (event->type()) {
    case QEvent::ToolTip: {
        // Marks, and the lanes' labels and empty stretches, each explain themselves.
        auto* help = static_cast<QHelpEvent*>(event);
        QModelIndex index = indexAt(help->pos());
        QRect area = visualRect(index);
        if (!index.isValid()) {
            const int lane = laneAtY(help->pos().y());
            if (lane >= 0 && model()) {
                index = model()->index(lane, 0);
                area = laneRect(lane);
            }
        }
        const QString text = index.isValid() ? index.data(Qt::ToolTipRole).toString() : QString();
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, viewport(), area);
        return true;
    }
    case QEvent::Leave:
        if (m_hover.isValid()) {
            viewport()->update(visualRect(m_hover));
            m_hover = QPersistentModelIndex();
        }
        break;
    default:
        break;
    }
    return QAbstractItemView::viewportEvent(event);
}

} // namespace strata
