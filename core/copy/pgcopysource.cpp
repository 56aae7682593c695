#include "pgcopysource.h"

#include "pgconnection.h"

#include <QByteArrayList>

#include <libpq-fe.h>

#include <cstring>
#include <vector>

namespace strata {
namespace {

void ignoreNotice(void*, const char*) {}

// A PGresult freed on every path.
struct ResultHolder
{
    PGresult* r = nullptr;
    explicit ResultHolder(PGresult* result) : r(result) {}
    ~ResultHolder() { PQclear(r); }
    ResultHolder(const ResultHolder&) = delete;
    ResultHolder& operator=(const ResultHolder&) = delete;
};

} // namespace

Result<std::unique_ptr<PgCopySource>> PgCopySource::open(const Environment& env,
                                                         int connectTimeoutMs)
{
    auto conninfo = postgresConnectionString(env, connectTimeoutMs);
    if (!conninfo)
        return conninfo.error();
    std::unique_ptr<PgCopySource> source(new PgCopySource);
    source->m_conn = PQconnectdb(conninfo->c_str());
    if (!source->m_conn || PQstatus(source->m_conn) != CONNECTION_OK) {
        const QString why = source->m_conn
                                ? QString::fromUtf8(PQerrorMessage(source->m_conn)).trimmed()
                                : QStringLiteral("out of memory");
        return Error{
            maskConnectionText(
                QStringLiteral("cannot connect to %1: %2").arg(env.displayLocation(), why)),
            {},
            0,
            0,
            {}};
    }
    PQsetNoticeProcessor(source->m_conn, ignoreNotice, nullptr);
    PQsetClientEncoding(source->m_conn, "UTF8");
    return source;
}

PgCopySource::~PgCopySource()
{
    if (m_conn)
        PQfinish(m_conn);
}

Error PgCopySource::error(const QString& what) const
{
    return Error{maskConnectionText(what + QStringLiteral(": ") +
                                    QString::fromUtf8(PQerrorMessage(m_conn)).trimmed()),
                 {},
                 0,
                 0,
                 {}};
}

QByteArray PgCopySource::identifier(const QString& name) const
{
    const QByteArray utf8 = name.toUtf8();
    char* quoted = PQescapeIdentifier(m_conn, utf8.constData(), size_t(utf8.size()));
    const QByteArray out(quoted);
    PQfreemem(quoted);
    return out;
}

Status PgCopySource::begin()
{
    // The formats valueconverter.h expects, then one snapshot for every table.
    ResultHolder r(PQexec(m_conn, "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; "
                                  "SET IntervalStyle = 'iso_8601'; SET bytea_output = 'hex'; "
                                  "SET extra_float_digits = 1; "
                                  "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
    if (PQresultStatus(r.r) != PGRES_COMMAND_OK)
        return error(QStringLiteral("cannot start reading the source"));
    return success();
}

void PgCopySource::end()
{
    ResultHolder r(PQexec(m_conn, "ROLLBACK"));
}

Result<SourceTable> PgCopySource::describe(const QString& modelName)
{
    // The model names a table "name" in public and "schema.name" elsewhere (schema.h).
    static const char* const sql =
        "SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod), "
        "  bt.typname, bt.typtype, bt.typcategory, a.attgenerated <> '', c.relkind "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
        "CROSS JOIN LATERAL (WITH RECURSIVE d(oid, depth) AS ("
        "    SELECT a.atttypid, 0 UNION ALL SELECT t.typbasetype, d.depth + 1 FROM pg_type t "
        "    JOIN d ON t.oid = d.oid WHERE t.typtype = 'd') "
        "  SELECT oid FROM d ORDER BY depth DESC LIMIT 1) base "
        "JOIN pg_type bt ON bt.oid = base.oid "
        "WHERE c.relkind IN ('r', 'p') AND CASE WHEN n.nspname = 'public' THEN c.relname "
        "  ELSE n.nspname || '.' || c.relname END = $1 "
        "ORDER BY a.attnum";
    const QByteArray name = modelName.toUtf8();
    const char* params[] = {name.constData()};
    ResultHolder r(PQexecParams(m_conn, sql, 1, nullptr, params, nullptr, nullptr, 0));
    if (PQresultStatus(r.r) != PGRES_TUPLES_OK)
        return error(QStringLiteral("cannot read the columns of %1").arg(modelName));
    if (PQntuples(r.r) == 0)
        return Error{QStringLiteral("table %1 is not in the source database (dropped while "
                                    "copying?)")
                         .arg(modelName),
                     {},
                     0,
                     0,
                     {}};
    SourceTable table;
    table.name = modelName;
    table.quoted = QString::fromUtf8(identifier(QString::fromUtf8(PQgetvalue(r.r, 0, 0))) + '.' +
                                     identifier(QString::fromUtf8(PQgetvalue(r.r, 0, 1))));
    table.from =
        PQgetvalue(r.r, 0, 8)[0] == 'p' ? table.quoted : QStringLiteral("ONLY ") + table.quoted;
    for (int i = 0; i < PQntuples(r.r); ++i) {
        SourceColumn c;
        c.name = QString::fromUtf8(PQgetvalue(r.r, i, 2));
        c.type = QString::fromUtf8(PQgetvalue(r.r, i, 3));
        c.kind = valueKindOf(QString::fromUtf8(PQgetvalue(r.r, i, 4)), PQgetvalue(r.r, i, 5)[0],
                             PQgetvalue(r.r, i, 6)[0]);
        c.generated = PQgetvalue(r.r, i, 7)[0] == 't';
        table.columns << c;
    }
    return table;
}

Result<QStringList> PgCopySource::domainStatements()
{
    ResultHolder r(PQexec(
        m_conn,
        "SELECT 'CREATE DOMAIN ' || CASE WHEN n.nspname = 'public' THEN quote_ident(t.typname) "
        "  ELSE quote_ident(n.nspname) || '.' || quote_ident(t.typname) END || ' AS ' || "
        "  format_type(t.typbasetype, t.typtypmod) || coalesce(' DEFAULT ' || t.typdefault, '') "
        "  || CASE WHEN t.typnotnull THEN ' NOT NULL' ELSE '' END || coalesce((SELECT "
        "  string_agg(' CONSTRAINT ' || quote_ident(c.conname) || ' ' || "
        "  pg_get_constraintdef(c.oid), '' ORDER BY c.conname) FROM pg_constraint c "
        "  WHERE c.contypid = t.oid), '') "
        "FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype = 'd' "
        "AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' "
        "AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_type'::regclass "
        "  AND e.objid = t.oid AND e.deptype = 'e') ORDER BY t.oid"));
    if (PQresultStatus(r.r) != PGRES_TUPLES_OK)
        return error(QStringLiteral("cannot read the source's domains"));
    QStringList out;
    for (int i = 0; i < PQntuples(r.r); ++i)
        out << QString::fromUtf8(PQgetvalue(r.r, i, 0));
    return out;
}

Result<QStringList> PgCopySource::tableNames()
{
    ResultHolder r(PQexec(
        m_conn,
        "SELECT CASE WHEN n.nspname = 'public' THEN c.relname "
        "  ELSE n.nspname || '.' || c.relname END FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') "
        "AND NOT c.relispartition AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' "
        "AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_class'::regclass "
        "  AND e.objid = c.oid AND e.deptype = 'e') ORDER BY 1"));
    if (PQresultStatus(r.r) != PGRES_TUPLES_OK)
        return error(QStringLiteral("cannot list the source's tables"));
    QStringList names;
    for (int i = 0; i < PQntuples(r.r); ++i)
        names << QString::fromUtf8(PQgetvalue(r.r, i, 0));
    return names;
}

Result<QHash<QString, QString>> PgCopySource::partitionRoots()
{
    // Down from each partitioned table that is no partition itself; partitioned indexes are in
    // pg_inherits too, hence the relkinds.
    ResultHolder r(PQexec(
        m_conn,
        "WITH RECURSIVE tree(child, root) AS ("
        "  SELECT i.inhrelid, i.inhparent FROM pg_inherits i JOIN pg_class p "
        "    ON p.oid = i.inhparent WHERE p.relkind = 'p' AND NOT p.relispartition "
        "  UNION ALL SELECT i.inhrelid, tree.root FROM pg_inherits i "
        "    JOIN tree ON i.inhparent = tree.child) "
        "SELECT CASE WHEN cn.nspname = 'public' THEN c.relname "
        "    ELSE cn.nspname || '.' || c.relname END, "
        "  CASE WHEN rn.nspname = 'public' THEN r.relname "
        "    ELSE rn.nspname || '.' || r.relname END "
        "FROM tree JOIN pg_class c ON c.oid = tree.child "
        "JOIN pg_namespace cn ON cn.oid = c.relnamespace "
        "JOIN pg_class r ON r.oid = tree.root JOIN pg_namespace rn ON rn.oid = r.relnamespace "
        "WHERE c.relkind IN ('r', 'p')"));
    if (PQresultStatus(r.r) != PGRES_TUPLES_OK)
        return error(QStringLiteral("cannot list the source's partitions"));
    QHash<QString, QString> roots;
    for (int i = 0; i < PQntuples(r.r); ++i)
        roots.insert(QString::fromUtf8(PQgetvalue(r.r, i, 0)),
                     QString::fromUtf8(PQgetvalue(r.r, i, 1)));
    return roots;
}

Result<qint64> PgCopySource::count(const SourceTable& table)
{
    const QByteArray sql = "SELECT count(*) FROM " + table.from.toUtf8();
    ResultHolder r(PQexec(m_conn, sql.constData()));
    if (PQresultStatus(r.r) != PGRES_TUPLES_OK)
        return error(QStringLiteral("cannot count the rows of %1").arg(table.name));
    return QByteArray(PQgetvalue(r.r, 0, 0)).toLongLong();
}

Result<qint64> PgCopySource::stream(const SourceTable& table, const QList<int>& columns,
                                    const RowFn& row)
{
    QByteArrayList select;
    for (int i : columns) {
        const SourceColumn& c = table.columns.at(i);
        select << copyExpression(c.kind, QString::fromUtf8(identifier(c.name))).toUtf8();
    }
    const QByteArray sql =
        "COPY (SELECT " + select.join(", ") + " FROM " + table.from.toUtf8() + ") TO STDOUT";
    {
        ResultHolder r(PQexec(m_conn, sql.constData()));
        if (PQresultStatus(r.r) != PGRES_COPY_OUT)
            return error(QStringLiteral("cannot read the rows of %1").arg(table.name));
    }
    const int n = int(columns.size());
    std::vector<char*> values(size_t(n) + 1);
    std::vector<int> sizes(size_t(n) + 1);
    qint64 rows = 0;
    bool stopped = false;
    QString malformed;
    for (;;) {
        char* buffer = nullptr;
        const int length = PQgetCopyData(m_conn, &buffer, 0);
        if (length < 0)
            break;
        if (stopped || !malformed.isEmpty()) {
            PQfreemem(buffer);
            continue;
        }
        // A row: fields separated by tabs, ending with a newline; \N is NULL. Tabs and newlines
        // inside values are escaped, so splitting on them is exact.
        char* p = buffer;
        char* const end = buffer + length - (length > 0 && buffer[length - 1] == '\n' ? 1 : 0);
        int field = 0;
        for (;;) {
            char* stop = static_cast<char*>(std::memchr(p, '\t', size_t(end - p)));
            if (!stop)
                stop = end;
            if (field >= n) {
                field = n + 1;
                break;
            }
            int size = int(stop - p);
            if (size == 2 && p[0] == '\\' && p[1] == 'N') {
                values[size_t(field)] = nullptr;
                sizes[size_t(field)] = 0;
            } else {
                if (std::memchr(p, '\\', size_t(size)))
                    size = unescapeCopyText(p, size);
                p[size] = '\0'; // over the tab, the newline, or an unescaped byte
                values[size_t(field)] = p;
                sizes[size_t(field)] = size;
            }
            ++field;
            if (stop == end)
                break;
            p = stop + 1;
        }
        if (field != n) {
            malformed = QStringLiteral("row %1 of %2 has %3 values, expected %4")
                            .arg(rows + 1)
                            .arg(table.name)
                            .arg(field)
                            .arg(n);
        } else {
            ++rows;
            if (!row(values.data(), sizes.data())) {
                stopped = true;
                // Ask the server to stop sending; the rest that is already on its way is read
                // and dropped above.
                if (PGcancel* cancel = PQgetCancel(m_conn)) {
                    char message[256];
                    PQcancel(cancel, message, sizeof message);
                    PQfreeCancel(cancel);
                }
            }
        }
        PQfreemem(buffer);
    }
    bool failed = false;
    QString serverMessage;
    while (PGresult* r = PQgetResult(m_conn)) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            failed = true;
            serverMessage = QString::fromUtf8(PQresultErrorMessage(r)).trimmed();
        }
        PQclear(r);
    }
    if (!malformed.isEmpty())
        return Error{malformed, {}, 0, 0, {}};
    if (stopped)
        return rows;
    if (failed)
        return Error{
            maskConnectionText(
                QStringLiteral("reading the rows of %1 failed: %2").arg(table.name, serverMessage)),
            {},
            0,
            0,
            {}};
    return rows;
}

Result<SourceSequence> PgCopySource::sequence(const SourceTable& table, const QString& column)
{
    const QByteArray tableName = table.quoted.toUtf8();
    const QByteArray columnName = column.toUtf8();
    const char* params[] = {tableName.constData(), columnName.constData()};
    // Asking first keeps the snapshot's transaction alive: a refused SELECT would abort it.
    ResultHolder r(PQexecParams(m_conn,
                                "SELECT s, has_sequence_privilege(s, 'SELECT'), "
                                "quote_ident(current_user) FROM pg_get_serial_sequence($1, $2) s",
                                2, nullptr, params, nullptr, nullptr, 0));
    if (PQresultStatus(r.r) != PGRES_TUPLES_OK)
        return error(QStringLiteral("cannot find the sequence of %1.%2").arg(table.name, column));
    SourceSequence out;
    if (PQgetisnull(r.r, 0, 0))
        return out;
    out.name = QString::fromUtf8(PQgetvalue(r.r, 0, 0));
    out.role = QString::fromUtf8(PQgetvalue(r.r, 0, 2));
    out.readable = PQgetvalue(r.r, 0, 1)[0] == 't';
    if (!out.readable)
        return out;
    // pg_get_serial_sequence quotes the name as SQL needs it.
    const QByteArray sql = QByteArray("SELECT last_value, is_called FROM ") + PQgetvalue(r.r, 0, 0);
    ResultHolder v(PQexec(m_conn, sql.constData()));
    if (PQresultStatus(v.r) != PGRES_TUPLES_OK)
        return error(QStringLiteral("cannot read the sequence %1 of %2.%3")
                         .arg(out.name, table.name, column));
    if (PQgetvalue(v.r, 0, 1)[0] == 't')
        out.lastValue = QByteArray(PQgetvalue(v.r, 0, 0)).toLongLong();
    return out;
}

} // namespace strata
