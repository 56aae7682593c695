#include "datacopy.h"

#include "pgconnection.h"
#include "pgcopysource.h"
#include "pgschemareader.h"
#include "sqlitecopytarget.h"
#include "sqlitefilecheck.h" // isWalFile
#include "sqlitesession.h"   // ApplyLock
#include "targetswap.h"
#include "valueconverter.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QHash>
#include <QMap>

#include <algorithm>
#include <vector>

namespace strata {
namespace {

// How often (in rows) the progress callback hears about a table being loaded.
constexpr qint64 progressEveryRows = 8192;
// A <target>.strata-copy-* file this old is an orphan of a copy that was killed.
constexpr qint64 leftoverAgeSecs = 24 * 3600;

struct ColumnLoss
{
    const char* reason = nullptr;
    qint64 count = 0;
    qint64 firstRow = 0;
    QString firstSource, firstStored;
};

// Loads one table: its rows from the source snapshot into the new file.
class TableLoader final
{
public:
    TableLoader(PgCopySource& source, SqliteCopyTarget& target, const CopyOptions& options,
                CopyReport& report)
        : m_source(source), m_target(target), m_options(options), m_report(report)
    {
    }

    // False with `error` set when the copy must stop.
    bool load(const Table& model, TableCopyResult& result, Error* error);

private:
    QString rowName(qint64 row, char** data, const int* sizes) const;

    PgCopySource& m_source;
    SqliteCopyTarget& m_target;
    const CopyOptions& m_options;
    CopyReport& m_report;
    QList<int> m_keyPositions; // positions of the primary key among the copied columns
    QStringList m_keyNames;
};

bool TableLoader::load(const Table& model, TableCopyResult& result, Error* error)
{
    auto stop = [&](const QString& message, const QString& detail = {}) {
        result.status = TableCopyResult::Status::Failed;
        result.message = message;
        *error =
            Error{QStringLiteral("table %1: %2").arg(result.source, message), {}, 0, 0, detail};
        return false;
    };
    auto described = m_source.describe(result.source);
    if (!described)
        return stop(described.error().message);
    const SourceTable& table = described.value();
    auto targetColumns = m_target.columns(result.target);
    if (!targetColumns)
        return stop(targetColumns.error().message);
    QHash<QString, TargetColumn> byName;
    for (const TargetColumn& c : targetColumns.value())
        byName.insert(c.name, c);

    // The columns that carry values: not generated on either side (the target computes those).
    QList<int> copied;
    QStringList names;
    std::vector<ValueConverter> converters;
    for (int i = 0; i < table.columns.size(); ++i) {
        const SourceColumn& c = table.columns[i];
        if (c.generated)
            continue;
        const auto t = byName.constFind(c.name);
        if (t == byName.constEnd())
            return stop(QStringLiteral("column %1 is not in the translated table %2")
                            .arg(c.name, result.target));
        if (t->generated)
            continue;
        copied << i;
        names << c.name;
        converters.emplace_back(c.kind, t->affinity);
    }
    const QStringList key = model.primaryKey();
    m_keyPositions.clear();
    m_keyNames.clear();
    for (const QString& k : key)
        if (const int at = int(names.indexOf(k)); at >= 0) {
            m_keyPositions << at;
            m_keyNames << k;
        }

    auto counted = m_source.count(table);
    if (!counted)
        return stop(counted.error().message);
    result.sourceRows = counted.value();
    if (Status s = m_target.prepareInsert(result.target, names); !s)
        return stop(s.error().message, s.error().detail);
    if (Status s = m_target.begin(); !s)
        return stop(s.error().message);

    const int n = int(copied.size());
    std::vector<SqlValue> values(size_t(n) + 1);
    std::vector<std::vector<ColumnLoss>> losses(size_t(n) + 1);
    qint64 row = 0;
    std::optional<Error> failure;
    if (m_options.progress)
        m_options.progress(CopyPhase::Rows, result.source, 0, result.sourceRows);
    auto streamed = m_source.stream(table, copied, [&](char** data, const int* sizes) {
        ++row;
        for (int i = 0; i < n; ++i) {
            SqlValue& v = values[size_t(i)];
            if (!data[i]) {
                v.type = SqlValue::Type::Null;
            } else {
                const char* loss = nullptr;
                QString why;
                if (!converters[size_t(i)].convert(data[i], sizes[i], v, &loss, &why)) {
                    failure = Error{QStringLiteral("table %1, %2, column %3 (%4): %5")
                                        .arg(result.source, rowName(row, data, sizes), names[i],
                                             table.columns[copied[i]].type, why),
                                    {},
                                    0,
                                    0,
                                    {}};
                    return false;
                }
                if (loss) {
                    // A column loses in one way, rarely two (NaN and rounding): one entry each.
                    auto& list = losses[size_t(i)];
                    auto it = std::find_if(list.begin(), list.end(),
                                           [&](const ColumnLoss& c) { return c.reason == loss; });
                    if (it == list.end())
                        it = list.insert(list.end(), ColumnLoss{});
                    ColumnLoss& l = *it;
                    if (l.count++ == 0) {
                        // The lossy conversions leave the source text as it was.
                        l.reason = loss;
                        l.firstRow = row;
                        l.firstSource = exampleText(data[i], sizes[i]);
                        l.firstStored = describeSqlValue(v);
                    }
                }
            }
            m_target.bind(i, v);
        }
        QString why;
        if (!m_target.insertRow(&why)) {
            failure = Error{QStringLiteral("table %1, %2: SQLite refused the row: %3")
                                .arg(result.source, rowName(row, data, sizes), why),
                            {},
                            0,
                            0,
                            {}};
            return false;
        }
        if (row % m_options.batchRows == 0) {
            if (Status s = m_target.commit(); !s) {
                failure = s.error();
                return false;
            }
            if (Status s = m_target.begin(); !s) {
                failure = s.error();
                return false;
            }
        }
        if (m_options.progress && row % progressEveryRows == 0)
            m_options.progress(CopyPhase::Rows, result.source, row, result.sourceRows);
        return true;
    });
    m_target.finishInsert();
    if (failure) {
        result.status = TableCopyResult::Status::Failed;
        result.message = failure->message;
        *error = *failure;
        return false;
    }
    if (!streamed)
        return stop(streamed.error().message);
    if (Status s = m_target.commit(); !s)
        return stop(s.error().message);
    if (m_options.progress)
        m_options.progress(CopyPhase::Rows, result.source, row, result.sourceRows);
    m_report.rowsCopied += row;
    for (int i = 0; i < n; ++i)
        for (const ColumnLoss& l : losses[size_t(i)])
            m_report.lossy << LossyConversion{result.source,
                                              names[i],
                                              table.columns[copied[i]].type,
                                              QString::fromUtf8(l.reason),
                                              l.count,
                                              l.firstRow,
                                              l.firstSource,
                                              l.firstStored};
    return true;
}

// "row 17 (id = 42)": the position in the source's order, and the key when the row has one (as
// PostgreSQL printed it, cut to maxExampleChars).
QString TableLoader::rowName(qint64 row, char** data, const int* sizes) const
{
    QStringList key;
    for (int i = 0; i < m_keyPositions.size(); ++i) {
        const int at = m_keyPositions[i];
        key << m_keyNames[i] + QStringLiteral(" = ") +
                   (data[at] ? exampleText(data[at], sizes[at]) : QStringLiteral("NULL"));
    }
    return key.isEmpty()
               ? QStringLiteral("row %1").arg(row)
               : QStringLiteral("row %1 (%2)").arg(row).arg(key.join(QStringLiteral(", ")));
}

} // namespace

QString TableCopyResult::statusName(Status s)
{
    switch (s) {
    case Status::NotCopied:
        return QStringLiteral("not copied");
    case Status::Ok:
        return QStringLiteral("ok");
    case Status::Mismatch:
        return QStringLiteral("mismatch");
    case Status::Failed:
        return QStringLiteral("failed");
    }
    return {};
}

DataCopy::DataCopy(Environment source, Environment target, Dialect targetDialect)
    : m_source(std::move(source)), m_target(std::move(target)), m_dialect(targetDialect)
{
}

std::optional<Error> DataCopy::problem() const
{
    if (m_source.kind != Environment::Kind::Postgres)
        return Error{QStringLiteral("the source of a copy is a PostgreSQL database; %1 is not")
                         .arg(m_source.displayLocation()),
                     {},
                     0,
                     0,
                     {}};
    if (m_target.kind == Environment::Kind::D1Remote)
        return Error{QStringLiteral("%1 is a Cloudflare-hosted D1 database, which cannot be "
                                    "written from here: copy into the local one, then move it "
                                    "with `wrangler d1 export` / `wrangler d1 execute --remote`")
                         .arg(m_target.name),
                     {},
                     0,
                     0,
                     {}};
    if (m_target.kind != Environment::Kind::SqliteFile || m_dialect == Dialect::Postgres)
        return Error{QStringLiteral("the target of a copy is a SQLite or D1 database; %1 is not")
                         .arg(m_target.displayLocation()),
                     {},
                     0,
                     0,
                     {}};
    return std::nullopt;
}

CopyReport DataCopy::run(const CopyOptions& options)
{
    QElapsedTimer total, phase;
    total.start();
    phase.start();
    CopyReport report;
    report.source = m_source.displayLocation();
    report.target = QFileInfo(m_target.path).absoluteFilePath();
    report.targetDialect = m_dialect;
    auto fail = [&](CopyFailureKind kind, const Error& e) {
        report.failure = e;
        report.failureKind = kind;
        report.totalMs = total.elapsed();
        return report;
    };
    auto progress = [&](CopyPhase p, const QString& what, qint64 done, qint64 all) {
        if (options.progress)
            options.progress(p, what, done, all);
    };
    if (auto p = problem())
        return fail(CopyFailureKind::Project, *p);

    // 1. The schema, translated; nothing is written if a table cannot be.
    progress(CopyPhase::Schema, {}, 0, 1);
    // A source that cannot be reached (no password, server down) is the project's problem, as
    // for every other command on a PostgreSQL environment.
    auto connection = connectPostgres(m_source);
    if (!connection)
        return fail(CopyFailureKind::Project, connection.error());
    auto schema = readPostgresSchema(*connection.value());
    connection.value().reset();
    if (!schema)
        return fail(CopyFailureKind::Failed, schema.error());
    auto opened = PgCopySource::open(m_source);
    if (!opened)
        return fail(CopyFailureKind::Project, opened.error());
    PgCopySource& source = *opened.value();
    auto domains = source.domainStatements();
    if (!domains)
        return fail(CopyFailureKind::Failed, domains.error());
    // SQLite has no partitions: a partitioned table becomes one table holding the rows of all
    // its partitions (reading it reads theirs), and the partitions are not tables of their own.
    // The schema model keeps them (the diagram shows them); only the copy leaves them out.
    auto partitions = source.partitionRoots();
    if (!partitions)
        return fail(CopyFailureKind::Failed, partitions.error());
    QMap<QString, QStringList> partitionsOf;
    for (auto it = partitions->cbegin(); it != partitions->cend(); ++it)
        partitionsOf[it.value()] << it.key();
    schema->tables.removeIf([&](const Table& t) { return partitions->contains(t.name); });
    const CopySchemaPlan plan = planCopySchema(schema.value(), domains.value(), m_dialect);
    report.notes = plan.notes;
    for (auto it = partitionsOf.begin(); it != partitionsOf.end(); ++it) {
        std::sort(it->begin(), it->end());
        report.notes << CopyNote{
            QStringLiteral("table ") + it.key(), QStringLiteral("note"),
            QStringLiteral("partitioned: SQLite has no partitions, so this one table holds the "
                           "rows of %1 (%2), which are not tables of their own in the copy")
                .arg(it->size() == 1 ? QStringLiteral("its partition")
                                     : QStringLiteral("its partitions"),
                     it->join(QStringLiteral(", "))),
            false};
    }
    for (const CopyTablePlan& t : plan.tables)
        report.tables << TableCopyResult{
            t.source, t.target, -1, -1, TableCopyResult::Status::NotCopied, {}};
    if (plan.blocked()) {
        QStringList why;
        for (const CopyNote& n : plan.notes)
            if (n.blocking)
                why << n.object + QStringLiteral(": ") + n.message;
        return fail(CopyFailureKind::Failed,
                    Error{QStringLiteral("the dialect engine cannot translate every table, so "
                                         "nothing was copied: ") +
                              why.join(QStringLiteral("; ")),
                          {},
                          0,
                          0,
                          {}});
    }

    // 2. No migration may start on the target while it is being replaced.
    if (!QDir().mkpath(QFileInfo(report.target).absolutePath()))
        return fail(CopyFailureKind::Failed,
                    Error{QStringLiteral("cannot create the database's folder"),
                          QFileInfo(report.target).absolutePath(),
                          0,
                          0,
                          {}});
    ApplyLock lock(report.target);
    if (Status s = lock.acquire(options.lockTimeoutMs); !s)
        return fail(CopyFailureKind::Busy, s.error());
    // What copies killed before the end left behind (a day old at least, as unfinished backups).
    QStringList stuck;
    for (const QString& f :
         SqliteCopyTarget::sweepLeftovers(report.target, leftoverAgeSecs, &stuck))
        report.notes << CopyNote{
            QStringLiteral("file ") + QDir::toNativeSeparators(f), QStringLiteral("note"),
            QStringLiteral("removed: left by a copy that did not finish"), false};
    for (const QString& f : std::as_const(stuck))
        report.notes << CopyNote{QStringLiteral("file ") + QDir::toNativeSeparators(f),
                                 QStringLiteral("warning"),
                                 QStringLiteral("left by a copy that did not finish, and cannot "
                                                "be removed: delete it by hand"),
                                 false};
    auto created = SqliteCopyTarget::create(report.target);
    if (!created)
        return fail(CopyFailureKind::Failed, created.error());
    SqliteCopyTarget& target = *created.value();
    for (const CopyTablePlan& t : plan.tables)
        for (const QString& sql : t.create)
            if (Status s = target.exec(sql); !s)
                return fail(CopyFailureKind::Failed,
                            Error{QStringLiteral("creating table %1 failed: %2")
                                      .arg(t.target, s.error().message),
                                  {},
                                  0,
                                  0,
                                  sql});
    progress(CopyPhase::Schema, {}, 1, 1);
    report.schemaMs = phase.restart();

    // 3. The rows, all from one snapshot of the source.
    if (Status s = source.begin(); !s)
        return fail(CopyFailureKind::Failed, s.error());
    if (auto all = source.tableNames())
        for (const QString& name : all.value())
            if (!schema->table(name))
                report.notes << CopyNote{QStringLiteral("table ") + name, QStringLiteral("note"),
                                         QStringLiteral("not copied: a migration tool's history "
                                                        "table. The target's history is its own "
                                                        "(`strata baseline V` adopts a schema "
                                                        "that its migrations describe)"),
                                         false};
    TableLoader loader(source, target, options, report);
    for (int i = 0; i < plan.tables.size(); ++i) {
        Error error;
        if (!loader.load(*schema->table(plan.tables[i].source), report.tables[i], &error))
            return fail(CopyFailureKind::Failed, error);
    }
    // AUTOINCREMENT counters continue after what the source's sequences handed out.
    for (const CopyTablePlan& t : plan.tables) {
        if (!t.create.join(QLatin1Char(' '))
                 .contains(QLatin1String("AUTOINCREMENT"), Qt::CaseInsensitive))
            continue;
        const QStringList key = schema->table(t.source)->primaryKey();
        if (key.size() != 1)
            continue;
        auto described = source.describe(t.source);
        if (!described)
            return fail(CopyFailureKind::Failed, described.error());
        auto sequence = source.sequence(described.value(), key.first());
        if (!sequence)
            return fail(CopyFailureKind::Failed, sequence.error());
        if (!sequence->readable) {
            // Not a failure: every row is there, and SQLite never hands out an id below the
            // largest copied one. Only ids of rows deleted at the end could come back.
            report.notes << CopyNote{
                QStringLiteral("sequence ") + sequence->name, QStringLiteral("warning"),
                QStringLiteral("cannot be read (no SELECT privilege), so the AUTOINCREMENT counter "
                               "of %1 continues after the largest copied %2, not after the last "
                               "value the sequence handed out: ids of rows deleted at the end "
                               "could be given again. Run GRANT SELECT ON SEQUENCE %3 TO %4 and "
                               "copy again")
                    .arg(t.target, key.first(), sequence->name, sequence->role),
                false};
            continue;
        }
        if (sequence->lastValue)
            if (Status s = target.raiseAutoincrement(t.target, *sequence->lastValue); !s)
                return fail(CopyFailureKind::Failed, s.error());
    }
    source.end();
    report.rowsMs = phase.restart();

    // 4. Indexes after the rows (one sort each instead of a b-tree insert per row), views.
    progress(CopyPhase::Indexes, {}, 0, 1);
    for (const CopyObjectPlan& ix : plan.indexes)
        for (const QString& sql : ix.sql)
            if (Status s = target.exec(sql); !s)
                return fail(CopyFailureKind::Failed,
                            Error{QStringLiteral("%1 cannot be built on the copied rows: %2")
                                      .arg(ix.object, s.error().message),
                                  {},
                                  0,
                                  0,
                                  sql});
    // A view may name another: retry those that failed while some succeed.
    QList<CopyObjectPlan> views = plan.views;
    QHash<QString, QString> viewErrors;
    for (bool again = true; again && !views.isEmpty();) {
        again = false;
        for (auto it = views.begin(); it != views.end();) {
            Status ok = success();
            for (const QString& sql : it->sql)
                if (ok = target.exec(sql); !ok)
                    break;
            if (ok) {
                again = true;
                viewErrors.remove(it->object);
                it = views.erase(it);
            } else {
                viewErrors.insert(it->object, ok.error().message);
                ++it;
            }
        }
    }
    for (const CopyObjectPlan& v : std::as_const(views))
        report.notes << CopyNote{
            v.object + QStringLiteral(" (not copied)"), QStringLiteral("warning"),
            QStringLiteral("SQLite refused it: ") + viewErrors.value(v.object), false};
    progress(CopyPhase::Indexes, {}, 1, 1);
    report.indexMs = phase.restart();

    // 5. Counts, foreign keys, the file.
    progress(CopyPhase::Check, {}, 0, 1);
    bool countsMatch = true;
    for (TableCopyResult& t : report.tables) {
        auto n = target.count(t.target);
        if (!n)
            return fail(CopyFailureKind::Failed, n.error());
        t.targetRows = n.value();
        if (t.targetRows == t.sourceRows) {
            t.status = TableCopyResult::Status::Ok;
        } else {
            t.status = TableCopyResult::Status::Mismatch;
            t.message = QStringLiteral("%1 rows in the source, %2 in the copy")
                            .arg(t.sourceRows)
                            .arg(t.targetRows);
            countsMatch = false;
        }
    }
    if (!countsMatch)
        return fail(CopyFailureKind::Failed,
                    Error{QStringLiteral("row counts differ: the copy was not put in place"),
                          report.target,
                          0,
                          0,
                          {}});
    auto fk = target.foreignKeyCheck();
    if (!fk)
        return fail(CopyFailureKind::Failed, fk.error());
    if (fk.value() != QLatin1String("ok"))
        return fail(CopyFailureKind::Failed,
                    Error{QStringLiteral("foreign_key_check: ") + fk.value(), {}, 0, 0, {}});
    auto check = target.quickCheck();
    if (!check)
        return fail(CopyFailureKind::Failed, check.error());
    if (check.value() != QLatin1String("ok"))
        return fail(
            CopyFailureKind::Failed,
            Error{QStringLiteral("quick_check of the new file: ") + check.value(), {}, 0, 0, {}});
    const bool wal =
        m_dialect == Dialect::D1 || (QFileInfo(report.target).isFile() && isWalFile(report.target));
    if (Status s = target.finish(wal); !s)
        return fail(CopyFailureKind::Failed, s.error());
    progress(CopyPhase::Check, {}, 1, 1);
    report.checkMs = phase.restart();

    // 6. In place, keeping what was there.
    progress(CopyPhase::Swap, {}, 0, 1);
    bool busy = false;
    auto swapped = TargetSwap::replace(target.path(), report.target, QStringLiteral("before-copy"),
                                       options.busyTimeoutMs, &busy);
    if (!swapped)
        return fail(busy ? CopyFailureKind::Busy : CopyFailureKind::Failed, swapped.error());
    target.release();
    report.safetyCopy = swapped->safetyCopy;
    progress(CopyPhase::Swap, {}, 1, 1);
    report.swapMs = phase.elapsed();
    report.totalMs = total.elapsed();
    return report;
}

} // namespace strata
