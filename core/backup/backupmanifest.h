#pragma once

// manifest.json: what a backup holds and how to tell it is intact. Written last, atomically, so
// a folder without one is an unfinished backup and never listed. Field by field in
// docs/backups.md.

#include "result.h"
#include "sqlitefilecheck.h"

#include <QDateTime>
#include <QFileDevice>
#include <QList>
#include <QString>

#include <optional>

namespace strata {

struct BackupManifest
{
    static constexpr int currentFormat = 1;
    static QString fileName() { return QStringLiteral("manifest.json"); }

    int format = currentFormat;
    QString strataVersion;
    QString id;          // also the backup folder's name: <UTC timestamp>-<short id>
    QString binding;
    QString environment;
    QString dialect;     // "sqlite", "d1" or "postgres"
    QString location;    // where the database lives, safe to print
    QDateTime created;   // UTC, milliseconds

    // The schema version: the last applied migration when the backup was taken (-1: none).
    qint64 schemaVersion = -1;
    QString schemaVersionName; // its file name or version text
    int appliedCount = 0;
    // The migration this backup is the restore point for (taken just before it ran); -1: none.
    qint64 beforeVersion = -1;

    QString payload = QStringLiteral("database.sqlite"); // file name inside the folder
                                                         // ("database.dump" on PostgreSQL)
    qint64 payloadSize = 0;
    QByteArray sha256; // hex
    QString sourceJournalMode; // "wal" or "delete": how the database was kept (SQLite only)
    qint64 pageSize = 0;       // SQLite only; 0 on PostgreSQL
    qint64 pageCount = 0;
    QList<TableRows> rows;

    // Which check ran: "quick_check" or "integrity_check" (SQLite), "pg_restore --list" or
    // "pg_restore --file=/dev/null" (PostgreSQL).
    QString integrityCheck;
    QString integrity;       // its result: "ok" or the problems
    QString foreignKeys;     // foreign_key_check: "ok" or the violations; serverEnforced() on PG

    // PostgreSQL only (absent from SQLite manifests): the server's version ("15.18"), the
    // pg_dump that wrote the archive, the database's name, the entries in the archive's table
    // of contents.
    QString serverVersion;
    QString dumpProgram;
    QString database;
    int archiveEntries = 0;

    // The foreign_key_check value of a PostgreSQL backup: the server enforces foreign keys, so a
    // dump has no violation to look for; pg_restore validates them again when it adds them.
    static QString serverEnforced() { return QStringLiteral("enforced by the server"); }

    bool isPostgres() const { return dialect == QLatin1String("postgres"); }
    qint64 totalRows() const;
    bool checksPassed() const
    {
        return integrity == QLatin1String("ok") &&
               (foreignKeys == QLatin1String("ok") ||
                (isPostgres() && foreignKeys == serverEnforced()));
    }

    QByteArray toJson() const;
    // Writes <folder>/manifest.json atomically (temporary file, fsync, rename), flushes the folder.
    Status writeTo(const QString& folder) const;
    // Every required field present with its type, a format this build understands; the Error
    // names `file` and the field.
    static Result<BackupManifest> fromJson(const QByteArray& json, const QString& file);
};

// A complete backup found in a store: its folder and manifest.
struct BackupEntry
{
    QString dir;
    BackupManifest manifest;

    QString payloadPath() const;
    QString manifestPath() const;

    // Everything about the backup that can be judged without reading its payload: it passed
    // its checks when it was taken, the payload exists and has the manifest's size (a truncated
    // payload is refused here). The Error names the manifest or the payload.
    std::optional<Error> precheck() const;
};

// Backups are private to the user who takes them: the store's folders are created 0700, the
// manifest and the PostgreSQL payload 0600 (a production dump is not for every local account).
constexpr QFileDevice::Permissions kBackupFolderMode =
    QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner;
constexpr QFileDevice::Permissions kBackupFileMode =
    QFileDevice::ReadOwner | QFileDevice::WriteOwner;

} // namespace strata
