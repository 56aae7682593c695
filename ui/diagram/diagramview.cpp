#include "diagramview.h"

#include "diagramminimap.h"
#include "diagramscene.h"
#include "diagramsearchbar.h"
#include "tableitem.h"

#include <QAction>
#include <QLineEdit>
#include <QMouseEvent>
#include <QScrollBar>
#include <QWheelEvent>

#include <cmath>

namespace strata {
namespace {

constexpr double minZoom = 0.02;
constexpr double maxZoom = 4.0;
constexpr double zoomStep = 1.25;

QAction* makeAction(QWidget* owner, const QString& text, const QKeySequence& key)
{
    auto* a = new QAction(text, owner);
    a->setShortcut(key);
    a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    owner->addAction(a);
    return a;
}

} // namespace

DiagramView::DiagramView(QWidget* parent)
    : QGraphicsView(parent),
      m_minimap(new DiagramMinimap(this, this)),
      m_searchBar(new DiagramSearchBar(this))
{
    setObjectName(QStringLiteral("diagramView"));
    setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    setDragMode(ScrollHandDrag);
    setViewportUpdateMode(SmartViewportUpdate);
    setTransformationAnchor(AnchorUnderMouse);
    setResizeAnchor(AnchorViewCenter);
    // The scene draws the background and every connector in one pass (see
    // DiagramScene::drawBackground); cached, a repaint that changes no connector costs a blit.
    setCacheMode(CacheBackground);
    setFrameShape(QFrame::NoFrame);
    m_searchBar->hide();

    m_zoomIn = makeAction(this, tr("Zoom &In"), QKeySequence(Qt::CTRL | Qt::Key_Equal));
    m_zoomIn->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Equal), QKeySequence::ZoomIn});
    m_zoomOut = makeAction(this, tr("Zoom &Out"), QKeySequence(Qt::CTRL | Qt::Key_Minus));
    m_fit = makeAction(this, tr("&Fit to Window"), QKeySequence(Qt::CTRL | Qt::Key_0));
    m_actualSize = makeAction(this, tr("Actual &Size"), QKeySequence(Qt::CTRL | Qt::Key_1));
    m_find = makeAction(this, tr("&Find in Diagram…"), QKeySequence::Find);
    m_relayout = makeAction(this, tr("&Re-layout Diagram"), QKeySequence(Qt::CTRL | Qt::Key_L));
    m_showMinimap = makeAction(this, tr("Show &Minimap"), QKeySequence(Qt::CTRL | Qt::Key_M));
    m_showMinimap->setCheckable(true);
    m_showMinimap->setChecked(true);
    connect(m_zoomIn, &QAction::triggered, this, &DiagramView::zoomIn);
    connect(m_zoomOut, &QAction::triggered, this, &DiagramView::zoomOut);
    connect(m_fit, &QAction::triggered, this, &DiagramView::fitToWindow);
    connect(m_actualSize, &QAction::triggered, this, &DiagramView::resetZoom);
    connect(m_find, &QAction::triggered, m_searchBar, [this] {
        m_searchBar->activate();
        placeOverlays();
    });
    connect(m_relayout, &QAction::triggered, this, [this] {
        if (m_scene)
            m_scene->relayout();
    });
    connect(m_showMinimap, &QAction::toggled, m_minimap, &QWidget::setVisible);

    connect(m_searchBar, &DiagramSearchBar::textChanged, this, &DiagramView::find);
    connect(m_searchBar, &DiagramSearchBar::next, this, [this] { showHit(m_hitIndex + 1); });
    connect(m_searchBar, &DiagramSearchBar::previous, this, [this] { showHit(m_hitIndex - 1); });
    connect(m_searchBar, &DiagramSearchBar::closed, this, [this] {
        if (m_scene)
            m_scene->clearHighlights();
        setFocus();
    });
    setDiagramScene(nullptr);
}

void DiagramView::setDiagramScene(DiagramScene* scene)
{
    for (const auto& c : std::as_const(m_sceneConnections))
        disconnect(c);
    m_sceneConnections.clear();
    m_scene = scene;
    setScene(scene);
    m_hits.clear();
    m_hitIndex = -1;
    m_fitPending = true;
    m_relayout->setEnabled(scene != nullptr);
    if (scene) {
        m_sceneConnections << connect(scene, &DiagramScene::tableSelected, this,
                                      &DiagramView::tableSelected)
                           << connect(scene, &DiagramScene::selectionCleared, this,
                                      &DiagramView::selectionCleared)
                           << connect(scene, &DiagramScene::layoutFinished, this, [this] {
                                  if (m_fitPending)
                                      fitToWindow();
                                  m_minimap->sceneChanged();
                              })
                           << connect(scene, &QGraphicsScene::changed, m_minimap,
                                      &DiagramMinimap::sceneChanged)
                           << connect(scene, &QGraphicsScene::sceneRectChanged, m_minimap,
                                      &DiagramMinimap::sceneChanged);
        if (!scene->isLayoutRunning())
            fitToWindow();
        m_fitPending = true; // and once more when a layout arrives
    }
    m_minimap->sceneChanged();
}

double DiagramView::zoom() const
{
    return transform().m11();
}

void DiagramView::setZoom(double zoom)
{
    m_fitPending = false; // a zoom of the user's: keep it through resizes and layouts
    zoom = std::clamp(zoom, minZoom, maxZoom);
    if (std::abs(zoom - this->zoom()) < 1e-9)
        return;
    const ViewportAnchor anchor = transformationAnchor();
    setTransformationAnchor(AnchorViewCenter);
    setTransform(QTransform::fromScale(zoom, zoom));
    setTransformationAnchor(anchor);
    afterViewChange();
}

void DiagramView::zoomBy(double factor)
{
    m_fitPending = false;
    const double target = std::clamp(zoom() * factor, minZoom, maxZoom);
    if (std::abs(target - zoom()) < 1e-9)
        return;
    scale(target / zoom(), target / zoom()); // anchored as transformationAnchor() says
    afterViewChange();
}

void DiagramView::zoomIn()
{
    m_fitPending = false;
    setZoom(zoom() * zoomStep);
}

void DiagramView::zoomOut()
{
    m_fitPending = false;
    setZoom(zoom() / zoomStep);
}

void DiagramView::resetZoom()
{
    m_fitPending = false;
    setZoom(1.0);
}

void DiagramView::fitToWindow()
{
    if (!m_scene || viewport()->width() < 2 || viewport()->height() < 2)
        return;
    const QRectF bounds = m_scene->itemsBoundingRect();
    if (bounds.isEmpty())
        return;
    // A small margin in pixels, whatever the zoom.
    const double z = std::min((viewport()->width() - 40) / bounds.width(),
                              (viewport()->height() - 40) / bounds.height());
    setTransform(QTransform::fromScale(std::clamp(z, minZoom, 1.0), std::clamp(z, minZoom, 1.0)));
    centerOn(bounds.center());
    afterViewChange();
}

void DiagramView::afterViewChange()
{
    m_minimap->update();
    emit zoomChanged(zoom());
}

void DiagramView::find(const QString& text)
{
    m_hits = m_scene ? m_scene->find(text) : QList<DiagramSearchHit>{};
    m_hitIndex = -1;
    if (m_scene && m_hits.isEmpty())
        m_scene->clearHighlights();
    if (!m_hits.isEmpty())
        showHit(0);
    else
        m_searchBar->setResult(-1, 0);
}

void DiagramView::showHit(int index)
{
    if (!m_scene || m_hits.isEmpty())
        return;
    const int count = int(m_hits.size());
    m_hitIndex = ((index % count) + count) % count;
    const DiagramSearchHit& hit = m_hits[m_hitIndex];
    m_scene->showSearchHit(hit);
    centerOnTable(hit.table);
    m_searchBar->setResult(m_hitIndex, count);
}

void DiagramView::centerOnTable(const QString& table)
{
    TableItem* item = m_scene ? m_scene->tableItem(table) : nullptr;
    if (!item)
        return;
    // Readable: at least names-only detail, full detail when the box is small enough to fit.
    m_fitPending = false;
    if (zoom() < DiagramStyle::namesOnlyZoom + 0.1)
        setZoom(std::min(1.0, 0.8 * std::min(viewport()->width() / item->size().width(),
                                             viewport()->height() / item->size().height())));
    centerOn(item->sceneBox().center());
    m_minimap->update();
}

void DiagramView::wheelEvent(QWheelEvent* event)
{
    // Trackpads scroll with pixel deltas (pan); wheels click by angle (zoom under the mouse).
    if (!event->pixelDelta().isNull() && !(event->modifiers() & Qt::ControlModifier)) {
        QGraphicsView::wheelEvent(event);
        return;
    }
    const double steps = event->angleDelta().y() / 120.0;
    if (steps == 0) {
        QGraphicsView::wheelEvent(event);
        return;
    }
    setTransformationAnchor(AnchorUnderMouse);
    zoomBy(std::pow(1.15, steps));
    event->accept();
}

void DiagramView::mousePressEvent(QMouseEvent* event)
{
    if (event->button() == Qt::MiddleButton) {
        m_middlePanning = true;
        m_panFrom = event->position().toPoint();
        viewport()->setCursor(Qt::ClosedHandCursor);
        event->accept();
        return;
    }
    QGraphicsView::mousePressEvent(event);
}

void DiagramView::mouseMoveEvent(QMouseEvent* event)
{
    if (m_middlePanning) {
        const QPoint delta = event->position().toPoint() - m_panFrom;
        m_panFrom = event->position().toPoint();
        horizontalScrollBar()->setValue(horizontalScrollBar()->value() - delta.x());
        verticalScrollBar()->setValue(verticalScrollBar()->value() - delta.y());
        event->accept();
        return;
    }
    QGraphicsView::mouseMoveEvent(event);
}

void DiagramView::mouseReleaseEvent(QMouseEvent* event)
{
    if (m_middlePanning && event->button() == Qt::MiddleButton) {
        m_middlePanning = false;
        viewport()->unsetCursor();
        event->accept();
        return;
    }
    QGraphicsView::mouseReleaseEvent(event);
}

void DiagramView::resizeEvent(QResizeEvent* event)
{
    QGraphicsView::resizeEvent(event);
    placeOverlays();
    if (m_fitPending && m_scene && !m_scene->isLayoutRunning())
        fitToWindow();
}

void DiagramView::scrollContentsBy(int dx, int dy)
{
    QGraphicsView::scrollContentsBy(dx, dy);
    m_minimap->update();
}

void DiagramView::placeOverlays()
{
    // Over the viewport but children of the view itself, so scrolling does not move them.
    const QRect area = viewport()->geometry();
    const QSize mini(std::clamp(area.width() / 5, 140, 260), std::clamp(area.height() / 5, 90, 170));
    m_minimap->setGeometry(area.right() - mini.width() - 12, area.bottom() - mini.height() - 12,
                           mini.width(), mini.height());
    m_minimap->raise();
    const QSize bar = m_searchBar->sizeHint();
    m_searchBar->setGeometry(area.right() - bar.width() - 12, area.top() + 10, bar.width(),
                             bar.height());
    m_searchBar->raise();
}

} // namespace strata
