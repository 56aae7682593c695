#pragma once

// The migration timeline as a tree model: one top-level row per lane — a bound database in one
// environment — and under it that lane's migrations in version order, one row per
// MigrationEntry of Migrator::status(). On top of the states the database records, it keeps the
// failures the window tells it about (a failed migration leaves no trace in the database), and
// gives each mark its position on the chosen axis: its place in the sequence of its migrations
// folder, or the time it was applied.

#include "migrationstatus.h"
#include "project.h"
#include "result.h"

#include <QAbstractItemModel>
#include <QHash>

#include <optional>

namespace strata {

struct ApplyOutcome;

// MigrationState plus Failed; the first five keep MigrationState's values.
enum class TimelineState {
    Applied = int(MigrationState::Applied),
    Pending = int(MigrationState::Pending),
    Edited = int(MigrationState::Edited),
    MissingFile = int(MigrationState::MissingFile),
    OutOfOrder = int(MigrationState::OutOfOrder),
    Failed // the last apply stopped on it; it is still not applied
};
constexpr int TimelineStateCount = int(TimelineState::Failed) + 1;

class TimelineModel final : public QAbstractItemModel
{
    Q_OBJECT

public:
    // One lane per database for the chosen environment, or every environment of every database
    // (stacked, grouped by database).
    enum class LaneMode { OneEnvironment, AllEnvironments };
    // Sequence: x is the mark's rank among the versions of its migrations folder, so the same
    // file lines up in every lane that runs it. Time: x is when it was applied.
    enum class Axis { Sequence, Time };

    enum Role {
        // Lanes and marks
        BindingRole = Qt::UserRole + 1,
        EnvironmentRole,
        IsLaneRole, // bool
        // Lanes
        DatabaseNameRole,
        LocationRole,
        ProtectedRole,
        LaneNoteRole, // why the lane has no marks (remote D1, unreadable); empty otherwise
        // Marks
        FileNameRole,
        VersionRole,     // qint64
        VersionTextRole, // "0003" as the file writes it
        StateRole,       // TimelineState as int
        AppliedAtRole,   // QDateTime (UTC); invalid when not applied or unknown
        DurationRole,    // qint64 ms; -1 when unknown
        AppliedByRole,
        BaselineRole, // bool: recorded by `strata baseline`, never run
        HasDownRole,  // bool
        FailureRole,  // the failure's message, for Failed marks
        SequenceRole, // int: rank of the version in its migrations folder's sequence
        // double. Sequence axis: SequenceRole. Time axis: ms since the epoch of AppliedAtRole,
        // or null when the mark has no time (not applied, or the history keeps none) — views
        // place those after the timed ones, in version order.
        XPositionRole
    };

    explicit TimelineModel(QObject* parent = nullptr);

    // Replaces the lanes (a model reset) and reads every lane's status.
    void setProject(const Project& project);
    void clear();
    bool hasProject() const { return m_project.has_value(); }
    const Project* project() const { return m_project ? &*m_project : nullptr; }

    void setLaneMode(LaneMode mode);
    LaneMode laneMode() const { return m_mode; }
    // The environment of OneEnvironment mode; a database without it gets a lane with a note.
    void setEnvironment(const QString& environment);
    QString environment() const { return m_environment; }
    void setAxis(Axis axis);
    Axis axis() const { return m_axis; }

    // Re-reads every lane's status. Rows that stay keep their indexes (selections survive);
    // only what changed is signalled.
    void reload();
    // Takes a status someone has already read (e.g. the project tree's snapshot) for the lane of
    // status.binding / status.environment, if it is shown; same signalling as reload().
    void setLaneStatus(const DatabaseStatus& status);
    // A lane whose status could not be read (a PostgreSQL server that did not answer): no marks,
    // the reason as its note.
    void setLaneProblem(const QString& binding, const QString& environment, const QString& message);

    // The last apply of `fileName` in binding/environment failed with `error`. Kept until that
    // migration is applied or the failure is cleared; shown on its mark as Failed.
    void setFailure(const QString& binding, const QString& environment, const QString& fileName,
                    const Error& error);
    void clearFailures(const QString& binding, const QString& environment);
    // Convenience for ApplyController::finished: records the failing migration, if one failed.
    void recordOutcome(const ApplyOutcome& outcome);

    QModelIndex laneIndex(const QString& binding, const QString& environment) const;
    QModelIndex markIndex(const QModelIndex& lane, qint64 version) const;
    // The entry behind a mark; null for lanes and invalid indexes.
    const MigrationEntry* entry(const QModelIndex& mark) const;
    std::optional<Error> failure(const QModelIndex& mark) const;
    TimelineState state(const QModelIndex& mark) const;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    struct Lane
    {
        QString binding;
        QString environment;
        QString databaseName;
        QString location;
        QString sequenceGroup; // the migrations folder: lanes sharing it share a sequence
        bool isProtected = false;
        QString note;
        QString history;
        QList<MigrationEntry> entries;
        QList<int> ranks; // by row: rank of the entry's version in the group's sequence
    };

    void buildLanes();
    void readLane(Lane& lane) const;
    void updateLane(int laneRow, const QList<MigrationEntry>& entries, const QString& note,
                    const QString& history);
    void resetLane(int laneRow, const QList<MigrationEntry>& entries);
    void recomputeRanks(const QString& group, bool signalChanges);
    void dropSettledFailures();
    QString failureKey(const Lane& lane, const QString& fileName) const;
    const Error* failureOf(const Lane& lane, const MigrationEntry& e) const;
    TimelineState stateOf(const Lane& lane, const MigrationEntry& e) const;

    QVariant laneData(const Lane& lane, int role) const;
    QVariant markData(const Lane& lane, int row, int role) const;
    QString laneToolTip(const Lane& lane) const;
    QString markToolTip(const Lane& lane, int row) const;

    std::optional<Project> m_project;
    LaneMode m_mode = LaneMode::OneEnvironment;
    QString m_environment = QStringLiteral("local");
    Axis m_axis = Axis::Sequence;
    QList<Lane> m_lanes;
    QHash<QString, Error> m_failures; // by failureKey
};

// "Applied", "Pending", …, "Failed": the word for a timeline state.
QString timelineStateLabel(TimelineState state);

} // namespace strata
