#include "sqlitecopytarget.h"

#include "fileops.h"
#include "sqliteschemareader.h" // affinityOf

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <sqlite3.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace strata {
namespace {

// At most this many rows of a foreign-key violation are named in the message.
constexpr int maxViolationsShown = 5;

QString columnText(sqlite3_stmt* s, int i)
{
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
    return p ? QString::fromUtf8(p, sqlite3_column_bytes(s, i)) : QString();
}

} // namespace

QString sqliteQuote(const QString& name)
{
    QString n = name;
    n.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + n + QLatin1Char('"');
}

Result<std::unique_ptr<SqliteCopyTarget>> SqliteCopyTarget::create(const QString& targetPath)
{
    const QFileInfo info(targetPath);
    if (!QDir().mkpath(info.absolutePath()))
        return Error{
            QStringLiteral("cannot create the database's folder"), info.absolutePath(), 0, 0, {}};
    std::unique_ptr<SqliteCopyTarget> t(new SqliteCopyTarget);
    const QString path =
        info.absoluteFilePath() + QStringLiteral(".strata-copy-") + fileops::uniqueSuffix();
    const QByteArray native = QFile::encodeName(path);
    // The file is made here, empty (an empty file is an empty database), with the final mode
    // before a byte is written: a reader who opened a wider file would keep its descriptor
    // after a chmod. 0644 is SQLite's own default, narrowed by the umask.
    struct stat old = {};
    const bool hadTarget =
        ::stat(QFile::encodeName(info.absoluteFilePath()).constData(), &old) == 0;
    const mode_t mode = hadTarget ? (old.st_mode & 0777) : 0644;
    const int fd = ::open(native.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0)
        return Error{QStringLiteral("cannot create the new database file: %1")
                         .arg(QString::fromLocal8Bit(std::strerror(errno))),
                     path,
                     0,
                     0,
                     {}};
    t->m_path = path; // from now on removed on failure
    // The umask may have taken bits the old file had (0664 under 022): give them back, no more.
    const bool moded = !hadTarget || ::fchmod(fd, mode) == 0;
    const int modeErrno = errno;
    ::close(fd);
    if (!moded)
        return Error{
            QStringLiteral("cannot give the new database file the mode %1 of the one "
                           "it replaces: %2")
                .arg(QString::number(mode, 8), QString::fromLocal8Bit(std::strerror(modeErrno))),
            path,
            0,
            0,
            {}};
    const int rc = sqlite3_open_v2(native.constData(), &t->m_db,
                                   SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    if (rc != SQLITE_OK)
        return t->sqliteError(QStringLiteral("cannot create the new database file"));
    // Nothing reads this file before it is complete, checked, flushed and renamed: no journal,
    // no syncs, one connection; a larger cache for building the indexes after the load.
    const char* setup = "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; "
                        "PRAGMA locking_mode = EXCLUSIVE; PRAGMA cache_size = -65536; "
                        "PRAGMA temp_store = MEMORY; PRAGMA foreign_keys = OFF";
    if (sqlite3_exec(t->m_db, setup, nullptr, nullptr, nullptr) != SQLITE_OK)
        return t->sqliteError(QStringLiteral("cannot set up the new database file"));
    return t;
}

QStringList SqliteCopyTarget::sweepLeftovers(const QString& targetPath, qint64 olderThanSecs,
                                             QStringList* failures)
{
    const QFileInfo target(targetPath);
    const QDir dir = target.absoluteDir();
    const QRegularExpression ours(
        QStringLiteral("^%1\\.strata-copy-[0-9a-f]{10}(-journal|-wal|-shm)?$")
            .arg(QRegularExpression::escape(target.fileName())));
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QStringList removed;
    const QStringList names = dir.entryList({target.fileName() + QStringLiteral(".strata-copy-*")},
                                            QDir::Files | QDir::Hidden | QDir::System, QDir::Name);
    for (const QString& name : names) {
        if (!ours.match(name).hasMatch())
            continue;
        const QString path = dir.filePath(name);
        if (QFileInfo(path).lastModified().secsTo(now) < olderThanSecs)
            continue; // perhaps a copy running from another machine on a shared folder
        if (QFile::remove(path))
            removed << path;
        else
            *failures << path;
    }
    return removed;
}

SqliteCopyTarget::~SqliteCopyTarget()
{
    finishInsert();
    if (m_db)
        sqlite3_close_v2(m_db);
    if (!m_keep && !m_path.isEmpty()) {
        fileops::removeIfExists(m_path);
        for (const char* suffix : {"-journal", "-wal", "-shm"})
            fileops::removeIfExists(m_path + QLatin1String(suffix));
    }
}

Error SqliteCopyTarget::sqliteError(const QString& what, const QString& sql) const
{
    const QString message =
        m_db ? QString::fromUtf8(sqlite3_errmsg(m_db)) : QStringLiteral("out of memory");
    return Error{what + QStringLiteral(": ") + message, m_path, 0, 0, sql};
}

Status SqliteCopyTarget::exec(const QString& sql)
{
    char* message = nullptr;
    if (sqlite3_exec(m_db, sql.toUtf8().constData(), nullptr, nullptr, &message) == SQLITE_OK)
        return success();
    const QString why = QString::fromUtf8(message ? message : sqlite3_errmsg(m_db));
    sqlite3_free(message);
    return Error{why, m_path, 0, 0, sql};
}

bool SqliteCopyTarget::hasTable(const QString& table)
{
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(m_db, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?", -1,
                       &s, nullptr);
    const QByteArray name = table.toUtf8();
    sqlite3_bind_text(s, 1, name.constData(), int(name.size()), SQLITE_STATIC);
    const bool found = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_finalize(s);
    return found;
}

Result<QList<TargetColumn>> SqliteCopyTarget::columns(const QString& table)
{
    sqlite3_stmt* s = nullptr;
    const QByteArray sql = ("PRAGMA table_xinfo(" + sqliteQuote(table) + ")").toUtf8();
    if (sqlite3_prepare_v2(m_db, sql.constData(), -1, &s, nullptr) != SQLITE_OK)
        return sqliteError(QStringLiteral("cannot read the columns of ") + table);
    QList<TargetColumn> out;
    while (sqlite3_step(s) == SQLITE_ROW) {
        TargetColumn c;
        c.name = columnText(s, 1);
        c.declaredType = columnText(s, 2);
        c.affinity = affinityFromName(affinityOf(c.declaredType));
        c.generated = sqlite3_column_int(s, 6) != 0; // hidden: 2 virtual, 3 stored
        out << c;
    }
    sqlite3_finalize(s);
    return out;
}

Status SqliteCopyTarget::prepareInsert(const QString& table, const QStringList& columns)
{
    finishInsert();
    QStringList names, marks;
    for (const QString& c : columns) {
        names << sqliteQuote(c);
        marks << QStringLiteral("?");
    }
    const QString sql = QStringLiteral("INSERT INTO %1 (%2) VALUES (%3)")
                            .arg(sqliteQuote(table), names.join(QStringLiteral(", ")),
                                 marks.join(QStringLiteral(", ")));
    if (sqlite3_prepare_v3(m_db, sql.toUtf8().constData(), -1, SQLITE_PREPARE_PERSISTENT, &m_insert,
                           nullptr) != SQLITE_OK)
        return sqliteError(QStringLiteral("cannot prepare the insert into ") + table, sql);
    return success();
}

void SqliteCopyTarget::bind(int index, const SqlValue& v)
{
    const int i = index + 1;
    switch (v.type) {
    case SqlValue::Type::Null:
        sqlite3_bind_null(m_insert, i);
        break;
    case SqlValue::Type::Integer:
        sqlite3_bind_int64(m_insert, i, v.integer);
        break;
    case SqlValue::Type::Real:
        sqlite3_bind_double(m_insert, i, v.real);
        break;
    // The row buffer outlives the step: no copy.
    case SqlValue::Type::Text:
        sqlite3_bind_text(m_insert, i, v.data, v.size, SQLITE_STATIC);
        break;
    case SqlValue::Type::Blob:
        sqlite3_bind_blob(m_insert, i, v.data, v.size, SQLITE_STATIC);
        break;
    }
}

bool SqliteCopyTarget::insertRow(QString* message)
{
    const int rc = sqlite3_step(m_insert);
    sqlite3_reset(m_insert);
    if (rc == SQLITE_DONE)
        return true;
    *message = QString::fromUtf8(sqlite3_errmsg(m_db));
    return false;
}

void SqliteCopyTarget::finishInsert()
{
    if (m_insert)
        sqlite3_finalize(m_insert);
    m_insert = nullptr;
}

Status SqliteCopyTarget::begin()
{
    return exec(QStringLiteral("BEGIN"));
}
Status SqliteCopyTarget::commit()
{
    return exec(QStringLiteral("COMMIT"));
}

Result<qint64> SqliteCopyTarget::count(const QString& table)
{
    sqlite3_stmt* s = nullptr;
    const QByteArray sql = ("SELECT count(*) FROM " + sqliteQuote(table)).toUtf8();
    if (sqlite3_prepare_v2(m_db, sql.constData(), -1, &s, nullptr) != SQLITE_OK)
        return sqliteError(QStringLiteral("cannot count the rows of ") + table);
    qint64 n = -1;
    if (sqlite3_step(s) == SQLITE_ROW)
        n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return n;
}

Result<QString> SqliteCopyTarget::foreignKeyCheck()
{
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(m_db, "PRAGMA foreign_key_check", -1, &s, nullptr) != SQLITE_OK)
        return sqliteError(QStringLiteral("cannot check the foreign keys"));
    qint64 count = 0;
    QStringList shown;
    while (sqlite3_step(s) == SQLITE_ROW) {
        if (++count <= maxViolationsShown)
            shown << QStringLiteral("%1 rowid %2 → %3")
                         .arg(columnText(s, 0), columnText(s, 1), columnText(s, 2));
    }
    sqlite3_finalize(s);
    if (count == 0)
        return QStringLiteral("ok");
    return QStringLiteral("%1 rows break a foreign key (%2%3)")
        .arg(count)
        .arg(shown.join(QStringLiteral("; ")),
             count > maxViolationsShown ? QStringLiteral("; …") : QString());
}

Result<QString> SqliteCopyTarget::quickCheck()
{
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(m_db, "PRAGMA quick_check(10)", -1, &s, nullptr) != SQLITE_OK)
        return sqliteError(QStringLiteral("cannot check the new database"));
    QStringList lines;
    while (sqlite3_step(s) == SQLITE_ROW)
        lines << columnText(s, 0);
    sqlite3_finalize(s);
    return lines.join(QStringLiteral("; "));
}

Status SqliteCopyTarget::raiseAutoincrement(const QString& table, qint64 lastValue)
{
    // sqlite_sequence has a row once a row was inserted; an empty table gets one.
    const QString name = table;
    QString escaped = name;
    escaped.replace(QLatin1Char('\''), QStringLiteral("''"));
    return exec(QStringLiteral("UPDATE sqlite_sequence SET seq = max(seq, %2) WHERE name = '%1'; "
                               "INSERT INTO sqlite_sequence (name, seq) SELECT '%1', %2 WHERE NOT "
                               "EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = '%1')")
                    .arg(escaped)
                    .arg(lastValue));
}

Status SqliteCopyTarget::finish(bool wal)
{
    finishInsert();
    if (Status s = exec(wal ? QStringLiteral("PRAGMA journal_mode = WAL")
                            : QStringLiteral("PRAGMA journal_mode = DELETE"));
        !s)
        return s;
    // Closing the only connection checkpoints a WAL and removes it: the file stands alone.
    if (sqlite3_close_v2(m_db) != SQLITE_OK)
        return sqliteError(QStringLiteral("cannot close the new database file"));
    m_db = nullptr;
    return fileops::syncFile(m_path);
}

} // namespace strata
