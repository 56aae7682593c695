#include "erdlayout.h"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>


#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>
#include <optional>

namespace strata {
namespace {

constexpr double pointsPerInch = 72.0;

// Graphviz has process-wide state (the error buffer, the plugin registry, layout globals): one
// lock for all of it, held for the whole of a layout.
std::mutex& graphvizMutex()
{
    static std::mutex mutex;
    return mutex;
}

// Messages Graphviz reports during the current call (the mutex is held while it runs).
QString& graphvizMessages()
{
    static QString messages;
    return messages;
}

int collectGraphvizMessage(char* message)
{
    graphvizMessages() += QString::fromUtf8(message);
    return 0;
}

struct ContextDeleter
{
    void operator()(GVC_t* gvc) const { gvFreeContext(gvc); }
};

// Created once (it loads the plugin configuration), used under the mutex only.
GVC_t* graphvizContext()
{
    static std::unique_ptr<GVC_t, ContextDeleter> context;
    if (!context) {
        agseterr(AGERR); // warnings (e.g. a label too wide for a fixed size) are not failures
        agseterrf(collectGraphvizMessage);
        context.reset(gvContext());
    }
    return context.get();
}

// A DOT string. DOT's lexer only unescapes \" (backslashes reach the attribute as written), so
// only quotes are escaped, and a final backslash is kept from escaping the closing quote.
QByteArray quoted(const QString& text)
{
    QString escaped = text;
    escaped.replace(QLatin1Char('"'), QLatin1String("\\\""));
    escaped.replace(QLatin1Char('\n'), QLatin1Char(' '));
    if (escaped.endsWith(QLatin1Char('\\')))
        escaped += QLatin1Char(' ');
    return '"' + escaped.toUtf8() + '"';
}

// Text inside a record field: the record syntax characters are escaped.
QString recordText(const QString& text)
{
    QString out;
    out.reserve(text.size() + 4);
    for (QChar c : text) {
        if (QStringLiteral("{}|<>\\").contains(c))
            out += QLatin1Char('\\');
        out += c == QLatin1Char('\n') ? QLatin1Char(' ') : c;
    }
    return out;
}

// A record label with one field (and port r<i>) per band. Under rankdir=LR (dot) records stack
// their fields vertically as written; without it (sfdp) they need the braces to do so.
QByteArray recordLabel(const ErdNode& node, ErdEngine engine, bool labels)
{
    QString label;
    for (int r = 0; r < node.rows; ++r) {
        if (r > 0)
            label += QLatin1Char('|');
        label += QStringLiteral("<r%1>").arg(r);
        if (labels && r < node.rowLabels.size())
            label += recordText(node.rowLabels[r]) + (r > 0 ? QStringLiteral("\\l") : QString());
    }
    if (engine == ErdEngine::Sfdp)
        label = QLatin1Char('{') + label + QLatin1Char('}');
    return quoted(label);
}

QByteArray inches(double points)
{
    return QByteArray::number(points / pointsPerInch, 'f', 4);
}

QPointF toPoint(const pointf& p, double top)
{
    return {p.x, top - p.y}; // Graphviz's y grows upwards
}

struct RawLayout
{
    QList<QPointF> centres;
    QList<QList<QPointF>> routes;
};

// One layout with one engine. Called with the mutex held.
Result<RawLayout> runGraphviz(const ErdGraph& graph, ErdEngine engine)
{
    graphvizMessages().clear();
    GVC_t* gvc = graphvizContext();
    if (!gvc)
        return Error{QStringLiteral("Graphviz could not start (no plugin configuration?)"),
                     {}, 0, 0, {}};
    const QByteArray dot = ErdLayout::toDot(graph, engine);
    Agraph_t* g = agmemread(dot.constData());
    if (!g)
        return Error{QStringLiteral("Graphviz could not read the diagram's graph: %1")
                         .arg(graphvizMessages().trimmed()),
                     {}, 0, 0, {}};
    const QByteArray engineName = ErdLayout::engineName(engine).toLatin1();
    if (gvLayout(gvc, g, engineName.constData()) != 0) {
        agclose(g);
        return Error{QStringLiteral("Graphviz (%1) could not lay out the diagram: %2")
                         .arg(QString::fromLatin1(engineName), graphvizMessages().trimmed()),
                     {}, 0, 0, {}};
    }

    RawLayout raw;
    raw.centres.resize(graph.nodes.size());
    raw.routes.resize(engine == ErdEngine::Dot ? graph.edges.size() : 0);
    const double top = GD_bb(g).UR.y;
    char idAttribute[] = "id";
    for (Agnode_t* n = agfstnode(g); n; n = agnxtnode(g, n)) {
        const int index = QByteArray(agnameof(n)).mid(1).toInt(); // "n<index>"
        if (index >= 0 && index < raw.centres.size())
            raw.centres[index] = toPoint(ND_coord(n), top);
        if (raw.routes.isEmpty())
            continue;
        for (Agedge_t* e = agfstout(g, n); e; e = agnxtout(g, e)) {
            const int edge = QByteArray(agget(e, idAttribute)).mid(1).toInt(); // "e<index>"
            const splines* spl = ED_spl(e);
            if (!spl || edge < 0 || edge >= raw.routes.size())
                continue;
            QList<QPointF> route;
            for (int b = 0; b < spl->size; ++b)
                for (int i = 0; i < spl->list[b].size; ++i)
                    route << toPoint(spl->list[b].list[i], top);
            // Graphviz runs the edge from the referenced table (tail) to the referencing one.
            std::reverse(route.begin(), route.end());
            raw.routes[edge] = route;
        }
    }
    gvFreeLayout(gvc, g);
    agclose(g);
    return raw;
}

QRectF nodeBounds(const ErdGraph& graph, const QList<QPointF>& centres)
{
    QRectF bounds;
    for (qsizetype i = 0; i < centres.size(); ++i) {
        const QSizeF s = graph.nodes[i].size;
        bounds |= QRectF(centres[i] - QPointF(s.width() / 2, s.height() / 2), s);
    }
    return bounds;
}

// Spreads unrouted layouts along one axis towards the screen's shape. Only ever stretches (by
// at most 2×), so boxes that did not overlap still do not.
void stretchTowards(double targetAspect, const ErdGraph& graph, QList<QPointF>& centres)
{
    const QRectF b = nodeBounds(graph, centres);
    if (b.width() <= 0 || b.height() <= 0)
        return;
    const double aspect = b.width() / b.height();
    const double fx = aspect < targetAspect ? std::min(targetAspect / aspect, 2.0) : 1.0;
    const double fy = aspect > targetAspect * 1.5 ? std::min(aspect / targetAspect, 2.0) : 1.0;
    const QPointF c = b.center();
    for (QPointF& p : centres)
        p = QPointF(c.x() + (p.x() - c.x()) * fx, c.y() + (p.y() - c.y()) * fy);
}


// Tables without a foreign key in or out: Graphviz would ring them around the rest; they go
// in a block of their own beside it instead.
struct LonerSplit
{
    ErdGraph joined;        // the tables with foreign keys, edges renumbered
    QList<int> original;    // joined node → graph node
    QList<int> loners;      // graph nodes without edges
};

LonerSplit splitLoners(const ErdGraph& graph)
{
    LonerSplit split;
    QList<int> degree(graph.nodes.size(), 0);
    for (const ErdEdge& e : graph.edges) {
        ++degree[e.from];
        ++degree[e.to];
    }
    QList<int> index(graph.nodes.size(), -1);
    for (qsizetype i = 0; i < graph.nodes.size(); ++i) {
        if (degree[i] == 0) {
            split.loners << int(i);
            continue;
        }
        index[i] = int(split.joined.nodes.size());
        split.original << int(i);
        split.joined.nodes << graph.nodes[i];
    }
    for (const ErdEdge& e : graph.edges)
        split.joined.edges << ErdEdge{index[e.from], e.fromRow, index[e.to], e.toRow};
    return split;
}

// Boxes in rows at most `width` wide; returns the centres relative to the block's top-left and
// sets `size` to the block's size.
QList<QPointF> shelves(const ErdGraph& graph, const QList<int>& nodes, double width, QSizeF& size)
{
    constexpr double gap = 40;
    QList<QPointF> centres;
    double x = 0, y = 0, rowHeight = 0, right = 0;
    for (int n : nodes) {
        const QSizeF s = graph.nodes[n].size;
        if (x > 0 && x + s.width() > width) {
            x = 0;
            y += rowHeight + gap;
            rowHeight = 0;
        }
        centres << QPointF(x + s.width() / 2, y + s.height() / 2);
        x += s.width() + gap;
        right = std::max(right, x - gap);
        rowHeight = std::max(rowHeight, s.height());
    }
    size = QSizeF(right, y + rowHeight);
    return centres;
}

// Puts the loners in a block below or right of `main` (or alone), whichever brings the whole
// closest to the screen's shape.
void placeLoners(const ErdGraph& graph, const QList<int>& loners, const QRectF& main,
                 double target, QList<QPointF>& centres)
{
    if (loners.isEmpty())
        return;
    constexpr double apart = 120;
    double widest = 0;
    for (int n : loners)
        widest = std::max(widest, graph.nodes[n].size.width());
    struct Option { QPointF origin; QList<QPointF> centres; double score; };
    std::optional<Option> best;
    auto consider = [&](double width, bool right) {
        QSizeF size;
        QList<QPointF> block = shelves(graph, loners, width, size);
        QPointF origin;
        QRectF all(QPointF(0, 0), size);
        if (main.isValid()) {
            // Centred along the side it joins.
            origin = right ? QPointF(main.right() + apart,
                                     main.center().y() - size.height() / 2)
                           : QPointF(main.center().x() - size.width() / 2,
                                     main.bottom() + apart);
            all = main | QRectF(origin, size);
        }
        const double score = std::abs(std::log(all.width() / all.height() / target));
        if (!best || score < best->score)
            best = Option{origin, block, score};
    };
    // A compact block, near the screen's shape itself; then the side that suits the whole.
    double blockWidth = widest;
    double blockScore = -1;
    for (qsizetype columns = 1; columns <= loners.size(); ++columns) {
        QSizeF size;
        shelves(graph, loners, columns * (widest + 40), size);
        const double score = std::abs(std::log(size.width() / size.height() / target));
        if (blockScore < 0 || score < blockScore) {
            blockScore = score;
            blockWidth = columns * (widest + 40);
        }
    }
    consider(blockWidth, true);
    if (main.isValid())
        consider(blockWidth, false);
    for (qsizetype i = 0; i < loners.size(); ++i)
        centres[loners[i]] = best->origin + best->centres[i];
}

} // namespace

QString ErdLayout::engineName(ErdEngine engine)
{
    return engine == ErdEngine::Sfdp ? QStringLiteral("sfdp") : QStringLiteral("dot");
}

ErdEngine ErdLayout::engineFor(const ErdGraph& graph)
{
    return graph.nodes.size() <= dotMaxNodes ? ErdEngine::Dot : ErdEngine::Sfdp;
}

QByteArray ErdLayout::toDot(const ErdGraph& graph, ErdEngine engine, const DotOptions& options)
{
    if (engine == ErdEngine::Automatic)
        engine = engineFor(graph);
    QByteArray dot;
    dot.reserve(int(graph.nodes.size()) * 120 + int(graph.edges.size()) * 60);
    dot += "digraph erd {\n";
    if (engine == ErdEngine::Dot) {
        // Left to right, referenced tables first: foreign keys leave a row on the right and
        // enter a row on the left, as people draw them.
        dot += "  graph [layout=dot, rankdir=LR, nodesep=0.35, ranksep=1.1, splines=spline, "
               "pack=24, packmode=\"array\"];\n";
    } else {
        // sep: the gap overlap removal keeps between boxes; splines=false: the diagram routes
        // its own connectors (Graphviz's obstacle router is far too slow at this size).
        dot += "  graph [layout=sfdp, overlap=prism, sep=\"+28\", splines=false, "
               "pack=36, packmode=\"graph\"];\n";
    }
    dot += options.labels
               ? "  node [shape=record, fontname=\"Helvetica\", fontsize=9, margin=\"0.05,0\"];\n"
               : "  node [shape=record, fixedsize=true, margin=0];\n";
    dot += "  edge [dir=none];\n";
    for (qsizetype i = 0; i < graph.nodes.size(); ++i) {
        const ErdNode& n = graph.nodes[i];
        dot += "  n" + QByteArray::number(i) + " [width=" + inches(n.size.width()) +
               ", height=" + inches(n.size.height()) +
               ", label=" + recordLabel(n, engine, options.labels) +
               ", comment=" + quoted(n.name) + "];\n";
    }
    for (qsizetype i = 0; i < graph.edges.size(); ++i) {
        const ErdEdge& e = graph.edges[i];
        dot += "  n" + QByteArray::number(e.to) + ":r" + QByteArray::number(e.toRow) + ":e -> n" +
               QByteArray::number(e.from) + ":r" + QByteArray::number(e.fromRow) + ":w [id=e" +
               QByteArray::number(i) + "];\n";
    }
    dot += "}\n";
    return dot;
}

QByteArray ErdLayout::graphvizInput(const ErdGraph& graph, const ErdLayoutOptions& options)
{
    const ErdGraph joined = splitLoners(graph).joined;
    return toDot(joined, options.engine == ErdEngine::Automatic ? engineFor(joined) : options.engine);
}

Result<ErdLayoutResult> ErdLayout::compute(const ErdGraph& graph, const ErdLayoutOptions& options)
{
    for (const ErdEdge& e : graph.edges)
        if (e.from < 0 || e.to < 0 || e.from >= graph.nodes.size() || e.to >= graph.nodes.size())
            return Error{QStringLiteral("an edge of the diagram names a table that is not in it"),
                         {}, 0, 0, {}};
    const double target = options.screen.height() > 0
                              ? options.screen.width() / options.screen.height()
                              : 1.6;
    const LonerSplit split = splitLoners(graph);
    ErdLayoutResult result;
    result.engine =
        options.engine == ErdEngine::Automatic ? engineFor(split.joined) : options.engine;
    result.routes.resize(graph.edges.size());

    QList<QPointF> centres(graph.nodes.size());
    QRectF mainBounds;
    if (!split.joined.nodes.isEmpty()) {
        Result<RawLayout> raw = [&] {
            std::lock_guard lock(graphvizMutex());
            Result<RawLayout> first = runGraphviz(split.joined, result.engine);
            if (first && options.engine == ErdEngine::Automatic &&
                result.engine == ErdEngine::Dot) {
                // dot turns hub-heavy schemas into strips; sfdp keeps them near the screen's
                // shape. A strip is a layout that, widened to the screen's shape, would be mostly
                // empty.
                const QRectF b = nodeBounds(split.joined, first->centres);
                const double aspect = b.height() > 0 ? b.width() / b.height() : 1.0;
                const double waste = std::max(aspect / target, target / aspect);
                const bool fits = b.width() <= options.screen.width() &&
                                  b.height() <= options.screen.height();
                if (waste > 3 && !fits) {
                    result.engine = ErdEngine::Sfdp;
                    return runGraphviz(split.joined, result.engine);
                }
            }
            return first;
        }();
        if (!raw)
            return raw.error();
        QList<QPointF> joinedCentres = raw->centres;
        if (raw->routes.isEmpty())
            stretchTowards(target, split.joined, joinedCentres);
        else
            result.routes = raw->routes; // loners have no edges: the edge order is the same
        for (qsizetype i = 0; i < joinedCentres.size(); ++i)
            centres[split.original[i]] = joinedCentres[i];
        mainBounds = nodeBounds(split.joined, joinedCentres);
        for (const QList<QPointF>& route : std::as_const(result.routes))
            for (const QPointF& p : route)
                mainBounds |= QRectF(p, QSizeF(0.01, 0.01));
    }
    result.engineName = engineName(result.engine);
    placeLoners(graph, split.loners, mainBounds, target, centres);

    // Top-left corners, everything moved so the bounds start at (0, 0).
    QRectF bounds = nodeBounds(graph, centres) | mainBounds;
    const QPointF shift = -bounds.topLeft();
    result.positions.reserve(centres.size());
    for (qsizetype i = 0; i < centres.size(); ++i) {
        const QSizeF s = graph.nodes[i].size;
        result.positions << centres[i] + shift - QPointF(s.width() / 2, s.height() / 2);
    }
    for (QList<QPointF>& route : result.routes)
        for (QPointF& p : route)
            p += shift;
    result.bounds = QRectF(QPointF(0, 0), bounds.size());
    return result;
}

} // namespace strata
