// ErdLayout: Graphviz in-process on ER-shaped graphs — every table placed, no two boxes
// overlapping, a screen-shaped result, routes that start and end on the right rows, DOT text
// that Graphviz reads, and calls from several threads at once.

#include "erdlayout.h"

#include <QRandomGenerator>
#include <QTest>
#include <QThread>

#include <atomic>
#include <memory>

using namespace strata;

namespace {

constexpr double rowHeight = 20;

// `tables` boxes of 3–14 rows, ~1.5 foreign keys per table, a few hubs, some loners.
ErdGraph generatedGraph(int tables, quint32 seed)
{
    QRandomGenerator random(seed);
    ErdGraph g;
    for (int i = 0; i < tables; ++i) {
        const int rows = 1 + int(random.bounded(3, 15));
        g.nodes.append(ErdNode{QStringLiteral("t%1").arg(i),
                               QSizeF(140 + random.bounded(120), rows * rowHeight), rows, {}});
    }
    const int edges = tables * 3 / 2;
    for (int k = 0; k < edges; ++k) {
        const int from = int(random.bounded(tables));
        if (from % 10 == 9)
            continue; // a table without foreign keys
        const int to = random.bounded(10) < 4 ? int(random.bounded(tables / 25 + 1)) * 25 % tables
                                              : int(random.bounded(tables));
        g.edges.append(ErdEdge{from, 1 + int(random.bounded(g.nodes[from].rows - 1)), to, 1});
    }
    return g;
}

QRectF box(const ErdGraph& g, const ErdLayoutResult& r, int i)
{
    return QRectF(r.positions[i], g.nodes[i].size);
}

} // namespace

class TestErdLayout : public QObject
{
    Q_OBJECT

private slots:
    void emptyGraph()
    {
        auto r = ErdLayout::compute({});
        QVERIFY(r.ok());
        QVERIFY(r->positions.isEmpty());
    }

    void edgeToNowhereIsAnError()
    {
        ErdGraph g;
        g.nodes.append(ErdNode{QStringLiteral("a"), QSizeF(100, 40), 2, {}});
        g.edges.append(ErdEdge{0, 1, 3, 0});
        QVERIFY(!ErdLayout::compute(g).ok());
    }

    void bigGraph_data()
    {
        QTest::addColumn<int>("tables");
        QTest::addColumn<ErdEngine>("engine");
        QTest::newRow("200 automatic") << 200 << ErdEngine::Automatic;
        QTest::newRow("200 sfdp") << 200 << ErdEngine::Sfdp;
        QTest::newRow("30 automatic") << 30 << ErdEngine::Automatic;
    }

    void bigGraph()
    {
        QFETCH(int, tables);
        QFETCH(ErdEngine, engine);
        const ErdGraph g = generatedGraph(tables, 42);
        auto r = ErdLayout::compute(g, ErdLayoutOptions{engine, QSizeF(1600, 1000)});
        QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error().message));
        QCOMPARE(r->positions.size(), g.nodes.size());
        QCOMPARE(r->routes.size(), g.edges.size());
        if (tables > ErdLayout::dotMaxNodes)
            QCOMPARE(r->engine, ErdEngine::Sfdp);

        // Every box inside the bounds; no two overlapping (1 pt of rounding allowed).
        for (int i = 0; i < g.nodes.size(); ++i) {
            QVERIFY(r->bounds.adjusted(-1, -1, 1, 1).contains(box(g, r.value(), i)));
            for (int j = i + 1; j < g.nodes.size(); ++j)
                QVERIFY2(!box(g, r.value(), i).adjusted(1, 1, -1, -1).intersects(box(g, r.value(), j)),
                         qPrintable(QStringLiteral("t%1 overlaps t%2").arg(i).arg(j)));
        }
        // Fits a screen: neither a tall strip nor a wide one.
        const double aspect = r->bounds.width() / r->bounds.height();
        QVERIFY2(aspect > 0.6 && aspect < 3.0, qPrintable(QString::number(aspect)));
    }

    void tablesWithoutKeysGoInABlock()
    {
        // Only loners: a block near the screen's shape, no Graphviz needed.
        ErdGraph g;
        for (int i = 0; i < 40; ++i)
            g.nodes.append(ErdNode{QStringLiteral("t%1").arg(i), QSizeF(180, 120), 6, {}});
        auto r = ErdLayout::compute(g);
        QVERIFY(r.ok());
        const double aspect = r->bounds.width() / r->bounds.height();
        QVERIFY2(aspect > 1.0 && aspect < 2.6, qPrintable(QString::number(aspect)));
        for (int i = 0; i < g.nodes.size(); ++i)
            for (int j = i + 1; j < g.nodes.size(); ++j)
                QVERIFY(!box(g, r.value(), i).intersects(box(g, r.value(), j)));

        // With a joined part, Graphviz sees only that part.
        g.edges.append(ErdEdge{1, 2, 0, 1});
        const QByteArray input = ErdLayout::graphvizInput(g);
        QVERIFY(input.contains("comment=\"t0\""));
        QVERIFY(!input.contains("comment=\"t2\""));
        r = ErdLayout::compute(g);
        QVERIFY(r.ok());
        for (int i = 2; i < g.nodes.size(); ++i) {
            QVERIFY(!box(g, r.value(), i).intersects(box(g, r.value(), 0)));
            QVERIFY(!box(g, r.value(), i).intersects(box(g, r.value(), 1)));
        }
    }

    void dotRoutesAttachToRows()
    {
        // plans ← subscriptions ← usage: a chain dot keeps left to right.
        ErdGraph g;
        g.nodes.append(ErdNode{QStringLiteral("plans"), QSizeF(160, 4 * rowHeight), 4, {}});
        g.nodes.append(
            ErdNode{QStringLiteral("subscriptions"), QSizeF(180, 6 * rowHeight), 6, {}});
        g.nodes.append(ErdNode{QStringLiteral("usage"), QSizeF(150, 5 * rowHeight), 5, {}});
        g.edges.append(ErdEdge{1, 3, 0, 1}); // subscriptions.plan_id → plans.id
        g.edges.append(ErdEdge{2, 2, 1, 1}); // usage.subscription_id → subscriptions.id
        auto r = ErdLayout::compute(g);
        QVERIFY(r.ok());
        QCOMPARE(r->engine, ErdEngine::Dot);
        QVERIFY(r->positions[0].x() < r->positions[1].x());
        QVERIFY(r->positions[1].x() < r->positions[2].x());
        for (int e = 0; e < g.edges.size(); ++e) {
            const ErdEdge& edge = g.edges[e];
            const QList<QPointF>& route = r->routes[e];
            QVERIFY(route.size() >= 4);
            QCOMPARE((route.size() - 1) % 3, 0);
            // Starts on the left side of the referencing row, ends on the right side of the
            // referenced row (within Graphviz's rounding of record fields).
            const QRectF from = box(g, r.value(), edge.from), to = box(g, r.value(), edge.to);
            QVERIFY(qAbs(route.first().x() - from.left()) < 2);
            QVERIFY(qAbs(route.first().y() - (from.top() + (edge.fromRow + 0.5) * rowHeight)) < 3);
            QVERIFY(qAbs(route.last().x() - to.right()) < 2);
            QVERIFY(qAbs(route.last().y() - (to.top() + (edge.toRow + 0.5) * rowHeight)) < 3);
        }
    }

    void dotText()
    {
        ErdGraph g;
        g.nodes.append(ErdNode{QStringLiteral("a \"quoted\" table"), QSizeF(100, 40), 2,
                               {QStringLiteral("a"), QStringLiteral("x VARCHAR(3) <pk> {u}")}});
        g.nodes.append(ErdNode{QStringLiteral("b"), QSizeF(100, 40), 2, {}});
        g.edges.append(ErdEdge{1, 1, 0, 1});
        const QByteArray plain = ErdLayout::toDot(g, ErdEngine::Automatic);
        QVERIFY(plain.contains("layout=dot"));
        QVERIFY(plain.contains("n0:r1:e -> n1:r1:w"));
        QVERIFY(plain.contains("comment=\"a \\\"quoted\\\" table\""));
        QVERIFY(plain.contains("fixedsize=true"));
        const QByteArray labelled = ErdLayout::toDot(g, ErdEngine::Sfdp, DotOptions{true});
        QVERIFY(labelled.contains("layout=sfdp"));
        QVERIFY(labelled.contains("x VARCHAR(3) \\<pk\\> \\{u\\}"));
        QVERIFY(!labelled.contains("fixedsize=true"));
    }

    void fromSeveralThreads()
    {
        std::atomic<int> placed{0};
        auto work = [&placed] {
            for (int k = 0; k < 3; ++k) {
                const ErdGraph g = generatedGraph(60, 7 + quint32(k));
                auto r = ErdLayout::compute(g);
                if (r.ok() && r->positions.size() == g.nodes.size())
                    placed += 1;
            }
        };
        std::unique_ptr<QThread> a(QThread::create(work)), b(QThread::create(work));
        a->start();
        b->start();
        QVERIFY(a->wait(60000));
        QVERIFY(b->wait(60000));
        QCOMPARE(placed.load(), 6);
    }
};

QTEST_GUILESS_MAIN(TestErdLayout)
#include "tst_erdlayout.moc"
