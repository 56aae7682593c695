#pragma once

// The projects opened lately, most recent first, at most eight, kept in the user's settings.
// The first one is the project the window reopens at start.

#include <QSettings>
#include <QStringList>

#include <memory>

namespace strata {

class RecentProjects final
{
public:
    static constexpr int MaxCount = 8;

    explicit RecentProjects(QSettings& settings) : m_settings(settings) {}

    QStringList paths() const;
    QString last() const { return paths().value(0); }
    // Moves `path` (made absolute) to the front; drops the oldest past MaxCount.
    void add(const QString& path);
    void remove(const QString& path);
    void clear();

private:
    void store(const QStringList& paths);

    QSettings& m_settings;
};

// The window's settings, ~/.config/strata/strata.ini (INI format, the same on every platform).
// Named explicitly: the app sets no organisation name, and setting one would also move the per-user
// demo folder the CLI shares.
std::unique_ptr<QSettings> openUserSettings();

} // namespace strata
