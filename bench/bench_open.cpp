// Times opening a project in the window until the diagram's first painted frame with every
// table on it — a 500-table schema with ~750 foreign keys, derived from its migrations and laid
// out by Graphviz — against the floor of an empty QMainWindow with a QGraphicsView reaching its
// first frame, in the same run. Target (issue 3): under 2 s at 500 tables.
//
// Usage: QT_QPA_PLATFORM=offscreen bench_open [--tables N] [--runs N]

#include "diagramscene.h"
#include "diagramview.h"
#include "historygen.h"
#include "mainwindow.h"
#include "schemaworkspace.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QGraphicsView>
#include <QMainWindow>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>

using namespace strata;

namespace {

// Stops the event loop at the first paint of `target` once `ready()` holds.
class FirstPaint final : public QObject
{
public:
    FirstPaint(QWidget* target, std::function<bool()> ready)
        : m_target(target), m_ready(std::move(ready))
    {
        target->installEventFilter(this);
    }
    bool painted = false;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (watched == m_target && event->type() == QEvent::Paint && !painted && m_ready()) {
            // Let this paint happen, then stop.
            painted = true;
            QMetaObject::invokeMethod(qApp, &QCoreApplication::quit, Qt::QueuedConnection);
        }
        return false;
    }

private:
    QWidget* m_target;
    std::function<bool()> m_ready;
};

QString writeProject(const QString& dir, int tables)
{
    QDir().mkpath(dir + "/migrations");
    bench::writeTextFile(dir + "/strata.toml",
                         "[[database]]\nbinding = \"APP\"\nmigrations = \"migrations\"\n"
                         "[database.env.local]\npath = \"data/app.sqlite\"\n");
    int fks = 0;
    for (int t = 1; t <= tables; ++t) {
        QString sql = QString("-- migrate:up\nCREATE TABLE t%1 (\n  id INTEGER PRIMARY KEY,\n"
                              "  name TEXT NOT NULL,\n  created_at TEXT NOT NULL")
                          .arg(t);
        if (t > 1) {
            sql += QString(",\n  parent_id INTEGER REFERENCES t%1(id)").arg((t * 7) % (t - 1) + 1);
            ++fks;
        }
        if (t > 2 && t % 2 == 0) {
            sql += QString(",\n  owner_id INTEGER REFERENCES t%1(id)").arg((t * 13) % (t - 2) + 1);
            ++fks;
        }
        sql += "\n);\n";
        bench::writeTextFile(dir + QString("/migrations/%1_t%2.sql").arg(t, 4, 10, QChar('0')).arg(t),
                             sql);
    }
    return QString::number(fks);
}


} // namespace

int main(int argc, char* argv[])
{
    QStandardPaths::setTestModeEnabled(true); // positions and settings stay out of the real ones
    QApplication app(argc, argv);
    QCoreApplication::setApplicationName("strata-bench");
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption tablesOpt("tables", "how many tables", "n", "500");
    const QCommandLineOption runsOpt("runs", "runs of each (median is reported)", "n", "3");
    parser.addOptions({tablesOpt, runsOpt});
    parser.process(app);
    const int tables = parser.value(tablesOpt).toInt();
    const int runs = std::max(1, parser.value(runsOpt).toInt());

    QTemporaryDir tmp;
    const QString fks = writeProject(tmp.path() + "/project", tables);

    QList<double> floor, open;
    for (int r = 0; r < runs; ++r) {
        {
            QElapsedTimer t;
            t.start();
            QMainWindow window;
            auto* view = new QGraphicsView(new QGraphicsScene(&window), &window);
            window.setCentralWidget(view);
            window.resize(1400, 900);
            FirstPaint probe(view->viewport(), [] { return true; });
            window.show();
            app.exec();
            floor << t.nsecsElapsed() / 1e9;
        }
        {
            // Each run lays out afresh: no positions saved by an earlier run.
            QStandardPaths::setTestModeEnabled(true);
            QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).removeRecursively();
            QDir(QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) +
                 "/strata-bench").removeRecursively();
            QElapsedTimer t;
            t.start();
            MainWindow window;
            window.resize(1400, 900);
            DiagramScene* scene = window.workspace()->scene();
            FirstPaint probe(window.workspace()->view()->viewport(), [&] {
                return scene->tableItems().size() == tables && !scene->isLayoutRunning();
            });
            window.show();
            if (!window.openProject(tmp.path() + "/project").ok())
                qFatal("cannot open the generated project");
            app.exec();
            open << t.nsecsElapsed() / 1e9;
        }
    }
    const double f = bench::median(floor), o = bench::median(open);
    std::printf("schema: %d tables, %s foreign keys, one migration each; %d runs, median\n\n",
                tables, qPrintable(fks), runs);
    std::printf("%-62s %8s\n", "what", "seconds");
    std::printf("%-62s %8.3f\n", "floor: empty QMainWindow + QGraphicsView to first frame", f);
    std::printf("%-62s %8.3f\n", "strata: open project → diagram painted with every table", o);
    std::printf("\nopen / floor = %.1fx; open = %.2f s   (target < 2 s)  %s\n", o / f, o,
                o < 2.0 ? "MET" : "MISSED");
    return 0;
}
