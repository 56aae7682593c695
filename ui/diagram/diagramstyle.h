#pragma once

// DiagramStyle: how the ER diagram looks — fonts, row metrics, the colours of bindings and of
// diff states, and the zoom levels at which detail drops out. One place, so the table boxes,
// the connectors, the exporter and the layout's size estimates agree.

#include <QColor>
#include <QFont>
#include <QString>

namespace strata {

enum class DiffState { Unchanged, Added, Changed, Removed };

namespace DiagramStyle {

// Every band of a table box (the header and each column) has this height, in scene units
// (points). ErdLayout's ports assume equal bands.
constexpr double rowHeight = 20;
constexpr double minTableWidth = 150;
constexpr double maxTableWidth = 380;
constexpr double padding = 8;  // left and right inside a box
constexpr double cornerRadius = 4;

// Below namesOnlyZoom a box shows its name only; below boxesOnlyZoom not even that.
constexpr double namesOnlyZoom = 0.4;
constexpr double boxesOnlyZoom = 0.15;

// Sizes in pixels, which are scene units: text keeps its size against the boxes on any device
// (screen, SVG, a 72-dpi PDF page).
QFont titleFont();
QFont columnFont();
QFont typeFont();   // column types, a little smaller
QFont badgeFont();  // PK / FK / NN / UQ

QColor background();
QColor tableFill();
QColor tableBorder();
QColor text();
QColor mutedText();
QColor connector();
QColor highlight(); // hovered connectors and the rows they join, search hits

// The header colour of a database binding: stable for a name, distinct for neighbours.
QColor bindingColor(const QString& binding);

QColor diffColor(DiffState state);      // green, amber, red-grey; invalid for Unchanged
QColor diffFill(DiffState state);       // a light tint for rows and headers

QColor badgeColor(const QString& badge); // "PK", "FK", "NN", "UQ"

} // namespace DiagramStyle
} // namespace strata
