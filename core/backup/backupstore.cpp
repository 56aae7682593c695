#include "backupstore.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>

#include <algorithm>

namespace strata {
namespace {

// Unfinished folders (a backup that died or is still being written) are cleared only when this
// old, so that a backup in progress in another process is never touched.
constexpr qint64 unfinishedAgeSecs = 24 * 3600;

bool newerFirst(const BackupEntry& a, const BackupEntry& b)
{
    if (a.manifest.created != b.manifest.created)
        return a.manifest.created > b.manifest.created;
    return a.manifest.id > b.manifest.id;
}

QString safeName(const QString& name)
{
    QString s = name;
    static const QRegularExpression unsafe(QStringLiteral("[^A-Za-z0-9._-]"));
    s.replace(unsafe, QStringLiteral("_"));
    return s.isEmpty() ? QStringLiteral("project") : s;
}

QStringList subdirs(const QString& dir)
{
    return QDir(dir).entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden, QDir::Name);
}

} // namespace

BackupStore::BackupStore(QString root) : m_root(QDir::cleanPath(root)) {}

QString BackupStore::projectId(const Project& project)
{
    const QString file = QFileInfo(project.sourceFile).absoluteFilePath();
    const QByteArray hash =
        QCryptographicHash::hash(file.toUtf8(), QCryptographicHash::Sha256).toHex().left(12);
    return safeName(QFileInfo(project.rootDir).fileName()) + QLatin1Char('-') +
           QString::fromLatin1(hash);
}

BackupStore BackupStore::forProject(const Project& project)
{
    if (!project.backups.dir.isEmpty())
        return BackupStore(project.backups.dir);
    const QString base = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    return BackupStore(base + QStringLiteral("/backups/") + projectId(project));
}

QString BackupStore::folderOf(const QString& binding, const QString& environment) const
{
    return m_root + QLatin1Char('/') + safeName(binding) + QLatin1Char('/') +
           safeName(environment);
}

bool BackupStore::makePrivateFolder(const QString& parent, const QString& name)
{
    // Created with the mode (not chmod'ed after): the folder is never readable by others, even
    // for an instant, whatever the umask.
    return QDir(parent).mkdir(name, kBackupFolderMode);
}

Status BackupStore::makeFolder(const QString& binding, const QString& environment) const
{
    const QString target = folderOf(binding, environment);
    QStringList missing;
    QString dir = QDir::cleanPath(QDir(target).absolutePath());
    while (!QFileInfo(dir).isDir()) {
        missing.prepend(dir);
        const QString up = QFileInfo(dir).absolutePath();
        if (up == dir)
            break;
        dir = up;
    }
    for (const QString& level : std::as_const(missing)) {
        const QFileInfo info(level);
        // Another process may have made it meanwhile: only a failure that leaves no folder is one.
        if (!makePrivateFolder(info.absolutePath(), info.fileName()) && !QFileInfo(level).isDir())
            return Error{QStringLiteral("cannot create the backup store's folder"), level, 0, 0,
                         {}};
    }
    return success();
}

Result<BackupEntry> BackupStore::readFolder(const QString& dir)
{
    const QString manifestPath = QDir(dir).filePath(BackupManifest::fileName());
    QFile f(manifestPath);
    if (!f.exists())
        return Error{QStringLiteral("not a complete backup: it has no %1")
                         .arg(BackupManifest::fileName()),
                     dir, 0, 0, {}};
    if (!f.open(QIODevice::ReadOnly))
        return Error{QStringLiteral("cannot read the backup's manifest: ") + f.errorString(),
                     manifestPath, 0, 0, {}};
    auto manifest = BackupManifest::fromJson(f.readAll(), manifestPath);
    if (!manifest)
        return manifest.error();
    return BackupEntry{QDir::cleanPath(QFileInfo(dir).absoluteFilePath()),
                       std::move(manifest).value()};
}

QList<BackupEntry> BackupStore::list(const QString& binding, const QString& environment,
                                     QStringList* problems) const
{
    QList<BackupEntry> out;
    const QStringList bindings = binding.isEmpty() ? subdirs(m_root) : QStringList{safeName(binding)};
    for (const QString& b : bindings) {
        const QString bDir = m_root + QLatin1Char('/') + b;
        const QStringList envs =
            environment.isEmpty() ? subdirs(bDir) : QStringList{safeName(environment)};
        for (const QString& e : envs) {
            const QString eDir = bDir + QLatin1Char('/') + e;
            for (const QString& id : subdirs(eDir)) {
                const QString dir = eDir + QLatin1Char('/') + id;
                if (!QFileInfo::exists(dir + QLatin1Char('/') + BackupManifest::fileName()))
                    continue; // unfinished: not a backup (yet)
                auto entry = readFolder(dir);
                if (!entry) {
                    if (problems)
                        *problems << entry.error().toString();
                    continue;
                }
                out << std::move(entry).value();
            }
        }
    }
    std::sort(out.begin(), out.end(), newerFirst);
    return out;
}

Result<BackupEntry> BackupStore::find(const QString& idOrPath, const QString& binding,
                                      const QString& environment) const
{
    const QFileInfo asPath(idOrPath);
    if (idOrPath.contains(QLatin1Char('/')) || asPath.exists()) {
        const QString dir = asPath.isFile() ? asPath.absolutePath() : asPath.absoluteFilePath();
        return readFolder(dir);
    }
    QStringList problems;
    for (const BackupEntry& e : list(binding, environment, &problems))
        if (e.manifest.id == idOrPath)
            return e;
    QString where = binding.isEmpty() ? QString() : QStringLiteral(" of %1").arg(binding);
    if (!environment.isEmpty())
        where += QStringLiteral(" · %1").arg(environment);
    return Error{QStringLiteral("no backup '%1'%2 in the store (`strata backups` lists them)")
                     .arg(idOrPath, where),
                 m_root, 0, 0, problems.join(QLatin1Char('\n'))};
}

std::optional<BackupEntry> BackupStore::restorePointBefore(const QString& binding,
                                                           const QString& environment,
                                                           qint64 version,
                                                           const QString& recordedId,
                                                           int* skippedUnknown) const
{
    const QList<BackupEntry> all = list(binding, environment);
    if (!recordedId.isEmpty())
        for (const BackupEntry& e : all)
            if (e.manifest.id == recordedId)
                return e;
    for (const BackupEntry& e : all) // newest first
        if (e.manifest.beforeVersion == version && e.manifest.schemaVersion < version)
            return e;
    int unknown = 0;
    std::optional<BackupEntry> chosen;
    for (const BackupEntry& e : all) {
        if (e.manifest.schemaVersion < 0) {
            ++unknown;
            continue;
        }
        if (e.manifest.schemaVersion < version) {
            chosen = e;
            break;
        }
    }
    if (skippedUnknown)
        *skippedUnknown = unknown;
    return chosen;
}

Status BackupStore::remove(const BackupEntry& entry)
{
    // The manifest goes first: from then on the folder is an unfinished backup, never listed,
    // even if removing the payload fails half-way.
    if (!QFile::remove(entry.manifestPath()) && QFileInfo::exists(entry.manifestPath()))
        return Error{QStringLiteral("cannot delete the backup's manifest"), entry.manifestPath(),
                     0, 0, {}};
    if (!QDir(entry.dir).removeRecursively())
        return Error{QStringLiteral("cannot delete the backup's folder"), entry.dir, 0, 0, {}};
    return success();
}

PruneReport BackupStore::prune(const QString& binding, const QString& environment, int keep,
                               const QList<AppliedMigration>& applied) const
{
    PruneReport report;
    const QList<BackupEntry> all = list(binding, environment);

    // The newest restore point of each migration still applied survives any count.
    QSet<qint64> appliedVersions;
    for (const AppliedMigration& a : applied)
        if (a.version >= 0)
            appliedVersions.insert(a.version);
    QSet<QString> protectedIds;
    QSet<qint64> seen;
    for (const BackupEntry& e : all) {
        const qint64 v = e.manifest.beforeVersion;
        if (v >= 0 && appliedVersions.contains(v) && !seen.contains(v)) {
            seen.insert(v);
            protectedIds.insert(e.manifest.id);
        }
    }

    for (qsizetype i = keep; i < all.size(); ++i) {
        const BackupEntry& e = all[i];
        if (protectedIds.contains(e.manifest.id)) {
            report.keptAsRestorePoint << e;
            continue;
        }
        if (Status s = remove(e); !s)
            report.failures << s.error().toString();
        else
            report.removed << e;
    }

    const QString folder = folderOf(binding, environment);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const QString& id : subdirs(folder)) {
        const QString dir = folder + QLatin1Char('/') + id;
        if (QFileInfo::exists(dir + QLatin1Char('/') + BackupManifest::fileName()))
            continue;
        if (QFileInfo(dir).lastModified().secsTo(now) < unfinishedAgeSecs)
            continue;
        if (QDir(dir).removeRecursively())
            report.removedUnfinished << dir;
        else
            report.failures << QStringLiteral("cannot delete the unfinished backup %1").arg(dir);
    }
    return report;
}

} // namespace strata
