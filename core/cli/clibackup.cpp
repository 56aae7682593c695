// `strata backup`, `strata backups` and `strata restore`: the backup store from the command line
// (core/backup/, docs/backups.md).

#include "clicommands.h"

#include "backupmanager.h"
#include "terminalline.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>

namespace strata {
namespace {

QString formatSize(qint64 bytes)
{
    if (bytes < 1024)
        return QStringLiteral("%1 B").arg(bytes);
    if (bytes < 1024 * 1024)
        return QStringLiteral("%1 KiB").arg(bytes / 1024.0, 0, 'f', 1);
    if (bytes < 1024LL * 1024 * 1024)
        return QStringLiteral("%1 MiB").arg(bytes / (1024.0 * 1024), 0, 'f', 1);
    return QStringLiteral("%1 GiB").arg(bytes / (1024.0 * 1024 * 1024), 0, 'f', 2);
}

QString schemaText(const BackupManifest& m)
{
    if (m.schemaVersion < 0)
        return QStringLiteral("no migration applied");
    return QStringLiteral("%1 (%2 applied)").arg(m.schemaVersionName).arg(m.appliedCount);
}

// "quick_check ok, foreign keys ok"; on PostgreSQL "pg_restore --list ok".
QString checksText(const BackupManifest& m)
{
    if (m.isPostgres())
        return m.integrityCheck + QLatin1Char(' ') + m.integrity;
    return m.integrityCheck + QLatin1Char(' ') + m.integrity + QStringLiteral(", foreign keys ") +
           m.foreignKeys;
}

QJsonValue versionJson(qint64 v)
{
    return v < 0 ? QJsonValue() : QJsonValue(QString::number(v));
}

QJsonObject entryJson(const BackupEntry& e)
{
    const BackupManifest& m = e.manifest;
    QJsonObject tables;
    for (const TableRows& t : m.rows)
        tables.insert(t.table, t.rows);
    return QJsonObject{{QStringLiteral("id"), m.id},
                       {QStringLiteral("binding"), m.binding},
                       {QStringLiteral("environment"), m.environment},
                       {QStringLiteral("dialect"), m.dialect},
                       {QStringLiteral("created_utc"), m.created.toString(Qt::ISODateWithMs)},
                       {QStringLiteral("schema_version"), versionJson(m.schemaVersion)},
                       {QStringLiteral("schema_version_name"), m.schemaVersionName},
                       {QStringLiteral("before_version"), versionJson(m.beforeVersion)},
                       {QStringLiteral("size"), m.payloadSize},
                       {QStringLiteral("sha256"), QString::fromLatin1(m.sha256)},
                       {QStringLiteral("total_rows"), m.totalRows()},
                       {QStringLiteral("tables"), tables},
                       {QStringLiteral("integrity_check"), m.integrityCheck},
                       {QStringLiteral("integrity"), m.integrity},
                       {QStringLiteral("foreign_key_check"), m.foreignKeys},
                       {QStringLiteral("dir"), e.dir}};
}

int exitCodeOf(BackupErrorKind kind)
{
    switch (kind) {
    case BackupErrorKind::Project:
    case BackupErrorKind::Unsupported: return ExitUsage;
    case BackupErrorKind::Busy: return ExitBusy;
    case BackupErrorKind::Refused:
    case BackupErrorKind::Failed: return ExitFailed;
    }
    return ExitFailed;
}

// "what 42% (420/1000 unit)" on a terminal line.
void showProgress(TerminalLine& line, const QString& what, qint64 doneCount, qint64 total,
                  const QString& unit)
{
    if (total <= 0)
        return;
    QString text =
        what + QLatin1Char(' ') + QString::number(doneCount * 100 / total) + QLatin1Char('%');
    if (!unit.isEmpty())
        text += QStringLiteral(" (%1/%2 %3)").arg(doneCount).arg(total).arg(unit);
    line.show(text);
}

} // namespace

int CliCommands::backup()
{
    if (!m_req.arguments.isEmpty())
        return fail(ExitUsage, Error{QStringLiteral("usage: strata backup [--db X] [--env E]"), {},
                                     0, 0, {}});
    auto bindings = selectedBindings(false);
    if (!bindings)
        return fail(ExitUsage, bindings.error());
    QJsonArray results;
    for (const QString& binding : bindings.value()) {
        BackupManager m(m_project, binding, m_req.environment);
        BackupErrorKind kind = BackupErrorKind::Project;
        if (auto problem = m.targetProblem(&kind))
            return fail(exitCodeOf(kind), *problem);
        TerminalLine line(m_err, !m_req.json && m_req.showProgress);
        BackupOptions options;
        const bool pg = m.environment().kind == Environment::Kind::Postgres;
        options.progress = [&](BackupPhase phase, qint64 done, qint64 total) {
            if (phase == BackupPhase::Copy)
                showProgress(line,
                             binding +
                                 (pg ? QStringLiteral(": pg_dump") : QStringLiteral(": copying")),
                             done, total, pg ? QStringLiteral("tables") : QStringLiteral("pages"));
            else
                showProgress(line, binding + QStringLiteral(": checking"), done, total, {});
        };
        auto outcome = m.backup(options);
        line.clear();
        if (!outcome)
            return fail(exitCodeOf(m.lastErrorKind()), outcome.error());
        const BackupEntry& e = outcome->entry;
        const PruneReport& pruned = outcome->pruned;
        if (m_req.json) {
            QJsonObject o = entryJson(e);
            QJsonArray removed;
            for (const BackupEntry& r : pruned.removed)
                removed.append(r.manifest.id);
            o.insert(QStringLiteral("pruned"), removed);
            o.insert(QStringLiteral("retention_problems"),
                     QJsonArray::fromStringList(pruned.failures));
            o.insert(QStringLiteral("duration_ms"), outcome->timings.totalMs);
            results.append(o);
            continue;
        }
        const BackupManifest& mf = e.manifest;
        m_out << binding << " · " << mf.environment << ": backup " << mf.id << "\n"
              << "  schema at " << schemaText(mf) << ", " << mf.rows.size() << " tables, "
              << mf.totalRows() << " rows, " << formatSize(mf.payloadSize) << ", "
              << checksText(mf) << "\n"
              << "  in " << QDir::toNativeSeparators(e.dir) << "\n";
        for (const BackupEntry& r : pruned.removed)
            m_out << "  retention (keep " << m_project.backups.keep << "): removed " << r.manifest.id
                  << "\n";
        for (const BackupEntry& r : pruned.keptAsRestorePoint)
            m_out << "  retention: kept " << r.manifest.id << ", the restore point of applied "
                  << "migration " << r.manifest.beforeVersion << "\n";
        for (const QString& f : pruned.failures)
            m_err << "strata: " << f << "\n";
    }
    if (m_req.json)
        m_out << QJsonDocument(QJsonObject{{QStringLiteral("backups"), results}})
                     .toJson(QJsonDocument::Indented);
    return ExitOk;
}

int CliCommands::backups()
{
    auto bindings = selectedBindings(false);
    if (!bindings)
        return fail(ExitUsage, bindings.error());
    const BackupStore store = BackupStore::forProject(m_project);
    QJsonArray all;
    QStringList problems;
    if (!m_req.json)
        m_out << "backup store: " << QDir::toNativeSeparators(store.root()) << "\n";
    for (const QString& binding : bindings.value()) {
        if (!m_req.environment.isEmpty()) {
            BackupManager m(m_project, binding, m_req.environment);
            BackupErrorKind kind = BackupErrorKind::Project;
            if (auto problem = m.targetProblem(&kind))
                if (!m_req.databases.isEmpty() || kind == BackupErrorKind::Project)
                    return fail(exitCodeOf(kind), *problem);
        }
        const QList<BackupEntry> entries = store.list(binding, m_req.environment, &problems);
        if (m_req.json) {
            for (const BackupEntry& e : entries)
                all.append(entryJson(e));
            continue;
        }
        m_out << "\n" << binding << (m_req.environment.isEmpty() ? QString()
                                                                 : QStringLiteral(" · ") +
                                                                       m_req.environment)
              << ": " << entries.size() << (entries.size() == 1 ? " backup" : " backups") << "\n";
        if (entries.isEmpty())
            continue;
        m_out << "  " << QStringLiteral("ID").leftJustified(24) << " "
              << QStringLiteral("ENV").leftJustified(10) << " "
              << QStringLiteral("CREATED (UTC)").leftJustified(19) << " "
              << QStringLiteral("SCHEMA").leftJustified(40) << " "
              << QStringLiteral("BEFORE").leftJustified(7) << " "
              << QStringLiteral("ROWS").rightJustified(9) << " "
              << QStringLiteral("SIZE").rightJustified(10) << "  CHECK\n";
        for (const BackupEntry& e : entries) {
            const BackupManifest& mf = e.manifest;
            m_out << "  " << mf.id.leftJustified(24) << " " << mf.environment.leftJustified(10)
                  << " " << mf.created.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) << " "
                  << (mf.schemaVersion < 0 ? QStringLiteral("—") : mf.schemaVersionName)
                         .leftJustified(40)
                  << " "
                  << (mf.beforeVersion < 0 ? QStringLiteral("—")
                                           : QString::number(mf.beforeVersion))
                         .leftJustified(7)
                  << " " << QString::number(mf.totalRows()).rightJustified(9) << " "
                  << formatSize(mf.payloadSize).rightJustified(10) << "  "
                  << (mf.checksPassed() ? QStringLiteral("ok") : QStringLiteral("FAILED")) << "\n";
        }
    }
    if (m_req.json) {
        m_out << QJsonDocument(QJsonObject{{QStringLiteral("store"), store.root()},
                                           {QStringLiteral("backups"), all},
                                           {QStringLiteral("problems"),
                                            QJsonArray::fromStringList(problems)}})
                     .toJson(QJsonDocument::Indented);
    } else {
        for (const QString& p : problems)
            m_err << "strata: skipped " << p << "\n";
    }
    return ExitOk;
}

int CliCommands::restore()
{
    const bool byId = m_req.arguments.size() == 1;
    if (m_req.arguments.size() > 1 || byId == m_req.before.has_value())
        return fail(ExitUsage,
                    Error{QStringLiteral("usage: strata restore BACKUP_ID|PATH | --before V "
                                         "[--db X] [--env E] [--confirm ENV]"),
                          {}, 0, 0, {}});

    // Which database: --db, else (by id) the backup's own, else the only one.
    QString binding;
    QString environment = m_req.environment;
    std::optional<BackupEntry> chosen;
    if (byId) {
        const BackupStore store = BackupStore::forProject(m_project);
        auto bindings = selectedBindings(false);
        if (!bindings)
            return fail(ExitUsage, bindings.error());
        auto entry = store.find(m_req.arguments.first(),
                                m_req.databases.size() == 1 ? m_req.databases.first() : QString());
        if (!entry)
            return fail(ExitUsage, entry.error());
        chosen = entry.value();
        binding = m_req.databases.size() == 1 ? m_req.databases.first() : entry->manifest.binding;
        if (environment.isEmpty())
            environment = entry->manifest.environment;
    } else {
        auto bindings = selectedBindings(true);
        if (!bindings)
            return fail(ExitUsage, bindings.error());
        binding = bindings->first();
    }

    BackupManager m(m_project, binding, environment);
    BackupErrorKind kind = BackupErrorKind::Project;
    if (auto problem = m.targetProblem(&kind))
        return fail(exitCodeOf(kind), *problem);
    if (byId) {
        auto entry = m.find(chosen->dir); // refuses another database's backup
        if (!entry)
            return fail(ExitUsage, entry.error());
    } else {
        auto entry = m.restorePointBefore(*m_req.before);
        if (!entry)
            return fail(ExitFailed, entry.error());
        chosen = entry.value();
    }
    const Environment& env = m.environment();
    if (!confirmProtected(env))
        return fail(ExitUsage, Error{QStringLiteral("%1 is a protected environment: confirm with "
                                                    "--confirm %1 (or type its name when asked)")
                                         .arg(env.name),
                                     m_project.sourceFile, 0, 0, {}});

    const BackupManifest& mf = chosen->manifest;
    if (!m_req.json) {
        m_out << binding << " · " << env.name << ": restoring backup " << mf.id << " of "
              << mf.created.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) << " UTC (schema at "
              << schemaText(mf) << ")\n";
        if (m_req.before)
            m_out << "  " << (mf.beforeVersion == *m_req.before
                                  ? QStringLiteral("the restore point taken before migration %1")
                                  : QStringLiteral("the newest backup without migration %1"))
                                 .arg(*m_req.before)
                  << "\n";
        if (mf.environment != env.name)
            m_out << "  note: the backup is of " << mf.environment << ", restored into "
                  << env.name << "\n";
        m_out.flush();
    }
    TerminalLine line(m_err, !m_req.json && m_req.showProgress);
    RestoreOptions options;
    options.lockTimeoutMs = m_req.options.lockTimeoutMs;
    const bool pg = env.kind == Environment::Kind::Postgres;
    options.progress = [&](RestorePhase phase, qint64 done, qint64 total) {
        if (phase == RestorePhase::Copy)
            showProgress(line,
                         pg ? QStringLiteral("verifying") : QStringLiteral("copying and verifying"),
                         done, total, QStringLiteral("bytes"));
        else if (phase == RestorePhase::Check && pg)
            showProgress(line, QStringLiteral("pg_restore into a scratch database"), done, total,
                         QStringLiteral("entries"));
        else if (phase == RestorePhase::Check)
            showProgress(line, QStringLiteral("checking"), done, total, {});
        else
            showProgress(line, QStringLiteral("swapping"), done, total, {});
    };
    auto outcome = m.restore(chosen.value(), options);
    line.clear();
    if (!outcome)
        return fail(exitCodeOf(m.lastErrorKind()), outcome.error());
    if (m_req.json) {
        m_out << QJsonDocument(
                     QJsonObject{{QStringLiteral("restored"), entryJson(chosen.value())},
                                 {QStringLiteral("binding"), binding},
                                 {QStringLiteral("environment"), env.name},
                                 {QStringLiteral("target"), outcome->target},
                                 {QStringLiteral("safety_copy"), outcome->safetyCopy},
                                 {QStringLiteral("notes"),
                                  QJsonArray::fromStringList(outcome->notes)},
                                 {QStringLiteral("duration_ms"), outcome->totalMs}})
                     .toJson(QJsonDocument::Indented);
        return ExitOk;
    }
    for (const QString& note : outcome->notes)
        m_out << "  note: " << note << "\n";
    if (pg) {
        m_out << "  verified: sha256, pg_restore --list, then restored into a scratch database "
                 "and its row counts checked ("
              << mf.totalRows() << " rows in " << mf.rows.size() << " tables)\n"
              << "  restored " << outcome->target << " (the scratch database renamed)\n";
        if (!outcome->safetyCopy.isEmpty())
            m_out << "  the database that was there is kept as database " << outcome->safetyCopy
                  << " (drop it when you no longer need it)\n";
        return ExitOk;
    }
    m_out << "  verified: sha256, " << mf.integrityCheck << ", foreign keys and row counts ("
          << mf.totalRows() << " rows in " << mf.rows.size() << " tables)\n"
          << "  restored " << QDir::toNativeSeparators(outcome->target) << "\n";
    if (!outcome->safetyCopy.isEmpty())
        m_out << "  the database that was there is kept as "
              << QDir::toNativeSeparators(outcome->safetyCopy) << "\n";
    return ExitOk;
}

} // namespace strata
