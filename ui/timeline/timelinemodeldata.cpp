// TimelineModel's data(): what each lane and mark says, roles and tooltips, apart from how the
// lanes are read and kept up to date (timelinemodel.cpp).

#include "timelinemodel.h"

#include "migrationtablemodel.h"

namespace strata {
namespace {

QString versionText(const MigrationEntry& e)
{
    if (e.file)
        return e.file->versionText;
    if (e.applied && !e.applied->versionText.isEmpty())
        return e.applied->versionText;
    return QString::number(e.version);
}

} // namespace

QString timelineStateLabel(TimelineState state)
{
    switch (state) {
    case TimelineState::Applied:
        return QStringLiteral("Applied");
    case TimelineState::Pending:
        return QStringLiteral("Pending");
    case TimelineState::Edited:
        return QStringLiteral("Edited after apply");
    case TimelineState::MissingFile:
        return QStringLiteral("File missing");
    case TimelineState::OutOfOrder:
        return QStringLiteral("Out of order");
    case TimelineState::Failed:
        return QStringLiteral("Failed");
    }
    return {};
}

QVariant TimelineModel::laneData(const Lane& lane, int role) const
{
    switch (role) {
    case Qt::DisplayRole:
        return lane.environment.isEmpty() ? lane.binding
                                          : lane.binding + QStringLiteral(" · ") + lane.environment;
    case Qt::ToolTipRole:
        return laneToolTip(lane);
    case BindingRole:
        return lane.binding;
    case EnvironmentRole:
        return lane.environment;
    case IsLaneRole:
        return true;
    case DatabaseNameRole:
        return lane.databaseName;
    case LocationRole:
        return lane.location;
    case ProtectedRole:
        return lane.isProtected;
    case LaneNoteRole:
        return lane.note;
    default:
        return {};
    }
}

QVariant TimelineModel::markData(const Lane& lane, int row, int role) const
{
    const MigrationEntry& e = lane.entries.at(row);
    const std::optional<AppliedMigration>& a = e.applied;
    switch (role) {
    case Qt::DisplayRole:
    case FileNameRole:
        return e.fileName;
    case Qt::ToolTipRole:
        return markToolTip(lane, row);
    case BindingRole:
        return lane.binding;
    case EnvironmentRole:
        return lane.environment;
    case IsLaneRole:
        return false;
    case VersionRole:
        return e.version;
    case VersionTextRole:
        return versionText(e);
    case StateRole:
        return int(stateOf(lane, e));
    case AppliedAtRole:
        return a ? a->appliedAt : QDateTime();
    case DurationRole:
        return a ? a->durationMs : qint64(-1);
    case AppliedByRole:
        return a ? a->appliedBy : QString();
    case BaselineRole:
        return a && a->baseline;
    case HasDownRole:
        return e.file && e.file->hasDown;
    case FailureRole: {
        const Error* f = failureOf(lane, e);
        return f ? f->message : QString();
    }
    case SequenceRole:
        return lane.ranks.value(row);
    case XPositionRole:
        if (m_axis == Axis::Sequence)
            return double(lane.ranks.value(row));
        if (a && a->appliedAt.isValid())
            return double(a->appliedAt.toMSecsSinceEpoch());
        return {};
    default:
        return {};
    }
}

QString TimelineModel::laneToolTip(const Lane& lane) const
{
    QStringList lines;
    lines << QStringLiteral("%1 (%2)").arg(lane.binding, lane.databaseName);
    if (!lane.environment.isEmpty())
        lines << QStringLiteral("Environment: %1%2")
                     .arg(lane.environment,
                          lane.isProtected ? QStringLiteral(" (protected)") : QString());
    if (!lane.location.isEmpty())
        lines << lane.location;
    if (!lane.note.isEmpty()) {
        lines << lane.note;
        return lines.join(QLatin1Char('\n'));
    }
    if (!lane.history.isEmpty())
        lines << QStringLiteral("History: ") + lane.history;
    int counts[TimelineStateCount] = {};
    for (const MigrationEntry& e : lane.entries)
        ++counts[int(stateOf(lane, e))];
    QStringList parts;
    for (int s = 0; s < TimelineStateCount; ++s)
        if (counts[s] > 0)
            parts << QStringLiteral("%1 %2").arg(counts[s]).arg(
                timelineStateLabel(TimelineState(s)).toLower());
    lines << (parts.isEmpty() ? QStringLiteral("No migrations.")
                              : parts.join(QStringLiteral(", ")));
    return lines.join(QLatin1Char('\n'));
}

QString TimelineModel::markToolTip(const Lane& lane, int row) const
{
    const MigrationEntry& e = lane.entries.at(row);
    const TimelineState st = stateOf(lane, e);
    QStringList lines;
    lines << QStringLiteral("%1 — %2").arg(e.fileName, timelineStateLabel(st));
    if (const auto& a = e.applied) {
        QString when = a->appliedAt.isValid() ? QStringLiteral("Applied %1")
                                                    .arg(a->appliedAt.toLocalTime().toString(
                                                        QStringLiteral("yyyy-MM-dd HH:mm:ss")))
                                              : QStringLiteral("Applied (time not recorded)");
        if (a->durationMs >= 0)
            when += QStringLiteral(", took ") + formatDuration(a->durationMs);
        if (!a->appliedBy.isEmpty())
            when += QStringLiteral(", by ") + a->appliedBy;
        lines << when;
        if (a->baseline)
            lines << QStringLiteral("Baseline: recorded as applied, never run by Strata.");
    }
    switch (st) {
    case TimelineState::Applied:
        break;
    case TimelineState::Pending:
        lines << QStringLiteral("Not applied yet in %1.").arg(lane.environment);
        break;
    case TimelineState::Edited:
        lines << QStringLiteral("The file changed after it was applied (checksum %1 recorded, %2 "
                                "now).")
                     .arg(e.applied->checksum.left(12), e.file->checksum.left(12));
        break;
    case TimelineState::MissingFile:
        lines << QStringLiteral("Recorded as applied, but the file is gone from the folder.");
        break;
    case TimelineState::OutOfOrder:
        lines << QStringLiteral("Not applied, yet numbered below the last applied migration.");
        break;
    case TimelineState::Failed:
        if (const Error* f = failureOf(lane, e))
            lines << QStringLiteral("The last apply failed here%1: %2")
                         .arg(f->line > 0 ? QStringLiteral(" (line %1)").arg(f->line) : QString(),
                              f->message);
        break;
    }
    return lines.join(QLatin1Char('\n'));
}

QHash<int, QByteArray> TimelineModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractItemModel::roleNames();
    names.insert(BindingRole, "binding");
    names.insert(EnvironmentRole, "environment");
    names.insert(IsLaneRole, "isLane");
    names.insert(DatabaseNameRole, "databaseName");
    names.insert(LocationRole, "location");
    names.insert(ProtectedRole, "isProtected");
    names.insert(LaneNoteRole, "note");
    names.insert(FileNameRole, "fileName");
    names.insert(VersionRole, "version");
    names.insert(VersionTextRole, "versionText");
    names.insert(StateRole, "state");
    names.insert(AppliedAtRole, "appliedAt");
    names.insert(DurationRole, "durationMs");
    names.insert(AppliedByRole, "appliedBy");
    names.insert(BaselineRole, "baseline");
    names.insert(HasDownRole, "hasDown");
    names.insert(FailureRole, "failure");
    names.insert(SequenceRole, "sequence");
    names.insert(XPositionRole, "x");
    return names;
}

} // namespace strata
