#pragma once

// Exports a DiagramScene as a file: SVG (one <g class="table"> group per table, with the
// table's <title>, so other tools can find tables in it), PNG (at a scale) or PDF (one page the
// size of the diagram). What is exported is the diagram itself: the tables and connectors
// plus a margin, without selection or hover marks, at full detail.

#include "result.h"

#include <QByteArray>
#include <QRectF>
#include <QSize>
#include <QString>

#include <optional>

namespace strata {

class DiagramScene;

enum class DiagramFormat { Svg, Png, Pdf };

// "svg", "png", "pdf" (any case); nothing for other names.
std::optional<DiagramFormat> diagramFormatFromName(const QString& name);

// The part of the scene an export covers: every item plus a margin, in scene units.
QRectF diagramExportRect(const DiagramScene& scene);
// The PNG's size in pixels at `scale`.
QSize diagramImageSize(const DiagramScene& scene, double scale);
// The largest PNG side we write; beyond it viewers give up.
constexpr int maxImageSide = 16384;

QByteArray diagramToSvg(const DiagramScene& scene);

// Writes the diagram to `path`. `scale` applies to PNG only (1.0: one pixel per scene unit).
Status exportDiagram(const DiagramScene& scene, const QString& path, DiagramFormat format,
                     double scale = 1.0);

} // namespace strata
