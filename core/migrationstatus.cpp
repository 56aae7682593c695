#include "migrationstatus.h"

#include <QHash>

#include <algorithm>

namespace strata {

QString stateName(MigrationState state)
{
    switch (state) {
    case MigrationState::Applied: return QStringLiteral("applied");
    case MigrationState::Pending: return QStringLiteral("pending");
    case MigrationState::Edited: return QStringLiteral("edited");
    case MigrationState::MissingFile: return QStringLiteral("missing-file");
    case MigrationState::OutOfOrder: return QStringLiteral("out-of-order");
    }
    return {};
}

bool MigrationEntry::isDrift() const
{
    return state == MigrationState::Edited || state == MigrationState::MissingFile ||
           state == MigrationState::OutOfOrder;
}

int DatabaseStatus::appliedCount() const
{
    return int(std::count_if(entries.begin(), entries.end(),
                             [](const MigrationEntry& e) { return e.isApplied(); }));
}

int DatabaseStatus::pendingCount() const
{
    return int(entries.size()) - appliedCount();
}

int DatabaseStatus::driftCount() const
{
    return int(std::count_if(entries.begin(), entries.end(),
                             [](const MigrationEntry& e) { return e.isDrift(); }));
}

QStringList DatabaseStatus::driftReasons() const
{
    QStringList out;
    const MigrationEntry* last = lastApplied();
    for (const MigrationEntry& e : entries) {
        switch (e.state) {
        case MigrationState::Edited:
            out << QStringLiteral("%1 was edited after it was applied (checksum %2 recorded, %3 "
                                  "now)")
                       .arg(e.fileName, e.applied->checksum.left(12), e.file->checksum.left(12));
            break;
        case MigrationState::MissingFile:
            out << QStringLiteral("%1 is recorded as applied but its file is gone")
                       .arg(e.fileName);
            break;
        case MigrationState::OutOfOrder:
            out << QStringLiteral("%1 is not applied but is numbered below the last applied "
                                  "migration (%2)")
                       .arg(e.fileName, last ? last->fileName : QString());
            break;
        default: break;
        }
    }
    return out;
}

const MigrationEntry* DatabaseStatus::lastApplied() const
{
    const MigrationEntry* last = nullptr;
    for (const MigrationEntry& e : entries)
        if (e.isApplied())
            last = &e;
    return last;
}

QList<MigrationEntry> matchMigrations(const QList<Migration>& files,
                                      const QList<AppliedMigration>& applied, bool byFileName)
{
    QHash<QString, qsizetype> byName;
    QHash<qint64, qsizetype> byVersion;
    for (qsizetype i = 0; i < applied.size(); ++i) {
        if (byFileName)
            byName.insert(applied[i].fileName, i);
        else
            byVersion.insert(applied[i].version, i);
    }
    QList<bool> matched(applied.size(), false);
    QList<MigrationEntry> out;
    out.reserve(files.size() + applied.size());
    for (const Migration& f : files) {
        MigrationEntry e;
        e.version = f.version;
        e.fileName = f.fileName;
        e.file = f;
        const qsizetype idx = byFileName ? byName.value(f.fileName, -1)
                                         : byVersion.value(f.version, -1);
        if (idx >= 0) {
            matched[idx] = true;
            e.applied = applied[idx];
            const QString& recorded = applied[idx].checksum;
            e.state = (!recorded.isEmpty() && recorded != f.checksum) ? MigrationState::Edited
                                                                      : MigrationState::Applied;
        }
        out << e;
    }
    for (qsizetype i = 0; i < applied.size(); ++i) {
        if (matched[i])
            continue;
        MigrationEntry e;
        e.state = MigrationState::MissingFile;
        e.version = applied[i].version;
        e.fileName = applied[i].fileName.isEmpty() ? applied[i].versionText : applied[i].fileName;
        e.applied = applied[i];
        out << e;
    }
    std::stable_sort(out.begin(), out.end(), [](const MigrationEntry& a, const MigrationEntry& b) {
        return a.version < b.version;
    });
    // A pending file below the highest applied version is out of order.
    qint64 highestApplied = -1;
    for (const MigrationEntry& e : out)
        if (e.isApplied())
            highestApplied = std::max(highestApplied, e.version);
    for (MigrationEntry& e : out)
        if (!e.isApplied() && e.version < highestApplied)
            e.state = MigrationState::OutOfOrder;
    return out;
}

} // namespace strata
