#include "relationitem.h"

#include "schemadiff.h"
#include "tableitem.h"

#include <QGraphicsScene>
#include <QPainter>
#include <QPainterPathStroker>
#include <QStyleOptionGraphicsItem>

#include <algorithm>

namespace strata {
namespace {

constexpr double stub = 24;      // the straight run out of a row, where the end glyph sits
constexpr double glyphSpread = 6;

QColor blend(const QColor& a, const QColor& b, double t)
{
    return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t),
                            float(a.greenF() * (1 - t) + b.greenF() * t),
                            float(a.blueF() * (1 - t) + b.blueF() * t));
}

bool isUniqueKey(const Table& table, const QStringList& columns)
{
    return std::any_of(table.indexes.begin(), table.indexes.end(), [&](const Index& ix) {
        if (!ix.unique || ix.partial || ix.columns.size() != columns.size())
            return false;
        for (const QString& c : columns)
            if (!ix.columns.contains(c, Qt::CaseInsensitive))
                return false;
        return true;
    });
}

} // namespace

RelationItem::RelationItem(TableItem* from, int fromBand, TableItem* to, int toBand,
                           const ForeignKey& fk, DiffState state)
    : m_from(from), m_to(to), m_fromBand(fromBand), m_toBand(toBand), m_fk(fk), m_state(state)
{
    setAcceptHoverEvents(true);
    // The scene draws connectors in its background layer, all in one pass; the item itself
    // only paints the highlighted connector over it, and is there for hover and hit-testing.
    setFlag(ItemHasNoContents);
    setZValue(0);
    if (state == DiffState::Removed)
        setOpacity(0.45);
    const Table& child = from->table();
    bool nullable = false;
    for (const QString& c : fk.columns)
        if (const Column* col = child.column(c); col && !col->notNull && col->primaryKeyPosition == 0)
            nullable = true;
    m_fromEnd = isUniqueKey(child, fk.columns) ? End::ZeroOrOne : End::ZeroOrMany;
    m_toEnd = nullable ? End::ZeroOrOne : End::ExactlyOne;
    setToolTip(child.name + describeForeignKey(fk));
    from->addRelation(this);
    if (to != from)
        to->addRelation(this);
    updateGeometry();
}

RelationItem::~RelationItem()
{
    m_from->removeRelation(this);
    if (m_to != m_from)
        m_to->removeRelation(this);
}

void RelationItem::setLayoutRoute(const QList<QPointF>& route, const QRectF& fromBox,
                                  const QRectF& toBox)
{
    m_route = route;
    m_routeFromBox = fromBox;
    m_routeToBox = toBox;
    updateGeometry();
}

bool RelationItem::routeStillValid() const
{
    return m_route.size() >= 4 && (m_route.size() - 1) % 3 == 0 &&
           m_from->sceneBox() == m_routeFromBox && m_to->sceneBox() == m_routeToBox;
}

void RelationItem::ownRoute()
{
    const QRectF a = m_from->sceneBox();
    const QRectF b = m_to->sceneBox();
    if (m_from == m_to) {
        m_fromDir = m_toDir = 1;
    } else if (a.right() + 2 * stub <= b.left()) {
        m_fromDir = 1;
        m_toDir = -1;
    } else if (b.right() + 2 * stub <= a.left()) {
        m_fromDir = -1;
        m_toDir = 1;
    } else {
        // Stacked boxes: both ends on the side where the boxes line up better.
        m_fromDir = m_toDir =
            std::abs(a.right() - b.right()) <= std::abs(a.left() - b.left()) ? 1 : -1;
    }
    m_fromAnchor = m_from->anchor(m_fromBand, m_fromDir > 0);
    m_toAnchor = m_to->anchor(m_toBand, m_toDir > 0);
    const QPointF a1 = m_fromAnchor + QPointF(m_fromDir * stub, 0);
    const QPointF b1 = m_toAnchor + QPointF(m_toDir * stub, 0);
    double reach = std::max(40.0, std::abs(b1.x() - a1.x()) * 0.5);
    if (m_fromDir == m_toDir)
        reach = std::max(40.0, std::abs(b1.x() - a1.x()) + 30.0);
    m_path = QPainterPath(m_fromAnchor);
    m_path.lineTo(a1);
    m_path.cubicTo(a1 + QPointF(m_fromDir * reach, 0), b1 + QPointF(m_toDir * reach, 0), b1);
    m_path.lineTo(m_toAnchor);
}

void RelationItem::updateGeometry()
{
    const QRectF before = m_bounds;
    prepareGeometryChange();
    if (routeStillValid()) {
        // The layout runs referencing tables' rows out on the left and referenced ones' on the
        // right; its end points are pinned to the exact row centres.
        m_fromDir = -1;
        m_toDir = 1;
        m_fromAnchor = m_from->anchor(m_fromBand, false);
        m_toAnchor = m_to->anchor(m_toBand, true);
        m_path = QPainterPath(m_fromAnchor);
        for (qsizetype i = 1; i + 2 < m_route.size(); i += 3) {
            const QPointF end = i + 3 == m_route.size() ? m_toAnchor : m_route[i + 2];
            m_path.cubicTo(m_route[i], m_route[i + 1], end);
        }
    } else {
        ownRoute();
    }
    m_outline.clear();
    const QPointF a1 = m_path.pointAtPercent(0.0), b1 = m_path.pointAtPercent(1.0);
    m_outline << a1 << a1 + QPointF(m_fromDir * stub, 0);
    for (double t : {0.25, 0.5, 0.75})
        m_outline << m_path.pointAtPercent(t);
    m_outline << b1 + QPointF(m_toDir * stub, 0) << b1;
    m_shape = QPainterPath();
    m_bounds = m_path.boundingRect().adjusted(-glyphSpread - 6, -glyphSpread - 6, glyphSpread + 6,
                                              glyphSpread + 6);
    update();
    if (scene())
        scene()->invalidate(before | m_bounds, QGraphicsScene::BackgroundLayer);
}

QRectF RelationItem::boundingRect() const
{
    return m_bounds;
}

QPainterPath RelationItem::shape() const
{
    // Stroking is the dearest part of a connector's geometry; hit-testing needs it for the few
    // connectors under the mouse only.
    if (m_shape.isEmpty() && !m_path.isEmpty()) {
        QPainterPathStroker stroker;
        stroker.setWidth(8);
        m_shape = stroker.createStroke(m_path);
    }
    return m_shape;
}

void RelationItem::setHovered(bool hovered)
{
    if (m_hovered == hovered)
        return;
    m_hovered = hovered;
    setZValue(hovered ? 0.5 : 0);
    setFlag(ItemHasNoContents, !hovered);
    if (m_from == m_to) {
        m_from->setHighlightedBands(hovered ? QSet<int>{m_fromBand, m_toBand} : QSet<int>{});
    } else {
        m_from->setHighlightedBands(hovered ? QSet<int>{m_fromBand} : QSet<int>{});
        m_to->setHighlightedBands(hovered ? QSet<int>{m_toBand} : QSet<int>{});
    }
    update();
}

void RelationItem::hoverEnterEvent(QGraphicsSceneHoverEvent* event)
{
    setHovered(true);
    QGraphicsItem::hoverEnterEvent(event);
}

void RelationItem::hoverLeaveEvent(QGraphicsSceneHoverEvent* event)
{
    setHovered(false);
    QGraphicsItem::hoverLeaveEvent(event);
}

void RelationItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*)
{
    if (m_hovered)
        paintConnector(painter, option->levelOfDetailFromTransform(painter->worldTransform()), true);
}

void RelationItem::paintConnector(QPainter* painter, double lod, bool emphasised) const
{
    const bool zoomedOut = lod < DiagramStyle::namesOnlyZoom;
    QColor color = emphasised ? DiagramStyle::highlight()
                   : m_state == DiffState::Unchanged ? DiagramStyle::connector()
                                                     : DiagramStyle::diffColor(m_state);
    if (zoomedOut && !emphasised) // lighter, so hundreds of them stay a background
        color = blend(color, DiagramStyle::background(), 0.45);
    // One-pixel cosmetic lines take the painter's fast path: hundreds of long connectors
    // repaint in a few milliseconds. Only the hovered one is thicker.
    QPen pen(color, emphasised ? 2.5 : 1.0);
    pen.setCosmetic(true);
    if (m_state == DiffState::Removed)
        pen.setStyle(Qt::DashLine);
    painter->setPen(pen);
    painter->setBrush(Qt::NoBrush);
    if (zoomedOut) {
        // A few pixels of curve are not worth flattening Béziers for: straight segments
        // through the same points, below the boxes-only zoom.
        if (lod < DiagramStyle::boxesOnlyZoom)
            painter->drawPolyline(m_outline);
        else
            painter->drawPath(m_path);
        return;
    }
    painter->drawPath(m_path);
    pen.setStyle(Qt::SolidLine);
    painter->setPen(pen);
    paintEnd(painter, m_fromAnchor, m_fromDir, m_fromEnd);
    paintEnd(painter, m_toAnchor, m_toDir, m_toEnd);
}

void RelationItem::paintEnd(QPainter* painter, QPointF anchor, double dir, End end) const
{
    const double x = anchor.x(), y = anchor.y();
    auto bar = [&](double at) {
        painter->drawLine(QPointF(x + dir * at, y - glyphSpread), QPointF(x + dir * at, y + glyphSpread));
    };
    auto circle = [&](double at) {
        painter->setBrush(DiagramStyle::tableFill());
        painter->drawEllipse(QPointF(x + dir * at, y), 3.5, 3.5);
        painter->setBrush(Qt::NoBrush);
    };
    switch (end) {
    case End::ZeroOrMany:
        // The crow's foot: three prongs meeting the box side.
        painter->drawLine(QPointF(x + dir * 12, y), QPointF(x, y - glyphSpread));
        painter->drawLine(QPointF(x + dir * 12, y), QPointF(x, y + glyphSpread));
        painter->drawLine(QPointF(x + dir * 12, y), QPointF(x, y));
        circle(17);
        break;
    case End::ZeroOrOne:
        bar(9);
        circle(16);
        break;
    case End::ExactlyOne:
        bar(7);
        bar(12);
        break;
    }
}

} // namespace strata
