#include "projectfiledialog.h"

#include "projectlocator.h"

#include <QDir>
#include <QFileInfo>

namespace strata {

ProjectFileDialog::ProjectFileDialog(QWidget* parent, const QString& startDir)
    : QFileDialog(parent, QStringLiteral("Open Project"), startDir)
{
    setObjectName(QStringLiteral("projectFileDialog"));
    // The Qt dialog, not a platform one: accept() below must see every Open.
    setOption(QFileDialog::DontUseNativeDialog);
    setFileMode(QFileDialog::ExistingFile);
    setAcceptMode(QFileDialog::AcceptOpen);
    setNameFilters({QStringLiteral("Strata or wrangler projects (strata.toml wrangler.toml "
                                   "wrangler.jsonc wrangler.json)"),
                    QStringLiteral("All files (*)")});
    setLabelText(QFileDialog::FileName, QStringLiteral("Project:"));
    resize(780, 480);
    connect(this, &QFileDialog::directoryEntered, this, &ProjectFileDialog::preselectProjectFile);
    if (!startDir.isEmpty())
        preselectProjectFile(startDir);
}

void ProjectFileDialog::preselectProjectFile(const QString& dir)
{
    const QString file = findProjectFile(dir);
    if (!file.isEmpty())
        selectFile(QFileInfo(file).fileName());
}

void ProjectFileDialog::accept()
{
    // A highlighted folder that holds a project opens as that project, instead of being entered.
    const QStringList files = selectedFiles();
    if (files.size() == 1 && QFileInfo(files.first()).isDir() &&
        !findProjectFile(files.first()).isEmpty()) {
        m_chosenFolder = QDir::cleanPath(files.first());
        QDialog::accept();
        return;
    }
    m_chosenFolder.clear();
    QFileDialog::accept();
}

QString ProjectFileDialog::chosenPath() const
{
    if (!m_chosenFolder.isEmpty())
        return m_chosenFolder;
    return selectedFiles().value(0);
}

QString ProjectFileDialog::choose(QWidget* parent, const QString& startDir)
{
    ProjectFileDialog dialog(parent, startDir);
    return dialog.exec() == QDialog::Accepted ? dialog.chosenPath() : QString();
}

} // namespace strata
