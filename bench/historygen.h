#pragma once

// Writes a long, realistic migration history for benchmarks: tables with foreign keys, indexes,
// ALTER TABLE ADD COLUMN, views and some rows — the shape of a real application's life.

#include <QList>
#include <QString>

namespace strata::bench {

struct HistoryShape
{
    int tables = 200;
    int migrations = 1000;
    // Set: a PostgreSQL project whose environment `local` is this URL, the same history in SQL
    // PostgreSQL accepts too (identity ids instead of SQLite's rowid aliases).
    QString postgresUrl;
};

struct GeneratedHistory
{
    QString projectDir;   // holds strata.toml and migrations/
    QString concatenated; // every up section in order, one file: the floor's input
    int statements = 0;
};

// The middle of a set of timings (the benchmarks report medians).
double median(QList<double> values);

// Writes `text` to `path` (UTF-8), replacing it; a failure stops the benchmark.
void writeTextFile(const QString& path, const QString& text);

// Writes the project into `dir` (which must exist and be empty) with a SQLite database at
// `dir/data/bench.sqlite` (not created), or the PostgreSQL database `shape.postgresUrl`.
GeneratedHistory generateHistory(const QString& dir, const HistoryShape& shape);

} // namespace strata::bench
