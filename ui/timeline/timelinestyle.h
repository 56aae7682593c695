#pragma once

// How a timeline mark looks: one colour AND one shape per state, so no state is told by colour
// alone — applied a filled circle, pending a hollow one, edited a diamond, missing file a
// crossed square, out of order a triangle, failed an X, and a baseline a half-filled circle.
// The five core states keep the colours of StateStyle, so the table and the timeline agree.

#include "timelinemodel.h"

#include <QColor>
#include <QIcon>
#include <QPointF>
#include <QString>

class QPainter;

namespace strata {

QColor timelineStateColor(TimelineState state);

// Draws a mark centred on `center`. `background` fills the hollow shapes, so they stay hollow
// over a lane's line.
void paintTimelineMark(QPainter& painter, const QPointF& center, qreal radius, TimelineState state,
                       bool baseline, const QColor& background);

// The mark as an icon (legend, inspector), drawn at `size` pixels on a transparent background.
QIcon timelineMarkIcon(TimelineState state, bool baseline, int size = 16);

// The legend's entries in the order they are shown: each state, then the baseline variant.
struct LegendEntry
{
    TimelineState state;
    bool baseline;
    QString label;
};
QList<LegendEntry> timelineLegend();

} // namespace strata
