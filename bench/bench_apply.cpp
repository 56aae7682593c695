// Times `strata up` on a long generated history against the floor — the sqlite3 shell running
// the same SQL concatenated into one file, in one transaction — and `strata status` on it.
// Targets (issue 2): up within 1.5x the floor at 1,000 migrations; status under 100 ms.
//
// Usage: bench_apply [--strata PATH] [--migrations N] [--tables N] [--runs N]

#include "historygen.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>

using namespace strata::bench;

namespace {

double runTimed(const QString& program, const QStringList& args, const QString& stdinFile = {})
{
    QProcess p;
    p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    if (!stdinFile.isEmpty())
        p.setStandardInputFile(stdinFile);
    p.setStandardOutputFile(QProcess::nullDevice());
    QElapsedTimer t;
    t.start();
    p.start(program, args);
    if (!p.waitForFinished(-1) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        qFatal("%s %s failed (exit %d)", qPrintable(program), qPrintable(args.join(' ')),
               p.exitCode());
    return t.nsecsElapsed() / 1e9;
}


} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption strataOpt("strata", "the strata executable", "path",
                                       QCoreApplication::applicationDirPath() + "/strata");
    const QCommandLineOption migrationsOpt("migrations", "how many migrations", "n", "1000");
    const QCommandLineOption tablesOpt("tables", "how many tables", "n", "200");
    const QCommandLineOption runsOpt("runs", "runs of each (median is reported)", "n", "3");
    parser.addOptions({strataOpt, migrationsOpt, tablesOpt, runsOpt});
    parser.process(app);
    const QString strata = QFileInfo(parser.value(strataOpt)).absoluteFilePath();
    HistoryShape shape;
    shape.migrations = parser.value(migrationsOpt).toInt();
    shape.tables = parser.value(tablesOpt).toInt();
    const int runs = std::max(1, parser.value(runsOpt).toInt());

    QTemporaryDir tmp;
    const QString projectDir = tmp.path() + "/project";
    QDir().mkpath(projectDir);
    const GeneratedHistory history = generateHistory(projectDir, shape);
    writeTextFile(tmp.path() + "/all-tx.sql", "BEGIN;\n" + history.concatenated + "COMMIT;\n");
    writeTextFile(tmp.path() + "/all.sql", history.concatenated);

    std::printf("history: %d migrations, %d tables, %d statements; %d runs each, median\n",
                shape.migrations, shape.tables, history.statements, runs);

    QList<double> floorTx, floorAuto, up;
    for (int r = 0; r < runs; ++r) {
        QFile::remove(tmp.path() + "/floor.sqlite");
        floorTx << runTimed("sqlite3", {"-bail", tmp.path() + "/floor.sqlite"},
                            tmp.path() + "/all-tx.sql");
        QFile::remove(tmp.path() + "/floor-auto.sqlite");
        floorAuto << runTimed("sqlite3", {"-bail", tmp.path() + "/floor-auto.sqlite"},
                              tmp.path() + "/all.sql");
        QDir(projectDir + "/data").removeRecursively();
        up << runTimed(strata, {"up", "--project", projectDir});
    }
    // The applied project stays for status.
    QList<double> status;
    for (int r = 0; r < 10; ++r)
        status << runTimed(strata, {"status", "--project", projectDir});

    const double fTx = median(floorTx), fAuto = median(floorAuto), u = median(up),
                 s = median(status);
    std::printf("\n%-52s %10s\n", "what", "seconds");
    std::printf("%-52s %10.3f\n", "floor: sqlite3 < all.sql, one transaction", fTx);
    std::printf("%-52s %10.3f\n", "(for reference) sqlite3 < all.sql, autocommit", fAuto);
    std::printf("%-52s %10.3f\n", "strata up (savepoint per migration, group commit)", u);
    std::printf("%-52s %10.3f\n", "strata status (applied project, median of 10)", s);
    const double ratio = u / fTx;
    std::printf("\nstrata up / floor = %.2fx   (target <= 1.5x)  %s\n", ratio,
                ratio <= 1.5 ? "MET" : "MISSED");
    std::printf("strata status     = %.0f ms   (target < 100 ms) %s\n", s * 1000,
                s < 0.1 ? "MET" : "MISSED");
    return 0;
}
