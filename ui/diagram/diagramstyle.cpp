#include "diagramstyle.h"

#include <QHash>

namespace strata::DiagramStyle {

QFont titleFont()
{
    QFont f(QStringLiteral("Sans Serif"));
    f.setPixelSize(13);
    f.setBold(true);
    return f;
}

QFont columnFont()
{
    QFont f(QStringLiteral("Sans Serif"));
    f.setPixelSize(12);
    return f;
}

QFont typeFont()
{
    QFont f(QStringLiteral("Sans Serif"));
    f.setPixelSize(11);
    return f;
}

QFont badgeFont()
{
    QFont f(QStringLiteral("Sans Serif"));
    f.setPixelSize(8);
    f.setBold(true);
    return f;
}

QColor background() { return QColor(0xf6, 0xf7, 0xf9); }
QColor tableFill() { return Qt::white; }
QColor tableBorder() { return QColor(0x8a, 0x93, 0xa0); }
QColor text() { return QColor(0x1f, 0x23, 0x28); }
QColor mutedText() { return QColor(0x6a, 0x73, 0x7d); }
QColor connector() { return QColor(0x70, 0x7a, 0x88); }
QColor highlight() { return QColor(0xe0, 0x4f, 0x1a); }

QColor bindingColor(const QString& binding)
{
    // Muted, distinguishable header colours that keep white text readable.
    static const QColor palette[] = {QColor(0x2f, 0x6f, 0xb3), QColor(0x2e, 0x8b, 0x74),
                                     QColor(0x7a, 0x4f, 0xa8), QColor(0xb3, 0x5c, 0x2f),
                                     QColor(0x3f, 0x5d, 0x7a), QColor(0x9b, 0x3b, 0x5a),
                                     QColor(0x5b, 0x7f, 0x2a), QColor(0x8a, 0x6d, 0x1f)};
    constexpr size_t count = sizeof(palette) / sizeof(palette[0]);
    return palette[qHash(binding, 0) % count];
}

QColor diffColor(DiffState state)
{
    switch (state) {
    case DiffState::Added: return QColor(0x2d, 0x9c, 0x4a);
    case DiffState::Changed: return QColor(0xd9, 0x8e, 0x04);
    case DiffState::Removed: return QColor(0xb0, 0x4a, 0x4a);
    case DiffState::Unchanged: break;
    }
    return {};
}

QColor diffFill(DiffState state)
{
    switch (state) {
    case DiffState::Added: return QColor(0xdc, 0xf5, 0xe1);
    case DiffState::Changed: return QColor(0xfd, 0xef, 0xc8);
    case DiffState::Removed: return QColor(0xf3, 0xe0, 0xe0);
    case DiffState::Unchanged: break;
    }
    return {};
}

QColor badgeColor(const QString& badge)
{
    if (badge == QLatin1String("PK"))
        return QColor(0xc9, 0x93, 0x0e);
    if (badge == QLatin1String("FK"))
        return QColor(0x2f, 0x6f, 0xb3);
    if (badge == QLatin1String("UQ"))
        return QColor(0x7a, 0x4f, 0xa8);
    return QColor(0x6a, 0x73, 0x7d); // NN
}

} // namespace strata::DiagramStyle
