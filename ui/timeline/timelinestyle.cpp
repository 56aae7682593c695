#include "timelinestyle.h"

#include "statestyle.h"

#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

#include <cmath>

namespace strata {

QColor timelineStateColor(TimelineState state)
{
    switch (state) {
    case TimelineState::Applied:
    case TimelineState::Pending:
    case TimelineState::Edited:
    case TimelineState::MissingFile:
        return stateColor(MigrationState(int(state)));
    case TimelineState::OutOfOrder:
        // StateStyle shares its amber with Edited (the table has words to tell them apart); here
        // the mark is all there is, so out of order gets a colour of its own.
        return QColor(0x6a, 0x1b, 0x9a);
    case TimelineState::Failed:
        return QColor(0xc2, 0x18, 0x5b);
    }
    return {};
}

void paintTimelineMark(QPainter& p, const QPointF& c, qreal r, TimelineState state, bool baseline,
                       const QColor& background)
{
    const QColor colour = timelineStateColor(state);
    const qreal stroke = std::max<qreal>(1.0, r / 3.5);
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    QPen pen(colour, stroke, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    p.setPen(pen);

    switch (state) {
    case TimelineState::Applied: {
        const QRectF box(c.x() - r, c.y() - r, 2 * r, 2 * r);
        if (baseline) {
            // Half-filled: the left half solid, the right hollow — recorded, never run.
            p.setBrush(background);
            p.drawEllipse(box.adjusted(stroke / 2, stroke / 2, -stroke / 2, -stroke / 2));
            p.setPen(Qt::NoPen);
            p.setBrush(colour);
            p.drawPie(box, 90 * 16, 180 * 16);
        } else {
            p.setBrush(colour);
            p.drawEllipse(box.adjusted(stroke / 4, stroke / 4, -stroke / 4, -stroke / 4));
        }
        break;
    }
    case TimelineState::Pending: {
        p.setBrush(background);
        const qreal inner = r - stroke / 2;
        p.drawEllipse(c, inner, inner);
        break;
    }
    case TimelineState::Edited: {
        const qreal d = r * 1.2;
        QPainterPath diamond;
        diamond.moveTo(c.x(), c.y() - d);
        diamond.lineTo(c.x() + d, c.y());
        diamond.lineTo(c.x(), c.y() + d);
        diamond.lineTo(c.x() - d, c.y());
        diamond.closeSubpath();
        p.setBrush(colour);
        p.drawPath(diamond);
        break;
    }
    case TimelineState::MissingFile: {
        const qreal s = r * 0.85;
        const QRectF box(c.x() - s, c.y() - s, 2 * s, 2 * s);
        p.setBrush(background);
        p.drawRect(box);
        p.drawLine(box.topLeft(), box.bottomRight());
        p.drawLine(box.topRight(), box.bottomLeft());
        break;
    }
    case TimelineState::OutOfOrder: {
        const qreal h = r * 1.15;
        QPainterPath triangle;
        triangle.moveTo(c.x(), c.y() - h);
        triangle.lineTo(c.x() + h, c.y() + h * 0.8);
        triangle.lineTo(c.x() - h, c.y() + h * 0.8);
        triangle.closeSubpath();
        p.setBrush(colour);
        p.drawPath(triangle);
        break;
    }
    case TimelineState::Failed: {
        const qreal s = r * 0.85;
        pen.setWidthF(std::max<qreal>(1.5, r / 2.2));
        p.setPen(pen);
        p.drawLine(QPointF(c.x() - s, c.y() - s), QPointF(c.x() + s, c.y() + s));
        p.drawLine(QPointF(c.x() + s, c.y() - s), QPointF(c.x() - s, c.y() + s));
        break;
    }
    }
    if (baseline && state != TimelineState::Applied) {
        // A drifted baseline row keeps its drift shape; a small half-disc under it says baseline.
        p.setPen(Qt::NoPen);
        p.setBrush(colour);
        const qreal s = std::max<qreal>(1.5, r / 3);
        p.drawPie(QRectF(c.x() - s, c.y() + r + 1, 2 * s, 2 * s), 90 * 16, 180 * 16);
    }
    p.restore();
}

QIcon timelineMarkIcon(TimelineState state, bool baseline, int size)
{
    QIcon icon;
    for (const qreal dpr : {1.0, 2.0}) {
        QPixmap pixmap(int(std::lround(size * dpr)), int(std::lround(size * dpr)));
        pixmap.setDevicePixelRatio(dpr);
        pixmap.fill(Qt::transparent);
        QPainter p(&pixmap);
        paintTimelineMark(p, QPointF(size / 2.0, size / 2.0), size * 0.36, state, baseline,
                          Qt::white);
        p.end();
        icon.addPixmap(pixmap);
    }
    return icon;
}

QList<LegendEntry> timelineLegend()
{
    QList<LegendEntry> out;
    for (int s = 0; s < TimelineStateCount; ++s)
        out << LegendEntry{TimelineState(s), false, timelineStateLabel(TimelineState(s))};
    out << LegendEntry{TimelineState::Applied, true, QStringLiteral("Baseline")};
    return out;
}

} // namespace strata
