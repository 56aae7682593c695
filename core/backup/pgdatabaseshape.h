#pragma once

// What a PostgreSQL database is besides its contents — owner, encoding, locale (provider, ICU or
// builtin locale, ICU rules), tablespace, connection limit, database-level settings, privileges
// and comment — read from pg_database, and the SQL that makes another database of the same
// shape (a restore's scratch database). The catalog columns changed across versions, so the
// query and the CREATE DATABASE are chosen by the server's version number:
//
//   server     locale provider   locale column    ICU rules
//   < 15       (libc only)       —                —
//   15         datlocprovider    daticulocale     —
//   16         datlocprovider    daticulocale     daticurules
//   17+        datlocprovider    datlocale        daticurules   (provider 'b': builtin)

#include "result.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace strata {

class PgSession;

struct PgDatabaseShape
{
    bool exists = false; // false: no such database (every other field empty)
    QString oid, owner, encoding, collate, ctype, tablespace, connLimit;
    QString provider;       // "c" (libc), "i" (ICU), "b" (builtin, 17+)
    QString locale;         // the ICU or builtin locale; empty with libc
    QString icuRules;       // ICU tailoring rules (16+); empty when none
    bool ownedByUs = false; // the current role is the owner or a member of its role
};

// The query readPgDatabaseShape() runs on a server of `serverVersion` (150018, as libpq gives
// it); $1 is the database's name. Eleven columns: PgDatabaseShape's fields from oid to icuRules
// in order, then ownedByUs.
QByteArray pgDatabaseShapeQuery(int serverVersion);

Result<PgDatabaseShape> readPgDatabaseShape(PgSession& session, const QString& database);

// CREATE DATABASE `name` from template0 with `shape`'s owner, encoding, locale, connection
// limit and (when not pg_default) tablespace, for a server of `serverVersion`. Without a shape
// (exists = false), a plain CREATE DATABASE from template0.
QByteArray pgCreateDatabaseSql(const PgSession& session, const QString& name,
                               const PgDatabaseShape& shape, int serverVersion);

// pgCreateDatabaseSql() followed by the statements that give `name` the settings (ALTER
// DATABASE … SET, also per role), privileges and comment of the database `shape` describes.
// Empty, with `problem` set, when they cannot be read.
QList<QByteArray> pgShapedDatabaseSql(PgSession& session, const QString& name,
                                      const PgDatabaseShape& shape, QString* problem);

} // namespace strata
