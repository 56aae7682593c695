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
constexpr double TinyScale = 1e-9;      // px per ms when only the gaps between marks matter
constexpr double MinGap = 0.5;

constexpr qint64 Second = 1000;
constexpr qint64 Minute = 60 * Second;
constexpr qint64 Hour = 60 * Minute;
constexpr qint64 Day = 24 * Hour;
constexpr qint64 Year = 365 * Day;

// Tick intervals that read well on a clock or calendar.
constexpr qint64 TickIntervals[] = {
    1,           2,        5,          10,         20,          50,          100,
    200,         500,      Second,     2 * Second, 5 * Second,  10 * Second, 15 * Second,
    30 * Second, Minute,   2 * Minute, 5 * Minute, 10 * Minute, 15 * Minute, 30 * Minute,
    Hour,        2 * Hour, 3 * Hour,   6 * Hour,   12 * Hour,   Day,         2 * Day,
    7 * Day,     14 * Day, 30 * Day,   91 * Day,   182 * Day,   Year};

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
    m_maxRank = 0;
    m_knotTimes.clear();
    m_knotSlots.clear();
    m_knotXs.clear();
    m_timedEnd = 0;
    m_maxUntimed = 0;
}

void TimelineLayout::rebuild(const QAbstractItemModel& model, TimelineModel::Axis axis)
{
    if (axis != m_axis)
        m_zoom = Zoom{};
    m_axis = axis;
    clear();

    const int laneCount = model.rowCount();
    m_lanes.resize(laneCount);
    qint64 earliest = std::numeric_limits<qint64>::max();
    for (int l = 0; l < laneCount; ++l) {
        const QModelIndex lane = model.index(l, 0);
        const int rows = model.rowCount(lane);
        Lane& out = m_lanes[l];
        out.units.resize(rows);
        out.knot.fill(-1, rows);
        out.slot.fill(0, rows);
        out.untimedIndex.fill(-1, rows);
        out.versions.resize(rows);
        out.xs.fill(0, rows);
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
                m_maxRank = std::max(m_maxRank, out.units[r]);
            } else if (x.isValid()) {
                out.units[r] = x.toDouble(); // made relative below, once the origin is known
                earliest = std::min(earliest, qint64(out.units[r]));
            } else {
                out.units[r] = std::numeric_limits<double>::quiet_NaN();
                out.untimedIndex[r] = untimed++;
            }
        }
        m_maxUntimed = std::max(m_maxUntimed, untimed);
    }

    if (axis == TimelineModel::Axis::Time && earliest != std::numeric_limits<qint64>::max()) {
        // The distinct times of all lanes, each with as many slots as the busiest lane needs.
        m_timeOrigin = earliest;
        for (Lane& lane : m_lanes)
            for (double& u : lane.units)
                if (!std::isnan(u)) {
                    u -= double(earliest);
                    m_knotTimes << u;
                }
        std::sort(m_knotTimes.begin(), m_knotTimes.end());
        m_knotTimes.erase(std::unique(m_knotTimes.begin(), m_knotTimes.end()), m_knotTimes.end());
        m_knotSlots.fill(1, m_knotTimes.size());
        for (Lane& lane : m_lanes) {
            QList<int> used(m_knotTimes.size(), 0);
            for (int r = 0; r < lane.units.size(); ++r) {
                if (std::isnan(lane.units.at(r)))
                    continue;
                const int k = int(
                    std::lower_bound(m_knotTimes.cbegin(), m_knotTimes.cend(), lane.units.at(r)) -
                    m_knotTimes.cbegin());
                lane.knot[r] = k;
                lane.slot[r] = used[k]++;
                m_knotSlots[k] = std::max(m_knotSlots.at(k), used.at(k));
            }
        }
    }

    // The order along the axis does not depend on the zoom: sort once here.
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
                             if (lane.units.at(a.row) != lane.units.at(b.row))
                                 return lane.units.at(a.row) < lane.units.at(b.row);
                             return lane.slot.at(a.row) < lane.slot.at(b.row);
                         });
        lane.positions.resize(lane.sorted.size());
        for (qsizetype i = 0; i < lane.sorted.size(); ++i)
            lane.positions[lane.sorted.at(i).row] = i;
    }
    if (hasZoom())
        place();
}

double TimelineLayout::maxScale() const
{
    return m_axis == TimelineModel::Axis::Sequence ? MaxSequenceStep : MaxPixelsPerMs;
}

void TimelineLayout::setZoom(const Zoom& zoom)
{
    m_zoom.scale = std::clamp(zoom.scale, TinyScale, maxScale());
    m_zoom.gap = std::clamp(zoom.gap, MinGap, MaxGap);
    place();
}

// Consecutive times are as far apart as the scale says, and never closer than the gap: the axis
// only ever stretches, so it stays in time order and ticks never crowd.
void TimelineLayout::placeKnots(const Zoom& zoom, QList<double>& xs, double& end) const
{
    xs.resize(m_knotTimes.size());
    for (qsizetype k = 0; k < m_knotTimes.size(); ++k) {
        if (k == 0) {
            xs[k] = 0;
            continue;
        }
        const double previousEnd = xs.at(k - 1) + (m_knotSlots.at(k - 1) - 1) * zoom.gap;
        xs[k] = previousEnd +
                std::max(zoom.gap, (m_knotTimes.at(k) - m_knotTimes.at(k - 1)) * zoom.scale);
    }
    end = m_knotTimes.isEmpty() ? 0.0 : xs.constLast() + (m_knotSlots.constLast() - 1) * zoom.gap;
}

double TimelineLayout::timedEnd(const Zoom& zoom) const
{
    QList<double> xs;
    double end = 0;
    placeKnots(zoom, xs, end);
    return end;
}

double TimelineLayout::untimedExtent(double gap) const
{
    if (m_maxUntimed == 0)
        return 0;
    return (m_knotTimes.isEmpty() ? 0.0 : UntimedGap) +
           (m_maxUntimed - 1) * std::min(UntimedStep, gap * 1.5);
}

double TimelineLayout::untimedStep() const
{
    return std::min(UntimedStep, m_zoom.gap * 1.5);
}

void TimelineLayout::place()
{
    if (m_axis == TimelineModel::Axis::Time)
        placeKnots(m_zoom, m_knotXs, m_timedEnd);
    const double untimedStart = untimedZoneStart();
    const double step = untimedStep();
    for (Lane& lane : m_lanes) {
        for (int r = 0; r < lane.units.size(); ++r) {
            if (m_axis == TimelineModel::Axis::Sequence)
                lane.xs[r] = lane.units.at(r) * m_zoom.scale;
            else if (lane.untimedIndex.at(r) >= 0)
                lane.xs[r] = untimedStart + lane.untimedIndex.at(r) * step;
            else
                lane.xs[r] = m_knotXs.at(lane.knot.at(r)) + lane.slot.at(r) * m_zoom.gap;
        }
        for (Mark& m : lane.sorted)
            m.x = lane.xs.at(m.row);
    }
}

TimelineLayout::Zoom TimelineLayout::fitZoom(double plotWidth) const
{
    plotWidth = std::max(plotWidth, 1.0);
    if (m_axis == TimelineModel::Axis::Sequence)
        return {m_maxRank > 0 ? std::min(plotWidth / m_maxRank, maxScale()) : maxScale(), MaxGap};
    if (m_knotTimes.isEmpty()) {
        const double gap = m_maxUntimed > 1 ? plotWidth / ((m_maxUntimed - 1) * 1.5) : MaxGap;
        return {maxScale(), std::clamp(gap, MinGap, MaxGap)};
    }
    // Full gaps if everything fits with them, the time scale found by bisection (the timed
    // part's width grows with it); else the gaps shrink too and time hardly counts.
    double available = plotWidth - untimedExtent(MaxGap);
    if (m_maxUntimed > 0)
        available = std::max(available, plotWidth / 4);
    if (timedEnd({TinyScale, MaxGap}) <= available) {
        double lo = TinyScale, hi = maxScale();
        if (timedEnd({hi, MaxGap}) <= available)
            return {hi, MaxGap};
        for (int i = 0; i < 60; ++i) {
            const double mid = std::sqrt(lo * hi); // the scale spans many decades
            (timedEnd({mid, MaxGap}) <= available ? lo : hi) = mid;
        }
        return {lo, MaxGap};
    }
    qsizetype slotCount = 0;
    for (int s : m_knotSlots)
        slotCount += s;
    const double units = double(slotCount - 1) + 1.5 * std::max(0, m_maxUntimed - 1);
    const double room = plotWidth - (m_maxUntimed > 0 ? UntimedGap : 0.0);
    return {TinyScale, std::clamp(units > 0 ? room / units : MaxGap, MinGap, MaxGap)};
}

TimelineLayout::Zoom TimelineLayout::defaultZoom(double plotWidth) const
{
    const Zoom fit = fitZoom(plotWidth);
    if (m_axis == TimelineModel::Axis::Sequence)
        return {std::clamp(fit.scale, DefaultMinStep, DefaultMaxStep), MaxGap};
    // Marks close enough to click, at the cost of scrolling through a long batch.
    return {fit.scale, std::max(fit.gap, std::min(MaxGap, 10.0))};
}

TimelineLayout::Zoom TimelineLayout::zoomedBy(double factor, double plotWidth) const
{
    const Zoom fit = fitZoom(plotWidth);
    Zoom z{m_zoom.scale * factor, std::min(MaxGap, m_zoom.gap * factor)};
    if (m_axis == TimelineModel::Axis::Sequence)
        return {std::clamp(z.scale, std::min(fit.scale, MinSequenceStep), maxScale()), MaxGap};
    if (z.scale < fit.scale || z.gap < fit.gap)
        return fit;
    z.scale = std::min(z.scale, maxScale());
    return z;
}

bool TimelineLayout::hasUntimedZone() const
{
    return m_axis == TimelineModel::Axis::Time && m_maxUntimed > 0;
}

double TimelineLayout::untimedZoneStart() const
{
    return m_knotTimes.isEmpty() ? 0.0 : m_timedEnd + UntimedGap;
}

double TimelineLayout::contentWidth() const
{
    if (m_axis == TimelineModel::Axis::Sequence)
        return m_maxRank * m_zoom.scale;
    if (m_maxUntimed > 0)
        return untimedZoneStart() + (m_maxUntimed - 1) * untimedStep();
    return m_timedEnd;
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

// Between two knots, time runs linearly from the end of the first one's slots to the second.
double TimelineLayout::timeToX(double ms) const
{
    const auto it = std::upper_bound(m_knotTimes.cbegin(), m_knotTimes.cend(), ms);
    const qsizetype k = it - m_knotTimes.cbegin() - 1; // the last knot at or before ms
    if (k < 0)
        return m_knotXs.constFirst() - (m_knotTimes.constFirst() - ms) * m_zoom.scale;
    const double from = m_knotXs.at(k) + (m_knotSlots.at(k) - 1) * m_zoom.gap;
    if (k + 1 >= m_knotTimes.size())
        return from + (ms - m_knotTimes.at(k)) * m_zoom.scale;
    const double span = m_knotTimes.at(k + 1) - m_knotTimes.at(k);
    return from + (m_knotXs.at(k + 1) - from) * (ms - m_knotTimes.at(k)) / span;
}

double TimelineLayout::xToTime(double x) const
{
    const qsizetype n = m_knotTimes.size();
    if (x <= m_knotXs.constFirst())
        return m_knotTimes.constFirst() - (m_knotXs.constFirst() - x) / m_zoom.scale;
    qsizetype k = std::upper_bound(m_knotXs.cbegin(), m_knotXs.cend(), x) - m_knotXs.cbegin() - 1;
    const double from = m_knotXs.at(k) + (m_knotSlots.at(k) - 1) * m_zoom.gap;
    if (x <= from)
        return m_knotTimes.at(k);
    if (k + 1 >= n)
        return m_knotTimes.at(k) + (x - from) / m_zoom.scale;
    return m_knotTimes.at(k) +
           (m_knotTimes.at(k + 1) - m_knotTimes.at(k)) * (x - from) / (m_knotXs.at(k + 1) - from);
}

QList<TimelineLayout::Tick> TimelineLayout::timeTicks(double x0, double x1, double minSpacing) const
{
    QList<Tick> ticks;
    if (m_axis != TimelineModel::Axis::Time || m_knotTimes.isEmpty() || !hasZoom())
        return ticks;
    x0 = std::max(x0, 0.0);
    x1 = std::min(x1, m_timedEnd);
    if (x1 < x0)
        return ticks;
    // The stretches only widen the axis, so ticks chosen for the plain scale stay far enough
    // apart.
    qint64 interval = 0;
    for (qint64 candidate : TickIntervals) {
        if (double(candidate) * m_zoom.scale >= minSpacing) {
            interval = candidate;
            break;
        }
    }
    if (interval == 0) // beyond a year: whole years
        interval = Year * qint64(std::ceil(minSpacing / m_zoom.scale / double(Year)));

    // Ticks fall on round local times: shift by the local offset from UTC before rounding.
    const qint64 t0 = m_timeOrigin + qint64(std::floor(xToTime(x0)));
    const qint64 t1 = m_timeOrigin + qint64(std::ceil(xToTime(x1)));
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
        ticks << Tick{timeToX(double(t - m_timeOrigin)), tickLabel(local, interval, withDate)};
    }
    if (ticks.isEmpty()) {
        // A span shorter than one interval still says when it was: label its start, exactly.
        const QDateTime local = QDateTime::fromMSecsSinceEpoch(t0).toLocalTime();
        ticks << Tick{timeToX(double(t0 - m_timeOrigin)),
                      tickLabel(local, interval < Second ? interval : Second, true)};
    }
    return ticks;
}

} // namespace strata
