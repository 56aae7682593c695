#include "diagramexport.h"

#include "diagramscene.h"
#include "relationitem.h"
#include "tableitem.h"

#include <QBuffer>
#include <QFile>
#include <QImage>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include <QStyleOptionGraphicsItem>
#include <QSvgGenerator>

#include <algorithm>
#include <cmath>

namespace strata {
namespace {

constexpr double exportMargin = 24;
constexpr double maxPdfSide = 14400; // points: PDF viewers' page size limit (200 inches)

// Items in drawing order: connectors, then ghosts, then tables.
QList<QGraphicsItem*> itemsInOrder(const DiagramScene& scene)
{
    QList<QGraphicsItem*> items;
    for (RelationItem* r : scene.relationItems())
        items << r;
    QList<TableItem*> tables = scene.tableItems();
    std::stable_sort(tables.begin(), tables.end(),
                     [](const TableItem* a, const TableItem* b) { return a->zValue() < b->zValue(); });
    for (TableItem* t : std::as_const(tables))
        items << t;
    return items;
}

// Paints one item in scene coordinates shifted by `origin`, on top of the painter's transform.
void paintItem(QPainter* painter, QGraphicsItem* item, const QPointF& origin)
{
    painter->save();
    painter->setTransform(item->sceneTransform() * QTransform::fromTranslate(-origin.x(), -origin.y()),
                          true);
    painter->setOpacity(item->effectiveOpacity());
    if (item->type() == RelationItem::Type) {
        // Connectors are drawn by the scene's background layer, not by their items.
        static_cast<RelationItem*>(item)->paintConnector(
            painter, QStyleOptionGraphicsItem::levelOfDetailFromTransform(painter->worldTransform()));
    } else {
        QStyleOptionGraphicsItem option;
        option.exposedRect = item->boundingRect();
        option.state = QStyle::State_None; // no selection marks in an export
        item->paint(painter, &option, nullptr);
    }
    painter->restore();
}

void paintDiagram(QPainter* painter, const DiagramScene& scene, const QRectF& area)
{
    painter->setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    painter->fillRect(QRectF(QPointF(0, 0), area.size()), scene.backgroundBrush());
    for (QGraphicsItem* item : itemsInOrder(scene))
        paintItem(painter, item, area.topLeft());
}

// What QSvgGenerator writes between its <defs> and </svg>: the drawing of one item.
QByteArray svgBody(const QByteArray& document)
{
    qsizetype start = document.indexOf("</defs>");
    start = start < 0 ? document.indexOf('>', document.indexOf("<svg")) + 1 : start + 7;
    const qsizetype end = document.lastIndexOf("</svg>");
    return end > start ? document.mid(start, end - start).trimmed() : QByteArray();
}

QByteArray itemSvg(QGraphicsItem* item, const QRectF& area)
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QSvgGenerator generator;
    generator.setOutputDevice(&buffer);
    generator.setSize(area.size().toSize());
    generator.setViewBox(QRectF(QPointF(0, 0), area.size()));
    {
        QPainter painter(&generator);
        painter.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
        paintItem(&painter, item, area.topLeft());
    }
    return svgBody(buffer.data());
}

QByteArray xmlText(const QString& s)
{
    return s.toHtmlEscaped().toUtf8();
}

} // namespace

std::optional<DiagramFormat> diagramFormatFromName(const QString& name)
{
    const QString n = name.toLower();
    if (n == QLatin1String("svg"))
        return DiagramFormat::Svg;
    if (n == QLatin1String("png"))
        return DiagramFormat::Png;
    if (n == QLatin1String("pdf"))
        return DiagramFormat::Pdf;
    return std::nullopt;
}

QRectF diagramExportRect(const DiagramScene& scene)
{
    QRectF bounds;
    for (TableItem* t : scene.tableItems())
        bounds |= t->sceneBox();
    for (RelationItem* r : scene.relationItems())
        bounds |= r->boundingRect();
    if (bounds.isNull())
        bounds = QRectF(0, 0, 200, 100);
    return bounds.adjusted(-exportMargin, -exportMargin, exportMargin, exportMargin);
}

QSize diagramImageSize(const DiagramScene& scene, double scale)
{
    const QRectF area = diagramExportRect(scene);
    return QSize(int(std::ceil(area.width() * scale)), int(std::ceil(area.height() * scale)));
}

QByteArray diagramToSvg(const DiagramScene& scene)
{
    const QRectF area = diagramExportRect(scene);
    const QByteArray w = QByteArray::number(area.width(), 'f', 1);
    const QByteArray h = QByteArray::number(area.height(), 'f', 1);
    QByteArray svg;
    svg += "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n";
    svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.2\" baseProfile=\"tiny\" width=\"" +
           w + "\" height=\"" + h + "\" viewBox=\"0 0 " + w + " " + h + "\">\n";
    svg += "<title>" + xmlText(QStringLiteral("%1 — ER diagram").arg(scene.binding())) + "</title>\n";
    svg += "<rect x=\"0\" y=\"0\" width=\"" + w + "\" height=\"" + h + "\" fill=\"" +
           scene.backgroundBrush().color().name().toLatin1() + "\"/>\n";
    svg += "<g id=\"relations\" class=\"relations\">\n";
    for (RelationItem* r : scene.relationItems())
        svg += "<g class=\"relation\" data-from=\"" + xmlText(r->fromTable()->name()) +
               "\" data-to=\"" + xmlText(r->toTable()->name()) + "\">\n" + itemSvg(r, area) +
               "\n</g>\n";
    svg += "</g>\n";
    int index = 0;
    for (QGraphicsItem* item : itemsInOrder(scene)) {
        if (item->type() != TableItem::Type)
            continue;
        const auto* t = static_cast<TableItem*>(item);
        svg += "<g id=\"table-" + QByteArray::number(index++) + "\" class=\"table\" data-table=\"" +
               xmlText(t->name()) + "\">\n<title>" + xmlText(t->name()) + "</title>\n" +
               itemSvg(item, area) + "\n</g>\n";
    }
    svg += "</svg>\n";
    return svg;
}

Status exportDiagram(const DiagramScene& scene, const QString& path, DiagramFormat format,
                     double scale)
{
    const QRectF area = diagramExportRect(scene);
    auto failed = [&](const QString& why) {
        return Error{QStringLiteral("could not write the diagram: %1").arg(why), path, 0, 0, {}};
    };
    switch (format) {
    case DiagramFormat::Svg: {
        QSaveFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            return failed(f.errorString());
        f.write(diagramToSvg(scene));
        if (!f.commit())
            return failed(f.errorString());
        return success();
    }
    case DiagramFormat::Png: {
        const QSize size = diagramImageSize(scene, scale);
        if (scale <= 0 || size.isEmpty())
            return failed(QStringLiteral("the scale must be above 0"));
        if (size.width() > maxImageSide || size.height() > maxImageSide)
            return failed(QStringLiteral("%1 × %2 pixels is too big for a PNG; use a smaller "
                                         "scale (at most %3 here), or SVG or PDF")
                              .arg(size.width())
                              .arg(size.height())
                              .arg(maxImageSide / std::max(area.width(), area.height()), 0, 'f', 2));
        // Opaque (the background is painted): no alpha channel to store.
        QImage image(size, QImage::Format_RGB32);
        image.setDotsPerMeterX(int(3780 * scale)); // 96 dpi at scale 1
        image.setDotsPerMeterY(int(3780 * scale));
        {
            QPainter painter(&image);
            painter.scale(scale, scale);
            paintDiagram(&painter, scene, area);
        }
        // Quality 80 is a light zlib level: several times faster than the default on a big
        // diagram's flat colours, for files a little larger.
        if (!image.save(path, "PNG", 80))
            return failed(QStringLiteral("the PNG could not be saved"));
        return success();
    }
    case DiagramFormat::Pdf: {
        // One page the size of the diagram, in points; shrunk if it passes the PDF page limit.
        const double fit = std::min(1.0, maxPdfSide / std::max(area.width(), area.height()));
        QPdfWriter writer(path);
        writer.setCreator(QStringLiteral("Strata"));
        writer.setTitle(QStringLiteral("%1 — ER diagram").arg(scene.binding()));
        writer.setResolution(72);
        writer.setPageSize(QPageSize(area.size() * fit, QPageSize::Point, QString(),
                                     QPageSize::ExactMatch));
        writer.setPageMargins(QMarginsF(0, 0, 0, 0));
        QPainter painter;
        if (!painter.begin(&writer))
            return failed(QStringLiteral("the PDF could not be opened for writing"));
        painter.scale(fit, fit);
        paintDiagram(&painter, scene, area);
        painter.end();
        if (!QFile::exists(path))
            return failed(QStringLiteral("the PDF was not written"));
        return success();
    }
    }
    return failed(QStringLiteral("unknown format"));
}

} // namespace strata
