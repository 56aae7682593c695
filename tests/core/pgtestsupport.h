#pragma once

// The PostgreSQL side of the test support: the server the test command started
// (tests/pg/pgserver.sh, a CTest fixture) and scratch databases on it, one per test, dropped at
// the end. A missing server is a failure, never a skip.

#include <QList>
#include <QString>
#include <QStringList>

#include <memory>

#include <pqxx/connection>

namespace strata::test {

// "host=127.0.0.1 port=… user=strata dbname=postgres", read from $STRATA_TEST_PG_STATE/conninfo.
// Empty when there is no server; `why` then says what is missing.
QString pgServerConninfo(QString* why = nullptr);
// "127.0.0.1" and the port of the test server (0 when there is none).
QString pgHost();
int pgPort();

// A database of its own on the test server, created empty and dropped (with its connections, and
// with any database a restore kept aside beside it) when the object goes. `tag` ends up in its name, for reading the server's log.
class PgScratchDatabase final
{
public:
    explicit PgScratchDatabase(const QString& tag = QStringLiteral("t"));
    ~PgScratchDatabase();
    PgScratchDatabase(const PgScratchDatabase&) = delete;
    PgScratchDatabase& operator=(const PgScratchDatabase&) = delete;

    bool isValid() const { return m_error.isEmpty(); }
    QString error() const { return m_error; }
    QString name() const { return m_name; }
    // postgresql://strata@127.0.0.1:PORT/NAME — the superuser, trusted, no password.
    QString url() const;
    QString conninfo() const;

    // Closes this object's own connection (a restore refuses while other sessions are
    // connected); the next query connects again.
    void disconnect();

    // Runs SQL (several statements allowed) on this database; false (with a qWarning) on failure.
    bool exec(const QString& sql);
    // Each row as column texts; NULL is a null QString. Empty (with a qWarning) on failure.
    QList<QStringList> query(const QString& sql);
    QString value(const QString& sql); // first column of the first row
    QStringList column(const QString& sql);

    // Creates a login role (named `prefix` + a unique suffix; roles are server-wide) with a random
    // password and every right on this database; returns its name, the password in `password`.
    QString createPasswordRole(const QString& prefix, QString* password);

private:
    bool connected(); // connects when not connected; false (with a qWarning) when it cannot

    QString m_name;
    QString m_error;
    QStringList m_roles;
    std::unique_ptr<pqxx::connection> m_conn;
};

} // namespace strata::test
