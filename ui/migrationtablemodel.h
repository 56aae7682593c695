#pragma once

// The migrations of one database in one environment, one row each, in version order: version,
// file, state (word, icon and colour), when and by whom it was applied, how long it took, and
// whether it can be reverted. Read-only; it shows a DatabaseStatus snapshot.

#include "migrationstatus.h"

#include <QAbstractTableModel>
#include <QIcon>

#include <array>

namespace strata {

class MigrationTableModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        VersionColumn,
        FileColumn,
        StatusColumn,
        AppliedAtColumn,
        DurationColumn,
        AppliedByColumn,
        DownColumn,
        ColumnCount
    };
    enum Role {
        StateRole = Qt::UserRole + 1, // MigrationState as int, on every column
        FilePathRole                  // absolute path, empty when the file is gone
    };

    explicit MigrationTableModel(QObject* parent = nullptr);

    void setStatus(const DatabaseStatus& status);
    void clear();
    const MigrationEntry* entry(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QVariant display(const MigrationEntry& e, int column) const;
    QVariant toolTip(int row, int column) const;

    QList<MigrationEntry> m_entries;
    QStringList m_driftReasons; // by row: the sentence DatabaseStatus gives, empty if none
    std::array<QIcon, 5> m_stateIcons;
};

// "850 ms", "1.4 s", "2 min 5 s"; empty for an unknown (negative) duration.
QString formatDuration(qint64 ms);

} // namespace strata
