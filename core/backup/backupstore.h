#pragma once

// A project's backup store: one folder per backup under <root>/<binding>/<environment>/, named
// by its id (<UTC timestamp>-<short id>). Lists complete backups (those with a manifest),
// finds one by id or path, picks the restore point for "before migration V", and applies the
// retention rule. Knows nothing of how a backup is made.

#include "backupmanifest.h"
#include "history.h"
#include "project.h"

#include <QStringList>

#include <optional>

namespace strata {

struct PruneReport
{
    QList<BackupEntry> removed;       // complete backups deleted by the retention rule
    QList<BackupEntry> keptAsRestorePoint; // beyond `keep`, kept: restore point of an applied migration
    QStringList removedUnfinished;    // folders of backups that never finished (no manifest)
    QStringList failures;             // what could not be deleted, and why
};

class BackupStore final
{
public:
    explicit BackupStore(QString root);
    // The project's store: [backups] dir, else <AppDataLocation>/backups/<project id>.
    static BackupStore forProject(const Project& project);
    // Stable for a project file: its folder's name and a hash of the file's absolute path.
    static QString projectId(const Project& project);

    const QString& root() const { return m_root; }
    QString folderOf(const QString& binding, const QString& environment) const;
    // Creates folderOf(binding, environment) and every missing level above it with mode 0700
    // (levels that exist keep their mode). The Error names the level that could not be made.
    Status makeFolder(const QString& binding, const QString& environment) const;
    // Creates `name` inside `parent` with mode 0700; false when it exists or cannot be made.
    static bool makePrivateFolder(const QString& parent, const QString& name);

    // Complete backups, newest first; a binding or environment left empty matches all.
    // Folders whose manifest cannot be read are left out and described in `problems`.
    QList<BackupEntry> list(const QString& binding = {}, const QString& environment = {},
                            QStringList* problems = nullptr) const;

    // A backup by id (searched in the whole store, or under binding/environment when given), or
    // by the path of its folder or manifest (inside the store or not).
    Result<BackupEntry> find(const QString& idOrPath, const QString& binding = {},
                             const QString& environment = {}) const;

    // The backup to restore for "just before migration V":
    //   1. `recordedId`, the backup the database's history records next to V (taken by
    //      `strata up --backup` just before V ran), when it is in the store;
    //   2. else the newest taken as V's restore point (whose schema version is below V);
    //   3. else the newest whose schema version is known and below V. A backup whose schema
    //      version is unknown (its history could not be read, or it had none) is never chosen
    //      here: nothing says it lacks V. `skippedUnknown` counts them.
    // nullopt when there is none.
    std::optional<BackupEntry> restorePointBefore(const QString& binding,
                                                  const QString& environment, qint64 version,
                                                  const QString& recordedId = {},
                                                  int* skippedUnknown = nullptr) const;

    // Keeps the `keep` newest backups of binding/environment and, beyond them, the newest
    // restore point of every migration in `applied`; deletes the rest, manifest first (so a
    // backup stops being listed before its payload goes). Also clears unfinished folders
    // older than a day.
    PruneReport prune(const QString& binding, const QString& environment, int keep,
                      const QList<AppliedMigration>& applied) const;

    // Reads one backup folder (its manifest); an Error when it is not a complete backup.
    static Result<BackupEntry> readFolder(const QString& dir);
    // Deletes a backup: manifest first, then everything else in its folder.
    static Status remove(const BackupEntry& entry);

private:
    QString m_root;
};

} // namespace strata
