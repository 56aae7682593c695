#include "history.h"

#include "migration.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <QRegularExpression>
#include <QSet>

namespace strata {
namespace {

QString text(const SQLite::Column& c)
{
    return c.isNull() ? QString() : QString::fromUtf8(c.getText());
}

QString quoted(const QString& identifier)
{
    QString q = identifier;
    q.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + q + QLatin1Char('"');
}

QSet<QString> columnsOf(SQLite::Database& db, const QString& table)
{
    QSet<QString> cols;
    SQLite::Statement q(db, "SELECT name FROM pragma_table_info(?)");
    q.bind(1, table.toStdString());
    while (q.executeStep())
        cols.insert(text(q.getColumn(0)).toLower());
    return cols;
}

// Tables made before restore points existed get the column on their next write.
void addBackupIdColumn(SQLite::Database& db, const QString& table)
{
    if (!columnsOf(db, table).contains(QStringLiteral("backup_id")))
        db.exec("ALTER TABLE " + quoted(table).toStdString() + " ADD COLUMN backup_id TEXT");
}

// "backup_id" when the table has it, else NULL: histories written before restore points.
std::string backupIdColumn(SQLite::Database& db, const QString& table, const char* alias)
{
    if (!db.tableExists(table.toStdString()) ||
        !columnsOf(db, table).contains(QStringLiteral("backup_id")))
        return "NULL";
    return std::string(alias) + "backup_id";
}

QString nowUtcIso()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

} // namespace

qint64 versionFromName(const QString& nameOrVersion, QString* versionText)
{
    static const QRegularExpression re(QStringLiteral(R"(^(\d{1,18}))"));
    const QRegularExpressionMatch m = re.match(nameOrVersion);
    if (!m.hasMatch())
        return -1;
    if (versionText)
        *versionText = m.captured(1);
    return m.captured(1).toLongLong();
}

QDateTime parseTimestamp(const QString& textValue)
{
    if (textValue.isEmpty())
        return {};
    QDateTime t = QDateTime::fromString(textValue, Qt::ISODateWithMs);
    if (!t.isValid()) // SQLite's CURRENT_TIMESTAMP: "YYYY-MM-DD HH:MM:SS", in UTC
        t = QDateTime::fromString(textValue, QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    if (t.isValid() && t.timeSpec() == Qt::LocalTime)
        t.setTimeSpec(Qt::UTC);
    return t.toUTC();
}

SqliteHistory::SqliteHistory(HistoryKind kind, const QString& table) : m_kind(kind), m_table(table)
{
    if (m_table.isEmpty()) {
        switch (kind) {
        case HistoryKind::Strata: m_table = QStringLiteral("strata_migrations"); break;
        case HistoryKind::Wrangler: m_table = QStringLiteral("d1_migrations"); break;
        case HistoryKind::Dbmate: m_table = QStringLiteral("schema_migrations"); break;
        }
    }
}

QString SqliteHistory::description() const
{
    switch (m_kind) {
    case HistoryKind::Strata: return QStringLiteral("strata (%1)").arg(m_table);
    case HistoryKind::Wrangler:
        return QStringLiteral("wrangler (%1; Strata's extra facts in %2)").arg(m_table, extraTable());
    case HistoryKind::Dbmate:
        return QStringLiteral("dbmate (%1; Strata's extra facts in %2)").arg(m_table, extraTable());
    }
    return {};
}

QString SqliteHistory::keyOf(const QString& fileName, const QString& versionText) const
{
    return keyedByFileName() ? fileName : versionText;
}

void SqliteHistory::ensureTables(SQLite::Database& db) const
{
    const std::string t = quoted(m_table).toStdString();
    switch (m_kind) {
    case HistoryKind::Strata:
        db.exec("CREATE TABLE IF NOT EXISTS " + t + " (\n"
                "  version     TEXT PRIMARY KEY,\n"
                "  name        TEXT NOT NULL,\n"
                "  checksum    TEXT NOT NULL,\n"
                "  applied_at  TEXT NOT NULL,\n"
                "  duration_ms INTEGER NOT NULL,\n"
                "  applied_by  TEXT NOT NULL,\n"
                "  sql         TEXT NOT NULL,\n"
                "  baseline    INTEGER NOT NULL DEFAULT 0,\n"
                "  backup_id   TEXT\n"
                ")");
        addBackupIdColumn(db, m_table);
        return;
    case HistoryKind::Wrangler:
        // Byte for byte what wrangler 4 runs (initMigrationsTable), so either tool may create it.
        db.exec("CREATE TABLE IF NOT EXISTS " + m_table.toStdString() +
                "(\n\t\tid         INTEGER PRIMARY KEY AUTOINCREMENT,\n\t\tname       TEXT "
                "UNIQUE,\n\t\tapplied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL\n);");
        break;
    case HistoryKind::Dbmate:
        // What dbmate 2 runs on SQLite.
        db.exec("CREATE TABLE IF NOT EXISTS " + t + " (version varchar(128) primary key)");
        break;
    }
    db.exec("CREATE TABLE IF NOT EXISTS " + extraTable().toStdString() + " (\n"
            "  history_key TEXT PRIMARY KEY,\n"
            "  name        TEXT NOT NULL,\n"
            "  checksum    TEXT NOT NULL,\n"
            "  applied_at  TEXT NOT NULL,\n"
            "  duration_ms INTEGER NOT NULL,\n"
            "  applied_by  TEXT NOT NULL,\n"
            "  sql         TEXT NOT NULL,\n"
            "  baseline    INTEGER NOT NULL DEFAULT 0,\n"
            "  backup_id   TEXT\n"
            ")");
    addBackupIdColumn(db, extraTable());
}

QList<AppliedMigration> SqliteHistory::read(SQLite::Database& db) const
{
    QList<AppliedMigration> out;
    if (!db.tableExists(m_table.toStdString()))
        return out;
    const std::string t = quoted(m_table).toStdString();

    if (m_kind == HistoryKind::Strata) {
        SQLite::Statement q(db, "SELECT version, name, checksum, applied_at, duration_ms, "
                                "applied_by, sql, baseline, " +
                                    backupIdColumn(db, m_table, "") + " FROM " + t);
        while (q.executeStep()) {
            AppliedMigration a;
            a.versionText = text(q.getColumn(0));
            a.version = versionFromName(a.versionText);
            a.fileName = text(q.getColumn(1));
            a.checksum = text(q.getColumn(2));
            a.appliedAt = parseTimestamp(text(q.getColumn(3)));
            a.durationMs = q.getColumn(4).getInt64();
            a.appliedBy = text(q.getColumn(5));
            a.sql = text(q.getColumn(6));
            a.baseline = q.getColumn(7).getInt() != 0;
            a.backupId = text(q.getColumn(8));
            out << a;
        }
        return out;
    }

    const bool hasExtra = db.tableExists(extraTable().toStdString());
    const std::string keyExpr = m_kind == HistoryKind::Wrangler ? "h.name" : "h.version";
    const std::string when = m_kind == HistoryKind::Wrangler ? "h.applied_at" : "e.applied_at";
    const std::string sql =
        hasExtra ? "SELECT " + keyExpr + ", " + when + ", e.name, e.checksum, e.duration_ms, "
                       "e.applied_by, e.sql, e.baseline, " +
                       backupIdColumn(db, extraTable(), "e.") + " FROM " + t + " h LEFT JOIN " +
                       extraTable().toStdString() + " e ON e.history_key = " + keyExpr
                 : "SELECT " + keyExpr + ", " +
                       (m_kind == HistoryKind::Wrangler ? "h.applied_at" : "NULL") +
                       ", NULL, NULL, NULL, NULL, NULL, 0, NULL FROM " + t + " h";
    SQLite::Statement q(db, sql + (m_kind == HistoryKind::Wrangler ? " ORDER BY h.id" : ""));
    while (q.executeStep()) {
        AppliedMigration a;
        const QString key = text(q.getColumn(0));
        a.version = versionFromName(key, &a.versionText);
        a.appliedAt = parseTimestamp(text(q.getColumn(1)));
        a.fileName = m_kind == HistoryKind::Wrangler ? key : text(q.getColumn(2));
        if (m_kind == HistoryKind::Dbmate)
            a.versionText = key;
        a.checksum = text(q.getColumn(3));
        a.durationMs = q.getColumn(4).isNull() ? -1 : q.getColumn(4).getInt64();
        a.appliedBy = text(q.getColumn(5));
        a.sql = text(q.getColumn(6));
        a.baseline = q.getColumn(7).getInt() != 0;
        a.backupId = text(q.getColumn(8));
        out << a;
    }
    return out;
}

QString SqliteHistory::shapeProblem(SQLite::Database& db) const
{
    if (!db.tableExists(m_table.toStdString()))
        return {};
    const QSet<QString> cols = columnsOf(db, m_table);
    QStringList needed;
    switch (m_kind) {
    case HistoryKind::Strata:
        needed = {QStringLiteral("version"), QStringLiteral("name"), QStringLiteral("checksum"),
                  QStringLiteral("sql")};
        break;
    case HistoryKind::Wrangler: needed = {QStringLiteral("id"), QStringLiteral("name")}; break;
    case HistoryKind::Dbmate:
        if (cols.size() != 1)
            return QStringLiteral("table %1 has columns (%2): it is not dbmate's history "
                                  "(version only)")
                .arg(m_table, QStringList(cols.values()).join(QStringLiteral(", ")));
        needed = {QStringLiteral("version")};
        break;
    }
    for (const QString& c : needed)
        if (!cols.contains(c))
            return QStringLiteral("table %1 exists but lacks column %2: it is not %3's history")
                .arg(m_table, c, historyKindName(m_kind));
    return {};
}

bool SqliteHistory::contains(SQLite::Database& db, const QString& key) const
{
    const std::string column =
        m_kind == HistoryKind::Wrangler ? "name" : "version";
    SQLite::Statement q(db, "SELECT 1 FROM " + quoted(m_table).toStdString() + " WHERE " + column +
                                " = ?");
    q.bind(1, key.toStdString());
    return q.executeStep();
}

void SqliteHistory::record(SQLite::Database& db, const AppliedMigration& a) const
{
    const QString key = keyOf(a.fileName, a.versionText);
    const QString appliedAt = nowUtcIso();
    auto bindFacts = [&](SQLite::Statement& q, int from) {
        q.bind(from, a.fileName.toStdString());
        q.bind(from + 1, a.checksum.toStdString());
        q.bind(from + 2, appliedAt.toStdString());
        q.bind(from + 3, static_cast<int64_t>(a.durationMs < 0 ? 0 : a.durationMs));
        q.bind(from + 4, a.appliedBy.toStdString());
        q.bind(from + 5, a.sql.toStdString());
        q.bind(from + 6, a.baseline ? 1 : 0);
        if (a.backupId.isEmpty())
            q.bind(from + 7);
        else
            q.bind(from + 7, a.backupId.toStdString());
    };
    if (m_kind == HistoryKind::Strata) {
        SQLite::Statement q(db, "INSERT INTO " + quoted(m_table).toStdString() +
                                    " (version, name, checksum, applied_at, duration_ms, "
                                    "applied_by, sql, baseline, backup_id) VALUES (?, ?, ?, ?, "
                                    "?, ?, ?, ?, ?)");
        q.bind(1, a.versionText.toStdString());
        bindFacts(q, 2);
        q.exec();
        return;
    }
    {
        // As the tool itself writes it: wrangler lets applied_at default to CURRENT_TIMESTAMP.
        SQLite::Statement q(db, m_kind == HistoryKind::Wrangler
                                    ? "INSERT INTO " + m_table.toStdString() + " (name) values (?)"
                                    : "insert into " + quoted(m_table).toStdString() +
                                          " (version) values (?)");
        q.bind(1, key.toStdString());
        q.exec();
    }
    SQLite::Statement e(db, "INSERT OR REPLACE INTO " + extraTable().toStdString() +
                                " (history_key, name, checksum, applied_at, duration_ms, "
                                "applied_by, sql, baseline, backup_id) VALUES (?, ?, ?, ?, ?, "
                                "?, ?, ?, ?)");
    e.bind(1, key.toStdString());
    bindFacts(e, 2);
    e.exec();
}

void SqliteHistory::remove(SQLite::Database& db, const AppliedMigration& a) const
{
    const QString key = keyOf(a.fileName, a.versionText);
    const std::string column = m_kind == HistoryKind::Wrangler ? "name" : "version";
    SQLite::Statement q(db, "DELETE FROM " + quoted(m_table).toStdString() + " WHERE " + column +
                                " = ?");
    q.bind(1, key.toStdString());
    q.exec();
    if (m_kind != HistoryKind::Strata && db.tableExists(extraTable().toStdString())) {
        SQLite::Statement e(db, "DELETE FROM " + extraTable().toStdString() +
                                    " WHERE history_key = ?");
        e.bind(1, key.toStdString());
        e.exec();
    }
}

QList<ForeignHistory> detectForeignHistories(SQLite::Database& db, const SqliteHistory& own)
{
    QList<ForeignHistory> out;
    auto add = [&](const QString& tool, const QString& table, const std::string& latestSql) {
        ForeignHistory f;
        f.tool = tool;
        f.table = table;
        f.entries = db.execAndGet("SELECT count(*) FROM " + quoted(table).toStdString()).getInt();
        if (f.entries > 0 && !latestSql.empty()) {
            SQLite::Statement q(db, latestSql);
            if (q.executeStep())
                f.latest = text(q.getColumn(0));
        }
        out << f;
    };
    auto exists = [&](const char* table) {
        return own.table().compare(QLatin1String(table), Qt::CaseInsensitive) != 0 &&
               db.tableExists(table);
    };

    if (exists("strata_migrations"))
        add(QStringLiteral("Strata"), QStringLiteral("strata_migrations"),
            "SELECT max(CAST(version AS INTEGER)) FROM strata_migrations");
    if (exists("d1_migrations"))
        add(QStringLiteral("wrangler (D1)"), QStringLiteral("d1_migrations"),
            "SELECT name FROM d1_migrations ORDER BY id DESC LIMIT 1");
    if (exists("schema_migrations")) {
        const QSet<QString> cols = columnsOf(db, QStringLiteral("schema_migrations"));
        QString tool = QStringLiteral("schema_migrations");
        if (cols.contains(QStringLiteral("dirty")))
            tool = QStringLiteral("golang-migrate");
        else if (cols.contains(QStringLiteral("executed_at")) || cols.contains(QStringLiteral("name")))
            tool = QStringLiteral("schema_migrations (version, name, executed_at)");
        else if (cols.size() == 1)
            tool = QStringLiteral("dbmate");
        add(tool, QStringLiteral("schema_migrations"),
            "SELECT version FROM schema_migrations ORDER BY CAST(version AS INTEGER) DESC LIMIT 1");
    }
    if (exists("_migrations")) {
        const QSet<QString> cols = columnsOf(db, QStringLiteral("_migrations"));
        const std::string col = cols.contains(QStringLiteral("name")) ? "name" : "rowid";
        add(QStringLiteral("_migrations (applied in name order)"), QStringLiteral("_migrations"),
            "SELECT " + col + " FROM _migrations ORDER BY " + col + " DESC LIMIT 1");
    }
    if (exists("kysely_migration"))
        add(QStringLiteral("Kysely"), QStringLiteral("kysely_migration"),
            "SELECT name FROM kysely_migration ORDER BY name DESC LIMIT 1");
    if (exists("__drizzle_migrations"))
        add(QStringLiteral("drizzle"), QStringLiteral("__drizzle_migrations"),
            "SELECT hash FROM __drizzle_migrations ORDER BY created_at DESC LIMIT 1");
    if (exists("flyway_schema_history"))
        add(QStringLiteral("Flyway"), QStringLiteral("flyway_schema_history"),
            "SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank DESC "
            "LIMIT 1");
    return out;
}

} // namespace strata
