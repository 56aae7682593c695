#include "timelinemodel.h"

#include "applycontroller.h"
#include "migrator.h"

#include <QFileInfo>
#include <QSet>

#include <algorithm>

namespace strata {
namespace {

// internalId of a lane row is 0; of a mark, its lane's row + 1.
constexpr quintptr LaneId = 0;

QString entryKey(const MigrationEntry& e)
{
    return QString::number(e.version) + QChar(0x1f) + e.fileName;
}

// Whether two snapshots of one migration would show the same: compared after a reload so that
// only marks whose facts changed are signalled.
bool sameEntry(const MigrationEntry& a, const MigrationEntry& b)
{
    if (a.state != b.state || a.version != b.version || a.fileName != b.fileName ||
        a.file.has_value() != b.file.has_value() || a.applied.has_value() != b.applied.has_value())
        return false;
    if (a.file && (a.file->checksum != b.file->checksum || a.file->filePath != b.file->filePath ||
                   a.file->hasDown != b.file->hasDown || a.file->upSql != b.file->upSql ||
                   a.file->downSql != b.file->downSql))
        return false;
    if (a.applied &&
        (a.applied->appliedAt != b.applied->appliedAt ||
         a.applied->durationMs != b.applied->durationMs ||
         a.applied->appliedBy != b.applied->appliedBy ||
         a.applied->checksum != b.applied->checksum || a.applied->baseline != b.applied->baseline ||
         a.applied->sql != b.applied->sql))
        return false;
    return true;
}

} // namespace

TimelineModel::TimelineModel(QObject* parent) : QAbstractItemModel(parent) {}

void TimelineModel::setProject(const Project& project)
{
    beginResetModel();
    m_project = project;
    m_failures.clear();
    buildLanes();
    endResetModel();
}

void TimelineModel::clear()
{
    beginResetModel();
    m_project.reset();
    m_lanes.clear();
    m_failures.clear();
    endResetModel();
}

void TimelineModel::setLaneMode(LaneMode mode)
{
    if (mode == m_mode)
        return;
    beginResetModel();
    m_mode = mode;
    buildLanes();
    endResetModel();
}

void TimelineModel::setEnvironment(const QString& environment)
{
    if (environment == m_environment)
        return;
    m_environment = environment;
    if (m_mode != LaneMode::OneEnvironment)
        return; // not shown now; used when the mode comes back
    beginResetModel();
    buildLanes();
    endResetModel();
}

void TimelineModel::setAxis(Axis axis)
{
    if (axis == m_axis)
        return;
    m_axis = axis;
    for (int l = 0; l < m_lanes.size(); ++l) {
        if (m_lanes.at(l).entries.isEmpty())
            continue;
        const QModelIndex lane = index(l, 0);
        emit dataChanged(index(0, 0, lane), index(int(m_lanes.at(l).entries.size()) - 1, 0, lane),
                         {XPositionRole});
    }
}

// Lanes are rebuilt only inside a reset: their rows and ranks are read from scratch.
void TimelineModel::buildLanes()
{
    m_lanes.clear();
    if (!m_project)
        return;
    for (const Database& db : m_project->databases) {
        auto addLane = [&](const QString& environment) {
            Lane lane;
            lane.binding = db.binding;
            lane.environment = environment;
            lane.databaseName = db.name;
            lane.sequenceGroup = db.migrationsDir;
            if (const Environment* env = db.environment(environment)) {
                lane.location = env->displayLocation();
                lane.isProtected = env->isProtected;
            }
            readLane(lane);
            m_lanes << lane;
        };
        if (m_mode == LaneMode::OneEnvironment) {
            addLane(m_environment);
        } else if (db.environments.isEmpty()) {
            addLane(QString());
        } else {
            for (const Environment& env : db.environments)
                addLane(env.name);
        }
    }
    QSet<QString> groups;
    for (const Lane& lane : std::as_const(m_lanes))
        groups.insert(lane.sequenceGroup);
    for (const QString& group : std::as_const(groups))
        recomputeRanks(group, false);
}

// Reads a lane's status into it, or the note saying why there is none.
void TimelineModel::readLane(Lane& lane) const
{
    lane.entries.clear();
    lane.note.clear();
    lane.history.clear();
    const Database* db = m_project->database(lane.binding);
    const Environment* env = db ? db->environment(lane.environment) : nullptr;
    if (!env) {
        lane.note = lane.environment.isEmpty()
                        ? QStringLiteral("No environments.")
                        : QStringLiteral("No “%1” environment.").arg(lane.environment);
        return;
    }
    if (env->kind == Environment::Kind::D1Remote) {
        lane.note = QStringLiteral("Remote Cloudflare D1: its history is not readable from here.");
        return;
    }
    if (env->kind == Environment::Kind::Postgres) {
        // Read off the GUI thread (StatusReader); setLaneStatus() / setLaneProblem() follow.
        lane.note = QStringLiteral("Reading the history from the server…");
        return;
    }
    const Migrator migrator(*m_project, lane.binding, lane.environment);
    const Result<DatabaseStatus> status = migrator.status();
    if (!status) {
        lane.note = QStringLiteral("Not readable: ") + status.error().message;
        return;
    }
    lane.entries = status->entries;
    lane.history = status->history;
    if (!status->databaseExists)
        lane.history += QStringLiteral(" — the database file does not exist yet");
}

void TimelineModel::reload()
{
    if (!m_project)
        return;
    for (int l = 0; l < m_lanes.size(); ++l) {
        const Database* db = m_project->database(m_lanes.at(l).binding);
        const Environment* env = db ? db->environment(m_lanes.at(l).environment) : nullptr;
        if (env && env->kind == Environment::Kind::Postgres)
            continue; // a server's lane keeps its marks until its StatusReader brings new ones
        Lane fresh = m_lanes.at(l);
        readLane(fresh);
        updateLane(l, fresh.entries, fresh.note, fresh.history);
    }
    dropSettledFailures();
}

void TimelineModel::setLaneStatus(const DatabaseStatus& status)
{
    const QModelIndex lane = laneIndex(status.binding, status.environment);
    if (!lane.isValid())
        return;
    QString history = status.history;
    if (!status.databaseExists)
        history += QStringLiteral(" — the database file does not exist yet");
    updateLane(lane.row(), status.entries, QString(), history);
    dropSettledFailures();
}

void TimelineModel::setLaneProblem(const QString& binding, const QString& environment,
                                   const QString& message)
{
    const QModelIndex lane = laneIndex(binding, environment);
    if (!lane.isValid())
        return;
    updateLane(lane.row(), {}, QStringLiteral("Not readable: ") + message, QString());
}

// Brings lane `laneRow` to `entries` with row removals and insertions keyed by (version, file
// name), then signals the rows whose facts changed. Falls back to a reset only if the kept
// rows came back in another order, which version-sorted statuses never do.
void TimelineModel::updateLane(int laneRow, const QList<MigrationEntry>& entries,
                               const QString& note, const QString& history)
{
    const QModelIndex parent = index(laneRow, 0);
    {
        Lane& lane = m_lanes[laneRow];
        if (lane.note != note || lane.history != history) {
            lane.note = note;
            lane.history = history;
            emit dataChanged(parent, parent);
        }
    }

    QSet<QString> newKeys;
    for (const MigrationEntry& e : entries)
        newKeys.insert(entryKey(e));
    QSet<QString> oldKeys;
    for (const MigrationEntry& e : std::as_const(m_lanes.at(laneRow).entries))
        oldKeys.insert(entryKey(e));

    // Removals, from the end so earlier row numbers stay valid; contiguous runs at once.
    for (int row = int(m_lanes.at(laneRow).entries.size()) - 1; row >= 0;) {
        if (newKeys.contains(entryKey(m_lanes.at(laneRow).entries.at(row)))) {
            --row;
            continue;
        }
        int first = row;
        while (first > 0 && !newKeys.contains(entryKey(m_lanes.at(laneRow).entries.at(first - 1))))
            --first;
        beginRemoveRows(parent, first, row);
        m_lanes[laneRow].entries.remove(first, row - first + 1);
        m_lanes[laneRow].ranks.remove(first, row - first + 1);
        endRemoveRows();
        row = first - 1;
    }

    // Insertions, walking both lists in order. New rows get a provisional rank (their group is
    // re-ranked below, with signals for every row whose rank moved).
    int row = 0;
    for (qsizetype j = 0; j < entries.size();) {
        Lane& lane = m_lanes[laneRow];
        if (row < lane.entries.size() &&
            entryKey(lane.entries.at(row)) == entryKey(entries.at(j))) {
            ++row;
            ++j;
            continue;
        }
        if (oldKeys.contains(entryKey(entries.at(j)))) {
            resetLane(laneRow, entries);
            return;
        }
        qsizetype end = j;
        while (end < entries.size() && !oldKeys.contains(entryKey(entries.at(end))))
            ++end;
        const int count = int(end - j);
        beginInsertRows(parent, row, row + count - 1);
        lane.entries.insert(row, count, MigrationEntry());
        lane.ranks.insert(row, count, 0);
        for (int k = 0; k < count; ++k)
            lane.entries[row + k] = entries.at(j + k);
        endInsertRows();
        row += count;
        j = end;
    }

    // Facts that changed on rows that stayed.
    Lane& lane = m_lanes[laneRow];
    if (lane.entries.size() != entries.size()) { // a key given twice: no row mapping holds
        resetLane(laneRow, entries);
        return;
    }
    for (int r = 0; r < lane.entries.size();) {
        if (sameEntry(lane.entries.at(r), entries.at(r))) {
            ++r;
            continue;
        }
        int last = r;
        while (last + 1 < lane.entries.size() &&
               !sameEntry(lane.entries.at(last + 1), entries.at(last + 1)))
            ++last;
        for (int k = r; k <= last; ++k)
            lane.entries[k] = entries.at(k);
        emit dataChanged(index(r, 0, parent), index(last, 0, parent));
        r = last + 1;
    }
    recomputeRanks(lane.sequenceGroup, true);
}

// The fallback of updateLane: persistent indexes cannot follow, so views start over.
void TimelineModel::resetLane(int laneRow, const QList<MigrationEntry>& entries)
{
    beginResetModel();
    Lane& lane = m_lanes[laneRow];
    lane.entries = entries;
    lane.ranks = QList<int>(entries.size(), 0);
    recomputeRanks(lane.sequenceGroup, false);
    endResetModel();
}

// Ranks every version of the lanes sharing a migrations folder; signals the rows whose rank
// moved when asked to (not inside a reset).
void TimelineModel::recomputeRanks(const QString& group, bool signalChanges)
{
    QList<qint64> versions;
    for (const Lane& lane : std::as_const(m_lanes))
        if (lane.sequenceGroup == group)
            for (const MigrationEntry& e : lane.entries)
                versions << e.version;
    std::sort(versions.begin(), versions.end());
    versions.erase(std::unique(versions.begin(), versions.end()), versions.end());

    for (int l = 0; l < m_lanes.size(); ++l) {
        Lane& lane = m_lanes[l];
        if (lane.sequenceGroup != group)
            continue;
        QList<int> ranks;
        ranks.reserve(lane.entries.size());
        for (const MigrationEntry& e : std::as_const(lane.entries))
            ranks << int(std::lower_bound(versions.cbegin(), versions.cend(), e.version) -
                         versions.cbegin());
        if (ranks == lane.ranks)
            continue;
        const QList<int> old = lane.ranks;
        lane.ranks = ranks;
        if (!signalChanges)
            continue;
        const QModelIndex parent = index(l, 0);
        int first = 0;
        while (first < ranks.size() && first < old.size() && ranks.at(first) == old.at(first))
            ++first;
        int last = int(ranks.size()) - 1;
        while (last > first && last < old.size() && ranks.at(last) == old.at(last))
            --last;
        emit dataChanged(index(first, 0, parent), index(last, 0, parent),
                         {SequenceRole, XPositionRole});
    }
}

QString TimelineModel::failureKey(const Lane& lane, const QString& fileName) const
{
    return lane.binding + QChar(0x1f) + lane.environment + QChar(0x1f) + fileName;
}

const Error* TimelineModel::failureOf(const Lane& lane, const MigrationEntry& e) const
{
    if (e.isApplied() || m_failures.isEmpty())
        return nullptr;
    const auto it = m_failures.constFind(failureKey(lane, e.fileName));
    return it == m_failures.cend() ? nullptr : &it.value();
}

TimelineState TimelineModel::stateOf(const Lane& lane, const MigrationEntry& e) const
{
    return failureOf(lane, e) ? TimelineState::Failed : TimelineState(int(e.state));
}

// A failure stays while its migration is shown and still not applied; a lane that is not shown
// keeps its failures for when it is.
void TimelineModel::dropSettledFailures()
{
    for (auto it = m_failures.begin(); it != m_failures.end();) {
        bool settled = false;
        for (const Lane& lane : std::as_const(m_lanes)) {
            if (!it.key().startsWith(failureKey(lane, QString())))
                continue;
            const QString fileName = it.key().mid(failureKey(lane, QString()).size());
            settled = std::none_of(
                lane.entries.cbegin(), lane.entries.cend(),
                [&](const MigrationEntry& e) { return e.fileName == fileName && !e.isApplied(); });
            break;
        }
        it = settled ? m_failures.erase(it) : std::next(it);
    }
}

void TimelineModel::setFailure(const QString& binding, const QString& environment,
                               const QString& fileName, const Error& error)
{
    Lane key;
    key.binding = binding;
    key.environment = environment;
    m_failures.insert(failureKey(key, fileName), error);
    const QModelIndex lane = laneIndex(binding, environment);
    if (!lane.isValid())
        return;
    const QList<MigrationEntry>& entries = m_lanes.at(lane.row()).entries;
    for (int r = 0; r < entries.size(); ++r)
        if (entries.at(r).fileName == fileName)
            emit dataChanged(index(r, 0, lane), index(r, 0, lane));
}

void TimelineModel::clearFailures(const QString& binding, const QString& environment)
{
    Lane key;
    key.binding = binding;
    key.environment = environment;
    const QString prefix = failureKey(key, QString());
    bool any = false;
    for (auto it = m_failures.begin(); it != m_failures.end();) {
        const bool match = it.key().startsWith(prefix);
        any = any || match;
        it = match ? m_failures.erase(it) : std::next(it);
    }
    const QModelIndex lane = laneIndex(binding, environment);
    if (any && lane.isValid() && !m_lanes.at(lane.row()).entries.isEmpty())
        emit dataChanged(index(0, 0, lane),
                         index(int(m_lanes.at(lane.row()).entries.size()) - 1, 0, lane));
}

void TimelineModel::recordOutcome(const ApplyOutcome& outcome)
{
    if (!outcome.failedInMigration || !outcome.error || outcome.error->file.isEmpty())
        return;
    Error error = *outcome.error;
    if (outcome.dryRun)
        error.message = QStringLiteral("(dry run) ") + error.message;
    setFailure(outcome.binding, outcome.environment, QFileInfo(error.file).fileName(), error);
}

QModelIndex TimelineModel::laneIndex(const QString& binding, const QString& environment) const
{
    for (int l = 0; l < m_lanes.size(); ++l)
        if (m_lanes.at(l).binding == binding && m_lanes.at(l).environment == environment)
            return index(l, 0);
    return {};
}

QModelIndex TimelineModel::markIndex(const QModelIndex& lane, qint64 version) const
{
    if (!lane.isValid() || lane.internalId() != LaneId)
        return {};
    const QList<MigrationEntry>& entries = m_lanes.at(lane.row()).entries;
    const auto it =
        std::lower_bound(entries.cbegin(), entries.cend(), version,
                         [](const MigrationEntry& e, qint64 v) { return e.version < v; });
    if (it == entries.cend() || it->version != version)
        return {};
    return index(int(it - entries.cbegin()), 0, lane);
}

const MigrationEntry* TimelineModel::entry(const QModelIndex& mark) const
{
    if (!mark.isValid() || mark.model() != this || mark.internalId() == LaneId)
        return nullptr;
    return &m_lanes.at(int(mark.internalId() - 1)).entries.at(mark.row());
}

std::optional<Error> TimelineModel::failure(const QModelIndex& mark) const
{
    const MigrationEntry* e = entry(mark);
    if (!e)
        return std::nullopt;
    const Error* f = failureOf(m_lanes.at(int(mark.internalId() - 1)), *e);
    return f ? std::optional<Error>(*f) : std::nullopt;
}

TimelineState TimelineModel::state(const QModelIndex& mark) const
{
    const MigrationEntry* e = entry(mark);
    return e ? stateOf(m_lanes.at(int(mark.internalId() - 1)), *e) : TimelineState::Pending;
}

QModelIndex TimelineModel::index(int row, int column, const QModelIndex& parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    if (!parent.isValid())
        return createIndex(row, column, LaneId);
    return createIndex(row, column, quintptr(parent.row()) + 1);
}

QModelIndex TimelineModel::parent(const QModelIndex& child) const
{
    if (!child.isValid() || child.internalId() == LaneId)
        return {};
    return createIndex(int(child.internalId() - 1), 0, LaneId);
}

int TimelineModel::rowCount(const QModelIndex& parent) const
{
    if (!parent.isValid())
        return int(m_lanes.size());
    if (parent.column() != 0 || parent.internalId() != LaneId)
        return 0;
    return int(m_lanes.at(parent.row()).entries.size());
}

int TimelineModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() && parent.internalId() != LaneId ? 0 : 1;
}

Qt::ItemFlags TimelineModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    // Lanes are headings: enabled (for tooltips) but not selectable; marks are what one picks.
    if (index.internalId() == LaneId)
        return Qt::ItemIsEnabled;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
}

QVariant TimelineModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid())
        return {};
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid));
    if (index.internalId() == LaneId)
        return laneData(m_lanes.at(index.row()), role);
    return markData(m_lanes.at(int(index.internalId() - 1)), index.row(), role);
}

} // namespace strata
