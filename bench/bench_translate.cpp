// Translation throughput (issue 4): a realistic PostgreSQL migration history — 1,000
// migrations of CREATE TABLE (serial / uuid keys, varchar, timestamptz DEFAULT now(), booleans,
// jsonb, numeric, enums, foreign keys with actions), CREATE INDEX (partial, expression), ALTER
// TABLE ADD COLUMN, and every 25th migration an ALTER that needs a table rebuild — translated to
// SQLite by DialectTranslator, against the floor of libpg_query parsing the same text alone
// (pg_query_parse, JSON out). Both in the same run, median of N. Target: within 3× the floor.
//
// The translator reads libpg_query's C parse tree directly (core/dialect/pgrawtree.c) instead of
// the JSON pg_query_parse writes; the bench checks that the two trees are the same on every file
// and prints, for reference, the bare parser without any output (pg_query_raw_parse).
//
//   build/bin/bench_translate [--migrations N] [--runs N] [--no-alters]

#include "dialecttranslator.h"
#include "historygen.h"
#include "pgnode.h"
#include "pgrawtree.h"

#include <pg_query.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QStringList>
#include <QTextStream>

#include <cstdio>

using namespace strata;

namespace {

bool g_alters = true; // --no-alters: CREATE TABLE / INDEX only (no ALTER, no rebuild)

QString migration(int i, QStringList& tables)
{
    QString sql = QStringLiteral("-- Migration %1\n").arg(i);
    const QString t = QStringLiteral("t%1").arg(i);
    if (g_alters && i % 25 == 24 && !tables.isEmpty()) {
        const QString old = tables[(i * 7) % tables.size()];
        return sql + QStringLiteral("ALTER TABLE %1 ALTER COLUMN title SET NOT NULL;\n"
                                    "ALTER TABLE %1 ADD CONSTRAINT %1_score_positive "
                                    "CHECK (score >= 0);\n")
                         .arg(old);
    }
    if (g_alters && i % 10 == 9 && !tables.isEmpty()) {
        const QString old = tables[(i * 3) % tables.size()];
        return sql + QStringLiteral("ALTER TABLE %1 ADD COLUMN note_%2 varchar(200);\n"
                                    "CREATE INDEX %1_note_%2_idx ON %1 (note_%2) WHERE note_%2 IS "
                                    "NOT NULL;\n")
                         .arg(old)
                         .arg(i);
    }
    if (i == 0)
        sql += QStringLiteral("CREATE TYPE item_state AS ENUM ('draft', 'active', 'archived');\n");
    const QString parent = tables.isEmpty() ? QString() : tables[(i * 13) % tables.size()];
    sql += QStringLiteral("CREATE TABLE %1 (\n"
                          "    id %2 PRIMARY KEY%3,\n"
                          "    title varchar(120) DEFAULT '',\n"
                          "    slug text NOT NULL UNIQUE,\n"
                          "    state item_state NOT NULL DEFAULT 'draft',\n"
                          "    score numeric(12, 2) DEFAULT 0,\n"
                          "    active boolean NOT NULL DEFAULT true,\n"
                          "    settings jsonb NOT NULL DEFAULT '{}'::jsonb,\n"
                          "    created_at timestamptz NOT NULL DEFAULT now(),\n"
                          "    updated_at timestamptz%4\n"
                          ");\n")
               .arg(t, i % 3 == 0 ? QStringLiteral("uuid") : QStringLiteral("bigserial"),
                    i % 3 == 0 ? QStringLiteral(" DEFAULT gen_random_uuid()") : QString(),
                    parent.isEmpty() || i % 3 == 0
                        ? QString()
                        : QStringLiteral(",\n    parent_id bigint REFERENCES %1 (id) ON DELETE "
                                         "CASCADE")
                              .arg(parent));
    sql += QStringLiteral("CREATE INDEX %1_created_idx ON %1 (created_at DESC);\n"
                          "CREATE INDEX %1_slug_lower_idx ON %1 (lower(slug)) WHERE active;\n")
               .arg(t);
    if (i % 3 != 0)
        tables << t;
    return sql;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    int migrations = 1000;
    int runs = 5;
    const QStringList args = app.arguments();
    g_alters = !args.contains(QStringLiteral("--no-alters"));
    for (qsizetype i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == QLatin1String("--migrations"))
            migrations = args[i + 1].toInt();
        else if (args[i] == QLatin1String("--runs"))
            runs = args[i + 1].toInt();
    }
    QStringList files;
    QStringList tables;
    for (int i = 0; i < migrations; ++i)
        files << migration(i, tables);
    const QString all = files.join(QLatin1Char('\n'));
    const QByteArray utf8 = all.toUtf8();

    // Statements, as the parser counts them.
    PgQuerySplitResult split = pg_query_split_with_parser(utf8.constData());
    const int statements = split.n_stmts;
    pg_query_free_split_result(split);

    // The tree translation reads, checked against libpg_query's JSON file by file.
    int sameTrees = 0;
    QString firstDifference;
    for (const QString& f : files) {
        std::string difference;
        if (PgTree::sameBothWays(f.toUtf8().constData(), &difference))
            ++sameTrees;
        else if (firstDifference.isEmpty())
            firstDifference = QString::fromStdString(difference);
    }

    QList<double> floor;
    QList<double> bare;
    QList<double> full;
    QList<double> perFile;
    int errors = 0;
    int outputs = 0;
    for (int r = 0; r < runs; ++r) {
        QElapsedTimer timer;
        timer.start();
        for (const QString& f : files) {
            const QByteArray text = f.toUtf8();
            PgQueryParseResult p = pg_query_parse(text.constData());
            pg_query_free_parse_result(p);
        }
        floor << timer.nsecsElapsed() / 1e9;

        timer.restart();
        for (const QString& f : files)
            strata_pg_raw_parse(f.toUtf8().constData(), nullptr, nullptr, nullptr);
        bare << timer.nsecsElapsed() / 1e9;

        timer.restart();
        {
            DialectTranslator translator(Dialect::Sqlite);
            outputs = 0;
            errors = 0;
            for (int i = 0; i < files.size(); ++i) {
                const TranslationResult res =
                    translator.translate(files[i], QStringLiteral("%1.sql").arg(i));
                errors += res.hasErrors() ? 1 : 0;
                for (const TranslatedStatement& s : res.statements)
                    outputs += int(s.output.size());
            }
        }
        full << timer.nsecsElapsed() / 1e9;
    }
    const double f = bench::median(floor);
    const double b = bench::median(bare);
    const double t = bench::median(full);
    QTextStream out(stdout);
    out << "corpus: " << migrations << " migrations, " << statements << " statements, "
        << utf8.size() / 1024 << " KiB; " << runs << " runs, median\n"
        << "translated: " << outputs << " SQLite statements, " << errors
        << " files with errors\n"
        << "parse tree read from: "
        << (PgTree::readsCTree() ? "libpg_query's C tree" : "libpg_query's JSON (C tree not trusted)")
        << "; the same as the JSON on " << sameTrees << " of " << files.size() << " files"
        << (firstDifference.isEmpty() ? QString() : QStringLiteral(" (first difference: %1)").arg(firstDifference))
        << "\n\n";
    out << QStringLiteral("%1 %2 %3\n").arg(QStringLiteral("what"), -52).arg(QStringLiteral("seconds"), 9).arg(QStringLiteral("stmts/s"), 10);
    out << QStringLiteral("%1 %2 %3\n")
               .arg(QStringLiteral("floor: pg_query_parse of each file alone"), -52)
               .arg(f, 9, 'f', 3)
               .arg(statements / f, 10, 'f', 0);
    out << QStringLiteral("%1 %2 %3\n")
               .arg(QStringLiteral("(reference) pg_query_raw_parse alone, no output"), -52)
               .arg(b, 9, 'f', 3)
               .arg(statements / b, 10, 'f', 0);
    out << QStringLiteral("%1 %2 %3\n")
               .arg(QStringLiteral("strata: DialectTranslator::translate, file by file"), -52)
               .arg(t, 9, 'f', 3)
               .arg(statements / t, 10, 'f', 0);
    const double ratio = t / f;
    out << "\ntranslate / floor = " << QString::number(ratio, 'f', 2) << "x   (target within 3x)  "
        << (ratio <= 3.0 ? "MET" : "NOT MET") << "\n"
        << "translate / bare parser (reference) = " << QString::number(t / b, 'f', 2) << "x\n";
    return 0;
}
