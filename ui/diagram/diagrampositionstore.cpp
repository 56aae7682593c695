#include "diagrampositionstore.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>

#include <cmath>

namespace strata {
namespace {

QJsonObject readObject(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

} // namespace

DiagramPositionStore::DiagramPositionStore(const QString& projectFile, const QString& binding)
    : m_projectFile(QFileInfo(projectFile).absoluteFilePath()), m_binding(binding)
{
    if (projectFile.isEmpty() || binding.isEmpty())
        return;
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    if (dir.isEmpty())
        return;
    const QByteArray key =
        QCryptographicHash::hash(m_projectFile.toUtf8(), QCryptographicHash::Sha1).toHex();
    m_file = dir + QStringLiteral("/diagrams/") + QString::fromLatin1(key) +
             QStringLiteral(".json");
}

QHash<QString, QPointF> DiagramPositionStore::load() const
{
    QHash<QString, QPointF> positions;
    if (!isValid())
        return positions;
    const QJsonObject tables =
        readObject(m_file).value(QStringLiteral("bindings")).toObject().value(m_binding).toObject();
    for (auto it = tables.begin(); it != tables.end(); ++it) {
        const QJsonArray xy = it.value().toArray();
        if (xy.size() == 2)
            positions.insert(it.key(), QPointF(xy[0].toDouble(), xy[1].toDouble()));
    }
    return positions;
}

bool DiagramPositionStore::save(const QHash<QString, QPointF>& positions) const
{
    if (!isValid() || !QDir().mkpath(QFileInfo(m_file).absolutePath()))
        return false;
    QJsonObject root = readObject(m_file);
    QJsonObject bindings = root.value(QStringLiteral("bindings")).toObject();
    QJsonObject tables;
    for (auto it = positions.begin(); it != positions.end(); ++it)
        tables.insert(it.key(), QJsonArray{std::round(it.value().x() * 10) / 10,
                                           std::round(it.value().y() * 10) / 10});
    bindings.insert(m_binding, tables);
    root.insert(QStringLiteral("project"), m_projectFile);
    root.insert(QStringLiteral("bindings"), bindings);
    QSaveFile f(m_file);
    if (!f.open(QIODevice::WriteOnly))
        return false;
    f.write(QJsonDocument(root).toJson(QJsonDocument::Compact));
    return f.commit();
}

} // namespace strata
