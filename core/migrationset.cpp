#include "migrationset.h"

#include <QDateTime>
#include <QDir>
#include <QRegularExpression>

#include <algorithm>

namespace strata {

Result<QList<Migration>> scanMigrationFolder(const QString& dir)
{
    QList<Migration> out;
    const QDir folder(dir);
    if (!folder.exists())
        return out;
    const QStringList names = folder.entryList({QStringLiteral("*.sql"), QStringLiteral("*.SQL")},
                                               QDir::Files | QDir::Readable, QDir::Name);
    for (const QString& name : names) {
        if (!splitMigrationName(name, nullptr, nullptr))
            continue; // not a migration (README.sql, seed.sql, …)
        auto mig = readMigrationFile(folder.absoluteFilePath(name));
        if (!mig)
            return mig.error();
        out << std::move(mig).value();
    }
    std::stable_sort(out.begin(), out.end(), [](const Migration& a, const Migration& b) {
        return a.version < b.version;
    });
    for (qsizetype i = 1; i < out.size(); ++i) {
        if (out[i].version == out[i - 1].version)
            return Error{QStringLiteral("duplicate version %1: %2 and %3")
                             .arg(out[i].version)
                             .arg(out[i - 1].fileName, out[i].fileName),
                         out[i].filePath, 0, 0, {}};
    }
    return out;
}

Result<QList<Migration>> migrationsFor(const Project& project, const Database& db)
{
    auto all = scanMigrationFolder(db.migrationsDir);
    if (!all)
        return all.error();
    const QStringList sharing = project.bindingsSharing(db.migrationsDir);
    QList<Migration> out;
    for (Migration& mig : all.value()) {
        if (mig.sqlDialect.isEmpty() && db.migrationsDialect == QLatin1String("postgres"))
            mig.sqlDialect = db.migrationsDialect;
        if (mig.writtenInPostgres() && db.dialect == Dialect::Postgres)
            mig.sqlDialect.clear(); // PostgreSQL's own SQL: nothing to translate
        if (mig.sqlDialect == QLatin1String("sqlite") && db.dialect == Dialect::Postgres)
            return Error{QStringLiteral("strata:dialect sqlite: Strata translates PostgreSQL to "
                                        "SQLite, not the other way; %1 is a PostgreSQL database")
                             .arg(db.binding),
                         mig.filePath, 1, 0, {}};
        for (const QString& target : mig.targets)
            if (!project.database(target))
                return Error{QStringLiteral("strata:targets names %1, which is not a database of "
                                            "this project (known: %2)")
                                 .arg(target, sharing.join(QStringLiteral(", "))),
                             mig.filePath, 1, 0, {}};
        if (mig.targets.isEmpty()) {
            if (sharing.size() > 1)
                return Error{QStringLiteral("this folder is shared by %1: the file must say which "
                                            "of them it targets, e.g. -- strata:targets %2")
                                 .arg(sharing.join(QStringLiteral(", ")), sharing.first()),
                             mig.filePath, 1, 0, {}};
            out << std::move(mig);
        } else if (mig.targets.contains(db.binding)) {
            out << std::move(mig);
        }
    }
    return out;
}

QString nextMigrationFileName(const QList<Migration>& existing, const QString& name)
{
    QString slug = name.trimmed().toLower();
    slug.replace(QRegularExpression(QStringLiteral("[^a-z0-9]+")), QStringLiteral("_"));
    slug.remove(QRegularExpression(QStringLiteral("^_+|_+$")));
    if (slug.isEmpty())
        slug = QStringLiteral("migration");

    int width = 4;
    qint64 next = 1;
    if (!existing.isEmpty()) {
        const Migration& last = existing.last();
        width = int(last.versionText.size());
        next = last.version + 1;
        // Timestamped folders (yyyyMMddHHmmss) get a timestamp, never below the last one.
        if (width == 14) {
            const qint64 now =
                QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMddHHmmss")).toLongLong();
            next = std::max(next, now);
        }
    }
    return QStringLiteral("%1_%2.sql").arg(next, width, 10, QLatin1Char('0')).arg(slug);
}

} // namespace strata
