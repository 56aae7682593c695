#pragma once

// Where the marks of the timeline go along its axis — geometry only, no painting. It reads each
// lane's marks from the model once per change (positions in axis units: sequence ranks or
// milliseconds), keeps them sorted by position so a view finds the visible ones by binary
// search (a 1000-mark lane paints only what is on screen), and turns units into pixels at the
// current scale. On the time axis, marks without a time (not applied) go after the timed ones,
// a fixed step apart, in a zone of their own.

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

    // Distance between two untimed marks on the time axis, and the gap before their zone.
    static constexpr double UntimedStep = 24.0;
    static constexpr double UntimedGap = 56.0;

    // Reads every lane of `model` (top-level rows) for `axis`; keeps the scale if the axis is the
    // same, else falls back to the default for the new axis.
    void rebuild(const QAbstractItemModel& model, TimelineModel::Axis axis);
    void clear();

    TimelineModel::Axis axis() const { return m_axis; }
    int laneCount() const { return int(m_lanes.size()); }
    bool laneHasMarks(int lane) const { return !m_lanes.at(lane).sorted.isEmpty(); }
    int markCount(int lane) const { return int(m_lanes.at(lane).units.size()); }

    // Pixels per unit: per sequence step, or per millisecond. Clamped to the allowed range.
    double scale() const { return m_scale; }
    void setScale(double scale);
    double minScale(double plotWidth) const;
    double maxScale() const;
    // The scale that fits every mark into `plotWidth` pixels.
    double fitScale(double plotWidth) const;
    // The scale a freshly shown timeline starts at for a plot `plotWidth` wide.
    double defaultScale(double plotWidth) const;

    double contentWidth() const;
    double markX(int lane, int row) const;
    // The marks of `lane` with x in [x0, x1], in x order (a range of sorted()).
    std::pair<qsizetype, qsizetype> marksIn(int lane, double x0, double x1) const;
    const Mark& sortedMark(int lane, qsizetype i) const;
    // The mark nearest to x, or -1 when the lane has none.
    int nearestRow(int lane, double x) const;
    // Rows in version order; the position of a version (or of the last mark at or below it),
    // and whether the version itself is a mark.
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

    // Time axis: where the timed marks end and the untimed zone starts; labelled ticks between
    // x0 and x1 at least `minSpacing` pixels apart. Empty on the sequence axis.
    bool hasUntimedZone() const;
    double untimedZoneStart() const;
    QList<Tick> timeTicks(double x0, double x1, double minSpacing) const;

private:
    struct Lane
    {
        QList<double> units;        // by row: rank, or ms since tMin; NaN when untimed
        QList<int> untimedIndex;    // by row: index among the lane's untimed marks, else -1
        QList<qint64> versions;     // by row
        QList<Mark> sorted;         // x filled in at the current scale
        QList<qsizetype> positions; // by row: index in sorted
        QList<TimelineState> states;
        QList<bool> baselines;
        QList<QString> texts;
    };

    void place();
    double timedSpan() const;

    TimelineModel::Axis m_axis = TimelineModel::Axis::Sequence;
    QList<Lane> m_lanes;
    double m_scale = 0;      // 0: not chosen yet
    double m_maxUnit = 0;    // the largest rank, or the timed span in ms
    qint64 m_timeOrigin = 0; // ms since the epoch of the earliest applied mark
    bool m_anyTimed = false;
    int m_maxUntimed = 0;
};

} // namespace strata
