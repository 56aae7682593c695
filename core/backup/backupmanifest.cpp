#include "backupmanifest.h"

#include "fileops.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSaveFile>

namespace strata {
namespace {

// Version numbers go into JSON as text: 20240101120000-style versions do not fit a double.
QJsonValue versionValue(qint64 v)
{
    return v < 0 ? QJsonValue() : QJsonValue(QString::number(v));
}

// Reads the manifest's fields, remembering the first missing or mistyped one.
class FieldReader
{
public:
    FieldReader(const QJsonObject& o, QString file) : m_o(o), m_file(std::move(file)) {}

    QJsonValue get(const QString& key, QJsonValue::Type type, bool required = true)
    {
        const QJsonValue v = m_o.value(key);
        if (v.isUndefined() || v.isNull()) {
            if (required)
                fail(QStringLiteral("has no '%1'").arg(key));
            return {};
        }
        if (v.type() != type)
            fail(QStringLiteral("has a '%1' of the wrong type").arg(key));
        return v;
    }
    QString string(const QString& key, bool required = true)
    {
        return get(key, QJsonValue::String, required).toString();
    }
    qint64 integer(const QString& key)
    {
        const double d = get(key, QJsonValue::Double).toDouble();
        if (d < 0 || d != double(qint64(d)))
            fail(QStringLiteral("has a '%1' that is not a whole number").arg(key));
        return qint64(d);
    }
    qint64 version(const QString& key)
    {
        const QString text = string(key, false);
        if (text.isEmpty())
            return -1;
        bool ok = false;
        const qint64 v = text.toLongLong(&ok);
        if (!ok || v < 0)
            fail(QStringLiteral("has a '%1' that is not a version number").arg(key));
        return v;
    }
    void fail(const QString& why)
    {
        if (!m_error)
            m_error = Error{QStringLiteral("the backup's manifest ") + why, m_file, 0, 0, {}};
    }
    const std::optional<Error>& error() const { return m_error; }

private:
    QJsonObject m_o;
    QString m_file;
    std::optional<Error> m_error;
};

} // namespace

qint64 BackupManifest::totalRows() const
{
    qint64 n = 0;
    for (const TableRows& t : rows)
        n += t.rows;
    return n;
}

QByteArray BackupManifest::toJson() const
{
    QJsonObject tables;
    for (const TableRows& t : rows)
        tables.insert(t.table, t.rows);
    QJsonObject o{
        {QStringLiteral("format"), format},
        {QStringLiteral("strata_version"), strataVersion},
        {QStringLiteral("id"), id},
        {QStringLiteral("binding"), binding},
        {QStringLiteral("environment"), environment},
        {QStringLiteral("dialect"), dialect},
        {QStringLiteral("location"), location},
        {QStringLiteral("created_utc"), created.toUTC().toString(Qt::ISODateWithMs)},
        {QStringLiteral("schema_version"), versionValue(schemaVersion)},
        {QStringLiteral("schema_version_name"), schemaVersionName},
        {QStringLiteral("applied_migrations"), appliedCount},
        {QStringLiteral("before_version"), versionValue(beforeVersion)},
        {QStringLiteral("payload"), payload},
        {QStringLiteral("payload_size"), payloadSize},
        {QStringLiteral("sha256"), QString::fromLatin1(sha256)},
        {QStringLiteral("source_journal_mode"), sourceJournalMode},
        {QStringLiteral("page_size"), pageSize},
        {QStringLiteral("page_count"), pageCount},
        {QStringLiteral("tables"), tables},
        {QStringLiteral("total_rows"), totalRows()},
        {QStringLiteral("integrity_check"), integrityCheck},
        {QStringLiteral("integrity"), integrity},
        {QStringLiteral("foreign_key_check"), foreignKeys},
    };
    if (isPostgres()) {
        o.insert(QStringLiteral("server_version"), serverVersion);
        o.insert(QStringLiteral("dump_program"), dumpProgram);
        o.insert(QStringLiteral("database"), database);
        o.insert(QStringLiteral("archive_entries"), archiveEntries);
    }
    return QJsonDocument(o).toJson(QJsonDocument::Indented);
}

Result<BackupManifest> BackupManifest::fromJson(const QByteArray& json, const QString& file)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        return Error{QStringLiteral("the backup's manifest is not valid JSON (%1 at byte %2)")
                         .arg(parseError.errorString())
                         .arg(parseError.offset),
                     file, 0, 0, {}};
    FieldReader r(doc.object(), file);
    BackupManifest m;
    m.format = int(r.integer(QStringLiteral("format")));
    if (r.error())
        return *r.error();
    if (m.format > currentFormat)
        return Error{QStringLiteral("the backup's manifest has format %1; this Strata (%2) reads "
                                    "up to %3: use a newer Strata")
                         .arg(m.format)
                         .arg(QStringLiteral(STRATA_VERSION))
                         .arg(currentFormat),
                     file, 0, 0, {}};
    m.strataVersion = r.string(QStringLiteral("strata_version"));
    m.id = r.string(QStringLiteral("id"));
    m.binding = r.string(QStringLiteral("binding"));
    m.environment = r.string(QStringLiteral("environment"));
    m.dialect = r.string(QStringLiteral("dialect"));
    m.location = r.string(QStringLiteral("location"), false);
    m.created = QDateTime::fromString(r.string(QStringLiteral("created_utc")), Qt::ISODateWithMs)
                    .toUTC();
    if (!m.created.isValid())
        r.fail(QStringLiteral("has a 'created_utc' that is not a date"));
    m.schemaVersion = r.version(QStringLiteral("schema_version"));
    m.schemaVersionName = r.string(QStringLiteral("schema_version_name"), false);
    m.appliedCount = int(r.integer(QStringLiteral("applied_migrations")));
    m.beforeVersion = r.version(QStringLiteral("before_version"));
    m.payload = r.string(QStringLiteral("payload"));
    // The payload is a file inside the folder, never a path that leads out of it.
    if (m.payload.isEmpty() || m.payload.contains(QLatin1Char('/')) ||
        m.payload.contains(QLatin1Char('\\')) || m.payload.startsWith(QLatin1Char('.')))
        r.fail(QStringLiteral("names a payload outside its folder"));
    m.payloadSize = r.integer(QStringLiteral("payload_size"));
    m.sha256 = r.string(QStringLiteral("sha256")).toLatin1();
    static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{64}$"));
    if (!hex.match(QString::fromLatin1(m.sha256)).hasMatch())
        r.fail(QStringLiteral("has a 'sha256' that is not 64 hex digits"));
    m.sourceJournalMode = r.string(QStringLiteral("source_journal_mode"), false);
    m.pageSize = r.integer(QStringLiteral("page_size"));
    m.pageCount = r.integer(QStringLiteral("page_count"));
    const QJsonObject tables = r.get(QStringLiteral("tables"), QJsonValue::Object).toObject();
    for (auto it = tables.begin(); it != tables.end(); ++it) {
        const double d = it.value().toDouble(-1);
        if (!it.value().isDouble() || d < 0 || d != double(qint64(d)))
            r.fail(QStringLiteral("has a row count for '%1' that is not a whole number")
                       .arg(it.key()));
        m.rows.append({it.key(), qint64(d)});
    }
    m.integrityCheck = r.string(QStringLiteral("integrity_check"));
    m.integrity = r.string(QStringLiteral("integrity"));
    m.foreignKeys = r.string(QStringLiteral("foreign_key_check"));
    m.serverVersion = r.string(QStringLiteral("server_version"), false);
    m.dumpProgram = r.string(QStringLiteral("dump_program"), false);
    m.database = r.string(QStringLiteral("database"), false);
    const double entries =
        r.get(QStringLiteral("archive_entries"), QJsonValue::Double, false).toDouble();
    m.archiveEntries = entries > 0 && entries < 1e9 ? int(entries) : 0;
    if (r.error())
        return *r.error();
    return m;
}

Status BackupManifest::writeTo(const QString& folder) const
{
    const QString path = QDir(folder).filePath(BackupManifest::fileName());
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return Error{QStringLiteral("cannot write the manifest: ") + f.errorString(), path, 0, 0,
                     {}};
    // On the temporary file, before a byte is written: the rename keeps the mode.
    if (!f.setPermissions(kBackupFileMode))
        return Error{QStringLiteral("cannot make the manifest private (mode 0600)"), path, 0, 0,
                     {}};
    f.write(toJson());
    if (!f.commit())
        return Error{QStringLiteral("cannot write the manifest: ") + f.errorString(), path, 0, 0,
                     {}};
    return fileops::syncDir(folder);
}

QString BackupEntry::payloadPath() const
{
    return QDir(dir).filePath(manifest.payload);
}

std::optional<Error> BackupEntry::precheck() const
{
    const BackupManifest& m = manifest;
    if (!m.checksPassed())
        return Error{QStringLiteral("the backup failed its checks when it was taken (%1: %2)")
                         .arg(m.integrityCheck, m.integrity),
                     manifestPath(),
                     0,
                     0,
                     {}};
    const QString payload = payloadPath();
    const QFileInfo info(payload);
    if (!info.isFile())
        return Error{QStringLiteral("the backup's payload is missing"), payload, 0, 0, {}};
    if (info.size() != m.payloadSize)
        return Error{QStringLiteral("the backup's payload is %1 bytes, its manifest says %2: it "
                                    "is truncated or damaged")
                         .arg(info.size())
                         .arg(m.payloadSize),
                     payload,
                     0,
                     0,
                     {}};
    return std::nullopt;
}

QString BackupEntry::manifestPath() const
{
    return QDir(dir).filePath(BackupManifest::fileName());
}

} // namespace strata
