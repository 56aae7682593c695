#include "recentprojects.h"

#include <QFileInfo>

namespace strata {
namespace {

QString key()
{
    return QStringLiteral("recentProjects");
}

QString normalized(const QString& path)
{
    return QFileInfo(path).absoluteFilePath();
}

} // namespace

QStringList RecentProjects::paths() const
{
    QStringList out;
    for (const QString& p : m_settings.value(key()).toStringList())
        if (!p.isEmpty() && !out.contains(p))
            out << p;
    return out.mid(0, MaxCount);
}

void RecentProjects::add(const QString& path)
{
    const QString p = normalized(path);
    QStringList list = paths();
    list.removeAll(p);
    list.prepend(p);
    store(list.mid(0, MaxCount));
}

void RecentProjects::remove(const QString& path)
{
    QStringList list = paths();
    list.removeAll(normalized(path));
    store(list);
}

void RecentProjects::clear()
{
    m_settings.remove(key());
}

void RecentProjects::store(const QStringList& paths)
{
    m_settings.setValue(key(), paths);
}

std::unique_ptr<QSettings> openUserSettings()
{
    return std::make_unique<QSettings>(QSettings::IniFormat, QSettings::UserScope,
                                       QStringLiteral("strata"), QStringLiteral("strata"));
}

} // namespace strata
