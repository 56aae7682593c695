#include "diagramscene.h"

#include "diagramlayoutrunner.h"
#include "movetablescommand.h"
#include "relationitem.h"
#include "tableitem.h"
#include "tableplacer.h"

#include <QGraphicsSceneMouseEvent>
#include <QPainter>
#include <QStyleOptionGraphicsItem>
#include <QTimer>
#include <QUndoStack>

#include <algorithm>
#include <cmath>

namespace strata {
namespace {

constexpr double sceneMargin = 160;

QString key(const QString& name)
{
    return name.toLower();
}

QString routeKey(const RelationItem* r)
{
    return r->fromTable()->name() + QLatin1Char('\x1f') +
           r->foreignKey().columns.join(QLatin1Char(',')) + QLatin1Char('\x1f') +
           r->toTable()->name();
}

// Before the layout answers, new tables wait in a plain grid so the first frame shows them.
QPointF gridSpot(int index, int count)
{
    const int perRow = std::max(1, int(std::ceil(std::sqrt(count * 1.6))));
    return QPointF((index % perRow) * 320.0, (index / perRow) * 280.0);
}

} // namespace

DiagramScene::DiagramScene(QObject* parent)
    : QGraphicsScene(parent),
      m_undo(new QUndoStack(this)),
      m_runner(new DiagramLayoutRunner(this)),
      m_saveTimer(new QTimer(this))
{
    setBackgroundBrush(DiagramStyle::background());
    setItemIndexMethod(BspTreeIndex);
    m_color = DiagramStyle::bindingColor(QString());
    m_saveTimer->setSingleShot(true);
    m_saveTimer->setInterval(400);
    connect(m_saveTimer, &QTimer::timeout, this, [this] { m_store.save(m_positions); });
    connect(this, &QGraphicsScene::selectionChanged, this, &DiagramScene::onSelectionChanged);
    connect(m_runner, &DiagramLayoutRunner::finished, this,
            [this](int generation, const ErdLayoutResult& result) {
                if (generation != m_layoutGeneration)
                    return;
                m_layoutGeneration = -1;
                applyLayout(result, m_layoutUndoable);
            });
    connect(m_runner, &DiagramLayoutRunner::failed, this,
            [this](int generation, const QString& message) {
                if (generation != m_layoutGeneration)
                    return;
                m_layoutGeneration = -1;
                emit layoutFailed(message);
            });
}

DiagramScene::~DiagramScene()
{
    if (m_saveTimer->isActive())
        m_store.save(m_positions);
    // Items first: they point at each other, and the selection signal must not reach us.
    disconnect(this, &QGraphicsScene::selectionChanged, this, &DiagramScene::onSelectionChanged);
    qDeleteAll(m_relations); // before the tables they point at
    m_relations.clear();
    clear();
}

void DiagramScene::setDatabase(const QString& projectFile, const QString& binding,
                               const QColor& color)
{
    if (m_saveTimer->isActive()) {
        m_saveTimer->stop();
        m_store.save(m_positions);
    }
    m_binding = binding;
    m_color = color.isValid() ? color : DiagramStyle::bindingColor(binding);
    m_store = DiagramPositionStore(projectFile, binding);
    m_positions = m_store.load();
    m_routes.clear();
    m_undo->clear();
}

DiffState DiagramScene::tableState(const QString& table) const
{
    const TableDiff* d = m_diff.table(table);
    if (!d)
        return DiffState::Unchanged;
    switch (d->kind) {
    case ChangeKind::Added: return DiffState::Added;
    case ChangeKind::Removed: return DiffState::Removed;
    case ChangeKind::Changed: return DiffState::Changed;
    }
    return DiffState::Unchanged;
}

const Table* DiagramScene::tableDefinition(const QString& table) const
{
    if (const Table* t = m_schema.table(table))
        return t;
    for (const Table& g : m_ghostTables)
        if (g.name.compare(table, Qt::CaseInsensitive) == 0)
            return &g;
    return nullptr;
}

TableItem* DiagramScene::tableItem(const QString& name) const
{
    return m_byName.value(key(name));
}

void DiagramScene::setSchema(const Schema& schema, const SchemaDiff* diffFromPrevious,
                             const Schema* previous)
{
    m_schema = schema;
    m_diff = diffFromPrevious ? *diffFromPrevious : SchemaDiff{};
    rebuild(diffFromPrevious, previous);
    placeTables();
    restoreRoutes();
    updateSceneRect();
}

void DiagramScene::restoreRoutes()
{
    for (RelationItem* r : std::as_const(m_relations))
        if (auto it = m_routes.constFind(routeKey(r)); it != m_routes.constEnd())
            r->setLayoutRoute(it->points, it->fromBox, it->toBox);
}

void DiagramScene::rebuild(const SchemaDiff* diff, const Schema* previous)
{
    // Ghosts need the dropped tables' definitions: from `previous`, else from what is on show.
    QList<Table> ghosts;
    if (diff)
        for (const TableDiff& td : diff->tables) {
            if (td.kind != ChangeKind::Removed)
                continue;
            if (const Table* t = previous ? previous->table(td.table) : nullptr)
                ghosts << *t;
            else if (TableItem* shown = tableItem(td.table))
                ghosts << shown->table();
            else
                ghosts << Table{td.table, {}, {}, {}, {}, false, false, td.before};
        }
    QString selected;
    for (QGraphicsItem* item : selectedItems())
        if (item->type() == TableItem::Type)
            selected = static_cast<TableItem*>(item)->name();

    m_runner->cancel();
    m_layoutGeneration = -1;
    QSignalBlocker blocker(this); // no selection signals while the items are replaced

    // Connectors are all made anew; a table item is kept when it would be drawn the same (a
    // step along the history leaves most tables alone), the others are replaced.
    qDeleteAll(m_relations);
    m_relations.clear();
    QHash<QString, TableItem*> previousItems = m_byName;
    m_tables.clear();
    m_byName.clear();
    m_ghostTables = ghosts;

    auto add = [&](const Table& t, DiffState state) {
        const TableDiff* td = diff ? diff->table(t.name) : nullptr;
        TableItem* item = previousItems.take(key(t.name));
        if (item && (state != DiffState::Unchanged || td || !item->isPlain() ||
                     item->bindingColor() != m_color || !(item->table() == t))) {
            delete item;
            item = nullptr;
        }
        if (item) {
            item->resetTransientState();
        } else {
            const Table* before = previous ? previous->table(t.name) : nullptr;
            item = new TableItem(t, state, td, before, m_color);
            // Where it is known to go, before it joins the scene's index.
            if (auto p = m_positions.constFind(t.name); p != m_positions.constEnd())
                item->setPos(*p);
            addItem(item);
        }
        m_tables << item;
        m_byName.insert(key(t.name), item);
    };
    for (const Table& g : std::as_const(m_ghostTables))
        add(g, DiffState::Removed);
    for (const Table& t : std::as_const(m_schema.tables))
        add(t, tableState(t.name));
    qDeleteAll(previousItems);
    for (TableItem* item : std::as_const(m_tables))
        addRelations(item, diff ? diff->table(item->name()) : nullptr);

    invalidate(QRectF(), BackgroundLayer); // the connectors drawn there are new
    if (TableItem* item = tableItem(selected))
        item->setSelected(true);
    blocker.unblock();
    onSelectionChanged();
}

void DiagramScene::addRelations(TableItem* item, const TableDiff* diff)
{
    auto connectKey = [&](const ForeignKey& fk, DiffState state) {
        TableItem* target = tableItem(fk.targetTable);
        if (!target)
            return; // SQLite allows a key to a table that does not exist (yet)
        const int fromBand = fk.columns.isEmpty() ? 0 : item->bandOf(fk.columns.first());
        QString targetColumn = fk.targetColumns.isEmpty() ? QString() : fk.targetColumns.first();
        if (targetColumn.isEmpty() && !target->table().primaryKey().isEmpty())
            targetColumn = target->table().primaryKey().first();
        const int toBand = targetColumn.isEmpty() ? 0 : target->bandOf(targetColumn);
        auto* relation = new RelationItem(item, fromBand, target, toBand, fk, state);
        addItem(relation);
        m_relations << relation;
    };
    const DiffState tableState = item->state();
    for (const ForeignKey& fk : item->table().foreignKeys) {
        DiffState state = tableState == DiffState::Changed ? DiffState::Unchanged : tableState;
        if (diff && diff->addedForeignKeys.contains(fk))
            state = DiffState::Added;
        connectKey(fk, state);
    }
    if (diff && tableState == DiffState::Changed)
        for (const ForeignKey& fk : diff->removedForeignKeys)
            connectKey(fk, DiffState::Removed);
}

void DiagramScene::placeTables()
{
    QList<TableItem*> unknown;
    QList<QRectF> occupied;
    for (TableItem* item : std::as_const(m_tables)) {
        auto it = m_positions.constFind(item->name());
        if (it == m_positions.constEnd()) {
            unknown << item;
        } else {
            item->setPos(*it);
            occupied << item->sceneBox();
        }
    }
    if (unknown.isEmpty())
        return;
    if (unknown.size() > 3 && unknown.size() * 2 > m_tables.size()) {
        // Mostly new: a layout of everything beats squeezing tables in one by one.
        for (qsizetype i = 0; i < m_tables.size(); ++i)
            m_tables[i]->setPos(gridSpot(int(i), int(m_tables.size())));
        if (m_autoLayout == AutoLayout::Background)
            startLayout(false);
        else if (QString why; m_autoLayout == AutoLayout::Immediate && !layoutNow(&why))
            emit layoutFailed(why);
        return;
    }
    TablePlacer placer(occupied);
    QHash<QString, QPointF> placed;
    for (TableItem* item : std::as_const(unknown)) {
        QRectF neighbour;
        for (RelationItem* r : item->relations()) {
            TableItem* other = r->fromTable() == item ? r->toTable() : r->fromTable();
            if (other != item && (m_positions.contains(other->name()) ||
                                  placed.contains(other->name()))) {
                neighbour = other->sceneBox();
                break;
            }
        }
        const QPointF p = placer.place(item->size(), neighbour);
        item->setPos(p);
        placed.insert(item->name(), p);
    }
    applyPositions(placed);
}

ErdGraph DiagramScene::layoutGraph() const
{
    ErdGraph graph;
    QHash<const TableItem*, int> index;
    for (TableItem* item : m_tables) {
        ErdNode node{item->name(), item->size(), item->bandCount(), {item->name()}};
        for (const TableItem::Row& row : item->rows())
            node.rowLabels << QString(row.name + QLatin1Char(' ') + row.type).trimmed();
        index.insert(item, int(graph.nodes.size()));
        graph.nodes << node;
    }
    for (RelationItem* r : m_relations)
        graph.edges << ErdEdge{index.value(r->fromTable()), r->fromBand(),
                               index.value(r->toTable()), r->toBand()};
    return graph;
}

void DiagramScene::startLayout(bool undoable)
{
    m_layoutNames.clear();
    for (TableItem* item : std::as_const(m_tables))
        m_layoutNames << item->name();
    m_layoutRelations = m_relations;
    m_layoutUndoable = undoable;
    m_layoutGeneration = m_runner->start(layoutGraph());
    emit layoutStarted();
}

void DiagramScene::relayout()
{
    if (!m_tables.isEmpty())
        startLayout(true);
}

bool DiagramScene::isLayoutRunning() const
{
    return m_layoutGeneration >= 0;
}

bool DiagramScene::layoutNow(QString* error)
{
    m_runner->cancel();
    m_layoutGeneration = -1;
    m_layoutNames.clear();
    for (TableItem* item : std::as_const(m_tables))
        m_layoutNames << item->name();
    m_layoutRelations = m_relations;
    auto result = ErdLayout::compute(layoutGraph());
    if (!result) {
        if (error)
            *error = result.error().message;
        return false;
    }
    applyLayout(result.value(), false);
    return true;
}

void DiagramScene::applyLayout(const ErdLayoutResult& result, bool undoable)
{
    QHash<QString, QPointF> before, after;
    for (qsizetype i = 0; i < m_layoutNames.size() && i < result.positions.size(); ++i) {
        after.insert(m_layoutNames[i], result.positions[i]);
        if (TableItem* item = tableItem(m_layoutNames[i]))
            before.insert(m_layoutNames[i], item->pos());
    }
    if (undoable)
        m_undo->push(new MoveTablesCommand(this, tr("Re-layout"), before, after));
    else
        applyPositions(after);
    // Routes last: each is valid for the positions its tables have now.
    m_routes.clear();
    for (qsizetype i = 0; i < m_layoutRelations.size() && i < result.routes.size(); ++i) {
        RelationItem* r = m_layoutRelations[i];
        const KeptRoute kept{result.routes[i], r->fromTable()->sceneBox(), r->toTable()->sceneBox()};
        if (!kept.points.isEmpty())
            m_routes.insert(routeKey(r), kept);
        r->setLayoutRoute(kept.points, kept.fromBox, kept.toBox);
    }
    emit layoutFinished();
}

void DiagramScene::applyPositions(const QHash<QString, QPointF>& positions)
{
    for (auto it = positions.begin(); it != positions.end(); ++it) {
        m_positions.insert(it.key(), it.value());
        if (TableItem* item = tableItem(it.key()))
            item->setPos(it.value());
    }
    updateSceneRect();
    scheduleSave();
}

void DiagramScene::updateSceneRect()
{
    QRectF bounds;
    for (TableItem* item : std::as_const(m_tables))
        bounds |= item->sceneBox();
    for (RelationItem* r : std::as_const(m_relations))
        bounds |= r->boundingRect();
    if (bounds.isNull())
        bounds = QRectF(0, 0, 400, 300);
    setSceneRect(bounds.adjusted(-sceneMargin, -sceneMargin, sceneMargin, sceneMargin));
}

void DiagramScene::scheduleSave()
{
    if (m_store.isValid())
        m_saveTimer->start();
}

QList<DiagramSearchHit> DiagramScene::find(const QString& text) const
{
    QString tablePart, columnPart = text.trimmed();
    if (const qsizetype dot = columnPart.indexOf(QLatin1Char('.')); dot >= 0) {
        tablePart = columnPart.left(dot);
        columnPart = columnPart.mid(dot + 1);
    }
    if (tablePart.isEmpty() && columnPart.isEmpty())
        return {};
    // Rank: 0 exact, 1 prefix, 2 contains; tables before columns.
    auto rank = [](const QString& name, const QString& part) {
        if (name.compare(part, Qt::CaseInsensitive) == 0)
            return 0;
        return name.startsWith(part, Qt::CaseInsensitive) ? 1 : 2;
    };
    QList<std::pair<int, DiagramSearchHit>> ranked;
    for (TableItem* item : m_tables) {
        if (!tablePart.isEmpty()) {
            if (!item->name().contains(tablePart, Qt::CaseInsensitive))
                continue;
        } else if (item->name().contains(columnPart, Qt::CaseInsensitive)) {
            ranked.append({rank(item->name(), columnPart), {item->name(), {}}});
        }
        for (const TableItem::Row& row : item->rows())
            if (row.name.contains(columnPart, Qt::CaseInsensitive))
                ranked.append({10 + rank(row.name, columnPart), {item->name(), row.name}});
    }
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    QList<DiagramSearchHit> hits;
    for (const auto& r : std::as_const(ranked))
        hits << r.second;
    return hits;
}

void DiagramScene::showSearchHit(const DiagramSearchHit& hit)
{
    for (TableItem* item : std::as_const(m_tables))
        item->setSearchBand(-1);
    TableItem* item = tableItem(hit.table);
    if (!item)
        return;
    item->setSearchBand(hit.column.isEmpty() ? 0 : item->bandOf(hit.column));
    clearSelection();
    item->setSelected(true);
}

void DiagramScene::clearHighlights()
{
    for (RelationItem* r : std::as_const(m_relations))
        r->setHovered(false);
    for (TableItem* item : std::as_const(m_tables)) {
        item->setSearchBand(-1);
        item->setHighlightedBands({});
    }
}

void DiagramScene::onSelectionChanged()
{
    for (QGraphicsItem* item : selectedItems())
        if (item->type() == TableItem::Type) {
            const QString name = static_cast<TableItem*>(item)->name();
            if (const Table* t = tableDefinition(name)) {
                emit tableSelected(*t);
                return;
            }
        }
    emit selectionCleared();
}

void DiagramScene::drawBackground(QPainter* painter, const QRectF& rect)
{
    QGraphicsScene::drawBackground(painter, rect);
    const double lod = QStyleOptionGraphicsItem::levelOfDetailFromTransform(painter->worldTransform());
    const double opacity = painter->opacity();
    for (RelationItem* r : std::as_const(m_relations)) {
        if (!r->isVisible() || !r->boundingRect().intersects(rect))
            continue;
        painter->setOpacity(opacity * r->opacity());
        r->paintConnector(painter, lod);
    }
    painter->setOpacity(opacity);
}

void DiagramScene::mousePressEvent(QGraphicsSceneMouseEvent* event)
{
    QGraphicsScene::mousePressEvent(event);
    m_dragStart.clear();
    if (event->button() != Qt::LeftButton)
        return;
    for (QGraphicsItem* item : selectedItems())
        if (item->type() == TableItem::Type && (item->flags() & QGraphicsItem::ItemIsMovable))
            m_dragStart.insert(static_cast<TableItem*>(item)->name(), item->pos());
}

void DiagramScene::mouseReleaseEvent(QGraphicsSceneMouseEvent* event)
{
    QGraphicsScene::mouseReleaseEvent(event);
    if (m_dragStart.isEmpty())
        return;
    QHash<QString, QPointF> after;
    bool moved = false;
    for (auto it = m_dragStart.begin(); it != m_dragStart.end(); ++it) {
        TableItem* item = tableItem(it.key());
        if (!item)
            continue;
        after.insert(it.key(), item->pos());
        moved = moved || item->pos() != it.value();
    }
    if (moved) {
        const QString text = after.size() == 1 ? tr("Move table %1").arg(after.begin().key())
                                               : tr("Move %n tables", nullptr, int(after.size()));
        m_undo->push(new MoveTablesCommand(this, text, m_dragStart, after));
    }
    m_dragStart.clear();
}

} // namespace strata
