#pragma once

// Chooses a project to open: strata.toml, wrangler.toml, wrangler.jsonc or wrangler.json — or a
// folder holding one. Entering such a folder preselects its project file, and Open on a
// highlighted project folder opens that folder directly.

#include <QFileDialog>

namespace strata {

class ProjectFileDialog final : public QFileDialog
{
    Q_OBJECT

public:
    explicit ProjectFileDialog(QWidget* parent = nullptr, const QString& startDir = {});

    // The file or folder chosen; valid after the dialog was accepted.
    QString chosenPath() const;

    void accept() override;

    // Modal: returns the chosen file or folder, or an empty string on Cancel.
    static QString choose(QWidget* parent, const QString& startDir);

private:
    void preselectProjectFile(const QString& dir);

    QString m_chosenFolder;
};

} // namespace strata
