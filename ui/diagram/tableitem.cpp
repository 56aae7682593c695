#include "tableitem.h"

#include "relationitem.h"

#include <QFontMetricsF>
#include <QHash>
#include <QPainter>
#include <QStyleOptionGraphicsItem>

#include <algorithm>

namespace strata {
namespace {

constexpr double badgeGap = 2;
constexpr double gap = 8;

const QFontMetricsF& titleMetrics()
{
    static const QFontMetricsF m(DiagramStyle::titleFont());
    return m;
}
const QFontMetricsF& columnMetrics()
{
    static const QFontMetricsF m(DiagramStyle::columnFont());
    return m;
}
const QFontMetricsF& typeMetrics()
{
    static const QFontMetricsF m(DiagramStyle::typeFont());
    return m;
}
const QFontMetricsF& badgeMetrics()
{
    static const QFontMetricsF m(DiagramStyle::badgeFont());
    return m;
}

// Widths of texts seen before: names like "id" and types like "INTEGER" come back in every
// table, and measuring is most of what building a table item costs.
double advance(const QFontMetricsF& metrics, QHash<QString, double>& seen, const QString& text)
{
    if (auto it = seen.constFind(text); it != seen.constEnd())
        return *it;
    if (seen.size() > 50000)
        seen.clear();
    return *seen.insert(text, metrics.horizontalAdvance(text));
}

double columnWidth(const QString& text)
{
    static QHash<QString, double> seen;
    return advance(columnMetrics(), seen, text);
}

double typeWidth(const QString& text)
{
    static QHash<QString, double> seen;
    return advance(typeMetrics(), seen, text);
}

double badgeWidth(const QString& badge)
{
    return badgeMetrics().horizontalAdvance(badge) + 6;
}

double groupWidth(const QStringList& badges)
{
    double w = 0;
    for (const QString& b : badges)
        w += badgeWidth(b) + (w > 0 ? badgeGap : 0);
    return w;
}

QString diffTag(DiffState state)
{
    switch (state) {
    case DiffState::Added: return QStringLiteral("new");
    case DiffState::Changed: return QStringLiteral("changed");
    case DiffState::Removed: return QStringLiteral("dropped");
    case DiffState::Unchanged: break;
    }
    return {};
}

// Unique on exactly this one column (a UNIQUE constraint or a unique index).
bool isUniqueColumn(const Table& table, const QString& column)
{
    return std::any_of(table.indexes.begin(), table.indexes.end(), [&](const Index& ix) {
        return ix.unique && ix.origin != Index::Origin::PrimaryKey && !ix.partial &&
               ix.columns.size() == 1 && ix.columns.first().compare(column, Qt::CaseInsensitive) == 0;
    });
}

} // namespace

TableItem::TableItem(const Table& table, DiffState state, const TableDiff* diff,
                     const Table* before, const QColor& bindingColor)
    : m_table(table), m_state(state), m_bindingColor(bindingColor)
{
    setFlag(ItemIsSelectable);
    setFlag(ItemIsMovable, state != DiffState::Removed);
    setFlag(ItemSendsGeometryChanges);
    setCacheMode(DeviceCoordinateCache);
    setZValue(state == DiffState::Removed ? 1 : 2); // ghosts under live tables, both over lines
    if (state == DiffState::Removed)
        setOpacity(0.38);
    setToolTip(table.name);
    buildRows(diff, before);
    measure();
}

void TableItem::buildRows(const TableDiff* diff, const Table* before)
{
    for (const Column& c : m_table.columns) {
        Row row;
        row.name = c.name;
        row.type = displayType(c);
        if (c.primaryKeyPosition > 0)
            row.badges << QStringLiteral("PK");
        for (const ForeignKey& fk : m_table.foreignKeys)
            if (fk.columns.contains(c.name, Qt::CaseInsensitive)) {
                row.badges << QStringLiteral("FK");
                break;
            }
        if (c.notNull && c.primaryKeyPosition == 0)
            row.flags << QStringLiteral("NN");
        if (isUniqueColumn(m_table, c.name))
            row.flags << QStringLiteral("UQ");
        if (m_state == DiffState::Added)
            row.state = DiffState::Added;
        else if (diff && diff->addedColumns.contains(c.name, Qt::CaseInsensitive))
            row.state = DiffState::Added;
        else if (diff && diff->changedColumns.contains(c.name, Qt::CaseInsensitive))
            row.state = DiffState::Changed;
        m_rows << row;
    }
    if (!diff || m_state == DiffState::Removed)
        return;
    for (const QString& name : diff->removedColumns) {
        Row row;
        row.name = name;
        if (const Column* c = before ? before->column(name) : nullptr)
            row.type = displayType(*c);
        row.state = DiffState::Removed;
        m_rows << row;
    }
}

void TableItem::measure()
{
    double nameWidth = 0;
    for (const Row& row : std::as_const(m_rows)) {
        m_badgeWidth = std::max(m_badgeWidth, groupWidth(row.badges));
        m_flagWidth = std::max(m_flagWidth, groupWidth(row.flags));
        m_typeWidth = std::max(m_typeWidth, typeWidth(row.type));
        nameWidth = std::max(nameWidth, columnWidth(row.name));
    }
    const double tag = m_state == DiffState::Unchanged
                           ? 0
                           : badgeMetrics().horizontalAdvance(diffTag(m_state)) + 8 + gap;
    const double title = titleMetrics().horizontalAdvance(m_table.name) + tag;
    const double body = (m_badgeWidth > 0 ? m_badgeWidth + gap / 2 : 0) + nameWidth + gap +
                        m_typeWidth + (m_flagWidth > 0 ? gap / 2 + m_flagWidth : 0);
    const double width = std::clamp(std::max(title, body) + 2 * DiagramStyle::padding,
                                    DiagramStyle::minTableWidth, DiagramStyle::maxTableWidth);
    // Keep the type column from eating the names when a box hits the maximum width.
    m_typeWidth = std::min(m_typeWidth, width * 0.35);
    m_size = QSizeF(std::ceil(width), bandCount() * DiagramStyle::rowHeight);
}

QRectF TableItem::boundingRect() const
{
    return QRectF(QPointF(-1.5, -1.5), m_size + QSizeF(3, 3)); // the selection border
}

int TableItem::bandOf(const QString& column) const
{
    for (qsizetype i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].name.compare(column, Qt::CaseInsensitive) == 0)
            return int(i) + 1;
    return 0;
}

QPointF TableItem::anchor(int band, bool rightSide) const
{
    const double y = (std::clamp(band, 0, bandCount() - 1) + 0.5) * DiagramStyle::rowHeight;
    return pos() + QPointF(rightSide ? m_size.width() : 0, y);
}

bool TableItem::isPlain() const
{
    return m_state == DiffState::Unchanged &&
           std::all_of(m_rows.begin(), m_rows.end(),
                       [](const Row& r) { return r.state == DiffState::Unchanged; });
}

void TableItem::resetTransientState()
{
    setHighlightedBands({});
    setSearchBand(-1);
}

void TableItem::setHighlightedBands(const QSet<int>& bands)
{
    if (bands == m_highlighted)
        return;
    m_highlighted = bands;
    update();
}

void TableItem::setSearchBand(int band)
{
    if (band == m_searchBand)
        return;
    m_searchBand = band;
    update();
}

QVariant TableItem::itemChange(GraphicsItemChange change, const QVariant& value)
{
    if (change == ItemPositionHasChanged)
        for (RelationItem* r : std::as_const(m_relations))
            r->updateGeometry();
    return QGraphicsItem::itemChange(change, value);
}

QColor TableItem::borderColor(bool selected) const
{
    if (selected)
        return DiagramStyle::highlight();
    if (m_state != DiffState::Unchanged)
        return DiagramStyle::diffColor(m_state);
    return DiagramStyle::tableBorder();
}

void TableItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*)
{
    const double lod = option->levelOfDetailFromTransform(painter->worldTransform());
    const bool selected = option->state & QStyle::State_Selected;
    if (lod < DiagramStyle::boxesOnlyZoom)
        paintBoxOnly(painter);
    else if (lod < DiagramStyle::namesOnlyZoom)
        paintNameOnly(painter, lod);
    else
        paintFull(painter, selected);
    if (selected && lod < DiagramStyle::namesOnlyZoom) {
        QPen pen(DiagramStyle::highlight(), 3);
        pen.setCosmetic(true);
        painter->setPen(pen);
        painter->setBrush(Qt::NoBrush);
        painter->drawRect(QRectF(QPointF(0, 0), m_size));
    }
}

void TableItem::paintBoxOnly(QPainter* painter) const
{
    const QRectF r(QPointF(0, 0), m_size);
    painter->setPen(Qt::NoPen);
    painter->setBrush(m_state == DiffState::Unchanged ? DiagramStyle::tableFill()
                                                      : DiagramStyle::diffFill(m_state));
    painter->drawRect(r);
    painter->setBrush(m_state == DiffState::Unchanged ? m_bindingColor
                                                      : DiagramStyle::diffColor(m_state));
    painter->drawRect(QRectF(0, 0, m_size.width(), std::max(DiagramStyle::rowHeight,
                                                            m_size.height() * 0.18)));
    QPen pen(borderColor(false), 1);
    pen.setCosmetic(true);
    painter->setPen(pen);
    painter->setBrush(Qt::NoBrush);
    painter->drawRect(r);
}

void TableItem::paintNameOnly(QPainter* painter, double lod) const
{
    paintBoxOnly(painter);
    // The name at a size people can read at this zoom (about 11 px), as far as the box allows.
    QFont font = DiagramStyle::titleFont();
    const double wanted = 11.0 / lod;
    const QRectF body = QRectF(QPointF(0, 0), m_size).adjusted(4, 4, -4, -4);
    double size = std::max(1.0, std::min(wanted, body.height() * 0.5));
    font.setPixelSize(int(size));
    const double textWidth = QFontMetricsF(font).horizontalAdvance(m_table.name);
    if (textWidth > body.width()) {
        size = std::max(size * body.width() / textWidth, 7.0 / lod);
        font.setPixelSize(std::max(1, int(size)));
    }
    painter->setFont(font);
    painter->setPen(DiagramStyle::text());
    const QString text = QFontMetricsF(font).elidedText(m_table.name, Qt::ElideMiddle, body.width());
    painter->drawText(body, Qt::AlignCenter, text);
}

void TableItem::paintFull(QPainter* painter, bool selected) const
{
    const double w = m_size.width();
    const double rh = DiagramStyle::rowHeight;
    const double radius = DiagramStyle::cornerRadius;
    const QRectF r(QPointF(0, 0), m_size);

    painter->setPen(Qt::NoPen);
    painter->setBrush(DiagramStyle::tableFill());
    painter->drawRoundedRect(r, radius, radius);
    painter->setBrush(m_bindingColor);
    painter->drawRoundedRect(QRectF(0, 0, w, rh + radius), radius, radius);
    painter->setBrush(DiagramStyle::tableFill());
    painter->drawRect(QRectF(0, rh, w, radius));

    // Header: the name, and a tag for the diff state.
    double titleRight = w - DiagramStyle::padding;
    if (m_state != DiffState::Unchanged) {
        const QString tag = diffTag(m_state);
        const double tw = badgeMetrics().horizontalAdvance(tag) + 8;
        const QRectF pill(w - DiagramStyle::padding - tw, 4, tw, rh - 8);
        painter->setBrush(DiagramStyle::diffColor(m_state));
        painter->drawRoundedRect(pill, 3, 3);
        painter->setFont(DiagramStyle::badgeFont());
        painter->setPen(Qt::white);
        painter->drawText(pill, Qt::AlignCenter, tag);
        titleRight = pill.left() - gap;
    }
    painter->setFont(DiagramStyle::titleFont());
    painter->setPen(Qt::white);
    const QRectF titleRect(DiagramStyle::padding, 0, titleRight - DiagramStyle::padding, rh);
    painter->drawText(titleRect, Qt::AlignVCenter | Qt::AlignLeft,
                      titleMetrics().elidedText(m_table.name, Qt::ElideRight, titleRect.width()));

    for (qsizetype i = 0; i < m_rows.size(); ++i) {
        const int band = int(i) + 1;
        const QRectF bandRect(0, band * rh, w, rh);
        const bool last = band == bandCount() - 1;
        QColor fill;
        if (band == m_searchBand || m_highlighted.contains(band))
            fill = QColor(0xff, 0xe2, 0xc6);
        else if (m_rows[i].state != DiffState::Unchanged)
            fill = DiagramStyle::diffFill(m_rows[i].state);
        if (fill.isValid()) {
            painter->setPen(Qt::NoPen);
            painter->setBrush(fill);
            painter->drawRect(bandRect.adjusted(1, 0, -1, last ? -1.5 : 0));
        }
        paintRow(painter, m_rows[i], bandRect);
    }
    if (m_highlighted.contains(0) || m_searchBand == 0) {
        painter->setPen(QPen(DiagramStyle::highlight(), 2));
        painter->setBrush(Qt::NoBrush);
        painter->drawRect(QRectF(1, 1, w - 2, rh - 2));
    }

    QPen border(borderColor(selected), selected || m_state != DiffState::Unchanged ? 2.0 : 1.0);
    if (m_state == DiffState::Removed)
        border.setStyle(Qt::DashLine);
    painter->setPen(border);
    painter->setBrush(Qt::NoBrush);
    painter->drawRoundedRect(r.adjusted(0.5, 0.5, -0.5, -0.5), radius, radius);
}

void TableItem::paintRow(QPainter* painter, const Row& row, const QRectF& band) const
{
    const bool removed = row.state == DiffState::Removed;
    double x = DiagramStyle::padding;
    painter->setFont(DiagramStyle::badgeFont());
    for (const QString& b : row.badges) {
        const double bw = badgeWidth(b);
        const QRectF pill(x, band.top() + 5, bw, band.height() - 10);
        painter->setPen(Qt::NoPen);
        painter->setBrush(DiagramStyle::badgeColor(b));
        painter->drawRoundedRect(pill, 2, 2);
        painter->setPen(Qt::white);
        painter->drawText(pill, Qt::AlignCenter, b);
        x += bw + badgeGap;
    }
    double right = band.right() - DiagramStyle::padding;
    if (m_flagWidth > 0) {
        double fx = right - m_flagWidth;
        for (const QString& f : row.flags) {
            const double fw = badgeWidth(f);
            const QRectF pill(fx, band.top() + 5, fw, band.height() - 10);
            painter->setPen(QPen(DiagramStyle::badgeColor(f), 1));
            painter->setBrush(Qt::NoBrush);
            painter->drawRoundedRect(pill.adjusted(0.5, 0.5, -0.5, -0.5), 2, 2);
            painter->drawText(pill, Qt::AlignCenter, f);
            fx += fw + badgeGap;
        }
        right -= m_flagWidth + gap / 2;
    }

    const double nameLeft = DiagramStyle::padding + (m_badgeWidth > 0 ? m_badgeWidth + gap / 2 : 0);
    const QRectF typeRect(right - m_typeWidth, band.top(), m_typeWidth, band.height());
    QFont typeFont = DiagramStyle::typeFont();
    typeFont.setStrikeOut(removed);
    painter->setFont(typeFont);
    painter->setPen(DiagramStyle::mutedText());
    painter->drawText(typeRect, Qt::AlignVCenter | Qt::AlignRight,
                      typeMetrics().elidedText(row.type, Qt::ElideRight, typeRect.width()));

    const QRectF nameRect(nameLeft, band.top(), typeRect.left() - gap - nameLeft, band.height());
    QFont nameFont = DiagramStyle::columnFont();
    nameFont.setStrikeOut(removed);
    painter->setFont(nameFont);
    painter->setPen(removed ? DiagramStyle::diffColor(DiffState::Removed) : DiagramStyle::text());
    painter->drawText(nameRect, Qt::AlignVCenter | Qt::AlignLeft,
                      columnMetrics().elidedText(row.name, Qt::ElideRight, nameRect.width()));
}

} // namespace strata
