// Times the ER diagram on a big schema (default 500 tables, ~750 foreign keys):
//  * Graphviz layout in-process (ErdLayout) against the Graphviz command laying out the same
//    DOT text with -Tplain (`dot`, which follows the text's layout= attribute), in the same run;
//    target (issue 3): in-process no slower than the command;
//  * repainting the DiagramView at fit-to-window, at 25 % and at 100 % — the viewport rendered
//    into a pixmap, median of several; target: under 16 ms.
// Runs offscreen (QT_QPA_PLATFORM=offscreen unless set): software rendering, as under Xvfb.
//
// Usage: bench_layout [--tables N] [--keys N] [--runs N] [--size WxH] [--repaint-only]

#include "diagramexport.h"
#include "diagramscene.h"
#include "diagramview.h"
#include "erdlayout.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFileInfo>
#include "historygen.h"

#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <tuple>
#include <ctime>

using namespace strata;

namespace {


Column column(const QString& name, const QString& type, bool notNull, int pk = 0)
{
    Column c;
    c.name = name;
    c.declaredType = type;
    c.affinity = type == QLatin1String("INTEGER") ? QStringLiteral("INTEGER") : QStringLiteral("TEXT");
    c.notNull = notNull;
    c.primaryKeyPosition = pk;
    return c;
}

// Tables of 3–10 columns; foreign keys: 40 % to one of the hubs (every 25th table), the rest
// anywhere; every tenth table has none of its own.
Schema bigSchema(int tables, int keys)
{
    static const char* const words[] = {"customer", "order", "invoice", "payment", "product",
                                        "warehouse", "shipment", "account", "session", "audit"};
    QRandomGenerator random(3);
    Schema schema;
    for (int i = 0; i < tables; ++i) {
        Table t;
        t.name = QStringLiteral("%1_%2").arg(QLatin1String(words[i % 10])).arg(i, 3, 10, QLatin1Char('0'));
        t.columns << column(QStringLiteral("id"), QStringLiteral("INTEGER"), true, 1);
        const int extra = 2 + int(random.bounded(8));
        for (int c = 0; c < extra; ++c)
            t.columns << column(QStringLiteral("field_%1").arg(c), QStringLiteral("TEXT"), c % 2 == 0);
        schema.tables << t;
    }
    int made = 0;
    for (int k = 0; made < keys && k < keys * 4; ++k) {
        const int from = int(random.bounded(tables));
        const int to = random.bounded(10) < 4 ? int(random.bounded((tables + 24) / 25)) * 25
                                              : int(random.bounded(tables));
        if (from % 10 == 9 || to == from)
            continue;
        const QString name = schema.tables[to].name + QStringLiteral("_id");
        if (schema.tables[from].column(name))
            continue;
        schema.tables[from].columns << column(name, QStringLiteral("INTEGER"), false);
        schema.tables[from].foreignKeys
            << ForeignKey{{name}, schema.tables[to].name, {QStringLiteral("id")}, {}, {}};
        ++made;
    }
    return schema;
}

double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

// Median wall time of `runs` runs of `work`, in milliseconds; `cpu` gets the median CPU time
// of this thread (what the work costs when the machine is busy with other things).
template <typename F>
double timeMs(int runs, F work, double* cpu = nullptr)
{
    QList<double> times, cpuTimes;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer t;
        const double c0 = threadCpuMs();
        t.start();
        work();
        times << t.nsecsElapsed() / 1e6;
        cpuTimes << threadCpuMs() - c0;
    }
    if (cpu)
        *cpu = bench::median(cpuTimes);
    return bench::median(times);
}

struct LayoutFigures
{
    double inProcess = 0, command = 0;
    QString engine;
};

LayoutFigures compareLayout(const ErdGraph& graph, int runs, const QString& dotFile)
{
    LayoutFigures f;
    QString engine;
    f.inProcess = timeMs(runs, [&] {
        auto r = ErdLayout::compute(graph);
        if (!r) {
            std::fprintf(stderr, "layout failed: %s\n", qPrintable(r.error().message));
            std::exit(1);
        }
        engine = r->engineName;
    });
    f.engine = engine;
    QFile out(dotFile);
    if (!out.open(QIODevice::WriteOnly) || out.write(ErdLayout::graphvizInput(graph)) < 0)
        std::exit(1);
    out.close();
    f.command = timeMs(runs, [&] {
        QProcess p;
        p.setStandardOutputFile(QProcess::nullDevice());
        p.start(QStringLiteral("dot"), {QStringLiteral("-Tplain"), dotFile});
        if (!p.waitForFinished(120000) || p.exitCode() != 0) {
            std::fprintf(stderr, "dot -Tplain failed\n");
            std::exit(1);
        }
    });
    return f;
}

} // namespace

int main(int argc, char* argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QStandardPaths::setTestModeEnabled(true); // never touch the real per-user positions
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption tablesOpt("tables", "how many tables", "n", "500");
    const QCommandLineOption keysOpt("keys", "how many foreign keys", "n", "750");
    const QCommandLineOption runsOpt("runs", "runs per figure (median)", "n", "10");
    const QCommandLineOption sizeOpt("size", "the view's size", "WxH", "1600x1000");
    const QCommandLineOption repaintOnlyOpt("repaint-only", "skip the layout comparison");
    parser.addOptions({tablesOpt, keysOpt, runsOpt, sizeOpt, repaintOnlyOpt});
    parser.process(app);
    const int tables = parser.value(tablesOpt).toInt();
    const int keys = parser.value(keysOpt).toInt();
    const int runs = std::max(1, parser.value(runsOpt).toInt());
    const QStringList wh = parser.value(sizeOpt).split(QLatin1Char('x'));
    const QSize viewSize(wh.value(0).toInt(), wh.value(1).toInt());
    QTemporaryDir tmp;

    std::printf("ER diagram benchmark: %d tables, %d foreign keys; %d runs per figure "
                "(median)\n\n", tables, keys, runs);
    DiagramScene scene;
    scene.setAutoLayout(DiagramScene::AutoLayout::Off);
    scene.setSchema(bigSchema(tables, keys));
    const ErdGraph graph = scene.layoutGraph();
    std::printf("graph: %lld tables, %lld foreign keys\n\n", (long long)graph.nodes.size(),
                (long long)graph.edges.size());

    // Layout, in-process against the command, on the same text. A small schema too (dot).
    if (!parser.isSet(repaintOnlyOpt)) {
    const int layoutRuns = std::max(3, runs / 2);
    const LayoutFigures big = compareLayout(graph, layoutRuns, tmp.filePath("big.dot"));
    DiagramScene small;
    small.setAutoLayout(DiagramScene::AutoLayout::Off);
    small.setSchema(bigSchema(30, 40));
    const LayoutFigures little =
        compareLayout(small.layoutGraph(), layoutRuns, tmp.filePath("small.dot"));
    std::printf("layout                           in-process   dot -Tplain   ratio\n");
    std::printf("  %4d tables (%-4s)             %7.0f ms    %7.0f ms   %5.2f×\n", tables,
                qPrintable(big.engine), big.inProcess, big.command, big.inProcess / big.command);
    std::printf("    30 tables (%-4s)             %7.1f ms    %7.1f ms   %5.2f×\n",
                qPrintable(little.engine), little.inProcess, little.command,
                little.inProcess / little.command);
    std::printf("  target: in-process no slower than the command (ratio ≤ 1)\n\n");
    }

    // Repaint: the laid-out diagram in a view of the window's size.
    QString error;
    if (!scene.layoutNow(&error)) {
        std::fprintf(stderr, "layout failed: %s\n", qPrintable(error));
        return 1;
    }
    // A step along the history: the same tables, all with positions (items rebuilt, no layout).
    {
        const Schema schema = scene.schema();
        double cpu = 0;
        const double step = timeMs(std::max(3, runs / 2), [&] { scene.setSchema(schema); }, &cpu);
        std::printf("history step (setSchema, %d tables placed)   %7.1f ms   (CPU %.1f ms)\n\n",
                    tables, step, cpu);
    }

    DiagramView view;
    view.setDiagramScene(&scene);
    view.resize(viewSize);
    view.show();
    QApplication::processEvents();
    auto repaint = [&](const char* what) {
        QApplication::processEvents();
        QElapsedTimer t;
        t.start();
        view.viewport()->grab();
        const double first = t.nsecsElapsed() / 1e6;
        double cpu = 0;
        const double steady = timeMs(runs, [&] { view.viewport()->grab(); }, &cpu);
        std::printf("  %-22s %6.3f   %7.1f ms   %7.1f ms   %7.1f ms   %5.2f×\n", what,
                    view.zoom(), first, steady, cpu, steady / 16.0);
    };
    std::printf("repaint (%d×%d view)      zoom   first frame   repaint   (CPU)       of 16 ms\n",
                viewSize.width(), viewSize.height());
    view.fitToWindow();
    repaint("fit to window");
    view.setZoom(0.25);
    view.centerOn(scene.itemsBoundingRect().center());
    repaint("25 % (names only)");
    view.setZoom(1.0);
    view.centerOn(scene.itemsBoundingRect().center());
    repaint("100 %");
    std::printf("  target: repaint under 16 ms (\"first frame\" includes filling the item "
                "caches after a zoom)\n\n");

    // Export of the whole diagram, once each.
    const QRectF area = diagramExportRect(scene);
    std::printf("export (whole diagram, %.0f × %.0f units)\n", area.width(), area.height());
    const QSize image = diagramImageSize(scene, 1.0);
    const double pngScale =
        std::min(1.0, double(maxImageSide) / std::max(image.width(), image.height()));
    for (const auto& [name, format, scale] :
         {std::tuple{"svg", DiagramFormat::Svg, 1.0}, std::tuple{"png", DiagramFormat::Png, pngScale},
          std::tuple{"pdf", DiagramFormat::Pdf, 1.0}}) {
        const QString path = tmp.filePath(QStringLiteral("diagram.") + QLatin1String(name));
        QElapsedTimer t;
        t.start();
        const Status st = exportDiagram(scene, path, format, scale);
        std::printf("  %-4s at scale %.2f %8.0f ms   %6.1f MiB%s\n", name, scale,
                    t.nsecsElapsed() / 1e6, QFileInfo(path).size() / 1048576.0,
                    st ? "" : "  FAILED");
    }
    return 0;
}
