#include "fileops.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>

#include <openssl/evp.h>

#include <algorithm>
#include <condition_variable>
#include <filesystem>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <system_error>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace strata::fileops {
namespace {

// Reads for hashing: large enough that the syscalls cost nothing, small enough to stay in cache.
constexpr qint64 hashChunk = 8 * 1024 * 1024;
// One copy_file_range(2) call: the unit the hash follows and writeback is started for.
constexpr qint64 copyChunk = 32 * 1024 * 1024;

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
    const int fd =
        ::open(QFile::encodeName(path).constData(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
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

#ifndef Q_OS_LINUX
// Read, hash, write: the portable copy.
Result<QByteArray> userCopyAndHash(const QString& from, const QString& to,
                                   const ByteProgressFn& progress, int mode)
{
    QFile in(from);
    if (!in.open(QIODevice::ReadOnly))
        return fileError(QStringLiteral("cannot read"), from, in.errorString());
    QFile out(to);
    if (!out.open(QIODevice::WriteOnly | QIODevice::NewOnly))
        return fileError(QStringLiteral("cannot create"), to, out.errorString());
    if (mode >= 0) { // exactly `mode` while the file is still empty
        std::error_code ec;
        std::filesystem::permissions(QFile::encodeName(to).toStdString(),
                                     std::filesystem::perms(mode), ec);
        if (ec) {
            out.remove();
            return fileError(QStringLiteral("cannot set the permissions of"), to,
                             QString::fromStdString(ec.message()));
        }
    }
    const qint64 total = in.size();
    Sha256 hash;
    QByteArray buffer(hashChunk, Qt::Uninitialized);
    qint64 done = 0;
    auto failed = [&](const Error& e) -> Result<QByteArray> {
        out.close();
        QFile::remove(to);
        return e;
    };
    for (;;) {
        const qint64 n = in.read(buffer.data(), hashChunk);
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
    return hash.hex();
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

void startWriteback(const QString& path)
{
#ifdef Q_OS_LINUX
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    ::sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
    ::close(fd);
#else
    Q_UNUSED(path);
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

#ifdef Q_OS_LINUX
namespace {

// The copy done by the kernel (copy_file_range(2), as cp(1) does: no trip through user memory),
// chunk by chunk, with writeback of each chunk started at once; a second thread follows the
// copy and hashes the new file's bytes as they land (read back from the page cache), so the
// SHA-256 is that of what was written and costs no time of its own.
Result<QByteArray> kernelCopyAndHash(const QString& from, const QString& to,
                                     const ByteProgressFn& progress, int mode)
{
    const int in = ::open(QFile::encodeName(from).constData(), O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return fileError(QStringLiteral("cannot read"), from,
                         QString::fromLocal8Bit(strerror(errno)));
    const int out = ::open(QFile::encodeName(to).constData(),
                           O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode < 0 ? 0644 : mode);
    // Exactly `mode`, set while the file is still empty (the umask may have taken bits away).
    if (out >= 0 && mode >= 0 && ::fchmod(out, mode_t(mode)) != 0) {
        const int err = errno;
        ::close(out);
        ::close(in);
        QFile::remove(to);
        return fileError(QStringLiteral("cannot set the permissions of"), to,
                         QString::fromLocal8Bit(strerror(err)));
    }
    if (out < 0) {
        const int err = errno;
        ::close(in);
        return fileError(QStringLiteral("cannot create"), to,
                         QString::fromLocal8Bit(strerror(err)));
    }
    struct stat st;
    const qint64 total = ::fstat(in, &st) == 0 ? qint64(st.st_size) : -1;

    std::mutex m;
    std::condition_variable cv;
    qint64 copied = 0;
    bool finished = false; // the copier stopped, successfully or not
    auto hashing = std::async(std::launch::async, [&]() -> Result<QByteArray> {
        const int back = ::open(QFile::encodeName(to).constData(), O_RDONLY | O_CLOEXEC);
        if (back < 0)
            return fileError(QStringLiteral("cannot read back"), to,
                             QString::fromLocal8Bit(strerror(errno)));
        Sha256 hash;
        QByteArray buffer(hashChunk, Qt::Uninitialized);
        qint64 hashed = 0;
        for (;;) {
            qint64 ready = 0;
            {
                std::unique_lock lock(m);
                cv.wait(lock, [&] { return copied > hashed || finished; });
                ready = copied;
                if (ready == hashed)
                    break; // finished, and nothing more will come
            }
            while (hashed < ready) {
                const ssize_t n = ::pread(back, buffer.data(),
                                          size_t(std::min(hashChunk, ready - hashed)), hashed);
                if (n <= 0) {
                    const int err = n < 0 ? errno : EIO;
                    ::close(back);
                    return fileError(QStringLiteral("cannot read back"), to,
                                     QString::fromLocal8Bit(strerror(err)));
                }
                hash.add(buffer.constData(), n);
                hashed += n;
            }
        }
        ::close(back);
        return hash.hex();
    });

    std::optional<Error> failure;
    qint64 done = 0;
    bool kernelCopy = true;
    QByteArray buffer;
    for (;;) {
        ssize_t n = -1;
        if (kernelCopy) {
            n = ::copy_file_range(in, nullptr, out, nullptr, size_t(copyChunk), 0);
            // Across filesystems, or where the kernel cannot: through user memory instead.
            if (n < 0 && done == 0 &&
                (errno == EXDEV || errno == ENOSYS || errno == EOPNOTSUPP || errno == EINVAL)) {
                kernelCopy = false;
                buffer.resize(copyChunk);
            }
        }
        if (!kernelCopy) {
            n = ::read(in, buffer.data(), size_t(copyChunk));
            for (ssize_t written = 0; n > 0 && written < n;) {
                const ssize_t w = ::write(out, buffer.constData() + written, size_t(n - written));
                if (w < 0) {
                    n = -1;
                    break;
                }
                written += w;
            }
        }
        if (n < 0) {
            failure = fileError(QStringLiteral("cannot copy into %1").arg(to), from,
                                QString::fromLocal8Bit(strerror(errno)));
            break;
        }
        if (n == 0)
            break;
        ::sync_file_range(out, done, n, SYNC_FILE_RANGE_WRITE);
        done += n;
        {
            std::lock_guard lock(m);
            copied = done;
        }
        cv.notify_one();
        if (progress)
            progress(done, total);
    }
    {
        std::lock_guard lock(m);
        finished = true;
    }
    cv.notify_one();
    auto hash = hashing.get();
    ::close(in);
    if (::close(out) != 0 && !failure)
        failure =
            fileError(QStringLiteral("cannot write"), to, QString::fromLocal8Bit(strerror(errno)));
    if (!failure && !hash)
        failure = hash.error();
    if (!failure && total >= 0 && done != total)
        failure =
            fileError(QStringLiteral("the copy is %1 bytes, the file %2").arg(done).arg(total), to,
                      QStringLiteral("it changed while it was copied"));
    if (failure) {
        QFile::remove(to);
        return *failure;
    }
    return hash;
}

} // namespace
#endif

Result<QByteArray> copyAndHash(const QString& from, const QString& to,
                               const ByteProgressFn& progress, Durability durability, int mode)
{
#ifdef Q_OS_LINUX
    auto hash = kernelCopyAndHash(from, to, progress, mode);
    if (!hash)
        return hash;
#else
    auto hash = userCopyAndHash(from, to, progress, mode);
    if (!hash)
        return hash;
#endif
    if (durability == Durability::Sync)
        if (Status s = syncFile(to); !s) {
            QFile::remove(to);
            return s.error();
        }
    return hash;
}

Result<QByteArray> sha256OfFile(const QString& path, const ByteProgressFn& progress)
{
    QFile in(path);
    if (!in.open(QIODevice::ReadOnly))
        return fileError(QStringLiteral("cannot read"), path, in.errorString());
    const qint64 total = in.size();
    Sha256 hash;
    QByteArray buffer(hashChunk, Qt::Uninitialized);
    qint64 done = 0;
    for (;;) {
        const qint64 n = in.read(buffer.data(), hashChunk);
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

QString uniqueSuffix()
{
    return QString::number(QRandomGenerator::global()->generate64() & 0xffffffffffULL, 16)
        .rightJustified(10, QLatin1Char('0'));
}

} // namespace strata::fileops
