#pragma once

// ErdLayout places the tables of an ER diagram with Graphviz (libgvc, in-process): node
// positions, and for the engines that route edges, the foreign keys' curves from column row to
// column row. It knows nothing of drawing: the diagram measures its boxes, hands them over as
// an ErdGraph, and applies the positions it gets back. Units are points (1/72 inch), y down,
// the scene's own coordinates.
//
// Graphviz keeps global state and is not thread-safe: every call takes one process-wide mutex,
// so compute() may run on any thread (the window runs it on a worker) but calls never overlap.

#include "result.h"

#include <QByteArray>
#include <QList>
#include <QPointF>
#include <QRectF>
#include <QSizeF>
#include <QString>
#include <QStringList>

namespace strata {

// A table box. Its height is cut into `rows` equal bands (the header, then one per column);
// edges attach to the left or right side of a band.
struct ErdNode
{
    QString name;
    QSizeF size;           // points
    int rows = 1;
    QStringList rowLabels; // optional text per band, used only by toDot() with labels
};

// A foreign key: from the referencing table's band to the referenced table's band.
struct ErdEdge
{
    int from = 0; // index into ErdGraph::nodes
    int fromRow = 0;
    int to = 0;
    int toRow = 0;
};

struct ErdGraph
{
    QList<ErdNode> nodes;
    QList<ErdEdge> edges;
};

enum class ErdEngine {
    Automatic, // dot for small schemas (if it does not make a strip), sfdp beyond
    Dot,       // layered, left to right; routes edges around boxes
    Sfdp       // force-directed with overlap removal; fast and square on big schemas
};

struct ErdLayoutOptions
{
    ErdEngine engine = ErdEngine::Automatic;
    // The screen the diagram should fit: its shape is the target; a diagram that fits it at
    // 100 % may have any shape.
    QSizeF screen = QSizeF(1600, 1000);
};

struct ErdLayoutResult
{
    QList<QPointF> positions;     // top-left corner of each node
    // Per edge: cubic Bézier control points (1 + 3k) from the `from` band's side to the `to`
    // band's side; empty when the engine does not route edges (the diagram draws its own).
    QList<QList<QPointF>> routes;
    QRectF bounds;                // of every node and route; top-left at (0, 0)
    ErdEngine engine = ErdEngine::Dot;
    QString engineName;           // "dot" or "sfdp"
};

struct DotOptions
{
    // With labels the text goes into the boxes and sizes become minimums: a file to render with
    // Graphviz yourself. Without, boxes are fixed-size and empty: what compute() lays out.
    bool labels = false;
};

class ErdLayout final
{
public:
    static Result<ErdLayoutResult> compute(const ErdGraph& graph,
                                           const ErdLayoutOptions& options = {});

    // The graph as DOT text for `engine` (Automatic picks by size, without trying dot first).
    // The `layout` graph attribute names the engine, so `dot -Tplain` uses the same one.
    static QByteArray toDot(const ErdGraph& graph, ErdEngine engine,
                            const DotOptions& options = {});

    // The DOT text compute() hands Graphviz for `graph` (the first engine it tries): the
    // tables with foreign keys — those without are placed in a block of their own beside
    // them, without Graphviz. For timing against the `dot` command on the same input.
    static QByteArray graphvizInput(const ErdGraph& graph, const ErdLayoutOptions& options = {});

    // The engine Automatic starts with for this graph.
    static ErdEngine engineFor(const ErdGraph& graph);
    static QString engineName(ErdEngine engine);

    // Graphs up to this many tables try dot first.
    static constexpr int dotMaxNodes = 40;
};

} // namespace strata
