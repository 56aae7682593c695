// Times `strata copy` (DataCopy::run, in-process) of a 1,000,000-row PostgreSQL table into a new
// SQLite file against the floor — `psql -c "\copy events to FILE csv"` followed by
// `sqlite3 floor.db ".import --csv FILE events"` into the same columns (no conversion, no check,
// no verification) — on the same server, in the same run. Target (issue 5): within 2x. Rows per
// second printed for both.
//
// The table mixes the types a real one has: bigint key, integer, text, numeric(12,2),
// timestamptz, boolean, jsonb.
//
// Usage: bench_copy --conninfo "host=… port=… user=…" [--rows N] [--runs N]
// (e.g. the dev server: bash tests/pg/pgserver.sh start /tmp/x; then --conninfo "$(cat
// /tmp/x/conninfo)")

#include "datacopy.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <pqxx/pqxx>

#include <algorithm>
#include <cstdio>

using namespace strata;

namespace {

const char* const kDatabase = "strata_bench_copy";

QString withDatabase(const QString& conninfo, const QString& db)
{
    QString info = conninfo;
    info.remove(QRegularExpression(QStringLiteral("\\s*dbname=\\S+")));
    return info + QStringLiteral(" dbname=") + db;
}

QString field(const QString& conninfo, const QString& key)
{
    const auto m = QRegularExpression(key + QStringLiteral("=(\\S+)")).match(conninfo);
    return m.hasMatch() ? m.captured(1) : QString();
}

void createSource(const QString& conninfo, qint64 rows)
{
    {
        pqxx::connection admin(withDatabase(conninfo, QStringLiteral("postgres")).toStdString());
        pqxx::nontransaction tx(admin);
        tx.exec(std::string("DROP DATABASE IF EXISTS ") + kDatabase + " WITH (FORCE)");
        tx.exec(std::string("CREATE DATABASE ") + kDatabase);
    }
    pqxx::connection c(withDatabase(conninfo, QString::fromLatin1(kDatabase)).toStdString());
    pqxx::nontransaction tx(c);
    tx.exec("CREATE TABLE events (id bigint PRIMARY KEY, user_id integer NOT NULL, kind text NOT "
            "NULL, amount numeric(12,2), created_at timestamptz NOT NULL, active boolean NOT "
            "NULL, payload jsonb)");
    tx.exec("INSERT INTO events SELECT i, i % 5000, 'kind-' || (i % 17), (i % 100000) / 100.0, "
            "timestamptz '2024-01-01 00:00:00+00' + i * interval '1.5 seconds', i % 3 = 0, "
            "CASE WHEN i % 4 = 0 THEN NULL ELSE jsonb_build_object('n', i, 'tag', 'x' || (i % "
            "9)) END FROM generate_series(1, " +
            std::to_string(rows) + ") i");
    tx.exec("VACUUM ANALYZE events");
}

double runProcess(const QString& program, const QStringList& args)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    p.setStandardOutputFile(QProcess::nullDevice());
    QElapsedTimer t;
    t.start();
    p.start(program, args);
    if (!p.waitForFinished(-1) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        std::fprintf(stderr, "%s failed\n", qPrintable(program));
        std::exit(2);
    }
    return t.nsecsElapsed() / 1e9;
}

struct FloorTime
{
    double psql = 0, sqlite = 0;
    double total() const { return psql + sqlite; }
};

FloorTime floorRun(const QString& conninfo, const QString& dir)
{
    const QString csv = dir + QStringLiteral("/events.csv");
    const QString db = dir + QStringLiteral("/floor.sqlite");
    QFile::remove(csv);
    QFile::remove(db);
    FloorTime t;
    // PGHOST etc. from the conninfo: psql takes it as its connection string.
    t.psql =
        runProcess(QStringLiteral("psql"),
                   {QStringLiteral("-X"), QStringLiteral("-q"),
                    withDatabase(conninfo, QString::fromLatin1(kDatabase)), QStringLiteral("-c"),
                    QStringLiteral("\\copy events to '%1' csv").arg(csv)});
    t.sqlite = runProcess(
        QStringLiteral("sqlite3"),
        {db,
         QStringLiteral("CREATE TABLE events (id INTEGER PRIMARY KEY, user_id INTEGER NOT "
                        "NULL, kind TEXT NOT NULL, amount NUMERIC, created_at TEXT NOT NULL, "
                        "active INTEGER NOT NULL, payload TEXT)"),
         QStringLiteral(".import --csv %1 events").arg(csv)});
    return t;
}

struct StrataTime
{
    double total = 0;
    CopyReport report;
};

StrataTime strataRun(const QString& conninfo, const QString& dir)
{
    const QString target = dir + QStringLiteral("/strata.sqlite");
    QFile::remove(target);
    Environment source;
    source.name = QStringLiteral("production");
    source.kind = Environment::Kind::Postgres;
    source.url =
        QStringLiteral("postgresql://%1@%2:%3/%4")
            .arg(field(conninfo, QStringLiteral("user")), field(conninfo, QStringLiteral("host")),
                 field(conninfo, QStringLiteral("port")), QString::fromLatin1(kDatabase));
    Environment dest;
    dest.name = QStringLiteral("local");
    dest.path = target;
    DataCopy job(source, dest, Dialect::Sqlite);
    QElapsedTimer t;
    t.start();
    StrataTime out;
    out.report = job.run();
    out.total = t.nsecsElapsed() / 1e9;
    if (!out.report.ok()) {
        std::fprintf(stderr, "strata copy failed: %s\n",
                     qPrintable(out.report.failure->toString()));
        std::exit(2);
    }
    return out;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption conninfoOpt(QStringLiteral("conninfo"), QStringLiteral("server"),
                                         QStringLiteral("conninfo"));
    const QCommandLineOption rowsOpt(QStringLiteral("rows"), QStringLiteral("rows"),
                                     QStringLiteral("n"), QStringLiteral("1000000"));
    const QCommandLineOption runsOpt(QStringLiteral("runs"), QStringLiteral("runs"),
                                     QStringLiteral("n"), QStringLiteral("3"));
    parser.addOptions({conninfoOpt, rowsOpt, runsOpt});
    parser.process(app);
    const QString conninfo = parser.value(conninfoOpt);
    if (conninfo.isEmpty()) {
        std::fprintf(stderr, "bench_copy: --conninfo is required\n");
        return 2;
    }
    const qint64 rows = parser.value(rowsOpt).toLongLong();
    const int runs = std::max(1, parser.value(runsOpt).toInt());

    QTemporaryDir dir;
    std::printf("creating %lld rows in %s…\n", rows, kDatabase);
    std::fflush(stdout);
    createSource(conninfo, rows);

    FloorTime bestFloor{1e9, 0};
    StrataTime bestStrata;
    bestStrata.total = 1e9;
    for (int i = 0; i < runs; ++i) {
        // Alternate which goes first so neither always meets a warm cache.
        const bool floorFirst = i % 2 == 0;
        FloorTime f;
        StrataTime s;
        if (floorFirst) {
            f = floorRun(conninfo, dir.path());
            s = strataRun(conninfo, dir.path());
        } else {
            s = strataRun(conninfo, dir.path());
            f = floorRun(conninfo, dir.path());
        }
        std::printf("run %d: floor %.2f s (psql %.2f + sqlite3 %.2f), strata %.2f s\n", i + 1,
                    f.total(), f.psql, f.sqlite, s.total);
        std::fflush(stdout);
        if (f.total() < bestFloor.total())
            bestFloor = f;
        if (s.total < bestStrata.total)
            bestStrata = s;
    }
    const CopyReport& r = bestStrata.report;
    const double ratio = bestStrata.total / bestFloor.total();
    std::printf("\n%lld rows, best of %d runs\n", rows, runs);
    std::printf("floor  psql \\copy to csv + sqlite3 .import: %.2f s (%.2f + %.2f)  %.0f rows/s\n",
                bestFloor.total(), bestFloor.psql, bestFloor.sqlite, rows / bestFloor.total());
    std::printf("strata copy: %.2f s  %.0f rows/s  (schema %.2f, rows %.2f, indexes %.2f, checks "
                "%.2f, swap %.2f)\n",
                bestStrata.total, rows / bestStrata.total, r.schemaMs / 1000.0, r.rowsMs / 1000.0,
                r.indexMs / 1000.0, r.checkMs / 1000.0, r.swapMs / 1000.0);
    std::printf("ratio: %.2fx the floor — target 2x: %s\n", ratio, ratio <= 2.0 ? "MET" : "MISSED");

    pqxx::connection admin(withDatabase(conninfo, QStringLiteral("postgres")).toStdString());
    pqxx::nontransaction tx(admin);
    tx.exec(std::string("DROP DATABASE IF EXISTS ") + kDatabase + " WITH (FORCE)");
    return 0;
}
