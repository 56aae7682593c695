#pragma once

// DiagramPositionStore: where the tables of a project's diagrams sit, kept per user so that
// a diagram looks the same each time it is opened. One JSON file per project under the
// per-user data folder — <AppDataLocation>/diagrams/<sha1 of the project file's absolute
// path>.json — holding {"project": path, "bindings": {BINDING: {TABLE: [x, y], …}, …}}.
// Nothing is written next to the project, so a shared repository never sees them.

#include <QHash>
#include <QPointF>
#include <QString>

namespace strata {

class DiagramPositionStore final
{
public:
    DiagramPositionStore() = default;
    DiagramPositionStore(const QString& projectFile, const QString& binding);

    bool isValid() const { return !m_file.isEmpty(); }
    QString filePath() const { return m_file; }
    const QString& binding() const { return m_binding; }

    QHash<QString, QPointF> load() const;
    // Replaces this binding's positions; other bindings in the file are kept.
    bool save(const QHash<QString, QPointF>& positions) const;

private:
    QString m_projectFile;
    QString m_binding;
    QString m_file;
};

} // namespace strata
