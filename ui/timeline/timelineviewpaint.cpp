// TimelineView's painting, apart from its geometry and input handling (timelineview.cpp).
// Order: lane bands and tracks, time grid, marks (plain states first, drift and failures on
// top), version labels, the cursor; then the fixed parts over whatever scrolled under them: the
// label column, the ruler and the legend.

#include "timelinemodel.h"
#include "timelinestyle.h"
#include "timelineview.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace strata {
namespace {

QFont smallFont(const QFont& base)
{
    QFont f = base;
    f.setPointSizeF(base.pointSizeF() * 0.85);
    return f;
}

QColor blend(const QColor& a, const QColor& b, qreal t)
{
    return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t),
                            float(a.greenF() * (1 - t) + b.greenF() * t),
                            float(a.blueF() * (1 - t) + b.blueF() * t));
}

// Odd lanes are striped, so long lanes stay easy to follow across the plot.
QColor laneBackground(const QPalette& palette, int lane)
{
    const QColor base = palette.color(QPalette::Base);
    return lane % 2 == 1 ? blend(base, palette.color(QPalette::AlternateBase), 0.6) : base;
}

bool isPlain(TimelineState s)
{
    return s == TimelineState::Applied || s == TimelineState::Pending;
}

// The smallest of 1, 2, 5, 10, 20, 50, … that is at least `n`.
int niceStride(double n)
{
    int stride = 1;
    for (int mag = 1;; mag *= 10)
        for (int m : {1, 2, 5})
            if ((stride = m * mag) >= n || mag > 100000000)
                return stride;
}

} // namespace

void TimelineView::paintEvent(QPaintEvent*)
{
    ensureLayout();
    QPainter p(viewport());
    const QRect plot = plotRect();
    p.fillRect(viewport()->rect(), palette().base());

    if (!model() || m_layout.laneCount() == 0) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(viewport()->rect(), Qt::AlignCenter,
                   m_model && m_model->hasProject()
                       ? QStringLiteral("This project has no databases.")
                       : QStringLiteral("No project is open."));
        return;
    }

    p.save();
    p.setClipRect(plot);
    paintLanes(p, plot);
    paintTicks(p, plot);
    paintCursor(p, plot); // under the marks, so it never hides one
    for (int lane = 0; lane < m_layout.laneCount(); ++lane) {
        const QRect band = laneRect(lane);
        if (band.bottom() < plot.top() || band.top() > plot.bottom())
            continue;
        paintMarks(p, plot, lane);
        paintVersionLabels(p, plot, lane);
    }
    p.restore();

    paintLabels(p);
    paintRuler(p, plot);
    paintLegend(p);
}

void TimelineView::paintLanes(QPainter& p, const QRect& plot) const
{
    const QColor base = palette().color(QPalette::Base);
    const QColor track = blend(base, palette().color(QPalette::Text), 0.25);
    const QColor separator = blend(base, palette().color(QPalette::Text), 0.12);
    QFont italic = font();
    italic.setItalic(true);

    for (int lane = 0; lane < m_layout.laneCount(); ++lane) {
        const QRect band = laneRect(lane);
        if (band.bottom() < plot.top() || band.top() > plot.bottom())
            continue;
        if (lane % 2 == 1)
            p.fillRect(band, laneBackground(palette(), lane));
        // Between two databases the line is stronger than between environments of one.
        const bool lastOfDatabase =
            lane + 1 >= m_layout.laneCount() ||
            model()->index(lane, 0).data(TimelineModel::BindingRole).toString() !=
                model()->index(lane + 1, 0).data(TimelineModel::BindingRole).toString();
        p.setPen(QPen(
            lastOfDatabase ? blend(base, palette().color(QPalette::Text), 0.3) : separator, 1));
        p.drawLine(band.left(), band.bottom(), band.right(), band.bottom());

        const int y = band.top() + m_metrics.markY;
        if (!m_layout.laneHasMarks(lane)) {
            const QModelIndex index = model()->index(lane, 0);
            QString note = index.data(TimelineModel::LaneNoteRole).toString();
            if (note.isEmpty())
                note = QStringLiteral("No migrations.");
            p.setFont(italic);
            p.setPen(palette().color(QPalette::PlaceholderText));
            const QRect textRect(plot.left() + 12, band.top(), plot.width() - 24, band.height());
            p.drawText(textRect, Qt::AlignVCenter | Qt::AlignLeft,
                       p.fontMetrics().elidedText(note, Qt::ElideRight, textRect.width()));
            continue;
        }
        // The track runs from the first mark to the last.
        const qsizetype count = m_layout.markCount(lane);
        const double x0 = viewportXOf(m_layout.sortedMark(lane, 0).x);
        const double x1 = viewportXOf(m_layout.sortedMark(lane, count - 1).x);
        p.setPen(QPen(track, 1.5));
        p.drawLine(QPointF(x0, y), QPointF(x1, y));
    }
}

void TimelineView::paintTicks(QPainter& p, const QRect& plot) const
{
    if (m_layout.axis() != TimelineModel::Axis::Time)
        return;
    const QColor grid =
        blend(palette().color(QPalette::Base), palette().color(QPalette::Text), 0.1);
    p.setPen(QPen(grid, 1));
    const QList<TimelineLayout::Tick> ticks =
        m_layout.timeTicks(contentXOf(plot.left()), contentXOf(plot.right()), 110);
    for (const TimelineLayout::Tick& t : ticks) {
        const double x = std::round(viewportXOf(t.x)) + 0.5;
        p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
    }
    if (m_layout.hasUntimedZone()) {
        // The not-yet-applied marks have no time: a shaded zone of their own.
        const double x = viewportXOf(m_layout.untimedZoneStart() - TimelineLayout::UntimedGap / 2);
        QColor shade = palette().color(QPalette::Text);
        shade.setAlphaF(0.04f);
        p.fillRect(QRectF(x, plot.top(), plot.right() - x + 1, plot.height()), shade);
        p.setPen(QPen(blend(palette().color(QPalette::Base), palette().color(QPalette::Text), 0.35),
                      1, Qt::DashLine));
        p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
    }
}

void TimelineView::paintMarks(QPainter& p, const QRect& plot, int lane) const
{
    const qreal r = markRadius();
    const auto [first, last] =
        m_layout.marksIn(lane, contentXOf(plot.left()) - r - 2, contentXOf(plot.right()) + r + 2);
    const int y = laneTop(lane) + m_metrics.markY;
    const QColor background = palette().color(QPalette::Base);
    const QModelIndex current = currentMark();
    const int currentRow = laneOf(current) == lane ? current.row() : -1;
    const int hoverRow = laneOf(m_hover) == lane ? m_hover.row() : -1;

    // Zoomed out so far that marks overlap, applied and pending runs are drawn as bars (their
    // shapes could not be told apart anyway, and a 1000-mark lane stays cheap to paint); the
    // drift and failure marks still get their own shapes, on top.
    const bool dense = r < 3.5;
    if (dense)
        paintRuns(p, lane, first, last, y, r);
    // Plain marks first, so drift and failures stay visible where marks overlap.
    for (const bool plainPass : {true, false}) {
        if (plainPass && dense)
            continue;
        for (qsizetype i = first; i < last; ++i) {
            const TimelineLayout::Mark& m = m_layout.sortedMark(lane, i);
            const TimelineState state = m_layout.state(lane, m.row);
            if (isPlain(state) != plainPass)
                continue;
            paintTimelineMark(p, QPointF(viewportXOf(m.x), y), dense ? 4.0 : r, state,
                              m_layout.isBaseline(lane, m.row), background);
        }
    }
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setBrush(Qt::NoBrush);
    if (hoverRow >= 0 && hoverRow != currentRow) {
        p.setPen(QPen(palette().color(QPalette::Mid), 1.5));
        p.drawEllipse(QPointF(viewportXOf(m_layout.markX(lane, hoverRow)), y), r + 4, r + 4);
    }
    if (currentRow >= 0) {
        const bool selected = selectionModel() && selectionModel()->isSelected(current);
        p.setPen(QPen(palette().color(QPalette::Highlight), selected ? 2.5 : 1.5,
                      selected ? Qt::SolidLine : Qt::DotLine));
        p.drawEllipse(QPointF(viewportXOf(m_layout.markX(lane, currentRow)), y), r + 4.5, r + 4.5);
    }
    p.setRenderHint(QPainter::Antialiasing, false);
}

// Consecutive applied (or pending) marks closer than a mark's width become one bar: solid for
// applied, an outline for pending — the same fill language as their circles.
void TimelineView::paintRuns(QPainter& p, int lane, qsizetype first, qsizetype last, int y,
                             qreal r) const
{
    const QColor background = palette().color(QPalette::Base);
    auto flush = [&](TimelineState state, double from, double to) {
        const QColor colour = timelineStateColor(state);
        const QRectF bar(from - r, y - r, to - from + 2 * r, 2 * r);
        p.fillRect(bar, colour);
        if (state == TimelineState::Pending)
            p.fillRect(bar.adjusted(1.5, 1.5, -1.5, -1.5), background);
    };
    bool open = false;
    TimelineState runState = TimelineState::Applied;
    double runFrom = 0, runTo = 0;
    for (qsizetype i = first; i < last; ++i) {
        const TimelineLayout::Mark& m = m_layout.sortedMark(lane, i);
        const TimelineState state = m_layout.state(lane, m.row);
        if (!isPlain(state))
            continue;
        const double x = viewportXOf(m.x);
        if (open && state == runState && x - runTo <= 2 * r + 1) {
            runTo = x;
            continue;
        }
        if (open)
            flush(runState, runFrom, runTo);
        open = true;
        runState = state;
        runFrom = runTo = x;
    }
    if (open)
        flush(runState, runFrom, runTo);
}

void TimelineView::paintVersionLabels(QPainter& p, const QRect& plot, int lane) const
{
    const QFont small = smallFont(font());
    p.setFont(small);
    const QFontMetrics fm(small);
    const double room = m_metrics.versionWidth + 14;
    const auto [first, last] =
        m_layout.marksIn(lane, contentXOf(plot.left()) - room, contentXOf(plot.right()) + room);
    const int top = laneTop(lane) + m_metrics.markY + 8 + 3;
    const bool sequence = m_layout.axis() == TimelineModel::Axis::Sequence;
    // Sequence axis: a fixed stride of ranks, so labels do not jump while scrolling. Time axis:
    // greedy, each label at least its width from the previous one.
    const int stride = sequence ? niceStride(room / std::max(m_layout.scale(), 1e-9)) : 1;
    double lastRight = -1e18;
    const QColor background = laneBackground(palette(), lane);
    p.setPen(palette().color(QPalette::PlaceholderText));
    for (qsizetype i = first; i < last; ++i) {
        const TimelineLayout::Mark& m = m_layout.sortedMark(lane, i);
        // Every stride-th from 1: versions numbered 1, 2, 3 … get round labels (5, 10, …).
        if (sequence && (m_layout.rank(lane, m.row) + 1) % stride != 0)
            continue;
        const QString& text = m_layout.versionText(lane, m.row);
        const double w = fm.horizontalAdvance(text);
        const double x = viewportXOf(m.x) - w / 2;
        if (!sequence && x < lastRight + 6)
            continue;
        lastRight = x + w;
        // On the lane's own colour, so the cursor line passes behind the label.
        p.fillRect(QRectF(x - 1, top, w + 2, fm.height()), background);
        p.drawText(QPointF(x, top + fm.ascent()), text);
    }
}

void TimelineView::paintCursor(QPainter& p, const QRect& plot) const
{
    if (!m_cursorVersion)
        return;
    const QColor colour = palette().color(QPalette::Highlight);
    p.setRenderHint(QPainter::Antialiasing, true);
    for (int lane = 0; lane < m_layout.laneCount(); ++lane) {
        const auto x = cursorX(model()->index(lane, 0));
        if (!x)
            continue;
        const QRect band = laneRect(lane);
        if (band.bottom() < plot.top() || band.top() > plot.bottom())
            continue;
        p.setPen(QPen(colour, 2));
        p.drawLine(QPointF(*x + 0.5, band.top() + 1), QPointF(*x + 0.5, band.bottom()));
        // A small flag at the top of each crossed lane.
        QPainterPath flag;
        flag.moveTo(*x - 5, band.top() + 1);
        flag.lineTo(*x + 6, band.top() + 1);
        flag.lineTo(*x + 0.5, band.top() + 7);
        flag.closeSubpath();
        p.setPen(Qt::NoPen);
        p.setBrush(colour);
        p.drawPath(flag);
    }
    p.setRenderHint(QPainter::Antialiasing, false);
}

void TimelineView::paintLabels(QPainter& p) const
{
    const QRect column(0, m_metrics.rulerHeight, m_metrics.labelWidth, plotRect().height());
    p.save();
    p.setClipRect(column);
    p.fillRect(column, palette().color(QPalette::Window));
    QFont bold = font();
    bold.setBold(true);
    const QFont small = smallFont(font());
    const QColor separator =
        blend(palette().color(QPalette::Window), palette().color(QPalette::WindowText), 0.15);
    for (int lane = 0; lane < m_layout.laneCount(); ++lane) {
        const QRect band = laneRect(lane).intersected(
            QRect(0, laneTop(lane), column.width(), m_metrics.laneHeight));
        if (band.bottom() < column.top() || band.top() > column.bottom())
            continue;
        const QModelIndex index = model()->index(lane, 0);
        const QRect text = band.adjusted(10, 4, -8, -4);
        p.setFont(bold);
        p.setPen(palette().color(QPalette::WindowText));
        const int line1 = text.top() + (text.height() - 2 * p.fontMetrics().height()) / 2;
        p.drawText(
            QRect(text.left(), line1, text.width(), p.fontMetrics().height()),
            Qt::AlignLeft | Qt::AlignVCenter,
            p.fontMetrics().elidedText(index.data().toString(), Qt::ElideRight, text.width()));
        QString second = index.data(TimelineModel::DatabaseNameRole).toString();
        if (index.data(TimelineModel::ProtectedRole).toBool())
            second += QStringLiteral(" · protected");
        p.setFont(small);
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(QRect(text.left(), line1 + QFontMetrics(bold).height(), text.width(),
                         p.fontMetrics().height()),
                   Qt::AlignLeft | Qt::AlignVCenter,
                   p.fontMetrics().elidedText(second, Qt::ElideRight, text.width()));
        p.setPen(separator);
        p.drawLine(band.left(), band.bottom(), band.right(), band.bottom());
    }
    p.setPen(separator);
    p.drawLine(column.right(), column.top(), column.right(), column.bottom());
    p.restore();
}

void TimelineView::paintRuler(QPainter& p, const QRect& plot) const
{
    const QRect ruler(0, 0, viewport()->width(), m_metrics.rulerHeight);
    p.fillRect(ruler, palette().color(QPalette::Window));
    const QColor line =
        blend(palette().color(QPalette::Window), palette().color(QPalette::WindowText), 0.2);
    p.setPen(line);
    p.drawLine(ruler.left(), ruler.bottom(), ruler.right(), ruler.bottom());

    p.setFont(smallFont(font()));
    p.setPen(palette().color(QPalette::PlaceholderText));
    const bool time = m_layout.axis() == TimelineModel::Axis::Time;
    p.drawText(QRect(10, 0, m_metrics.labelWidth - 14, ruler.height()),
               Qt::AlignVCenter | Qt::AlignLeft,
               time ? QStringLiteral("Applied at →") : QStringLiteral("Version order →"));

    p.save();
    p.setClipRect(QRect(plot.left(), 0, plot.width(), ruler.height()));
    const QFontMetrics fm = p.fontMetrics();
    if (time) {
        p.setPen(palette().color(QPalette::WindowText));
        for (const TimelineLayout::Tick& t :
             m_layout.timeTicks(contentXOf(plot.left() - 100), contentXOf(plot.right()), 110)) {
            const double x = std::round(viewportXOf(t.x)) + 0.5;
            p.setPen(line);
            p.drawLine(QPointF(x, ruler.bottom() - 5), QPointF(x, ruler.bottom()));
            p.setPen(palette().color(QPalette::WindowText));
            p.drawText(QPointF(x + 3, (ruler.height() + fm.ascent() - fm.descent()) / 2.0),
                       t.label);
        }
        if (m_layout.hasUntimedZone()) {
            const double x =
                viewportXOf(m_layout.untimedZoneStart() - TimelineLayout::UntimedGap / 2);
            p.fillRect(QRectF(x, 0, ruler.right() - x + 1, ruler.height() - 1),
                       palette().color(QPalette::Window));
            p.setPen(palette().color(QPalette::PlaceholderText));
            p.drawText(QPointF(std::max(x, double(plot.left())) + 6,
                               (ruler.height() + fm.ascent() - fm.descent()) / 2.0),
                       QStringLiteral("not applied"));
        }
    } else if (m_cursorVersion) {
        // The cursor's version, over the first lane it crosses.
        for (int lane = 0; lane < m_layout.laneCount(); ++lane) {
            if (const auto x = cursorX(model()->index(lane, 0))) {
                const QString text = QStringLiteral("at %1").arg(*m_cursorVersion);
                p.setPen(palette().color(QPalette::Highlight));
                p.drawText(QPointF(*x - fm.horizontalAdvance(text) / 2.0,
                                   (ruler.height() + fm.ascent() - fm.descent()) / 2.0),
                           text);
                break;
            }
        }
    }
    p.restore();
}

void TimelineView::paintLegend(QPainter& p) const
{
    const QRect vr = viewport()->rect();
    const QRect legend(0, vr.height() - m_metrics.legendHeight, vr.width(), m_metrics.legendHeight);
    p.fillRect(legend, palette().color(QPalette::Window));
    p.setPen(blend(palette().color(QPalette::Window), palette().color(QPalette::WindowText), 0.2));
    p.drawLine(legend.left(), legend.top(), legend.right(), legend.top());

    p.setFont(font());
    const QFontMetrics fm = p.fontMetrics();
    const int rowHeight = fm.height() + 10;
    int x = 8;
    int y = legend.top() + 1;
    for (const LegendEntry& e : timelineLegend()) {
        const int w = 16 + 6 + fm.horizontalAdvance(e.label) + 16;
        if (x + w > vr.width() - 8 && x > 8) {
            x = 8;
            y += rowHeight;
        }
        const QPointF centre(x + 8, y + rowHeight / 2.0);
        paintTimelineMark(p, centre, 6, e.state, e.baseline, palette().color(QPalette::Window));
        p.setPen(palette().color(QPalette::WindowText));
        p.drawText(QRect(x + 22, y, w - 22, rowHeight), Qt::AlignVCenter | Qt::AlignLeft, e.label);
        x += w;
    }
}

} // namespace strata
