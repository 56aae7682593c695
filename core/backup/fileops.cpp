#include "fileops.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <openssl/evp.h>

#include <filesystem>
#include <memory>
#include <system_error>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>
#endif

namespace strata::fileops {
namespace {

constexpr qint64 chunkSize = 8 * 1024 * 1024;

std::filesystem::path fsPath(const QString& path)
{
    return std::filesystem::path(path.toStdU16String());
}

Error fileError(const QString& what, const QString& path, const QString& why)
{
    return Error{QStringLiteral("%1: %2").arg(what, why), path, 0, 0, {}};
}

// SHA-256 through OpenSSL: about 1.5 GB/s with the CPU's SHA extensions, where Qt's own
// implementation manages tens of MB/s — the difference between a hash that is free next to the
// copy and one that dominates a 1 GB backup.
class Sha256 final
{
public:
    Sha256() : m_ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free)
    {
        EVP_DigestInit_ex(m_ctx.get(), EVP_sha256(), nullptr);
    }
    void add(const char* data, qint64 size) { EVP_DigestUpdate(m_ctx.get(), data, size_t(size)); }
    QByteArray hex()
    {
        unsigned char digest[EVP_MAX_MD_SIZE];
        unsigned int length = 0;
        EVP_DigestFinal_ex(m_ctx.get(), digest, &length);
        return QByteArray(reinterpret_cast<const char*>(digest), int(length)).toHex();
    }

private:
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> m_ctx;
};

#ifdef Q_OS_UNIX
Status syncPath(const QString& path, bool directory)
{
    const int fd = ::open(QFile::encodeName(path).constData(),
                          directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
    if (fd < 0)
        return fileError(QStringLiteral("cannot open to sync"), path,
                         QString::fromLocal8Bit(strerror(errno)));
    const int rc = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    if (rc != 0 && !(directory && (err == EINVAL || err == EBADF)))
        return fileError(QStringLiteral("cannot flush to disk"), path,
                         QString::fromLocal8Bit(strerror(err)));
    return success();
}
#endif

} // namespace

Status syncFile(const QString& path)
{
#ifdef Q_OS_UNIX
    return syncPath(path, false);
#else
    QFile f(path);
    if (!f.open(QIODevice::ReadWrite))
        return fileError(QStringLiteral("cannot open to sync"), path, f.errorString());
    f.flush();
    return success();
#endif
}

Status syncDir(const QString& dir)
{
#ifdef Q_OS_UNIX
    return syncPath(dir, true);
#else
    Q_UNUSED(dir);
    return success();
#endif
}

Status replaceFile(const QString& from, const QString& to)
{
    std::error_code ec;
    std::filesystem::rename(fsPath(from), fsPath(to), ec);
    if (ec)
        return fileError(QStringLiteral("cannot rename %1 into place").arg(from), to,
                         QString::fromLocal8Bit(ec.message().c_str()));
    return success();
}

Status hardLink(const QString& existing, const QString& newName)
{
    std::error_code ec;
    std::filesystem::create_hard_link(fsPath(existing), fsPath(newName), ec);
    if (ec)
        return fileError(QStringLiteral("cannot link %1").arg(existing), newName,
                         QString::fromLocal8Bit(ec.message().c_str()));
    return success();
}

Result<QByteArray> copyAndHash(const QString& from, const QString& to,
                               const ByteProgressFn& progress)
{
    QFile in(from);
    if (!in.open(QIODevice::ReadOnly))
        return fileError(QStringLiteral("cannot read"), from, in.errorString());
    QFile out(to);
    if (!out.open(QIODevice::WriteOnly | QIODevice::NewOnly))
        return fileError(QStringLiteral("cannot create"), to, out.errorString());
    const qint64 total = in.size();
    Sha256 hash;
    QByteArray buffer(chunkSize, Qt::Uninitialized);
    qint64 done = 0;
    auto failed = [&](const Error& e) -> Result<QByteArray> {
        out.close();
        QFile::remove(to);
        return e;
    };
    for (;;) {
        const qint64 n = in.read(buffer.data(), chunkSize);
        if (n < 0)
            return failed(fileError(QStringLiteral("cannot read"), from, in.errorString()));
        if (n == 0)
            break;
        hash.add(buffer.constData(), n);
        if (out.write(buffer.constData(), n) != n)
            return failed(fileError(QStringLiteral("cannot write"), to, out.errorString()));
        done += n;
        if (progress)
            progress(done, total);
    }
    if (!out.flush())
        return failed(fileError(QStringLiteral("cannot write"), to, out.errorString()));
    out.close();
    if (Status s = syncFile(to); !s)
        return failed(s.error());
    return hash.hex();
}

Result<QByteArray> sha256OfFile(const QString& path, const ByteProgressFn& progress)
{
    QFile in(path);
    if (!in.open(QIODevice::ReadOnly))
        return fileError(QStringLiteral("cannot read"), path, in.errorString());
    const qint64 total = in.size();
    Sha256 hash;
    QByteArray buffer(chunkSize, Qt::Uninitialized);
    qint64 done = 0;
    for (;;) {
        const qint64 n = in.read(buffer.data(), chunkSize);
        if (n < 0)
            return fileError(QStringLiteral("cannot read"), path, in.errorString());
        if (n == 0)
            break;
        hash.add(buffer.constData(), n);
        done += n;
        if (progress)
            progress(done, total);
    }
    return hash.hex();
}

bool removeIfExists(const QString& path)
{
    if (!QFileInfo::exists(path) && !QFileInfo(path).isSymLink())
        return true;
    return QFile::remove(path);
}

} // namespace strata::fileops
