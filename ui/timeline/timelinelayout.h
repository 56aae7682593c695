#pragma once

// Where the marks of the timeline go along its axis — geometry only, no painting. It reads each
// lane's marks from the model once per change (positions in axis units: sequence ranks or
// milliseconds), keeps them sorted by position so a view finds the visible ones by binary
// search (a 1000-mark lane paints only what is on screen), and turns units into pixels at the
// current zoom. On the time axis the distinct times of all lanes are laid out once, shared by
// every lane so the same moment lines up across them, with a least gap between marks so that a
// batch applied in one run is spread out rather than piled on one point; marks without a time
// (not applied) go after the timed ones, in a zone of their own.

#include "timelinemodel.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>
#include <utility>

class QAbstractItemModel;

namespace strata {

class TimelineLayout final
{
public:
    struct Mark
    {
        double x = 0; // content pixels from the start of the axis
        int row = 0;  // the mark's row under its lane
    };
    struct Tick
    {
        double x = 0;
        QString label;
    };
    // How far the axis is zoomed. scale: pixels per sequence step, or per millisecond. gap (time
    // axis only): the least distance between marks applied at the same or nearly the same time —
    // a batch applied in one run is spread out at this pitch instead of piling up on one point,
    // so the axis stretches there (ticks follow the stretch; every position stays in time order).
    struct Zoom
    {
        double scale = 0;
        double gap = MaxGap;
    };

    static constexpr double MaxGap = 16.0;
    // Distance between two untimed marks on the time axis, at most, and the gap before their zone.
    static constexpr double UntimedStep = 24.0;
    static constexpr double UntimedGap = 56.0;

    // Reads every lane of `model` (top-level rows) for `axis`. The zoom is kept if the axis is
    // the same, else dropped (hasZoom() false) for the caller to choose one.
    void rebuild(const QAbstractItemModel& model, TimelineModel::Axis axis);
    void clear();

    TimelineModel::Axis axis() const { return m_axis; }
    int laneCount() const { return int(m_lanes.size()); }
    bool laneHasMarks(int lane) const { return !m_lanes.at(lane).sorted.isEmpty(); }
    int markCount(int lane) const { return int(m_lanes.at(lane).units.size()); }

    bool hasZoom() const { return m_zoom.scale > 0; }
    Zoom zoom() const { return m_zoom; }
    double scale() const { return m_zoom.scale; }
    void setZoom(const Zoom& zoom); // clamped to the largest zoom allowed
    // The zoom that shows every mark in `plotWidth` pixels (as far as they can fit): the least
    // the view may zoom out to.
    Zoom fitZoom(double plotWidth) const;
    // Where a freshly shown timeline starts.
    Zoom defaultZoom(double plotWidth) const;
    // The current zoom times `factor`, kept between fitZoom() and the largest.
    Zoom zoomedBy(double factor, double plotWidth) const;

    double contentWidth() const;
    double markX(int lane, int row) const { return m_lanes.at(lane).xs.at(row); }
    // The marks of `lane` with x in [x0, x1], in x order (a range of sortedMark()).
    std::pair<qsizetype, qsizetype> marksIn(int lane, double x0, double x1) const;
    const Mark& sortedMark(int lane, qsizetype i) const { return m_lanes.at(lane).sorted.at(i); }
    // The mark nearest to x, or -1 when the lane has none.
    int nearestRow(int lane, double x) const;
    // Rows are in version order: the row of a version, or of the last mark below it (-1: none).
    qint64 version(int lane, int row) const { return m_lanes.at(lane).versions.at(row); }
    int rowAtOrBelow(int lane, qint64 version) const;
    // What painting needs of each mark, read once per rebuild rather than once per frame.
    TimelineState state(int lane, int row) const { return m_lanes.at(lane).states.at(row); }
    bool isBaseline(int lane, int row) const { return m_lanes.at(lane).baselines.at(row); }
    const QString& versionText(int lane, int row) const { return m_lanes.at(lane).texts.at(row); }
    // Index of a row in its lane's x order (sortedMark(lane, i).row == row).
    qsizetype sortedPosition(int lane, int row) const { return m_lanes.at(lane).positions.at(row); }
    // The sequence rank of a mark (sequence axis), for thinning labels on a fixed stride.
    int rank(int lane, int row) const;

    // Time axis: the untimed zone, and labelled ticks between x0 and x1 at least `minSpacing`
    // pixels apart (where the axis is stretched they are further apart). Empty on the sequence
    // axis.
    bool hasUntimedZone() const;
    double untimedZoneStart() const;
    double untimedStep() const;
    QList<Tick> timeTicks(double x0, double x1, double minSpacing) const;

private:
    struct Lane
    {
        QList<double> units; // by row: rank, or ms since the earliest time; NaN if untimed
        QList<int> knot;     // by row (time axis): index of its time in m_knotTimes, or -1
        QList<int> slot;     // by row (time axis): its place among the lane's marks at that time
        QList<int> untimedIndex;    // by row: index among the lane's untimed marks, else -1
        QList<qint64> versions;     // by row
        QList<double> xs;           // by row: x at the current zoom
        QList<Mark> sorted;         // x order; x at the current zoom
        QList<qsizetype> positions; // by row: index in sorted
        QList<TimelineState> states;
        QList<bool> baselines;
        QList<QString> texts;
    };

    void place();
    // Time axis: where each distinct time lands at `zoom`, and where the timed part ends.
    void placeKnots(const Zoom& zoom, QList<double>& xs, double& end) const;
    double timedEnd(const Zoom& zoom) const;
    double untimedExtent(double gap) const;
    double timeToX(double ms) const;
    double xToTime(double x) const;
    double maxScale() const;

    TimelineModel::Axis m_axis = TimelineModel::Axis::Sequence;
    QList<Lane> m_lanes;
    Zoom m_zoom;
    double m_maxRank = 0;
    qint64 m_timeOrigin = 0;   // ms since the epoch of the earliest applied mark
    QList<double> m_knotTimes; // distinct times (ms since m_timeOrigin), ascending
    QList<int> m_knotSlots;    // by knot: the most marks one lane has at that time
    QList<double> m_knotXs;    // by knot: x at the current zoom
    double m_timedEnd = 0;     // x where the timed marks end, at the current zoom
    int m_maxUntimed = 0;
};

} // namespace strata
