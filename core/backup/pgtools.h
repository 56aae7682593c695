#pragma once

// PostgreSQL's own client programs (pg_dump, pg_restore) as backups use them: the ones that can
// talk to the server found on disk, the connection given on the command line *without* a
// password, the password only in the child's environment (PGPASSWORD), never a prompt, and a
// failure reported with the program's own message, masked. Also the few catalog facts backups
// and restores share: where another database of the same server is, and rows per table.

#include "pgsession.h"
#include "project.h"
#include "result.h"
#include "sqlitefilecheck.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

namespace strata {

// (a line the program wrote on stderr); used to follow --verbose output as progress.
using PgToolLineFn = std::function<void(const QString& line)>;

class PgTools final
{
public:
    // pg_dump and pg_restore of the server's major version or newer (an older pg_dump refuses
    // a newer server): $STRATA_PG_BINDIR if set, else /usr/lib/postgresql/<major>/bin (Debian,
    // Ubuntu) from the server's major up, else the ones on PATH. `serverVersion` as libpq gives
    // it (150018). The Error says what is missing and how to install it.
    static Result<PgTools> locate(int serverVersion);

    QString pgDump() const { return m_binDir + QStringLiteral("/pg_dump"); }
    QString pgRestore() const { return m_binDir + QStringLiteral("/pg_restore"); }
    QString binDir() const { return m_binDir; }
    QString version() const { return m_version; } // "pg_dump (PostgreSQL) 15.18"

    // Runs `program` (its arguments never hold a secret) with env's password in PGPASSWORD and
    // waits for it. A non-zero exit is an Error naming the program and its error lines (masked).
    // stdout is returned; each stderr line also goes to `onLine` as it arrives.
    static Result<QByteArray> run(const QString& program, const QStringList& args,
                                  const Environment& env, const PgToolLineFn& onLine = {});

private:
    QString m_binDir;
    QString m_version;
};

// A libpq connection string for env's server and `database` (env's own when empty), without a
// password: safe for a command line. application_name and connect_timeout included.
Result<QString> pgToolConninfo(const Environment& env, const QString& database = {});

// The same environment pointed at another database of the same server (for the maintenance
// connection a restore issues its renames from, and the scratch database it restores into).
Environment pgEnvironmentFor(const Environment& env, const QString& database);

// The database env's URL names (libpq's default, the user name, when it names none).
QString pgTargetDatabase(const Environment& env);

// Rows of every table a dump holds data for (ordinary tables, not the system's, not an
// extension's, not temporary), by "table" (schema public) or "schema.table", in one query.
Result<QList<TableRows>> countPgRows(PgSession& session);

} // namespace strata
