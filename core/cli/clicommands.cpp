#include "clicommands.h"

#include "../demoproject.h"
#include "../migrationset.h"
#include "../projectlocator.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

namespace strata {
namespace {

QString formatDuration(qint64 ms)
{
    if (ms < 0)
        return QStringLiteral("—");
    if (ms < 1000)
        return QStringLiteral("%1 ms").arg(ms);
    return QStringLiteral("%1 s").arg(ms / 1000.0, 0, 'f', 2);
}

QString stateMark(MigrationState s)
{
    switch (s) {
    case MigrationState::Applied: return QStringLiteral("applied ");
    case MigrationState::Pending: return QStringLiteral("pending ");
    case MigrationState::Edited: return QStringLiteral("EDITED  ");
    case MigrationState::MissingFile: return QStringLiteral("MISSING ");
    case MigrationState::OutOfOrder: return QStringLiteral("ORDER   ");
    }
    return {};
}

} // namespace

CliCommands::CliCommands(CliRequest request, QTextStream& out, QTextStream& err,
                         QTextStream& input)
    : m_req(std::move(request)), m_out(out), m_err(err), m_in(input)
{
}

QJsonObject CliCommands::errorJson(const Error& e)
{
    QJsonObject o{{QStringLiteral("message"), e.message}};
    if (!e.file.isEmpty())
        o.insert(QStringLiteral("file"), e.file);
    if (e.line > 0)
        o.insert(QStringLiteral("line"), e.line);
    if (e.column > 0)
        o.insert(QStringLiteral("column"), e.column);
    if (!e.detail.isEmpty())
        o.insert(QStringLiteral("statement"), e.detail);
    return o;
}

int CliCommands::fail(int code, const Error& error)
{
    if (m_req.json) {
        m_out << QJsonDocument(QJsonObject{{QStringLiteral("error"), errorJson(error)}})
                     .toJson(QJsonDocument::Indented);
    } else {
        m_err << "strata: " << error.toString() << "\n";
        if (!error.detail.isEmpty())
            m_err << "  statement: " << error.detail.trimmed() << "\n";
    }
    return code;
}

int CliCommands::loadProject()
{
    QString path = m_req.projectPath;
    if (m_req.demo) {
        auto demo = ensureDemoProject();
        if (!demo)
            return fail(ExitUsage, demo.error());
        path = demo.value();
    } else if (path.isEmpty()) {
        path = findProjectFile(QDir::currentPath());
        if (path.isEmpty())
            return fail(ExitUsage, Error{QStringLiteral("no project in this folder (no "
                                                        "strata.toml, wrangler.toml or "
                                                        "wrangler.jsonc): use --project PATH, or "
                                                        "--demo"),
                                         QDir::currentPath(), 0, 0, {}});
    }
    auto project = openProject(path);
    if (!project)
        return fail(ExitUsage, project.error());
    m_project = std::move(project).value();
    return ExitOk;
}

Result<QStringList> CliCommands::selectedBindings(bool exactlyOne) const
{
    QStringList bindings = m_req.databases;
    if (bindings.isEmpty())
        for (const Database& db : m_project.databases)
            bindings << db.binding;
    for (const QString& b : bindings)
        if (!m_project.database(b)) {
            QStringList known;
            for (const Database& db : m_project.databases)
                known << db.binding;
            return Error{QStringLiteral("no database with binding '%1' (known: %2)")
                             .arg(b, known.join(QStringLiteral(", "))),
                         m_project.sourceFile, 0, 0, {}};
        }
    if (exactlyOne && bindings.size() != 1)
        return Error{QStringLiteral("this command works on one database: name it with --db (one "
                                    "of %1)")
                         .arg(bindings.join(QStringLiteral(", "))),
                     m_project.sourceFile, 0, 0, {}};
    return bindings;
}

bool CliCommands::confirmProtected(const Environment& env)
{
    if (!env.isProtected || m_req.options.dryRun || m_req.confirm == env.name)
        return true;
    if (!m_req.interactive)
        return false;
    m_err << "'" << env.name << "' is a protected environment. Type its name to go on: ";
    m_err.flush();
    return m_in.readLine().trimmed() == env.name;
}

int CliCommands::run()
{
    if (m_req.command == QLatin1String("translate")) // needs no project
        return translate();
    if (int rc = loadProject(); rc != ExitOk)
        return rc;
    if (m_req.command == QLatin1String("status"))
        return status();
    if (m_req.command == QLatin1String("up"))
        return apply(false);
    if (m_req.command == QLatin1String("down"))
        return apply(true);
    if (m_req.command == QLatin1String("baseline"))
        return baseline();
    if (m_req.command == QLatin1String("schema"))
        return schema();
    if (m_req.command == QLatin1String("diff"))
        return diff();
    if (m_req.command == QLatin1String("backup"))
        return backup();
    if (m_req.command == QLatin1String("backups"))
        return backups();
    if (m_req.command == QLatin1String("restore"))
        return restore();
    if (m_req.command == QLatin1String("copy"))
        return copy();
    if (m_req.command != QLatin1String("new")) // erd is the app's: it needs the diagram
        return fail(ExitUsage, Error{QStringLiteral("'%1' is not a command of this program")
                                         .arg(m_req.command),
                                     {}, 0, 0, {}});
    return newMigration();
}

int CliCommands::status()
{
    auto bindings = selectedBindings(false);
    if (!bindings)
        return fail(ExitUsage, bindings.error());
    QJsonArray dbs;
    int rc = ExitOk;
    if (!m_req.json)
        m_out << m_project.name << "  (" << QDir::toNativeSeparators(m_project.sourceFile)
              << ")\n";
    for (const QString& binding : bindings.value()) {
        Migrator m(m_project, binding, m_req.environment);
        auto st = m.status();
        if (!st)
            return fail(ExitUsage, st.error());
        if (st->driftCount() > 0)
            rc = ExitFailed;
        if (m_req.json)
            dbs.append(statusJson(st.value()));
        else
            printStatus(st.value());
    }
    if (m_req.json)
        m_out << QJsonDocument(QJsonObject{{QStringLiteral("project"), m_project.name},
                                           {QStringLiteral("project_file"), m_project.sourceFile},
                                           {QStringLiteral("databases"), dbs}})
                     .toJson(QJsonDocument::Indented);
    return rc;
}

void CliCommands::printStatus(const DatabaseStatus& st)
{
    m_out << "\n" << st.binding << " · " << st.environment << (st.isProtected ? " (protected)" : "")
          << "  " << QDir::toNativeSeparators(st.location)
          << (st.databaseExists ? "" : "  [does not exist yet]") << "\n";
    m_out << "  history: " << st.history << "\n";
    m_out << "  " << st.appliedCount() << " applied, " << st.pendingCount() << " pending, "
          << st.driftCount() << " drift\n";
    for (const ForeignHistory& f : st.foreign)
        m_out << "  found another tool's history: " << f.tool << " in table " << f.table << ", "
              << f.entries << " entries" << (f.latest.isEmpty() ? "" : ", latest ") << f.latest
              << " (read-only; `strata baseline V` adopts it)\n";
    for (const MigrationEntry& e : st.entries) {
        m_out << "  " << stateMark(e.state) << " " << e.fileName.leftJustified(44);
        if (e.applied) {
            m_out << " " << (e.applied->appliedAt.isValid()
                                 ? e.applied->appliedAt.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
                                 : QStringLiteral("(time unknown)"));
            if (e.applied->baseline)
                m_out << "  baseline";
            else if (e.applied->durationMs >= 0)
                m_out << "  " << formatDuration(e.applied->durationMs);
            if (!e.applied->appliedBy.isEmpty())
                m_out << "  " << e.applied->appliedBy;
            if (!e.applied->backupId.isEmpty())
                m_out << "  restore point " << e.applied->backupId;
        }
        m_out << "\n";
    }
    const QStringList reasons = st.driftReasons();
    for (const QString& r : reasons)
        m_out << "  drift: " << r << "\n";
}

QJsonObject CliCommands::statusJson(const DatabaseStatus& st) const
{
    QJsonArray migrations;
    for (const MigrationEntry& e : st.entries) {
        QJsonObject o{{QStringLiteral("version"), QString::number(e.version)},
                      {QStringLiteral("file"), e.fileName},
                      {QStringLiteral("state"), stateName(e.state)},
                      {QStringLiteral("has_down"), e.file ? e.file->hasDown : false}};
        if (e.file)
            o.insert(QStringLiteral("checksum"), e.file->checksum);
        if (e.applied) {
            QJsonObject a{{QStringLiteral("applied_at"),
                           e.applied->appliedAt.isValid()
                               ? QJsonValue(e.applied->appliedAt.toString(Qt::ISODate))
                               : QJsonValue()},
                          {QStringLiteral("duration_ms"), e.applied->durationMs >= 0
                                                              ? QJsonValue(e.applied->durationMs)
                                                              : QJsonValue()},
                          {QStringLiteral("applied_by"), e.applied->appliedBy},
                          {QStringLiteral("checksum"), e.applied->checksum},
                          {QStringLiteral("baseline"), e.applied->baseline},
                          {QStringLiteral("restore_point"),
                           e.applied->backupId.isEmpty() ? QJsonValue()
                                                         : QJsonValue(e.applied->backupId)}};
            o.insert(QStringLiteral("applied"), a);
        }
        migrations.append(o);
    }
    QJsonArray foreign;
    for (const ForeignHistory& f : st.foreign)
        foreign.append(QJsonObject{{QStringLiteral("tool"), f.tool},
                                   {QStringLiteral("table"), f.table},
                                   {QStringLiteral("entries"), f.entries},
                                   {QStringLiteral("latest"), f.latest}});
    return QJsonObject{{QStringLiteral("binding"), st.binding},
                       {QStringLiteral("environment"), st.environment},
                       {QStringLiteral("location"), st.location},
                       {QStringLiteral("protected"), st.isProtected},
                       {QStringLiteral("exists"), st.databaseExists},
                       {QStringLiteral("history"), st.history},
                       {QStringLiteral("applied"), st.appliedCount()},
                       {QStringLiteral("pending"), st.pendingCount()},
                       {QStringLiteral("drift"), st.driftCount()},
                       {QStringLiteral("drift_reasons"), QJsonArray::fromStringList(st.driftReasons())},
                       {QStringLiteral("foreign_histories"), foreign},
                       {QStringLiteral("migrations"), migrations}};
}

int CliCommands::apply(bool down)
{
    if (down && m_req.backup)
        return fail(ExitUsage, Error{QStringLiteral("--backup is for `strata up`: take a backup "
                                                    "before reverting with `strata backup`"),
                                     {}, 0, 0, {}});
    auto bindings = selectedBindings(down);
    if (!bindings)
        return fail(ExitUsage, bindings.error());
    RunOptions options = m_req.options;
    options.backup = m_req.backup;
    QJsonArray results;
    int rc = ExitOk;
    for (const QString& binding : bindings.value()) {
        Migrator m(m_project, binding, m_req.environment);
        if (auto problem = m.targetProblem())
            return fail(ExitUsage, *problem);
        if (!confirmProtected(m.environment()))
            return fail(ExitUsage,
                        Error{QStringLiteral("%1 is a protected environment: confirm with "
                                             "--confirm %1 (or type its name when asked)")
                                  .arg(m.environment().name),
                              m_project.sourceFile, 0, 0, {}});
        // Progress only for a person at a terminal; logs and CI get the summary alone.
        const bool showProgress = !m_req.json && m_req.showProgress;
        ProgressFn progress;
        const bool restorePoints = !down && takesRestorePoints(m.environment(), options);
        if (showProgress)
            progress = [&](int i, int total, const QString& file) {
                if (!file.isEmpty()) {
                    m_err << "  [" << (i + 1) << "/" << total << "] " << file
                          << (restorePoints ? " (restore point first)" : "") << "\n";
                    m_err.flush();
                }
            };
        auto report = down ? m.down(options, progress) : m.up(options, progress);
        if (!report) {
            const int code = m.lastErrorKind() == ErrorKind::Busy      ? ExitBusy
                             : m.lastErrorKind() == ErrorKind::Project ? ExitUsage
                                                                       : ExitFailed;
            return fail(code, report.error());
        }
        if (m_req.json)
            results.append(reportJson(m, report.value()));
        else
            printReport(m, report.value());
        if (report->failure) {
            rc = m.lastErrorKind() == ErrorKind::Busy ? ExitBusy : ExitFailed;
            break;
        }
    }
    if (m_req.json)
        m_out << QJsonDocument(QJsonObject{{QStringLiteral("results"), results}})
                     .toJson(QJsonDocument::Indented);
    return rc;
}

void CliCommands::printReport(const Migrator& m, const RunReport& report)
{
    const QString verb = report.down ? QStringLiteral("reverted") : QStringLiteral("applied");
    m_out << m.database().binding << " · " << m.environment().name << ": ";
    if (report.steps.isEmpty() && !report.failure)
        m_out << (report.down ? "nothing to revert" : "up to date, nothing to apply") << "\n";
    else
        m_out << report.steps.size() << " " << (report.dryRun ? "would be " + verb : verb)
              << (report.dryRun ? " (dry run: everything was rolled back)" : "") << "\n";
    const QString stepVerb = report.dryRun ? (report.down ? QStringLiteral("would revert")
                                                          : QStringLiteral("would apply"))
                                           : verb;
    for (const StepResult& s : report.steps) {
        m_out << "  " << stepVerb << " " << s.fileName << "  (" << s.statements
              << (s.statements == 1 ? " statement, " : " statements, ")
              << formatDuration(s.durationMs) << ")\n";
        if (!s.backupId.isEmpty())
            m_out << "    restore point " << s.backupId << ": strata restore --before "
                  << s.version << " --db " << m.database().binding << " --env "
                  << m.environment().name << "\n";
    }
    for (const QString& note : report.notes)
        m_out << "  note: " << note << "\n";
    if (report.failure) {
        m_err << "strata: " << report.failure->toString() << "\n";
        if (!report.failure->detail.isEmpty())
            m_err << "  statement: " << report.failure->detail.trimmed() << "\n";
        m_err << "  rolled back: nothing of that migration stays"
              << (report.steps.isEmpty() ? QString()
                                         : QStringLiteral("; the %1 before it stand")
                                               .arg(report.steps.size()))
              << ".\n";
    }
}

QJsonObject CliCommands::reportJson(const Migrator& m, const RunReport& report) const
{
    QJsonArray steps;
    for (const StepResult& s : report.steps)
        steps.append(QJsonObject{{QStringLiteral("file"), s.fileName},
                                 {QStringLiteral("version"), QString::number(s.version)},
                                 {QStringLiteral("statements"), s.statements},
                                 {QStringLiteral("duration_ms"), s.durationMs},
                                 {QStringLiteral("restore_point"),
                                  s.backupId.isEmpty() ? QJsonValue() : QJsonValue(s.backupId)}});
    QJsonObject o{{QStringLiteral("binding"), m.database().binding},
                  {QStringLiteral("environment"), m.environment().name},
                  {QStringLiteral("direction"), report.down ? "down" : "up"},
                  {QStringLiteral("dry_run"), report.dryRun},
                  {QStringLiteral("steps"), steps}};
    if (!report.notes.isEmpty())
        o.insert(QStringLiteral("notes"), QJsonArray::fromStringList(report.notes));
    if (report.failure)
        o.insert(QStringLiteral("failure"), errorJson(*report.failure));
    return o;
}

int CliCommands::baseline()
{
    if (m_req.arguments.size() != 1)
        return fail(ExitUsage, Error{QStringLiteral("usage: strata baseline VERSION --db X"), {},
                                     0, 0, {}});
    bool ok = false;
    const qint64 version = m_req.arguments.first().toLongLong(&ok);
    if (!ok)
        return fail(ExitUsage, Error{QStringLiteral("baseline takes a version number"), {}, 0, 0,
                                     {}});
    auto bindings = selectedBindings(true);
    if (!bindings)
        return fail(ExitUsage, bindings.error());
    Migrator m(m_project, bindings->first(), m_req.environment);
    if (auto problem = m.targetProblem())
        return fail(ExitUsage, *problem);
    if (!confirmProtected(m.environment()))
        return fail(ExitUsage, Error{QStringLiteral("%1 is a protected environment: confirm with "
                                                    "--confirm %1")
                                         .arg(m.environment().name),
                                     {}, 0, 0, {}});
    auto report = m.baseline(version);
    if (!report)
        return fail(m.lastErrorKind() == ErrorKind::Busy ? ExitBusy : ExitUsage, report.error());
    if (m_req.json) {
        m_out << QJsonDocument(reportJson(m, report.value())).toJson(QJsonDocument::Indented);
    } else {
        m_out << m.database().binding << " · " << m.environment().name << ": "
              << report->steps.size() << " migrations recorded as applied (baseline at "
              << version << "); nothing was run\n";
    }
    return report->failure ? ExitFailed : ExitOk;
}

int CliCommands::newMigration()
{
    if (m_req.arguments.size() != 1)
        return fail(ExitUsage, Error{QStringLiteral("usage: strata new NAME --db X"), {}, 0, 0,
                                     {}});
    auto bindings = selectedBindings(true);
    if (!bindings)
        return fail(ExitUsage, bindings.error());
    const Database* db = m_project.database(bindings->first());
    // The next number counts every file of the folder: a central folder shares one sequence.
    auto existing = scanMigrationFolder(db->migrationsDir);
    if (!existing)
        return fail(ExitUsage, existing.error());
    const QString fileName = nextMigrationFileName(existing.value(), m_req.arguments.first());
    const QString path = QDir(db->migrationsDir).absoluteFilePath(fileName);
    if (!QDir().mkpath(db->migrationsDir))
        return fail(ExitUsage, Error{QStringLiteral("cannot create the migrations folder"),
                                     db->migrationsDir, 0, 0, {}});
    QString text;
    if (m_project.bindingsSharing(db->migrationsDir).size() > 1)
        text += QStringLiteral("-- strata:targets %1\n").arg(db->binding);
    text += QStringLiteral("-- migrate:up\n\n\n-- migrate:down\n\n");
    QFile f(path);
    if (!f.open(QIODevice::NewOnly | QIODevice::WriteOnly))
        return fail(ExitUsage, Error{QStringLiteral("cannot create the file: ") + f.errorString(),
                                     path, 0, 0, {}});
    f.write(text.toUtf8());
    f.close();
    if (m_req.json)
        m_out << QJsonDocument(QJsonObject{{QStringLiteral("file"), path},
                                           {QStringLiteral("binding"), db->binding}})
                     .toJson(QJsonDocument::Indented);
    else
        m_out << "created " << QDir::toNativeSeparators(path) << "\n";
    return ExitOk;
}

} // namespace strata
