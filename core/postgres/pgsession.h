#pragma once

// One libpq connection used to apply migrations. The applier talks libpq directly rather than
// through libpqxx because it needs what libpqxx 6 does not pass on: the server's error position
// (PG_DIAG_STATEMENT_POSITION), detail, hint and context, and one result per statement of a
// multi-statement query — which is how a whole migration goes to the server in one round trip
// while a failure still names the statement that failed. Messages are masked (pgconnection.h).

#include "project.h"
#include "result.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

struct pg_conn;

namespace strata {

// An error the server (or libpq) reported, with PostgreSQL's fields.
struct PgServerError
{
    QString message;  // the primary message, masked
    QString sqlstate; // "42P07"; empty when the error came from libpq, not the server
    QString detail;
    QString hint;
    QString context;         // e.g. "PL/pgSQL function inline_code_block line 3 at RAISE"
    int position = 0;        // 1-based character in the query text sent; 0 when unknown
    int statementIndex = -1; // which statement of a multi-statement query failed (from 0)

    // "message (SQLSTATE 42P07); detail: …; hint: …; context: …"
    QString describe() const;
};

class PgSession final
{
public:
    // Connects to `env`; an Error names the masked location and the (masked) reason. When the
    // server says the database does not exist, `missingDatabase` (if given) is set.
    static Result<std::unique_ptr<PgSession>> open(const Environment& env, int connectTimeoutMs,
                                                   bool* missingDatabase = nullptr);
    ~PgSession();
    PgSession(const PgSession&) = delete;
    PgSession& operator=(const PgSession&) = delete;

    // Runs `sql` with the simple-query protocol: several statements in one round trip, each run
    // in turn until one fails. `statementsRun` receives how many completed.
    std::optional<PgServerError> exec(const QByteArray& sql, int* statementsRun = nullptr);
    // A query with text parameters ($1, $2 …): rows of column texts, NULL as a null QString.
    Result<QList<QStringList>> query(const QByteArray& sql, const QStringList& params = {});
    // First column of the first row, or a null QString when there are no rows.
    Result<QString> value(const QByteArray& sql, const QStringList& params = {});

    // A string literal for SQL text ('it''s'), escaped by libpq for this connection.
    QByteArray literal(const QString& text) const;
    static QByteArray identifier(const QString& name); // "name", quotes doubled
    // The second key of a two-key advisory lock named by `name`: FNV-1a (stable across
    // processes, unlike qHash), kept positive because pg_locks shows it as an unsigned oid.
    static qint32 lockKey(const QByteArray& name);

    int serverVersion() const;
    int backendPid() const;
    bool isIdle() const; // not inside a transaction block

private:
    PgSession() = default;
    pg_conn* m_conn = nullptr;
};

} // namespace strata
