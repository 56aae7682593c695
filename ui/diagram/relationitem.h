#pragma once

// RelationItem: one foreign key drawn as a connector from the referencing column's row to the
// referenced column's row, with crow's-foot ends (the child side "zero or many", or "zero or
// one" when the key is unique; the parent side "exactly one", or "zero or one" when the key is
// nullable). It follows its tables when they move; hovering it highlights both ends. The scene
// draws all connectors in its background layer (cached by the view); the item paints only
// while hovered, on top.

#include "diagramstyle.h"
#include "schema.h"

#include <QGraphicsItem>
#include <QPainterPath>

namespace strata {

class TableItem;

class RelationItem final : public QGraphicsItem
{
public:
    enum { Type = UserType + 2 };

    RelationItem(TableItem* from, int fromBand, TableItem* to, int toBand, const ForeignKey& fk,
                 DiffState state);
    ~RelationItem() override; // leaves its tables' lists

    int type() const override { return Type; }
    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option,
               QWidget* widget) override;

    TableItem* fromTable() const { return m_from; }
    TableItem* toTable() const { return m_to; }
    int fromBand() const { return m_fromBand; }
    int toBand() const { return m_toBand; }
    const ForeignKey& foreignKey() const { return m_fk; }
    DiffState state() const { return m_state; }
    bool isHovered() const { return m_hovered; }
    // Where the connector meets its tables (scene coordinates), after the last updateGeometry().
    QPointF fromPoint() const { return m_fromAnchor; }
    QPointF toPoint() const { return m_toAnchor; }
    const QPainterPath& path() const { return m_path; } // scene coordinates
    bool usesLayoutRoute() const { return routeStillValid(); }

    // A route from the layout engine (cubic Bézier points, from → to) made for tables at
    // `fromBox` and `toBox`: used while both tables are exactly there; an empty route drops it.
    void setLayoutRoute(const QList<QPointF>& route, const QRectF& fromBox, const QRectF& toBox);
    // Recomputes the path from the tables' current positions.
    void updateGeometry();

    // Draws the connector at level of detail `lod`: plain (the scene's background layer, the
    // exporter) or emphasised (hovered, over the plain one).
    void paintConnector(QPainter* painter, double lod, bool emphasised = false) const;

    // Hover emphasis, also driven from outside (tests, the view).
    void setHovered(bool hovered);

protected:
    void hoverEnterEvent(QGraphicsSceneHoverEvent* event) override;
    void hoverLeaveEvent(QGraphicsSceneHoverEvent* event) override;

private:
    enum class End { ZeroOrMany, ZeroOrOne, ExactlyOne };
    bool routeStillValid() const;
    void ownRoute();
    void paintEnd(QPainter* painter, QPointF anchor, double dir, End end) const;

    TableItem* m_from;
    TableItem* m_to;
    int m_fromBand;
    int m_toBand;
    ForeignKey m_fk;
    DiffState m_state;
    End m_fromEnd = End::ZeroOrMany;
    End m_toEnd = End::ExactlyOne;
    bool m_hovered = false;

    QList<QPointF> m_route;
    QRectF m_routeFromBox, m_routeToBox;

    QPainterPath m_path;
    mutable QPainterPath m_shape; // the stroked path for hit-testing, made when first asked
    QPolygonF m_outline; // the path as a few straight segments, for far-out zoom
    QRectF m_bounds;
    QPointF m_fromAnchor, m_toAnchor;
    double m_fromDir = 1, m_toDir = -1; // +1: the connector leaves to the right
};

} // namespace strata
