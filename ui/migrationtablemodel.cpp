#include "migrationtablemodel.h"

#include "statestyle.h"

#include <QLocale>

namespace strata {

MigrationTableModel::MigrationTableModel(QObject* parent) : QAbstractTableModel(parent)
{
    for (MigrationState s :
         {MigrationState::Applied, MigrationState::Pending, MigrationState::Edited,
          MigrationState::MissingFile, MigrationState::OutOfOrder})
        m_stateIcons[size_t(s)] = stateIcon(s);
}

void MigrationTableModel::setStatus(const DatabaseStatus& status)
{
    beginResetModel();
    m_entries = status.entries;
    // driftReasons() lists one sentence per drifted entry, in entry order: pair them up.
    const QStringList reasons = status.driftReasons();
    m_driftReasons.clear();
    qsizetype next = 0;
    for (const MigrationEntry& e : m_entries)
        m_driftReasons << (e.isDrift() && next < reasons.size() ? reasons.at(next++) : QString());
    endResetModel();
}

void MigrationTableModel::clear()
{
    beginResetModel();
    m_entries.clear();
    m_driftReasons.clear();
    endResetModel();
}

const MigrationEntry* MigrationTableModel::entry(int row) const
{
    return row >= 0 && row < m_entries.size() ? &m_entries.at(row) : nullptr;
}

int MigrationTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int MigrationTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant MigrationTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid())
        return {};
    Q_ASSERT(checkIndex(index, CheckIndexOption::ParentIsInvalid));
    const MigrationEntry& e = m_entries.at(index.row());
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        return display(e, column);
    case Qt::ToolTipRole:
        return toolTip(index.row(), column);
    case StateRole:
        return int(e.state);
    case FilePathRole:
        return e.file ? e.file->filePath : QString();
    case Qt::DecorationRole:
        return column == StatusColumn ? QVariant(m_stateIcons[size_t(e.state)]) : QVariant();
    case Qt::ForegroundRole:
        return column == StatusColumn ? QVariant(stateColor(e.state)) : QVariant();
    case Qt::TextAlignmentRole:
        if (column == VersionColumn || column == DurationColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        if (column == DownColumn)
            return QVariant::fromValue(Qt::AlignCenter);
        return {};
    default:
        return {};
    }
}

QVariant MigrationTableModel::display(const MigrationEntry& e, int column) const
{
    switch (column) {
    case VersionColumn:
        if (e.file)
            return e.file->versionText;
        if (e.applied && !e.applied->versionText.isEmpty())
            return e.applied->versionText;
        return QString::number(e.version);
    case FileColumn:
        return e.fileName;
    case StatusColumn:
        return stateLabel(e.state);
    case AppliedAtColumn:
        if (!e.applied)
            return {};
        if (!e.applied->appliedAt.isValid())
            return e.applied->baseline ? QStringLiteral("baseline") : QStringLiteral("unknown");
        return QString(QLocale().toString(e.applied->appliedAt.toLocalTime(),
                                          QStringLiteral("yyyy-MM-dd HH:mm")) +
                       (e.applied->baseline ? QStringLiteral(" (baseline)") : QString()));
    case DurationColumn:
        return e.applied ? formatDuration(e.applied->durationMs) : QString();
    case AppliedByColumn:
        return e.applied ? e.applied->appliedBy : QString();
    case DownColumn:
        if (!e.file)
            return QStringLiteral("?");
        return e.file->hasDown ? QStringLiteral("Yes") : QStringLiteral("No");
    default:
        return {};
    }
}

QVariant MigrationTableModel::toolTip(int row, int column) const
{
    const MigrationEntry& e = m_entries.at(row);
    switch (column) {
    case FileColumn:
        return e.file ? e.file->filePath : QStringLiteral("The file is no longer in the folder.");
    case StatusColumn: {
        const QString reason = m_driftReasons.value(row);
        return reason.isEmpty() ? stateExplanation(e.state) : reason;
    }
    case AppliedAtColumn:
        return e.applied && e.applied->appliedAt.isValid()
                   ? e.applied->appliedAt.toUTC().toString(Qt::ISODate)
                   : QVariant();
    case DownColumn:
        if (!e.file)
            return QStringLiteral("The file is gone, so there is no down section to run.");
        return e.file->hasDown ? QStringLiteral("Has a -- migrate:down section: can be reverted.")
                               : QStringLiteral("No -- migrate:down section: cannot be reverted.");
    default:
        return {};
    }
}

QVariant MigrationTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case VersionColumn:
        return QStringLiteral("Version");
    case FileColumn:
        return QStringLiteral("File");
    case StatusColumn:
        return QStringLiteral("Status");
    case AppliedAtColumn:
        return QStringLiteral("Applied at");
    case DurationColumn:
        return QStringLiteral("Duration");
    case AppliedByColumn:
        return QStringLiteral("Applied by");
    case DownColumn:
        return QStringLiteral("Down?");
    default:
        return {};
    }
}

QString formatDuration(qint64 ms)
{
    if (ms < 0)
        return {};
    if (ms < 1000)
        return QStringLiteral("%1 ms").arg(ms);
    if (ms < 60000)
        return QStringLiteral("%1 s").arg(double(ms) / 1000.0, 0, 'f', 1);
    return QStringLiteral("%1 min %2 s").arg(ms / 60000).arg((ms % 60000) / 1000);
}

} // namespace strata
