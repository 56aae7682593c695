// Times deriving the schema at every point of a long migration history (one replay into an
// in-memory database, a snapshot after each migration) against the floor: the sqlite3 shell
// running the same SQL in one transaction on an in-memory database, in the same run.
// Target (issue 3): every point of 1,000 migrations in under 2 s.
//
// Usage: bench_schema [--migrations N] [--tables N] [--runs N]

#include "historygen.h"
#include "migrationset.h"
#include "projectlocator.h"
#include "schemahistory.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>

using namespace strata;
using namespace strata::bench;

namespace {


} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption migrationsOpt("migrations", "how many migrations", "n", "1000");
    const QCommandLineOption tablesOpt("tables", "how many tables", "n", "200");
    const QCommandLineOption runsOpt("runs", "runs of each (median is reported)", "n", "3");
    parser.addOptions({migrationsOpt, tablesOpt, runsOpt});
    parser.process(app);
    HistoryShape shape;
    shape.migrations = parser.value(migrationsOpt).toInt();
    shape.tables = parser.value(tablesOpt).toInt();
    const int runs = std::max(1, parser.value(runsOpt).toInt());

    QTemporaryDir tmp;
    const QString projectDir = tmp.path() + "/project";
    QDir().mkpath(projectDir);
    const GeneratedHistory history = generateHistory(projectDir, shape);
    writeTextFile(tmp.path() + "/all-tx.sql", "BEGIN;\n" + history.concatenated + "COMMIT;\n");

    auto project = openProject(projectDir);
    if (!project)
        qFatal("%s", qPrintable(project.error().toString()));
    QList<double> floor, scan, derive;
    int points = 0, tables = 0;
    for (int r = 0; r < runs; ++r) {
        QProcess p;
        p.setStandardInputFile(tmp.path() + "/all-tx.sql");
        p.setStandardOutputFile(QProcess::nullDevice());
        QElapsedTimer t;
        t.start();
        p.start("sqlite3", {"-bail", ":memory:"});
        if (!p.waitForFinished(-1) || p.exitCode() != 0)
            qFatal("sqlite3 failed");
        floor << t.nsecsElapsed() / 1e9;

        t.restart();
        auto files = migrationsFor(project.value(), project->databases.first());
        if (!files)
            qFatal("%s", qPrintable(files.error().toString()));
        scan << t.nsecsElapsed() / 1e9;
        t.restart();
        const SchemaHistory h = deriveSchemaHistory(files.value(), Dialect::Sqlite);
        derive << t.nsecsElapsed() / 1e9;
        if (h.failure)
            qFatal("%s", qPrintable(h.failure->toString()));
        points = int(h.points.size());
        tables = int(h.points.last().schema.tables.size());
    }
    const double f = median(floor), s = median(scan), d = median(derive);
    std::printf("history: %d migrations, %d statements; %d points derived, %d tables at the end; "
                "%d runs, median\n\n",
                shape.migrations, history.statements, points, tables, runs);
    std::printf("%-58s %8s\n", "what", "seconds");
    std::printf("%-58s %8.3f\n", "floor: sqlite3 :memory: < all.sql, one transaction", f);
    std::printf("%-58s %8.3f\n", "strata: read and parse the migration files", s);
    std::printf("%-58s %8.3f\n", "strata: replay + a schema snapshot at every point", d);
    std::printf("\nevery point / floor = %.2fx; files + every point = %.3f s   (target < 2 s)  %s\n",
                d / f, s + d, s + d < 2.0 ? "MET" : "MISSED");
    return 0;
}
