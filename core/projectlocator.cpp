#include "projectlocator.h"

#include "projectfile.h"
#include "wranglerconfig.h"

#include <QDir>
#include <QFileInfo>

namespace strata {

QString findProjectFile(const QString& dir)
{
    const QDir d(dir);
    for (const char* name : {"strata.toml", "wrangler.toml", "wrangler.jsonc", "wrangler.json"}) {
        const QString candidate = d.absoluteFilePath(QString::fromLatin1(name));
        if (QFileInfo(candidate).isFile())
            return candidate;
    }
    return {};
}

Result<Project> openProject(const QString& pathOrDir)
{
    const QFileInfo info(pathOrDir);
    if (!info.exists())
        return Error{QStringLiteral("no such file or folder"), info.absoluteFilePath(), 0, 0, {}};
    QString file = info.absoluteFilePath();
    if (info.isDir()) {
        file = findProjectFile(file);
        if (file.isEmpty())
            return Error{QStringLiteral("no project here: expected strata.toml, wrangler.toml or "
                                        "wrangler.jsonc"),
                         info.absoluteFilePath(), 0, 0, {}};
    }
    if (QFileInfo(file).fileName().startsWith(QLatin1String("wrangler.")))
        return loadWranglerConfig(file);
    return loadStrataToml(file);
}

} // namespace strata
