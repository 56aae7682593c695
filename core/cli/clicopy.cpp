// `strata copy`: a PostgreSQL database's schema and rows into a SQLite or D1 one, with the
// per-table row-count report (core/copy/, docs/copy.md).

#include "clicommands.h"

#include "datacopy.h"
#include "terminalline.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>

namespace strata {
namespace {

QString count(qint64 n)
{
    return n < 0 ? QStringLiteral("—") : QLocale(QLocale::English).toString(n);
}

qint64 rowsPerSecond(const CopyReport& r)
{
    const qint64 ms = r.rowsMs > 0 ? r.rowsMs : 1;
    return r.rowsCopied * 1000 / ms;
}

// What the copy is doing, for its terminal line.
QString progressText(CopyPhase phase, const QString& table, qint64 doneCount, qint64 total)
{
    switch (phase) {
    case CopyPhase::Schema:
        return QStringLiteral("reading and translating the schema");
    case CopyPhase::Rows:
        return QStringLiteral("copying %1 %2% (%3/%4 rows)")
            .arg(table)
            .arg(total > 0 ? int(doneCount * 100 / total) : 100)
            .arg(count(doneCount), count(total));
    case CopyPhase::Indexes:
        return QStringLiteral("creating indexes and views");
    case CopyPhase::Check:
        return QStringLiteral("checking row counts and foreign keys");
    case CopyPhase::Swap:
        return QStringLiteral("putting the copy in place");
    }
    return {};
}

QJsonObject copyReportJson(const CopyReport& r)
{
    QJsonArray tables, notes, lossy;
    for (const TableCopyResult& t : r.tables) {
        QJsonObject o{{QStringLiteral("table"), t.source},
                      {QStringLiteral("target_table"), t.target},
                      {QStringLiteral("source_rows"),
                       t.sourceRows < 0 ? QJsonValue() : QJsonValue(t.sourceRows)},
                      {QStringLiteral("target_rows"),
                       t.targetRows < 0 ? QJsonValue() : QJsonValue(t.targetRows)},
                      {QStringLiteral("status"), TableCopyResult::statusName(t.status)}};
        if (!t.message.isEmpty())
            o.insert(QStringLiteral("message"), t.message);
        tables.append(o);
    }
    for (const CopyNote& n : r.notes)
        notes.append(QJsonObject{{QStringLiteral("object"), n.object},
                                 {QStringLiteral("level"), n.level},
                                 {QStringLiteral("message"), n.message}});
    for (const LossyConversion& l : r.lossy)
        lossy.append(QJsonObject{{QStringLiteral("table"), l.table},
                                 {QStringLiteral("column"), l.column},
                                 {QStringLiteral("type"), l.sourceType},
                                 {QStringLiteral("reason"), l.reason},
                                 {QStringLiteral("count"), l.count},
                                 {QStringLiteral("first_row"), l.firstRow},
                                 {QStringLiteral("first_source"), l.firstSource},
                                 {QStringLiteral("first_stored"), l.firstStored}});
    return QJsonObject{
        {QStringLiteral("ok"), r.ok()},
        {QStringLiteral("tables"), tables},
        {QStringLiteral("diagnostics"), notes},
        {QStringLiteral("lossy_conversions"), lossy},
        {QStringLiteral("rows"), r.rowsCopied},
        {QStringLiteral("rows_per_second"), rowsPerSecond(r)},
        {QStringLiteral("safety_copy"), r.safetyCopy.isEmpty() ? QJsonValue() : r.safetyCopy},
        {QStringLiteral("duration_ms"), r.totalMs},
        {QStringLiteral("timings_ms"), QJsonObject{{QStringLiteral("schema"), r.schemaMs},
                                                   {QStringLiteral("rows"), r.rowsMs},
                                                   {QStringLiteral("indexes"), r.indexMs},
                                                   {QStringLiteral("checks"), r.checkMs},
                                                   {QStringLiteral("swap"), r.swapMs}}}};
}

} // namespace

int CliCommands::copy()
{
    if (!m_req.arguments.isEmpty() || m_req.copyFromDb.isEmpty() || m_req.copyToDb.isEmpty() ||
        m_req.copyFromEnv.isEmpty() || m_req.copyToEnv.isEmpty())
        return fail(ExitUsage, Error{QStringLiteral("usage: strata copy --from-db X --from-env E "
                                                    "--to-db Y --to-env F [--confirm F] [--json]"),
                                     {},
                                     0,
                                     0,
                                     {}});
    const Database* from = m_project.database(m_req.copyFromDb);
    const Database* to = m_project.database(m_req.copyToDb);
    for (const auto& [db, name] :
         {std::pair{from, m_req.copyFromDb}, std::pair{to, m_req.copyToDb}})
        if (!db) {
            QStringList known;
            for (const Database& d : m_project.databases)
                known << d.binding;
            return fail(ExitUsage, Error{QStringLiteral("no database with binding '%1' (known: %2)")
                                             .arg(name, known.join(QStringLiteral(", "))),
                                         m_project.sourceFile,
                                         0,
                                         0,
                                         {}});
        }
    const Environment* fromEnv = from->environment(m_req.copyFromEnv);
    const Environment* toEnv = to->environment(m_req.copyToEnv);
    for (const auto& [env, db, name] :
         {std::tuple{fromEnv, from, m_req.copyFromEnv}, std::tuple{toEnv, to, m_req.copyToEnv}})
        if (!env) {
            QStringList known;
            for (const Environment& e : db->environments)
                known << e.name;
            return fail(ExitUsage,
                        Error{QStringLiteral("%1 has no environment '%2' (known: %3)")
                                  .arg(db->binding, name, known.join(QStringLiteral(", "))),
                              m_project.sourceFile,
                              0,
                              0,
                              {}});
        }
    DataCopy job(*fromEnv, *toEnv, to->dialect);
    if (auto problem = job.problem())
        return fail(ExitUsage, *problem);
    if (!confirmProtected(*toEnv))
        return fail(ExitUsage, Error{QStringLiteral("%1 is a protected environment: confirm with "
                                                    "--confirm %1 (or type its name when asked)")
                                         .arg(toEnv->name),
                                     m_project.sourceFile,
                                     0,
                                     0,
                                     {}});

    if (!m_req.json) {
        m_out << "copy " << from->binding << " · " << fromEnv->name << " ("
              << fromEnv->displayLocation() << ")\n  → " << to->binding << " · " << toEnv->name
              << " (" << dialectName(to->dialect) << ", " << QDir::toNativeSeparators(toEnv->path)
              << ")\n";
        m_out.flush();
    }
    TerminalLine line(m_err, !m_req.json && m_req.showProgress);
    CopyOptions options;
    options.lockTimeoutMs = m_req.options.lockTimeoutMs;
    options.progress = [&](CopyPhase phase, const QString& table, qint64 done, qint64 total) {
        line.show(progressText(phase, table, done, total));
    };
    const CopyReport report = job.run(options);
    line.clear();
    const int code = report.ok()                                      ? ExitOk
                     : report.failureKind == CopyFailureKind::Busy    ? ExitBusy
                     : report.failureKind == CopyFailureKind::Project ? ExitUsage
                                                                      : ExitFailed;
    if (m_req.json) {
        QJsonObject o = copyReportJson(report);
        o.insert(QStringLiteral("source"),
                 QJsonObject{{QStringLiteral("binding"), from->binding},
                             {QStringLiteral("environment"), fromEnv->name},
                             {QStringLiteral("location"), report.source}});
        o.insert(QStringLiteral("target"),
                 QJsonObject{{QStringLiteral("binding"), to->binding},
                             {QStringLiteral("environment"), toEnv->name},
                             {QStringLiteral("dialect"), dialectName(to->dialect)},
                             {QStringLiteral("path"), report.target}});
        if (report.failure)
            o.insert(QStringLiteral("error"), errorJson(*report.failure));
        m_out << QJsonDocument(o).toJson(QJsonDocument::Indented);
        return code;
    }

    // The schema: every diagnostic of the translation, warnings before notes.
    int warnings = 0;
    for (const CopyNote& n : report.notes)
        warnings += n.level != QLatin1String("note");
    if (!report.notes.isEmpty()) {
        m_out << "schema: " << warnings << (warnings == 1 ? " warning, " : " warnings, ")
              << (report.notes.size() - warnings) << " notes\n";
        for (const QString& level :
             {QStringLiteral("error"), QStringLiteral("warning"), QStringLiteral("note")})
            for (const CopyNote& n : report.notes)
                if (n.level == level)
                    m_out << "  " << n.level << ": " << n.object << ": " << n.message << "\n";
    }
    // The seed's table: source count, target count, status (none when the source was not
    // read: an empty table would only hide the error below it).
    int width = 5;
    for (const TableCopyResult& t : report.tables)
        width = std::max(
            width,
            int((t.source == t.target ? t.source : t.source + QStringLiteral(" → ") + t.target)
                    .size()));
    if (!report.tables.isEmpty())
        m_out << "\n  " << QStringLiteral("TABLE").leftJustified(width) << "  "
              << QStringLiteral("SOURCE").rightJustified(12) << "  "
              << QStringLiteral("TARGET").rightJustified(12) << "  STATUS\n";
    for (const TableCopyResult& t : report.tables) {
        const QString name =
            t.source == t.target ? t.source : t.source + QStringLiteral(" → ") + t.target;
        m_out << "  " << name.leftJustified(width) << "  " << count(t.sourceRows).rightJustified(12)
              << "  " << count(t.targetRows).rightJustified(12) << "  "
              << TableCopyResult::statusName(t.status)
              << (t.message.isEmpty() || t.status == TableCopyResult::Status::Failed
                      ? QString()
                      : QStringLiteral("  ") + t.message)
              << "\n";
    }
    if (!report.lossy.isEmpty()) {
        m_out << "\nlossy conversions:\n";
        for (const LossyConversion& l : report.lossy)
            m_out << "  " << l.table << "." << l.column << " (" << l.sourceType
                  << "): " << count(l.count) << (l.count == 1 ? " value: " : " values: ")
                  << l.reason << "; first at row " << l.firstRow << ": " << l.firstSource << " → "
                  << l.firstStored << "\n";
    }
    m_out << "\n";
    if (!report.ok()) {
        m_out.flush();
        m_err << "strata: " << report.failure->toString() << "\n";
        if (!report.failure->detail.isEmpty())
            m_err << "  statement: " << report.failure->detail.trimmed() << "\n";
        if (report.failureKind != CopyFailureKind::Project)
            m_err << "  nothing was changed: " << QDir::toNativeSeparators(report.target)
                  << " is as it was\n";
        return code;
    }
    m_out << "copied " << count(report.rowsCopied) << " rows in " << report.tables.size()
          << " tables in " << QString::number(report.totalMs / 1000.0, 'f', 2) << " s ("
          << count(rowsPerSecond(report)) << " rows/s while loading) into "
          << QDir::toNativeSeparators(report.target) << "\n";
    if (!report.safetyCopy.isEmpty())
        m_out << "the database that was there is kept as "
              << QDir::toNativeSeparators(report.safetyCopy) << "\n";
    return code;
}

} // namespace strata
