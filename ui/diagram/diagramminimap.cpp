#include "diagramminimap.h"

#include "diagramstyle.h"

#include <QGraphicsScene>
#include <QGraphicsView>
#include <QMouseEvent>
#include <QPainter>
#include <QTimer>

namespace strata {

DiagramMinimap::DiagramMinimap(QGraphicsView* view, QWidget* parent)
    : QWidget(parent), m_view(view), m_refresh(new QTimer(this))
{
    setObjectName(QStringLiteral("diagramMinimap"));
    setToolTip(tr("Overview: click or drag to move the view"));
    setCursor(Qt::PointingHandCursor);
    m_refresh->setSingleShot(true);
    m_refresh->setInterval(250);
    connect(m_refresh, &QTimer::timeout, this, &DiagramMinimap::renderPicture);
}

void DiagramMinimap::sceneChanged()
{
    if (!m_refresh->isActive())
        m_refresh->start();
}

QRectF DiagramMinimap::sourceRect() const
{
    return m_view->scene() ? m_view->scene()->sceneRect() : QRectF();
}

QRectF DiagramMinimap::targetRect() const
{
    const QRectF source = sourceRect();
    const QRectF area = QRectF(rect()).adjusted(4, 4, -4, -4);
    if (source.isEmpty() || area.isEmpty())
        return area;
    const double scale = std::min(area.width() / source.width(), area.height() / source.height());
    QRectF target(0, 0, source.width() * scale, source.height() * scale);
    target.moveCenter(area.center());
    return target;
}

QPointF DiagramMinimap::toScene(const QPointF& widgetPoint) const
{
    const QRectF source = sourceRect(), target = targetRect();
    if (target.isEmpty())
        return source.center();
    return source.topLeft() + (widgetPoint - target.topLeft()) * (source.width() / target.width());
}

QRectF DiagramMinimap::visibleRectInMinimap() const
{
    const QRectF source = sourceRect(), target = targetRect();
    if (source.isEmpty())
        return {};
    const QRectF visible = m_view->mapToScene(m_view->viewport()->rect()).boundingRect();
    const double scale = target.width() / source.width();
    return QRectF(target.topLeft() + (visible.topLeft() - source.topLeft()) * scale,
                  visible.size() * scale)
        .intersected(target);
}

void DiagramMinimap::renderPicture()
{
    const QRectF target = targetRect();
    const qreal dpr = devicePixelRatioF();
    if (!m_view->scene() || target.isEmpty()) {
        m_picture = QPixmap();
        update();
        return;
    }
    m_picture = QPixmap((target.size() * dpr).toSize());
    m_picture.setDevicePixelRatio(dpr);
    m_picture.fill(DiagramStyle::background());
    QPainter p(&m_picture);
    p.setRenderHint(QPainter::Antialiasing);
    m_view->scene()->render(&p, QRectF(QPointF(0, 0), target.size()), sourceRect());
    update();
}

void DiagramMinimap::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), QColor(255, 255, 255, 235));
    p.setPen(DiagramStyle::tableBorder());
    p.drawRect(QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5));
    const QRectF target = targetRect();
    if (!m_picture.isNull())
        p.drawPixmap(target.topLeft(), m_picture);
    const QRectF visible = visibleRectInMinimap();
    if (!visible.isEmpty()) {
        QColor fill = DiagramStyle::highlight();
        fill.setAlpha(24);
        p.setBrush(fill);
        p.setPen(QPen(DiagramStyle::highlight(), 1.5));
        p.drawRect(visible);
    }
}

void DiagramMinimap::resizeEvent(QResizeEvent*)
{
    renderPicture();
}

void DiagramMinimap::moveViewTo(const QPointF& widgetPoint)
{
    m_view->centerOn(toScene(widgetPoint));
    update();
}

void DiagramMinimap::mousePressEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton)
        moveViewTo(event->position());
}

void DiagramMinimap::mouseMoveEvent(QMouseEvent* event)
{
    if (event->buttons() & Qt::LeftButton)
        moveViewTo(event->position());
}

void DiagramMinimap::mouseReleaseEvent(QMouseEvent* event)
{
    event->accept(); // the press moved the view already
}

} // namespace strata
