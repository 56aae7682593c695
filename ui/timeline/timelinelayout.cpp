#include "timelinelayout.h"

#include <QAbstractItemModel>

#include <algorithm>
#include <cmath>
#include <limits>

namespace strata {
namespace {

constexpr double MinSequenceStep = 8.0; // px per step a short history may not go below
constexpr double MaxSequenceStep = 120.0;
constexpr double DefaultMinStep = 14.0; // a long history starts scrollable at this step …
constexpr double DefaultMaxStep = 48.0; // … and a short one spreads no wider than this
constexpr double MaxPixelsPerMs = 2.0;  // zoomed in far enough to tell milliseconds apart

constexpr qint64 Second = 1000;
constexpr qint64 Minute = 60 * Second;
constexpr qint64 Hour = 60 * Minute;
constexpr qint64 Day = 24 * Hour;

// Tick intervals that read well on a clock or calendar.
constexpr qint64 TickIntervals[] = {
    1,           2,        5,          10,         20,          50,          100,
    200,         500,      Second,     2 * Second, 5 * Second,  10 * Second, 15 * Second,
    30 * Second, Minute,   2 * Minute, 5 * Minute, 10 * Minute, 15 * Minute, 30 * Minute,
    Hour,        2 * Hour, 3 * Hour,   6 * Hour,   12 * Hour,   Day,         2 * Day,
    7 * Day,     14 * Day, 30 * Day,   91 * Day,   182 * Day,   365 * Day};

QString tickLabel(const QDateTime& local, qint64 interval, bool withDate)
{
    if (interval >= 30 * Day)
        return local.toString(QStringLiteral("MMM yyyy"));
    if (interval >= Day)
        return local.toString(QStringLiteral("yyyy-MM-dd"));
    const QString time = local.toString(interval < Second   ? QStringLiteral("HH:mm:ss.zzz")
                                        : interval < Minute ? QStringLiteral("HH:mm:ss")
                                                            : QStringLiteral("HH:mm"));
    return withDate ? local.toString(QStringLiteral("MMM d ")) + time : time;
}

} // namespace

void TimelineLayout::clear()
{
    m_lanes.clear();
    m_maxUnit = 0;
    m_anyTimed = false;
    m_maxUntimed = 0;
}

void TimelineLayout::rebuild(const QAbstractItemModel& model, TimelineModel::Axis axis)
{
    if (axis != m_axis)
        m_scale = 0;
    m_axis = axis;
    clear();

    const int laneCount = model.rowCount();
    m_lanes.resize(laneCount);
    qint64 earliest = std::numeric_limits<qint64>::max();
    qint64 latest = std::numeric_limits<qint64>::min();
    for (int l = 0; l < laneCount; ++l) {
        const QModelIndex lane = model.index(l, 0);
        const int rows = model.rowCount(lane);
        Lane& out = m_lanes[l];
        out.units.resize(rows);
        out.untimedIndex.fill(-1, rows);
        out.versions.resize(rows);
        out.states.resize(rows);
        out.baselines.resize(rows);
        out.texts.resize(rows);
        int untimed = 0;
        for (int r = 0; r < rows; ++r) {
            const QModelIndex mark = model.index(r, 0, lane);
            out.versions[r] = mark.data(TimelineModel::VersionRole).toLongLong();
            out.states[r] = TimelineState(mark.data(TimelineModel::StateRole).toInt());
            out.baselines[r] = mark.data(TimelineModel::BaselineRole).toBool();
            out.texts[r] = mark.data(TimelineModel::VersionTextRole).toString();
            const QVariant x = mark.data(TimelineModel::XPositionRole);
            if (axis == TimelineModel::Axis::Sequence) {
                out.units[r] = x.toDouble();
                m_maxUnit = std::max(m_maxUnit, out.units[r]);
            } else if (x.isValid()) {
                const qint64 ms = qint64(x.toDouble());
                out.units[r] = double(ms); // made relative below, once the origin is known
                earliest = std::min(earliest, ms);
                latest = std::max(latest, ms);
                m_anyTimed = true;
            } else {
                out.units[r] = std::numeric_limits<double>::quiet_NaN();
                out.untimedIndex[r] = untimed++;
            }
        }
        m_maxUntimed = std::max(m_maxUntimed, untimed);
    }
    if (axis == TimelineModel::Axis::Time && m_anyTimed) {
        m_timeOrigin = earliest;
        m_maxUnit = double(latest - earliest);
        for (Lane& lane : m_lanes)
            for (double& u : lane.units)
                if (!std::isnan(u))
                    u -= double(earliest);
    }

    // The order along the axis does not depend on the scale: sort once here.
    for (Lane& lane : m_lanes) {
        lane.sorted.resize(lane.units.size());
        for (int r = 0; r < lane.units.size(); ++r)
            lane.sorted[r].row = r;
        std::stable_sort(lane.sorted.begin(), lane.sorted.end(),
                         [&lane](const Mark& a, const Mark& b) {
                             const int ua = lane.untimedIndex.at(a.row);
                             const int ub = lane.untimedIndex.at(b.row);
                             if ((ua < 0) != (ub < 0))
                                 return ua < 0; // timed before untimed
                             if (ua >= 0)
                                 return ua < ub;
                             return lane.units.at(a.row) < lane.units.at(b.row);
                         });
        lane.positions.resize(lane.sorted.size());
        for (qsizetype i = 0; i < lane.sorted.size(); ++i)
            lane.positions[lane.sorted.at(i).row] = i;
    }
    if (m_scale > 0)
        place();
}

void TimelineLayout::setScale(double scale)
{
    m_scale = std::clamp(scale, 1e-12, maxScale());
    place();
}

void TimelineLayout::place()
{
    for (int l = 0; l < m_lanes.size(); ++l)
        for (Mark& m : m_lanes[l].sorted)
            m.x = markX(l, m.row);
}

double TimelineLayout::maxScale() const
{
    return m_axis == TimelineModel::Axis::Sequence ? MaxSequenceStep : MaxPixelsPerMs;
}

double TimelineLayout::timedSpan() const
{
    return m_axis == TimelineModel::Axis::Time && m_anyTimed ? m_maxUnit : 0.0;
}

double TimelineLayout::fitScale(double plotWidth) const
{
    plotWidth = std::max(plotWidth, 1.0);
    if (m_axis == TimelineModel::Axis::Sequence)
        return m_maxUnit > 0 ? std::min(plotWidth / m_maxUnit, maxScale()) : maxScale();
    if (timedSpan() <= 0)
        return maxScale();
    double available = plotWidth;
    if (m_maxUntimed > 0)
        available -= UntimedGap + (m_maxUntimed - 1) * UntimedStep;
    // Many untimed marks cannot squeeze the timed part below a quarter of the plot.
    available = std::max(available, plotWidth / 4);
    return std::min(available / timedSpan(), maxScale());
}

double TimelineLayout::minScale(double plotWidth) const
{
    const double fit = fitScale(plotWidth);
    return m_axis == TimelineModel::Axis::Sequence ? std::min(fit, MinSequenceStep) : fit;
}

double TimelineLayout::defaultScale(double plotWidth) const
{
    const double fit = fitScale(plotWidth);
    if (m_axis == TimelineModel::Axis::Sequence)
        return std::clamp(fit, DefaultMinStep, DefaultMaxStep);
    return fit;
}

bool TimelineLayout::hasUntimedZone() const
{
    return m_axis == TimelineModel::Axis::Time && m_maxUntimed > 0;
}

double TimelineLayout::untimedZoneStart() const
{
    return m_anyTimed ? timedSpan() * m_scale + UntimedGap : 0.0;
}

double TimelineLayout::contentWidth() const
{
    if (m_axis == TimelineModel::Axis::Sequence)
        return m_maxUnit * m_scale;
    if (m_maxUntimed > 0)
        return untimedZoneStart() + (m_maxUntimed - 1) * UntimedStep;
    return timedSpan() * m_scale;
}

double TimelineLayout::markX(int lane, int row) const
{
    const Lane& l = m_lanes.at(lane);
    const int untimed = l.untimedIndex.at(row);
    if (untimed >= 0)
        return untimedZoneStart() + untimed * UntimedStep;
    return l.units.at(row) * m_scale;
}

std::pair<qsizetype, qsizetype> TimelineLayout::marksIn(int lane, double x0, double x1) const
{
    const QList<Mark>& sorted = m_lanes.at(lane).sorted;
    const auto first = std::lower_bound(sorted.cbegin(), sorted.cend(), x0,
                                        [](const Mark& m, double x) { return m.x < x; });
    const auto last =
        std::upper_bound(first, sorted.cend(), x1, [](double x, const Mark& m) { return x < m.x; });
    return {first - sorted.cbegin(), last - sorted.cbegin()};
}

const TimelineLayout::Mark& TimelineLayout::sortedMark(int lane, qsizetype i) const
{
    return m_lanes.at(lane).sorted.at(i);
}

int TimelineLayout::nearestRow(int lane, double x) const
{
    const QList<Mark>& sorted = m_lanes.at(lane).sorted;
    if (sorted.isEmpty())
        return -1;
    const auto it = std::lower_bound(sorted.cbegin(), sorted.cend(), x,
                                     [](const Mark& m, double v) { return m.x < v; });
    if (it == sorted.cend())
        return sorted.constLast().row;
    if (it == sorted.cbegin())
        return it->row;
    const auto before = std::prev(it);
    return (x - before->x) <= (it->x - x) ? before->row : it->row;
}

int TimelineLayout::rank(int lane, int row) const
{
    return m_axis == TimelineModel::Axis::Sequence ? int(m_lanes.at(lane).units.at(row)) : row;
}

int TimelineLayout::rowAtOrBelow(int lane, qint64 version) const
{
    const QList<qint64>& versions = m_lanes.at(lane).versions;
    const auto it = std::upper_bound(versions.cbegin(), versions.cend(), version);
    return int(it - versions.cbegin()) - 1;
}

QList<TimelineLayout::Tick> TimelineLayout::timeTicks(double x0, double x1, double minSpacing) const
{
    QList<Tick> ticks;
    if (m_axis != TimelineModel::Axis::Time || !m_anyTimed || m_scale <= 0)
        return ticks;
    x0 = std::max(x0, 0.0);
    x1 = std::min(x1, timedSpan() * m_scale);
    if (x1 < x0)
        return ticks;
    qint64 interval = TickIntervals[std::size(TickIntervals) - 1];
    for (qint64 candidate : TickIntervals) {
        if (double(candidate) * m_scale >= minSpacing) {
            interval = candidate;
            break;
        }
    }
    while (double(interval) * m_scale < minSpacing) // beyond a year: whole years
        interval += 365 * Day;

    // Ticks fall on round local times: shift by the local offset from UTC before rounding.
    const qint64 t0 = m_timeOrigin + qint64(x0 / m_scale);
    const qint64 t1 = m_timeOrigin + qint64(std::ceil(x1 / m_scale));
    const qint64 offset =
        interval >= Second
            ? qint64(QDateTime::fromMSecsSinceEpoch(t0).toLocalTime().offsetFromUtc()) * Second
            : 0;
    qint64 t = ((t0 + offset + interval - 1) / interval) * interval - offset;
    QDate previousDay;
    for (int guard = 0; t <= t1 && guard < 2000; t += interval, ++guard) {
        const QDateTime local = QDateTime::fromMSecsSinceEpoch(t).toLocalTime();
        const bool withDate = interval < Day && local.date() != previousDay;
        previousDay = local.date();
        ticks << Tick{double(t - m_timeOrigin) * m_scale, tickLabel(local, interval, withDate)};
    }
    return ticks;
}

} // namespace strata
