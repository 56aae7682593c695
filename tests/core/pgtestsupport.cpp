#include "pgtestsupport.h"

#include <QAtomicInt>
#include <QCoreApplication>
#include <QFile>
#include <QRandomGenerator>
#include <QRegularExpression>

#include <pqxx/pqxx>

namespace strata::test {
namespace {

QString conninfoWithDb(const QString& dbname)
{
    QString info = pgServerConninfo();
    info.replace(QRegularExpression(QStringLiteral("dbname=\\S+")),
                 QStringLiteral("dbname=") + dbname);
    return info;
}

QString field(const QString& key)
{
    const auto m = QRegularExpression(key + QStringLiteral("=(\\S+)")).match(pgServerConninfo());
    return m.hasMatch() ? m.captured(1) : QString();
}

} // namespace

QString pgServerConninfo(QString* why)
{
    const QString state = qEnvironmentVariable("STRATA_TEST_PG_STATE");
    if (state.isEmpty()) {
        if (why)
            *why = QStringLiteral("STRATA_TEST_PG_STATE is not set: run this suite through ctest, "
                                  "which starts the PostgreSQL test server (tests/pg/pgserver.sh)");
        return {};
    }
    QFile f(state + QStringLiteral("/conninfo"));
    if (!f.open(QIODevice::ReadOnly)) {
        if (why)
            *why = QStringLiteral("no PostgreSQL test server: %1 is missing (did "
                                  "postgres_server_start fail?)")
                       .arg(f.fileName());
        return {};
    }
    return QString::fromUtf8(f.readAll()).trimmed();
}

QString pgHost() { return field(QStringLiteral("host")); }
int pgPort() { return field(QStringLiteral("port")).toInt(); }

PgScratchDatabase::PgScratchDatabase(const QString& tag)
{
    static QAtomicInt counter;
    const QString server = pgServerConninfo(&m_error);
    if (server.isEmpty())
        return;
    QString safeTag = tag.toLower();
    safeTag.replace(QRegularExpression(QStringLiteral("[^a-z0-9_]")), QStringLiteral("_"));
    m_name = QStringLiteral("strata_%1_%2_%3")
                 .arg(safeTag.left(30))
                 .arg(QCoreApplication::applicationPid())
                 .arg(counter.fetchAndAddRelaxed(1));
    try {
        pqxx::connection admin(server.toStdString());
        pqxx::nontransaction tx(admin);
        tx.exec("CREATE DATABASE " + tx.quote_name(m_name.toStdString()));
        m_conn = std::make_unique<pqxx::connection>(conninfo().toStdString());
    } catch (const std::exception& e) {
        m_error = QStringLiteral("cannot create the test database %1: %2")
                      .arg(m_name, QString::fromUtf8(e.what()));
    }
}

PgScratchDatabase::~PgScratchDatabase()
{
    if (m_name.isEmpty() || pgServerConninfo().isEmpty())
        return;
    m_conn.reset();
    try {
        pqxx::connection admin(pgServerConninfo().toStdString());
        pqxx::nontransaction tx(admin);
        tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(m_name.toStdString()) +
                " WITH (FORCE)");
        // What a restore kept aside (<name>_strata_before_restore_<time>) goes too.
        const pqxx::result aside = tx.exec_params(
            "SELECT datname FROM pg_database WHERE starts_with(datname, $1)",
            m_name.toStdString() + "_strata_");
        for (const auto& row : aside)
            tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(row[0].c_str()) + " WITH (FORCE)");
        for (const QString& role : m_roles)
            tx.exec("DROP ROLE IF EXISTS " + tx.quote_name(role.toStdString()));
    } catch (const std::exception& e) {
        qWarning("cannot drop the test database %s: %s", qPrintable(m_name), e.what());
    }
}

QString PgScratchDatabase::url() const
{
    return QStringLiteral("postgresql://%1@%2:%3/%4")
        .arg(field(QStringLiteral("user")), pgHost())
        .arg(pgPort())
        .arg(m_name);
}

QString PgScratchDatabase::conninfo() const { return conninfoWithDb(m_name); }

void PgScratchDatabase::disconnect()
{
    m_conn.reset();
}

bool PgScratchDatabase::connected()
{
    if (m_conn)
        return true;
    if (m_name.isEmpty())
        return false;
    try {
        m_conn = std::make_unique<pqxx::connection>(conninfo().toStdString());
    } catch (const std::exception& e) {
        qWarning("cannot connect to %s: %s", qPrintable(m_name), e.what());
    }
    return m_conn != nullptr;
}

bool PgScratchDatabase::exec(const QString& sql)
{
    if (!connected())
        return false;
    try {
        pqxx::nontransaction tx(*m_conn);
        tx.exec(sql.toStdString());
        return true;
    } catch (const std::exception& e) {
        qWarning("SQL failed on %s: %s", qPrintable(m_name), e.what());
        return false;
    }
}

QList<QStringList> PgScratchDatabase::query(const QString& sql)
{
    QList<QStringList> rows;
    if (!connected())
        return rows;
    try {
        pqxx::nontransaction tx(*m_conn);
        const pqxx::result r = tx.exec(sql.toStdString());
        for (const auto& row : r) {
            QStringList cols;
            for (const auto& f : row)
                cols << (f.is_null() ? QString() : QString::fromUtf8(f.c_str()));
            rows << cols;
        }
    } catch (const std::exception& e) {
        qWarning("query failed on %s: %s", qPrintable(m_name), e.what());
    }
    return rows;
}

QString PgScratchDatabase::value(const QString& sql)
{
    const auto rows = query(sql);
    return rows.isEmpty() || rows.first().isEmpty() ? QString() : rows.first().first();
}

QStringList PgScratchDatabase::column(const QString& sql)
{
    QStringList out;
    for (const QStringList& row : query(sql))
        out << (row.isEmpty() ? QString() : row.first());
    return out;
}

QString PgScratchDatabase::createPasswordRole(const QString& prefix, QString* password)
{
    const QString role = prefix + m_name.mid(m_name.indexOf(QLatin1Char('_')));
    *password = QString::number(QRandomGenerator::global()->generate64(), 36) +
                QStringLiteral("Aa1");
    if (!exec(QStringLiteral("CREATE ROLE %1 LOGIN PASSWORD '%2'; GRANT ALL ON DATABASE %3 TO "
                             "%1; GRANT ALL ON SCHEMA public TO %1")
                  .arg(role, *password, m_name)))
        return {};
    m_roles << role;
    return role;
}

} // namespace strata::test
