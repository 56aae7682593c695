#include "demoproject.h"

#include "migrationset.h"
#include "migrator.h"
#include "projectlocator.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QStandardPaths>

// The demo's resource lives in this static library: make sure it is registered (outside any
// namespace, as Q_INIT_RESOURCE requires).
static void initDemoResource()
{
    Q_INIT_RESOURCE(demo);
}

namespace strata {
namespace {

Status copyResourceTree(const QString& from, const QString& to)
{
    QDirIterator it(from, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString source = it.next();
        const QString target = to + source.mid(from.size());
        if (!QDir().mkpath(QFileInfo(target).absolutePath()))
            return Error{QStringLiteral("cannot create folder"), QFileInfo(target).absolutePath(),
                         0, 0, {}};
        QFile::remove(target);
        if (!QFile::copy(source, target))
            return Error{QStringLiteral("cannot copy the demo file"), target, 0, 0, {}};
        QFile::setPermissions(target, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup |
                                          QFile::ReadOther);
    }
    return success();
}

// Brings each environment to a partly-applied state: locally all but the last quarter of a
// database's migrations, in production about half.
Status prepareDatabases(const QString& dir)
{
    auto project = openProject(dir);
    if (!project)
        return project.error();
    for (const Database& db : project->databases) {
        auto files = migrationsFor(project.value(), db);
        if (!files)
            return files.error();
        const qsizetype n = files->size();
        for (const Environment& env : db.environments) {
            const qsizetype keep = env.isProtected ? n / 2 : n - std::max<qsizetype>(1, n / 4);
            if (keep <= 0)
                continue;
            // Seeding makes the demo's starting state: it is not an apply anyone could want to
            // undo, so protected environments take no restore points here.
            Project seeding = project.value();
            for (Database& d : seeding.databases)
                for (Environment& e : d.environments)
                    e.isProtected = false;
            Migrator migrator(seeding, db.binding, env.name);
            RunOptions options;
            options.toVersion = files->at(keep - 1).version;
            auto report = migrator.up(options);
            if (!report)
                return report.error();
            if (report->failure)
                return *report->failure;
        }
    }
    return success();
}

} // namespace

QString demoProjectDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/demo");
}

Result<QString> ensureDemoProject()
{
    initDemoResource();
    const QString dir = demoProjectDir();
    if (QFileInfo::exists(dir + QStringLiteral("/strata.toml")))
        return dir;
    // Prepared beside its final place and renamed in, so a half-made demo is never opened.
    const QString staging = dir + QStringLiteral(".preparing");
    QDir(staging).removeRecursively();
    if (Status st = copyResourceTree(QStringLiteral(":/strata/demo"), staging); !st)
        return st.error();
    if (Status st = prepareDatabases(staging); !st) {
        QDir(staging).removeRecursively();
        return st.error();
    }
    QDir(dir).removeRecursively();
    if (!QDir().rename(staging, dir))
        return Error{QStringLiteral("cannot move the prepared demo into place"), dir, 0, 0, {}};
    return dir;
}

} // namespace strata
