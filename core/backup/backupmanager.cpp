#include "backupmanager.h"

#include "pghistory.h"
#include "sqlitesession.h"

#include <QDir>
#include <QFileInfo>
#include <QRandomGenerator>

namespace strata {

QString newBackupId(const QDateTime& createdUtc)
{
    return createdUtc.toUTC().toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'")) +
           QLatin1Char('-') +
           QString::number(QRandomGenerator::global()->bounded(0x1000000), 16)
               .rightJustified(6, QLatin1Char('0'));
}

BackupManager::BackupManager(Project project, QString binding, QString environment)
    : m_project(std::move(project)), m_binding(std::move(binding)),
      m_environment(std::move(environment)), m_store(BackupStore::forProject(m_project))
{
    m_db = m_project.database(m_binding);
    if (m_db)
        m_env = m_environment.isEmpty() ? m_db->defaultEnvironment()
                                        : m_db->environment(m_environment);
}

std::optional<Error> BackupManager::targetProblem(BackupErrorKind* kind) const
{
    auto problem = [&](BackupErrorKind k, const QString& message) {
        if (kind)
            *kind = k;
        return Error{message, m_project.sourceFile, 0, 0, {}};
    };
    if (!m_db)
        return problem(BackupErrorKind::Project,
                       QStringLiteral("no database with binding '%1'").arg(m_binding));
    if (!m_env)
        return problem(BackupErrorKind::Project,
                       QStringLiteral("%1 has no environment '%2'").arg(m_binding, m_environment));
    switch (m_env->kind) {
    case Environment::Kind::SqliteFile:
    case Environment::Kind::Postgres: return std::nullopt;
    case Environment::Kind::D1Remote:
        return problem(BackupErrorKind::Unsupported,
                       QStringLiteral("%1 · %2 is a remote Cloudflare D1 database, not reachable "
                                      "from here: use `wrangler d1 export %1 --remote` (Strata "
                                      "backs up local state only)")
                           .arg(m_binding, m_env->name));
    }
    return std::nullopt;
}

Result<QList<AppliedMigration>> BackupManager::appliedNow() const
{
    if (isPostgres()) {
        bool missing = false;
        auto session = PgSession::open(*m_env, 10000, &missing);
        if (!session)
            return missing ? Result<QList<AppliedMigration>>(QList<AppliedMigration>{})
                           : Result<QList<AppliedMigration>>(session.error());
        PgHistory history(m_db->history, m_db->historyTable);
        if (Status s = history.resolve(*session.value()); !s)
            return s.error();
        return history.read(*session.value());
    }
    if (!QFileInfo(m_env->path).isFile())
        return QList<AppliedMigration>{};
    auto session = SqliteSession::open(m_env->path, SqliteSession::Mode::ReadOnly, 5000);
    if (!session)
        return session.error();
    return session.value()->readHistory(SqliteHistory(m_db->history, m_db->historyTable));
}

Result<BackupOutcome> BackupManager::backup(const BackupOptions& options)
{
    BackupErrorKind kind = BackupErrorKind::Project;
    if (auto problem = targetProblem(&kind))
        return failWith<BackupOutcome>(kind, *problem);

    BackupManifest manifest;
    manifest.created = QDateTime::currentDateTimeUtc();
    manifest.binding = m_db->binding;
    manifest.environment = m_env->name;
    manifest.dialect = dialectName(m_db->dialect);
    manifest.location = m_env->displayLocation();

    // A folder of our own: the id's random part makes a clash unlikely, mkdir makes it certain.
    // Every level is private (0700): the backup folder alone would protect the payload, the
    // others keep even the list of databases and backups to the user.
    const QString parent = m_store.folderOf(m_db->binding, m_env->name);
    if (Status made = m_store.makeFolder(m_db->binding, m_env->name); !made)
        return failWith<BackupOutcome>(BackupErrorKind::Failed, made.error());
    QString folder;
    for (int attempt = 0; attempt < 10 && folder.isEmpty(); ++attempt) {
        manifest.id = newBackupId(manifest.created);
        if (BackupStore::makePrivateFolder(parent, manifest.id))
            folder = parent + QLatin1Char('/') + manifest.id;
    }
    if (folder.isEmpty())
        return failWith<BackupOutcome>(BackupErrorKind::Failed,
                                       Error{QStringLiteral("cannot create a backup folder"),
                                             parent, 0, 0, {}});

    BackupOutcome outcome;
    PgBackup pg;
    if (isPostgres())
        manifest.payload = QStringLiteral("database.dump");
    auto taken = isPostgres()
                     ? pg.take(*m_db, *m_env, folder, manifest, options, &outcome.timings)
                     : SqliteBackup::take(m_env->path, folder, manifest,
                                          SqliteHistory(m_db->history, m_db->historyTable),
                                          options, &outcome.timings);
    if (!taken) {
        QDir(folder).removeRecursively();
        return failWith<BackupOutcome>(pg.toolsMissing() ? BackupErrorKind::Unsupported
                                                         : BackupErrorKind::Failed,
                                       taken.error());
    }
    outcome.entry = BackupEntry{folder, std::move(taken).value()};

    // Retention protects the restore points of what the database records as applied now; if
    // the history cannot be read, nothing is pruned rather than the wrong thing.
    auto applied = appliedNow();
    if (applied)
        outcome.pruned = m_store.prune(m_db->binding, m_env->name, m_project.backups.keep,
                                       applied.value());
    else
        outcome.pruned.failures << QStringLiteral("retention skipped: ") +
                                       applied.error().toString();
    return outcome;
}

QList<BackupEntry> BackupManager::list(QStringList* problems) const
{
    if (!m_db || !m_env)
        return {};
    return m_store.list(m_db->binding, m_env->name, problems);
}

Result<BackupEntry> BackupManager::find(const QString& idOrPath) const
{
    if (auto problem = targetProblem())
        return *problem;
    auto entry = m_store.find(idOrPath, m_db->binding);
    if (!entry)
        return entry;
    if (entry->manifest.binding != m_db->binding)
        return Error{QStringLiteral("backup %1 is of %2, not of %3")
                         .arg(entry->manifest.id, entry->manifest.binding, m_db->binding),
                     entry->dir, 0, 0, {}};
    return entry;
}

Result<BackupEntry> BackupManager::restorePointBefore(qint64 version) const
{
    if (auto problem = targetProblem())
        return *problem;
    // The history's word first: the backup `strata up --backup` recorded next to V, while the
    // database still records V as applied. If the history cannot be read, the manifests decide.
    QString recorded;
    if (auto applied = appliedNow())
        for (const AppliedMigration& a : applied.value())
            if (a.version == version && !a.backupId.isEmpty())
                recorded = a.backupId;
    int unknown = 0;
    auto entry =
        m_store.restorePointBefore(m_db->binding, m_env->name, version, recorded, &unknown);
    if (!entry)
        return Error{QStringLiteral("no backup of %1 · %2 from before migration %3 (`strata "
                                    "backups` lists them)%4")
                         .arg(m_db->binding, m_env->name)
                         .arg(version)
                         .arg(unknown == 0
                                  ? QString()
                                  : QStringLiteral("; %1 backup%2 of unknown schema version (no "
                                                   "readable history) %3 not considered: "
                                                   "restore one by its id if it is the one")
                                        .arg(unknown)
                                        .arg(unknown == 1 ? QString() : QStringLiteral("s"))
                                        .arg(unknown == 1 ? QStringLiteral("was")
                                                          : QStringLiteral("were"))),
                     m_store.root(), 0, 0, {}};
    return *entry;
}

Result<RestoreOutcome> BackupManager::restore(const BackupEntry& backup,
                                              const RestoreOptions& options)
{
    BackupErrorKind kind = BackupErrorKind::Project;
    if (auto problem = targetProblem(&kind))
        return failWith<RestoreOutcome>(kind, *problem);
    if (backup.manifest.binding != m_db->binding)
        return failWith<RestoreOutcome>(
            BackupErrorKind::Project,
            Error{QStringLiteral("backup %1 is of %2, not of %3")
                      .arg(backup.manifest.id, backup.manifest.binding, m_db->binding),
                  backup.dir, 0, 0, {}});
    // A dump is no SQLite file and the other way round: refused before anything is read.
    if (backup.manifest.isPostgres() != isPostgres())
        return failWith<RestoreOutcome>(
            BackupErrorKind::Refused,
            Error{QStringLiteral("backup %1 is of a %2 database; %3 · %4 is %5")
                      .arg(backup.manifest.id, backup.manifest.dialect, m_db->binding, m_env->name,
                           isPostgres() ? QStringLiteral("a PostgreSQL database")
                                        : QStringLiteral("a SQLite file")),
                  backup.dir, 0, 0, {}});
    SqliteRestore sqliteRestorer;
    PgRestore pgRestorer;
    auto outcome = isPostgres() ? pgRestorer.restore(backup, *m_env, options)
                                : sqliteRestorer.restore(backup, m_env->path, options);
    if (!outcome) {
        switch (isPostgres() ? pgRestorer.lastFailure() : sqliteRestorer.lastFailure()) {
        case RestoreFailure::Busy: m_lastErrorKind = BackupErrorKind::Busy; break;
        case RestoreFailure::Refused: m_lastErrorKind = BackupErrorKind::Refused; break;
        default: m_lastErrorKind = BackupErrorKind::Failed; break;
        }
    }
    return outcome;
}

} // namespace strata
