#pragma once

// What the PostgreSQL backup suites share (tst_pg_backup, tst_pg_backup_safety): target
// databases reached only by short connections, a project around one, the admin connection.

#include "backupmanager.h"
#include "migrator.h"
#include "pgtestsupport.h"
#include "projectfile.h"
#include "testsupport.h"

#include <QCoreApplication>
#include <QDir>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <pqxx/pqxx>

namespace strata::test {

inline const QString app = QStringLiteral("APP");
inline const QString local = QStringLiteral("local");

inline QString serverConninfo(const QString& db)
{
    QString info = pgServerConninfo();
    info.replace(QRegularExpression(QStringLiteral("dbname=\\S+")), QStringLiteral("dbname=") + db);
    return info;
}

inline void adminExec(const QString& sql)
{
    pqxx::connection c(serverConninfo(QStringLiteral("postgres")).toStdString());
    pqxx::nontransaction tx(c);
    tx.exec(sql.toStdString());
}

inline QStringList adminColumn(const QString& sql)
{
    pqxx::connection c(serverConninfo(QStringLiteral("postgres")).toStdString());
    pqxx::nontransaction tx(c);
    QStringList out;
    for (const auto& row : tx.exec(sql.toStdString()))
        out << (row[0].is_null() ? QString() : QString::fromUtf8(row[0].c_str()));
    return out;
}

// A target database on the test server, reached only by short connections (a connection held
// by the test would make every restore "busy"); dropped at the end with whatever a restore left
// beside it (<name>_strata_…).
class TargetDb final
{
public:
    explicit TargetDb(const QString& tag)
    {
        static int counter = 0;
        m_name = QStringLiteral("pgb_%1_%2_%3")
                     .arg(tag)
                     .arg(QCoreApplication::applicationPid())
                     .arg(counter++);
        try {
            adminExec(QStringLiteral("CREATE DATABASE \"%1\"").arg(m_name));
        } catch (const std::exception& e) {
            m_error = QString::fromUtf8(e.what());
        }
    }
    ~TargetDb()
    {
        try {
            for (const QString& db : adminColumn(
                     QStringLiteral("SELECT datname FROM pg_database WHERE datname = '%1' OR "
                                    "datname LIKE '%1\\_strata\\_%'")
                         .arg(m_name)))
                adminExec(QStringLiteral("DROP DATABASE \"%1\" WITH (FORCE)").arg(db));
        } catch (const std::exception& e) {
            qWarning("cannot clean up %s: %s", qPrintable(m_name), e.what());
        }
    }
    bool isValid() const { return m_error.isEmpty(); }
    QString error() const { return m_error; }
    QString name() const { return m_name; }
    QString url(const QString& user = QStringLiteral("strata")) const
    {
        const QString info = pgServerConninfo();
        const auto field = [&](const QString& key) {
            return QRegularExpression(key + QStringLiteral("=(\\S+)")).match(info).captured(1);
        };
        return QStringLiteral("postgresql://%1@%2:%3/%4")
            .arg(user, field(QStringLiteral("host")), field(QStringLiteral("port")), m_name);
    }
    bool exec(const QString& sql)
    {
        try {
            pqxx::connection c(serverConninfo(m_name).toStdString());
            pqxx::nontransaction tx(c);
            tx.exec(sql.toStdString());
            return true;
        } catch (const std::exception& e) {
            qWarning("SQL failed on %s: %s", qPrintable(m_name), e.what());
            return false;
        }
    }
    QStringList column(const QString& sql)
    {
        try {
            pqxx::connection c(serverConninfo(m_name).toStdString());
            pqxx::nontransaction tx(c);
            QStringList out;
            for (const auto& row : tx.exec(sql.toStdString()))
                out << (row[0].is_null() ? QString() : QString::fromUtf8(row[0].c_str()));
            return out;
        } catch (const std::exception& e) {
            qWarning("query failed on %s: %s", qPrintable(m_name), e.what());
            return {};
        }
    }
    QString value(const QString& sql)
    {
        const QStringList c = column(sql);
        return c.isEmpty() ? QString() : c.first();
    }
    // The databases a restore left beside the target: scratch copies and kept-aside ones.
    QStringList beside() const
    {
        return adminColumn(QStringLiteral("SELECT datname FROM pg_database WHERE datname LIKE "
                                          "'%1\\_strata\\_%' ORDER BY 1")
                               .arg(m_name));
    }
    // Every public table's columns and rows, as one text: equal texts, equal contents.
    QString fingerprint()
    {
        QString out =
            column(QStringLiteral("SELECT string_agg(table_name || '.' || column_name || ':' || "
                                  "data_type, ',' ORDER BY table_name, ordinal_position) FROM "
                                  "information_schema.columns WHERE table_schema = 'public'"))
                .join(QString());
        for (const QString& t : column(QStringLiteral(
                 "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")))
            out += QLatin1Char('|') + t + QLatin1Char('=') +
                   value(QStringLiteral("SELECT md5(coalesce(string_agg(x::text, ',' ORDER BY "
                                        "x::text), '')) FROM \"%1\" x")
                             .arg(t));
        return out;
    }

private:
    QString m_name;
    QString m_error;
};

// A project in a temporary folder: one database APP at `url`, its backups inside the folder.
class PgProject final
{
public:
    PgProject(const QString& url, const QString& passwordEnv = {}, int keep = 10)
    {
        QByteArray toml = "[project]\nname = \"pgb\"\n\n[backups]\ndir = \"backups\"\nkeep = " +
                          QByteArray::number(keep) +
                          "\n\n[[database]]\nbinding = \"APP\"\ndialect = \"postgres\"\n"
                          "migrations = \"migrations\"\n\n[database.env.local]\nurl = \"" +
                          url.toUtf8() + "\"\n";
        if (!passwordEnv.isEmpty())
            toml += "password_env = \"" + passwordEnv.toUtf8() + "\"\n";
        m_ok = m_dir.isValid() && writeFile(m_dir.filePath(QStringLiteral("strata.toml")), toml) &&
               QDir().mkpath(m_dir.filePath(QStringLiteral("migrations")));
    }
    bool isValid() const { return m_ok; }
    QString root() const { return m_dir.path(); }
    bool add(const QString& name, const QByteArray& sql)
    {
        return writeFile(m_dir.filePath(QStringLiteral("migrations/") + name), sql);
    }
    Project load() const { return loadProjectIn(m_dir.path()); }

private:
    QTemporaryDir m_dir;
    bool m_ok = false;
};

inline const QByteArray schema1 =
    "CREATE TYPE status AS ENUM ('new', 'paid', 'shipped');\n"
    "CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL UNIQUE);\n"
    "CREATE TABLE orders (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, customer_id "
    "int NOT NULL REFERENCES customers (id), amount numeric(10, 2), state status DEFAULT 'new', "
    "placed timestamptz DEFAULT now());\n"
    "CREATE INDEX orders_customer ON orders (customer_id);\n";
inline const QByteArray schema2 = "CREATE TABLE notes (id serial PRIMARY KEY, body text);\n";
inline const QByteArray schema3 = "CREATE TABLE audit (id serial PRIMARY KEY, what text);\n"
                                  "ALTER TABLE customers ADD COLUMN email text;\n";

inline bool migrate(const Project& project, std::optional<qint64> to = std::nullopt)
{
    Migrator m(project, app, local);
    RunOptions options;
    options.toVersion = to;
    auto report = m.up(options);
    if (!report || report->failure) {
        qWarning("%s",
                 qPrintable(report ? report->failure->toString() : report.error().toString()));
        return false;
    }
    return true;
}

inline bool fill(TargetDb& db, int customers, int ordersEach)
{
    return db.exec(
        QStringLiteral(
            "INSERT INTO customers (name) SELECT 'customer ' || g FROM generate_series(1, %1) g;"
            "INSERT INTO orders (customer_id, amount, state) SELECT c.id, (c.id * o) / 7.0, "
            "(ARRAY['new', 'paid', 'shipped']::status[])[1 + (o % 3)] FROM customers c, "
            "generate_series(1, %2) o;")
            .arg(customers)
            .arg(ordersEach));
}

inline Result<BackupEntry> takeBackup(const Project& project, std::optional<qint64> before = {})
{
    BackupManager m(project, app, local);
    BackupOptions options;
    options.beforeVersion = before;
    auto outcome = m.backup(options);
    if (!outcome)
        return outcome.error();
    return outcome->entry;
}

// `db` given the shop schema through its project, `customers` customers with `ordersEach`
// orders each, and backed up.
inline Result<BackupEntry> shopBackup(TargetDb& db, PgProject& p, int customers, int ordersEach)
{
    if (!p.add(QStringLiteral("001_shop.sql"), schema1) || !migrate(p.load()) ||
        !fill(db, customers, ordersEach))
        return Error{QStringLiteral("cannot set up the shop database %1").arg(db.name()), {}, 0, 0,
                     {}};
    return takeBackup(p.load());
}

inline Result<RestoreOutcome> restore(const Project& project, const BackupEntry& entry,
                                      BackupErrorKind* kind = nullptr)
{
    BackupManager m(project, app, local);
    auto outcome = m.restore(entry);
    if (kind)
        *kind = outcome ? BackupErrorKind::Project : m.lastErrorKind();
    return outcome;
}

} // namespace strata::test
