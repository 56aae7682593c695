#pragma once

// What the timeline tests share: a real project, on real SQLite files, whose database holds a
// migration in every state the timeline shows — built with the real engine (baseline, up), then
// files edited, deleted and added behind its back, as people do.

#include "project.h"

#include <QString>
#include <QTemporaryDir>

namespace strata::test {

// Database APP (environments local and staging) and LOGS (local only, nothing applied):
//   0001 baseline (local) / applied (staging)   0002 edited after apply   0003 file deleted
//   0004 out of order   0005 applied   0006 pending   0007 pending (tests make it Failed)
class EveryStatusProject final
{
public:
    EveryStatusProject();

    bool isValid() const { return m_error.isEmpty(); }
    QString error() const { return m_error; }
    QString root() const { return m_dir.path(); }
    QString migrationsDir() const { return m_dir.filePath(QStringLiteral("migrations")); }
    const Project& project() const { return m_project; }

    // The line 0002's up section had when applied, and the lines it has now.
    static QString removedLine() { return QStringLiteral("  title TEXT NOT NULL"); }
    static QString addedLine() { return QStringLiteral("  title TEXT NOT NULL DEFAULT '',"); }
    static QString secondAddedLine() { return QStringLiteral("  body TEXT"); }

private:
    bool write(const QString& relativePath, const QString& text);

    QTemporaryDir m_dir;
    Project m_project;
    QString m_error;
};

} // namespace strata::test
