#pragma once

// DiagramScene: the ER diagram of one database as a QGraphicsScene — a TableItem per table, a
// RelationItem per foreign key — fed from a Schema (and optionally the diff that led to it),
// never feeding one. It owns the table positions: kept per project and binding
// (DiagramPositionStore), reused along the history so tables stay put, laid out with Graphviz
// on a worker thread when there are none; every move is an undoable command on its undo stack.

#include "diagramstyle.h"
#include "erdlayout.h"
#include "diagrampositionstore.h"
#include "schema.h"
#include "schemadiff.h"

#include <QGraphicsScene>
#include <QHash>
#include <QPointF>

class QTimer;
class QUndoStack;

namespace strata {

class DiagramLayoutRunner;
class RelationItem;
class TableItem;

struct DiagramSearchHit
{
    QString table;
    QString column; // empty: the table itself
    bool operator==(const DiagramSearchHit&) const = default;
};

class DiagramScene final : public QGraphicsScene
{
    Q_OBJECT

public:
    explicit DiagramScene(QObject* parent = nullptr);
    ~DiagramScene() override;

    // The database the diagram shows: its positions are loaded from (and saved to) the store
    // of `projectFile` + `binding`, its header colour is `color` (invalid: the binding's own).
    // Call before setSchema(); it clears the undo stack.
    void setDatabase(const QString& projectFile, const QString& binding, const QColor& color = {});
    const QString& binding() const { return m_binding; }
    QColor bindingColor() const { return m_color; }

    // Shows `schema`. With a diff (from `previous` to `schema`): added tables and columns green,
    // changed amber, dropped tables as faded ghosts at their last position, dropped columns
    // struck through. `previous` gives ghosts their columns; without it they come from the
    // items on show. Known tables keep their positions; new ones are placed beside a neighbour,
    // or — when most tables have no position yet — everything is laid out (asynchronously).
    void setSchema(const Schema& schema, const SchemaDiff* diffFromPrevious = nullptr,
                   const Schema* previous = nullptr);
    const Schema& schema() const { return m_schema; }
    const SchemaDiff& diff() const { return m_diff; }
    DiffState tableState(const QString& table) const;
    // The definition behind a table item: the schema's, or the previous one for a ghost.
    const Table* tableDefinition(const QString& table) const;

    TableItem* tableItem(const QString& name) const;
    const QList<TableItem*>& tableItems() const { return m_tables; }
    const QList<RelationItem*>& relationItems() const { return m_relations; }

    QUndoStack* undoStack() const { return m_undo; }

    // How setSchema() lays out tables that have no position: on a worker thread (the window),
    // right away on this thread (the command line's exports), or not at all (a plain grid; the
    // command line's DOT output, which needs no positions).
    enum class AutoLayout { Background, Immediate, Off };
    void setAutoLayout(AutoLayout mode) { m_autoLayout = mode; }

    // Lays every table out again, off the GUI thread; undoable as one step.
    void relayout();
    // Lays out now, on this thread (the command line). False when Graphviz failed.
    bool layoutNow(QString* error = nullptr);
    bool isLayoutRunning() const;
    // The tables on show as a graph for ErdLayout (in tableItems() order), with text labels.
    ErdGraph layoutGraph() const;

    // Known positions of tables — those on show and those seen earlier in the history.
    const QHash<QString, QPointF>& positions() const { return m_positions; }
    // Moves tables (by name) and remembers the positions; what the undo commands call.
    void applyPositions(const QHash<QString, QPointF>& positions);

    // Tables, then columns, whose name contains `text` (case-insensitive; "table.column" narrows
    // to one table); exact and prefix matches first.
    QList<DiagramSearchHit> find(const QString& text) const;
    // Selects the hit's table and marks its row (or header) until the next hit or clear.
    void showSearchHit(const DiagramSearchHit& hit);
    // Drops hover and search marks (before an export, say).
    void clearHighlights();

signals:
    void tableSelected(const strata::Table& table);
    void selectionCleared();
    void layoutStarted();
    void layoutFinished();
    void layoutFailed(const QString& message);

protected:
    // The background, then every connector in one pass: far cheaper than 750 items each with
    // its own painter set-up, and cached by the view (QGraphicsView::CacheBackground).
    void drawBackground(QPainter* painter, const QRectF& rect) override;
    void mousePressEvent(QGraphicsSceneMouseEvent* event) override;
    void mouseReleaseEvent(QGraphicsSceneMouseEvent* event) override;

private:
    void rebuild(const SchemaDiff* diff, const Schema* previous);
    void addRelations(TableItem* item, const TableDiff* diff);
    void placeTables();
    void startLayout(bool undoable);
    void applyLayout(const ErdLayoutResult& result, bool undoable);
    void onSelectionChanged();
    void updateSceneRect();
    void scheduleSave();
    void restoreRoutes();

    QString m_binding;
    QColor m_color;
    DiagramPositionStore m_store;
    Schema m_schema;
    SchemaDiff m_diff;
    QList<Table> m_ghostTables; // definitions of dropped tables on show
    QList<TableItem*> m_tables;
    QList<RelationItem*> m_relations;
    QHash<QString, TableItem*> m_byName; // lower-case names: SQLite's are case-insensitive
    QHash<QString, QPointF> m_positions;
    QHash<QString, QPointF> m_dragStart;
    QUndoStack* m_undo;
    DiagramLayoutRunner* m_runner;
    QTimer* m_saveTimer;
    AutoLayout m_autoLayout = AutoLayout::Background;
    int m_layoutGeneration = -1;
    bool m_layoutUndoable = false;
    // Graphviz's routes by relation (see routeKey), with the boxes they were made for: kept
    // across setSchema() so a connector keeps its route while its tables stay put.
    struct KeptRoute
    {
        QList<QPointF> points;
        QRectF fromBox, toBox;
    };
    QHash<QString, KeptRoute> m_routes;
    QStringList m_layoutNames;              // the graph's nodes, for the running layout
    QList<RelationItem*> m_layoutRelations; // the graph's edges
};

} // namespace strata
