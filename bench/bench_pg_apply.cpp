// Times Strata applying the 1,000-migration history to a fresh PostgreSQL database (Migrator::up,
// in-process) against the floor — `psql -q -f all.sql`, the same SQL concatenated into one file,
// into another fresh database on the same server, in the same run. Target (issue 4): within 1.3x.
//
// Usage: bench_pg_apply [--conninfo "host=… port=… user=…"] [--migrations N] [--tables N]
//                       [--runs N]
// Without --conninfo it starts a throw-away server with tests/pg/pgserver.sh and stops it after.

#include "benchpg.h"
#include "historygen.h"
#include "migrator.h"
#include "projectfile.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <pqxx/pqxx>

#include <algorithm>
#include <cstdio>

using namespace strata;
using namespace strata::bench;

namespace {

void recreateDatabase(const QString& conninfo, const QString& name)
{
    pqxx::connection admin(withDatabase(conninfo, QStringLiteral("postgres")).toStdString());
    pqxx::nontransaction tx(admin);
    tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(name.toStdString()) + " WITH (FORCE)");
    tx.exec("CREATE DATABASE " + tx.quote_name(name.toStdString()));
}

double timeStrataUp(const QString& projectDir)
{
    auto project = loadStrataToml(projectDir + QStringLiteral("/strata.toml"));
    if (!project)
        qFatal("%s", qPrintable(project.error().toString()));
    QElapsedTimer t;
    t.start();
    Migrator m(project.value(), QStringLiteral("DB"), QStringLiteral("local"));
    auto report = m.up(RunOptions{});
    const double seconds = t.nsecsElapsed() / 1e9;
    if (!report)
        qFatal("strata up: %s", qPrintable(report.error().toString()));
    if (report->failure)
        qFatal("strata up: %s", qPrintable(report->failure->toString()));
    return seconds;
}


} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption conninfoOpt("conninfo", "a server to use (libpq keyword=value)",
                                         "conninfo");
    const QCommandLineOption migrationsOpt("migrations", "how many migrations", "n", "1000");
    const QCommandLineOption tablesOpt("tables", "how many tables", "n", "200");
    const QCommandLineOption runsOpt("runs", "runs of each (median is reported)", "n", "3");
    parser.addOptions({conninfoOpt, migrationsOpt, tablesOpt, runsOpt});
    parser.process(app);
    const int runs = std::max(1, parser.value(runsOpt).toInt());

    const BenchPgServer server(parser.value(conninfoOpt));
    const QString conninfo = server.conninfo();
    const QString strataDb = QStringLiteral("bench_strata_up");
    const QString floorDb = QStringLiteral("bench_psql_floor");

    QTemporaryDir tmp;
    const QString projectDir = tmp.path() + QStringLiteral("/project");
    QDir().mkpath(projectDir);
    HistoryShape shape;
    shape.migrations = parser.value(migrationsOpt).toInt();
    shape.tables = parser.value(tablesOpt).toInt();
    shape.postgresUrl = QStringLiteral("postgresql://%1@%2:%3/%4")
                            .arg(conninfoField(conninfo, QStringLiteral("user")),
                                 conninfoField(conninfo, QStringLiteral("host")),
                                 conninfoField(conninfo, QStringLiteral("port")), strataDb);
    const GeneratedHistory history = generateHistory(projectDir, shape);
    const QString allSql = tmp.path() + QStringLiteral("/all.sql");
    writeTextFile(allSql, history.concatenated);

    std::printf("history: %d migrations, %d tables, %d statements; server %s; %d runs each, "
                "median\n",
                shape.migrations, shape.tables, history.statements, qPrintable(conninfo), runs);
    QList<double> floor, up;
    for (int r = 0; r < runs; ++r) {
        recreateDatabase(conninfo, floorDb);
        floor << timeProcess(QStringLiteral("psql"),
                             {QStringLiteral("-q"), QStringLiteral("-X"), QStringLiteral("-v"),
                              QStringLiteral("ON_ERROR_STOP=1"), QStringLiteral("-f"), allSql,
                              withDatabase(conninfo, floorDb)},
                             true);
        recreateDatabase(conninfo, strataDb);
        up << timeStrataUp(projectDir);
        std::printf("  run %d: psql %.3f s, strata up %.3f s\n", r + 1, floor.last(), up.last());
    }
    {
        pqxx::connection admin(withDatabase(conninfo, QStringLiteral("postgres")).toStdString());
        pqxx::nontransaction tx(admin);
        tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(floorDb.toStdString()));
        tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(strataDb.toStdString()));
    }

    const double f = median(floor), u = median(up);
    std::printf("\n%-58s %10s\n", "what", "seconds");
    std::printf("%-58s %10.3f\n", "floor: psql -q -f all.sql (autocommit per statement)", f);
    std::printf("%-58s %10.3f\n", "strata up (a transaction per migration with its history)", u);
    const double ratio = u / f;
    std::printf("\nstrata up / floor = %.2fx   (target <= 1.3x)  %s\n", ratio,
                ratio <= 1.3 ? "MET" : "MISSED");
    return 0;
}
