#include "d1localstate.h"

#include <QCryptographicHash>
#include <QDir>
#include <QMessageAuthenticationCode>

namespace strata {

QString miniflareObjectName(const QString& databaseId)
{
    const QByteArray key = QCryptographicHash::hash(QByteArrayLiteral("miniflare-D1DatabaseObject"),
                                                    QCryptographicHash::Sha256);
    const QByteArray first = QMessageAuthenticationCode::hash(databaseId.toUtf8(), key,
                                                              QCryptographicHash::Sha256)
                                 .left(16);
    const QByteArray second =
        QMessageAuthenticationCode::hash(first, key, QCryptographicHash::Sha256).left(16);
    return QString::fromLatin1(QByteArray(first + second).toHex());
}

QString d1LocalDatabasePath(const QString& persistRoot, const QString& databaseId)
{
    return QDir::cleanPath(persistRoot + QStringLiteral("/v3/d1/miniflare-D1DatabaseObject/") +
                           miniflareObjectName(databaseId) + QStringLiteral(".sqlite"));
}

} // namespace strata
