#include "pghistory.h"

#include <QSet>

namespace strata {
namespace {

// applied_at as ISO 8601 in UTC, which parseTimestamp() reads.
const char* const kIsoUtc = "to_char(%1 AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";

QByteArray isoUtc(const char* column)
{
    return QString::fromLatin1(kIsoUtc).arg(QLatin1String(column)).toUtf8();
}

// The facts Strata keeps beside the version, in its own table or in the side table.
const char* const kFactColumns = "  name          text        NOT NULL,\n"
                                 "  checksum      text        NOT NULL,\n"
                                 "  applied_at    timestamptz NOT NULL DEFAULT now(),\n"
                                 "  duration_ms   bigint      NOT NULL,\n"
                                 "  applied_by    text        NOT NULL,\n"
                                 "  sql           text        NOT NULL,\n"
                                 "  baseline      boolean     NOT NULL DEFAULT false,\n"
                                 "  transactional boolean     NOT NULL DEFAULT true,\n"
                                 "  backup_id     text\n";

Result<QSet<QString>> columnsOf(PgSession& session, const QString& schema, const QString& table)
{
    auto rows = session.query("SELECT a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = "
                              "a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE "
                              "n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT "
                              "a.attisdropped",
                              {schema, table});
    if (!rows)
        return rows.error();
    QSet<QString> out;
    for (const QStringList& r : rows.value())
        out.insert(r.first().toLower());
    return out;
}

QList<AppliedMigration> rowsToApplied(const QList<QStringList>& rows)
{
    QList<AppliedMigration> out;
    out.reserve(rows.size());
    for (const QStringList& r : rows) {
        AppliedMigration a;
        a.versionText = r[0];
        a.version = versionFromName(a.versionText);
        a.fileName = r[1];
        a.checksum = r[2];
        a.appliedAt = parseTimestamp(r[3]);
        a.durationMs = r[4].isNull() ? -1 : r[4].toLongLong();
        a.appliedBy = r[5];
        a.sql = r[6];
        a.baseline = r[7] == QLatin1String("t");
        a.transactional = r[8] != QLatin1String("f");
        a.backupId = r[9];
        out << a;
    }
    return out;
}

} // namespace

PgHistory::PgHistory(HistoryKind kind, const QString& table) : m_kind(kind), m_table(table)
{
    if (m_table.isEmpty())
        m_table = kind == HistoryKind::Dbmate ? QStringLiteral("schema_migrations")
                                              : QStringLiteral("strata_migrations");
    const qsizetype dot = m_table.indexOf(QLatin1Char('.'));
    if (dot > 0) {
        m_schema = m_table.left(dot);
        m_table = m_table.mid(dot + 1);
    }
}

QString PgHistory::description() const
{
    const QString where = m_schema.isEmpty() ? m_table : m_schema + QLatin1Char('.') + m_table;
    if (m_kind == HistoryKind::Dbmate)
        return QStringLiteral("dbmate (%1; Strata's extra facts in %2)").arg(where, extraTable());
    return QStringLiteral("strata (%1)").arg(where);
}

Status PgHistory::resolve(PgSession& session)
{
    if (!m_schema.isEmpty())
        return success();
    // dbmate's rule too: an unqualified table lives in the current schema, else public.
    auto schema = session.value("SELECT current_schema()");
    if (!schema)
        return schema.error();
    m_schema = schema->isEmpty() ? QStringLiteral("public") : schema.value();
    return success();
}

QByteArray PgHistory::qualifiedTable() const
{
    return PgSession::identifier(m_schema) + '.' + PgSession::identifier(m_table);
}

QByteArray PgHistory::qualifiedExtraTable() const
{
    return PgSession::identifier(m_schema) + '.' + PgSession::identifier(extraTable());
}

Result<bool> PgHistory::exists(PgSession& session) const
{
    auto found =
        session.value("SELECT to_regclass($1) IS NOT NULL", {QString::fromUtf8(qualifiedTable())});
    if (!found)
        return found.error();
    return found.value() == QLatin1String("t");
}

Result<QString> PgHistory::shapeProblem(PgSession& session) const
{
    auto cols = columnsOf(session, m_schema, m_table);
    if (!cols)
        return cols.error();
    if (cols->isEmpty())
        return QString();
    const QString where = m_schema + QLatin1Char('.') + m_table;
    if (m_kind == HistoryKind::Dbmate) {
        if (cols->size() != 1 || !cols->contains(QStringLiteral("version")))
            return QStringLiteral("table %1 has columns (%2): it is not dbmate's history (version "
                                  "only)")
                .arg(where, QStringList(cols->values()).join(QStringLiteral(", ")));
        return QString();
    }
    for (const char* c : {"version", "name", "checksum", "applied_at", "duration_ms", "applied_by",
                          "sql", "baseline", "transactional"})
        if (!cols->contains(QLatin1String(c)))
            return QStringLiteral("table %1 exists but lacks column %2: it is not Strata's "
                                  "history")
                .arg(where, QLatin1String(c));
    return QString();
}

Status PgHistory::ensureTables(PgSession& session, bool restorePoints) const
{
    QByteArray sql;
    if (m_kind == HistoryKind::Dbmate) {
        // What dbmate 2 runs on PostgreSQL (checked against dbmate 2.36: `version character
        // varying NOT NULL`, primary key), so either tool may create it.
        sql = "create table if not exists " + qualifiedTable() +
              " (version varchar primary key);\n" + "CREATE TABLE IF NOT EXISTS " +
              qualifiedExtraTable() + " (\n  history_key   text        PRIMARY KEY,\n" +
              kFactColumns + ");";
    } else {
        sql = "CREATE TABLE IF NOT EXISTS " + qualifiedTable() +
              " (\n  version       text        PRIMARY KEY,\n" + kFactColumns + ");";
    }
    if (auto err = session.exec(sql))
        return Error{QStringLiteral("cannot create the history table %1: %2")
                         .arg(QString::fromUtf8(qualifiedTable()), err->describe()),
                     {},
                     0,
                     0,
                     {}};
    if (!restorePoints)
        return success();
    const QString factTable = m_kind == HistoryKind::Strata ? m_table : extraTable();
    auto cols = columnsOf(session, m_schema, factTable);
    if (!cols)
        return cols.error();
    if (!cols->contains(QStringLiteral("backup_id"))) {
        const QByteArray alter = "ALTER TABLE " + PgSession::identifier(m_schema) + '.' +
                                 PgSession::identifier(factTable) + " ADD COLUMN backup_id text";
        if (auto err = session.exec(alter))
            return Error{QStringLiteral("cannot add the restore-point column to %1: %2")
                             .arg(factTable, err->describe()),
                         {}, 0, 0, {}};
    }
    return success();
}

Result<QList<AppliedMigration>> PgHistory::read(PgSession& session) const
{
    auto there = exists(session);
    if (!there)
        return there.error();
    if (!there.value())
        return QList<AppliedMigration>{};
    auto problem = shapeProblem(session);
    if (!problem)
        return problem.error();
    if (!problem->isEmpty())
        return Error{problem.value(), {}, 0, 0, {}};

    // Histories written before restore points existed have no backup_id column.
    auto factColumns = columnsOf(session, m_schema,
                                 m_kind == HistoryKind::Strata ? m_table : extraTable());
    if (!factColumns)
        return factColumns.error();
    const bool hasBackupId = factColumns->contains(QStringLiteral("backup_id"));
    QByteArray sql;
    if (m_kind == HistoryKind::Strata) {
        sql = "SELECT version, name, checksum, " + isoUtc("applied_at") +
              ", duration_ms, applied_by, sql, baseline, transactional, " +
              (hasBackupId ? "backup_id" : "NULL") + " FROM " + qualifiedTable();
    } else {
        auto extra = session.value("SELECT to_regclass($1) IS NOT NULL",
                                   {QString::fromUtf8(qualifiedExtraTable())});
        if (!extra)
            return extra.error();
        if (extra.value() == QLatin1String("t"))
            sql = "SELECT h.version, e.name, e.checksum, " + isoUtc("e.applied_at") +
                  ", e.duration_ms, e.applied_by, e.sql, e.baseline, e.transactional, " +
                  (hasBackupId ? "e.backup_id" : "NULL") + " FROM " +
                  qualifiedTable() + " h LEFT JOIN " + qualifiedExtraTable() +
                  " e ON e.history_key = h.version";
        else
            sql = "SELECT version, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM " +
                  qualifiedTable();
    }
    auto rows = session.query(sql);
    if (!rows)
        return Error{
            QStringLiteral("cannot read the history: ") + rows.error().message, {}, 0, 0, {}};
    return rowsToApplied(rows.value());
}

QByteArray PgHistory::recordSql(const PgSession& session, const AppliedMigration& a,
                                std::optional<qint64> durationMs) const
{
    const QByteArray duration =
        durationMs ? QByteArray::number(std::max<qint64>(0, *durationMs))
                   : QByteArray("(extract(epoch FROM clock_timestamp() - transaction_timestamp()) "
                                "* 1000)::bigint");
    QByteArray facts = session.literal(a.fileName) + ", " + session.literal(a.checksum) +
                             ", " + duration + ", " + session.literal(a.appliedBy) + ", " +
                             session.literal(a.sql) + ", " + (a.baseline ? "true" : "false") +
                             ", " + (a.transactional ? "true" : "false");
    QByteArray columns = "name, checksum, duration_ms, applied_by, sql, baseline, transactional";
    // Only with a restore point: a table made before they existed may lack the column.
    const bool withBackup = !a.backupId.isEmpty();
    if (withBackup) {
        facts += ", " + session.literal(a.backupId);
        columns += ", backup_id";
    }
    const QByteArray version = session.literal(a.versionText);
    if (m_kind == HistoryKind::Strata)
        return "INSERT INTO " + qualifiedTable() + " (version, " + columns + ") VALUES (" +
               version + ", " + facts + ");\n";
    // As dbmate writes it, then the facts dbmate does not keep.
    return "insert into " + qualifiedTable() + " (version) values (" + version + ");\n" +
           "INSERT INTO " + qualifiedExtraTable() + " (history_key, " + columns + ") VALUES (" +
           version + ", " + facts +
           ") ON CONFLICT (history_key) DO UPDATE SET name = "
           "excluded.name, checksum = excluded.checksum, applied_at = now(), duration_ms = "
           "excluded.duration_ms, applied_by = excluded.applied_by, sql = excluded.sql, baseline "
           "= excluded.baseline, transactional = excluded.transactional" +
           (withBackup ? QByteArray(", backup_id = excluded.backup_id") : QByteArray()) + ";\n";
}

QByteArray PgHistory::removeSql(const PgSession& session, const AppliedMigration& a) const
{
    const QByteArray version = session.literal(a.versionText);
    QByteArray sql = "DELETE FROM " + qualifiedTable() + " WHERE version = " + version + ";\n";
    if (m_kind == HistoryKind::Dbmate)
        sql += "DELETE FROM " + qualifiedExtraTable() + " WHERE history_key = " + version + ";\n";
    return sql;
}

Result<QList<ForeignHistory>> detectPgForeignHistories(PgSession& session, const PgHistory& own)
{
    auto found = session.query(
        "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = "
        "c.relnamespace WHERE c.relkind IN ('r', 'p') AND c.relname = ANY ($1::text[]) AND "
        "n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2",
        {QStringLiteral("{strata_migrations,schema_migrations,_migrations,kysely_migration,"
                        "__drizzle_migrations,flyway_schema_history}")});
    if (!found)
        return found.error();
    QList<ForeignHistory> out;
    for (const QStringList& r : found.value()) {
        const QString& schema = r[0];
        const QString& table = r[1];
        if (schema == own.schema() && table == own.table())
            continue;
        const QByteArray q = PgSession::identifier(schema) + '.' + PgSession::identifier(table);
        auto cols = columnsOf(session, schema, table);
        if (!cols)
            return cols.error();
        ForeignHistory f;
        f.table = schema == QLatin1String("public") ? table : schema + QLatin1Char('.') + table;
        QByteArray latest;
        if (table == QLatin1String("strata_migrations")) {
            f.tool = QStringLiteral("Strata");
            latest = "SELECT max(version) FROM " + q;
        } else if (table == QLatin1String("schema_migrations")) {
            if (cols->contains(QStringLiteral("dirty")))
                f.tool = QStringLiteral("golang-migrate");
            else if (cols->contains(QStringLiteral("executed_at")) ||
                     cols->contains(QStringLiteral("name")))
                f.tool = QStringLiteral("schema_migrations (version, name, executed_at)");
            else if (cols->size() == 1 && cols->contains(QStringLiteral("version")))
                f.tool = QStringLiteral("dbmate");
            else
                f.tool = QStringLiteral("schema_migrations");
            latest = cols->contains(QStringLiteral("version"))
                         ? "SELECT version::text FROM " + q + " ORDER BY version DESC LIMIT 1"
                         : QByteArray();
        } else if (table == QLatin1String("_migrations")) {
            f.tool = QStringLiteral("_migrations (applied in name order)");
            if (cols->contains(QStringLiteral("name")))
                latest = "SELECT name FROM " + q + " ORDER BY name DESC LIMIT 1";
        } else if (table == QLatin1String("kysely_migration")) {
            f.tool = QStringLiteral("Kysely");
            latest = "SELECT name FROM " + q + " ORDER BY name DESC LIMIT 1";
        } else if (table == QLatin1String("__drizzle_migrations")) {
            f.tool = QStringLiteral("drizzle");
            latest = "SELECT hash FROM " + q + " ORDER BY created_at DESC LIMIT 1";
        } else {
            f.tool = QStringLiteral("Flyway");
            latest =
                "SELECT version FROM " + q + " WHERE success ORDER BY installed_rank DESC LIMIT 1";
        }
        auto count = session.value("SELECT count(*) FROM " + q);
        if (!count)
            return count.error();
        f.entries = count->toInt();
        if (f.entries > 0 && !latest.isEmpty()) {
            auto value = session.value(latest);
            if (value)
                f.latest = value.value();
        }
        out << f;
    }
    return out;
}

} // namespace strata
