#include "applyplan.h"

#include <algorithm>

namespace strata {
namespace {

QList<MigrationEntry> upSteps(const QList<MigrationEntry>& entries, const RunOptions& options)
{
    QList<MigrationEntry> out;
    const auto to = options.toVersion;
    for (const MigrationEntry& e : entries) {
        const bool wanted = e.state == MigrationState::Pending ||
                            (e.state == MigrationState::OutOfOrder && options.allowDrift);
        if (wanted && (!to || e.version <= *to))
            out << e;
    }
    return out;
}

QList<MigrationEntry> baselineSteps(const QList<MigrationEntry>& entries, qint64 to)
{
    QList<MigrationEntry> out;
    for (const MigrationEntry& e : entries)
        if (!e.isApplied() && e.version <= to)
            out << e;
    return out;
}

Result<QList<MigrationEntry>> downSteps(const QList<MigrationEntry>& entries, const Database& db,
                                        const RunOptions& options)
{
    QList<MigrationEntry> out;
    const auto to = options.toVersion;
    for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
        if (!it->isApplied())
            continue;
        if (to ? it->version <= *to : out.size() >= options.steps)
            break;
        out << *it;
    }
    for (const MigrationEntry& e : out) {
        if (!e.file)
            return Error{QStringLiteral("cannot revert %1: it is recorded as applied but its file "
                                        "is gone, so there is no down section")
                             .arg(e.fileName),
                         db.migrationsDir,
                         0,
                         0,
                         {}};
        if (!e.file->hasDown)
            return Error{QStringLiteral("cannot revert %1: it has no down section "
                                        "(-- migrate:down); nothing was reverted")
                             .arg(e.fileName),
                         e.file->filePath,
                         0,
                         0,
                         {}};
        if (e.state == MigrationState::Edited && !options.allowDrift)
            return Error{QStringLiteral("cannot revert %1: it was edited after it was applied, so "
                                        "its down section may not undo what ran (use "
                                        "--allow-drift to revert anyway)")
                             .arg(e.fileName),
                         e.file->filePath,
                         0,
                         0,
                         {}};
    }
    return out;
}

} // namespace

std::optional<Error> driftRefusal(const QList<MigrationEntry>& entries, const Database& db)
{
    DatabaseStatus st;
    st.entries = entries;
    if (st.driftCount() == 0)
        return std::nullopt;
    return Error{QStringLiteral("refusing to apply: the database has drifted from the files.\n  ") +
                     st.driftReasons().join(QStringLiteral("\n  ")) +
                     QStringLiteral("\nFix the files, or pass --allow-drift to apply the pending "
                                    "migrations anyway."),
                 db.migrationsDir,
                 0,
                 0,
                 {}};
}

Result<ApplyPlan> planRun(ApplyDirection direction, const QList<Migration>& files,
                          const QList<AppliedMigration>& applied, bool keyedByFileName,
                          const Database& db, const RunOptions& options, ErrorKind* refusalKind)
{
    ApplyPlan plan;
    plan.entries = matchMigrations(files, applied, keyedByFileName);
    switch (direction) {
    case ApplyDirection::Up:
        if (!options.allowDrift)
            if (auto refusal = driftRefusal(plan.entries, db)) {
                *refusalKind = ErrorKind::Drift;
                return *refusal;
            }
        plan.steps = upSteps(plan.entries, options);
        break;
    case ApplyDirection::Baseline: {
        const qint64 version = options.toVersion.value_or(-1);
        if (std::none_of(files.begin(), files.end(),
                         [&](const Migration& m) { return m.version == version; })) {
            *refusalKind = ErrorKind::Project;
            return Error{QStringLiteral("no migration has version %1").arg(version),
                         db.migrationsDir,
                         0,
                         0,
                         {}};
        }
        plan.steps = baselineSteps(plan.entries, version);
        break;
    }
    case ApplyDirection::Down: {
        auto steps = downSteps(plan.entries, db, options);
        if (!steps) {
            *refusalKind = ErrorKind::Failed;
            return steps.error();
        }
        plan.steps = std::move(steps).value();
        break;
    }
    }
    return plan;
}

} // namespace strata
