#include "pgsession.h"

#include "pgconnection.h"

#include <libpq-fe.h>

#include <vector>

namespace strata {
namespace {

QString field(const PGresult* r, int code)
{
    const char* v = PQresultErrorField(r, code);
    return v ? maskConnectionText(QString::fromUtf8(v).trimmed()) : QString();
}

PgServerError errorOf(const PGresult* r, PGconn* conn)
{
    PgServerError e;
    if (r) {
        e.message = field(r, PG_DIAG_MESSAGE_PRIMARY);
        e.sqlstate = field(r, PG_DIAG_SQLSTATE);
        e.detail = field(r, PG_DIAG_MESSAGE_DETAIL);
        e.hint = field(r, PG_DIAG_MESSAGE_HINT);
        e.context = field(r, PG_DIAG_CONTEXT);
        e.position = field(r, PG_DIAG_STATEMENT_POSITION).toInt();
    }
    if (e.message.isEmpty())
        e.message = maskConnectionText(QString::fromUtf8(PQerrorMessage(conn)).trimmed());
    if (e.message.isEmpty())
        e.message = QStringLiteral("the server reported an error without a message");
    return e;
}

// Quiet: NOTICEs ("table does not exist, skipping") are not the user's concern on stderr.
void ignoreNotice(void*, const char*) {}

} // namespace

QString PgServerError::describe() const
{
    QString out = message;
    if (!sqlstate.isEmpty())
        out += QStringLiteral(" (SQLSTATE %1)").arg(sqlstate);
    if (!detail.isEmpty())
        out += QStringLiteral("; detail: ") + detail;
    if (!hint.isEmpty())
        out += QStringLiteral("; hint: ") + hint;
    if (!context.isEmpty())
        out += QStringLiteral("; context: ") +
               QString(context).replace(QLatin1Char('\n'), QStringLiteral(" / "));
    return out;
}

Result<std::unique_ptr<PgSession>> PgSession::open(const Environment& env, int connectTimeoutMs,
                                                   bool* missingDatabase)
{
    if (missingDatabase)
        *missingDatabase = false;
    auto conninfo = postgresConnectionString(env, connectTimeoutMs);
    if (!conninfo)
        return conninfo.error();
    std::unique_ptr<PgSession> session(new PgSession);
    session->m_conn = PQconnectdb(conninfo->c_str());
    // The connection string held the password: overwrite it before it is released.
    std::fill(conninfo->begin(), conninfo->end(), '\0');
    if (!session->m_conn)
        return Error{
            QStringLiteral("cannot connect to %1: out of memory").arg(env.displayLocation()),
            {},
            0,
            0,
            {}};
    if (PQstatus(session->m_conn) != CONNECTION_OK) {
        const QString why =
            maskConnectionText(QString::fromUtf8(PQerrorMessage(session->m_conn)).trimmed());
        if (missingDatabase)
            *missingDatabase = isMissingDatabaseMessage(why);
        return Error{QStringLiteral("cannot connect to %1: %2").arg(env.displayLocation(), why),
                     {},
                     0,
                     0,
                     {}};
    }
    PQsetNoticeProcessor(session->m_conn, ignoreNotice, nullptr);
    PQsetClientEncoding(session->m_conn, "UTF8");
    return session;
}

PgSession::~PgSession()
{
    if (m_conn)
        PQfinish(m_conn);
}

std::optional<PgServerError> PgSession::exec(const QByteArray& sql, int* statementsRun)
{
    if (statementsRun)
        *statementsRun = 0;
    if (!PQsendQuery(m_conn, sql.constData()))
        return errorOf(nullptr, m_conn);
    std::optional<PgServerError> error;
    int done = 0;
    // One result per statement, in order, until the first failure (the server skips the rest);
    // always drained to the end so that the connection is ready for the next query.
    while (PGresult* r = PQgetResult(m_conn)) {
        switch (PQresultStatus(r)) {
        case PGRES_COMMAND_OK:
        case PGRES_TUPLES_OK:
        case PGRES_EMPTY_QUERY:
            if (!error)
                ++done;
            break;
        case PGRES_COPY_OUT: {
            char* buffer = nullptr;
            while (PQgetCopyData(m_conn, &buffer, 0) > 0)
                PQfreemem(buffer);
            break;
        }
        case PGRES_COPY_IN:
            // A migration has no data stream to feed: the COPY fails with this message.
            PQputCopyEnd(m_conn, "COPY FROM STDIN is not supported in a migration: load data "
                                 "with INSERT, or COPY FROM a server-side file");
            break;
        default:
            if (!error) {
                error = errorOf(r, m_conn);
                error->statementIndex = done;
            }
            break;
        }
        PQclear(r);
    }
    if (statementsRun)
        *statementsRun = done;
    return error;
}

Result<QList<QStringList>> PgSession::query(const QByteArray& sql, const QStringList& params)
{
    std::vector<QByteArray> values;
    std::vector<const char*> pointers;
    values.reserve(size_t(params.size()));
    for (const QString& p : params) {
        values.push_back(p.toUtf8());
        pointers.push_back(p.isNull() ? nullptr : values.back().constData());
    }
    PGresult* r = PQexecParams(m_conn, sql.constData(), int(params.size()), nullptr,
                               pointers.data(), nullptr, nullptr, 0);
    const ExecStatusType status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
        const PgServerError e = errorOf(r, m_conn);
        PQclear(r);
        return Error{e.describe(), {}, 0, 0, QString::fromUtf8(sql)};
    }
    QList<QStringList> rows;
    const int n = PQntuples(r), cols = PQnfields(r);
    rows.reserve(n);
    for (int i = 0; i < n; ++i) {
        QStringList row;
        row.reserve(cols);
        for (int c = 0; c < cols; ++c)
            row << (PQgetisnull(r, i, c) ? QString() : QString::fromUtf8(PQgetvalue(r, i, c)));
        rows << row;
    }
    PQclear(r);
    return rows;
}

Result<QString> PgSession::value(const QByteArray& sql, const QStringList& params)
{
    auto rows = query(sql, params);
    if (!rows)
        return rows.error();
    if (rows->isEmpty() || rows->first().isEmpty())
        return QString();
    return rows->first().first();
}

QByteArray PgSession::literal(const QString& text) const
{
    const QByteArray utf8 = text.toUtf8();
    char* escaped = PQescapeLiteral(m_conn, utf8.constData(), size_t(utf8.size()));
    if (!escaped) { // only on out-of-memory or invalid encoding: fall back to standard quoting
        QByteArray q = utf8;
        q.replace('\'', "''");
        return "'" + q + "'";
    }
    QByteArray out(escaped);
    PQfreemem(escaped);
    return out;
}

qint32 PgSession::lockKey(const QByteArray& name)
{
    quint32 h = 2166136261u;
    for (char c : name) {
        h ^= quint8(c);
        h *= 16777619u;
    }
    return qint32(h & 0x7fffffff);
}

QByteArray PgSession::identifier(const QString& name)
{
    QByteArray q = name.toUtf8();
    q.replace('"', "\"\"");
    return '"' + q + '"';
}

int PgSession::serverVersion() const
{
    return PQserverVersion(m_conn);
}
int PgSession::backendPid() const
{
    return PQbackendPID(m_conn);
}
bool PgSession::isIdle() const
{
    return PQtransactionStatus(m_conn) == PQTRANS_IDLE;
}

} // namespace strata
