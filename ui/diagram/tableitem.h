#pragma once

// TableItem: one table of the ER diagram — a box with a header band (the name, in the
// binding's colour) and one band per column (PK / FK badges, name, type, NN / UQ flags). It
// draws itself at three levels of detail, marks diff states (added green, changed amber,
// dropped as a faded ghost, dropped columns struck through) and tells its connectors when it
// moves. It shows a Table; it never changes one.

#include "diagramstyle.h"
#include "schema.h"
#include "schemadiff.h"

#include <QGraphicsItem>
#include <QList>
#include <QSet>

namespace strata {

class RelationItem;

class TableItem final : public QGraphicsItem
{
public:
    enum { Type = UserType + 1 };

    struct Row
    {
        QString name;
        QString type;
        QStringList badges; // leading: PK, FK
        QStringList flags;  // trailing: NN, UQ
        DiffState state = DiffState::Unchanged;
    };

    // `diff` (may be null) marks added / changed / dropped columns; `before` (may be null) is
    // the table before the diff, which gives dropped columns their types. A Removed table is a
    // ghost: drawn faded, not movable.
    TableItem(const Table& table, DiffState state, const TableDiff* diff, const Table* before,
              const QColor& bindingColor);

    int type() const override { return Type; }
    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option,
               QWidget* widget) override;

    const QString& name() const { return m_table.name; }
    const Table& table() const { return m_table; }
    DiffState state() const { return m_state; }
    const QList<Row>& rows() const { return m_rows; }
    QSizeF size() const { return m_size; }
    QRectF sceneBox() const { return QRectF(pos(), m_size); }

    // Bands: 0 is the header, 1 + i the i-th row (dropped columns come last).
    int bandCount() const { return int(m_rows.size()) + 1; }
    int bandOf(const QString& column) const; // 0 when the table has no such column
    // Where a connector meets band `band`: on the right side or the left, in scene coordinates.
    QPointF anchor(int band, bool rightSide) const;

    void addRelation(RelationItem* relation) { m_relations.append(relation); }
    void removeRelation(RelationItem* relation) { m_relations.removeOne(relation); }
    const QList<RelationItem*>& relations() const { return m_relations; }

    const QColor& bindingColor() const { return m_bindingColor; }
    // Drawn without any diff marks (the table and all its rows unchanged).
    bool isPlain() const;
    // Drops hover and search marks.
    void resetTransientState();

    // Transient emphasis: rows joined by a hovered connector, a search hit.
    void setHighlightedBands(const QSet<int>& bands);
    const QSet<int>& highlightedBands() const { return m_highlighted; }
    void setSearchBand(int band); // -1: none
    int searchBand() const { return m_searchBand; }

protected:
    QVariant itemChange(GraphicsItemChange change, const QVariant& value) override;

private:
    void buildRows(const TableDiff* diff, const Table* before);
    void measure();
    void paintBoxOnly(QPainter* painter) const;
    void paintNameOnly(QPainter* painter, double lod) const;
    void paintFull(QPainter* painter, bool selected) const;
    void paintRow(QPainter* painter, const Row& row, const QRectF& band) const;
    QColor borderColor(bool selected) const;

    Table m_table;
    DiffState m_state;
    QColor m_bindingColor;
    QList<Row> m_rows;
    QSizeF m_size;
    double m_badgeWidth = 0; // the widest badge group of any row
    double m_flagWidth = 0;
    double m_typeWidth = 0;
    QList<RelationItem*> m_relations;
    QSet<int> m_highlighted;
    int m_searchBand = -1;
};

} // namespace strata
