#include "pgschemahistory.h"

#include "pgconnection.h"
#include "pgschemareader.h"
#include "pgsplitter.h"

#include <QCoreApplication>
#include <QRandomGenerator>
#include <QUrl>

#include <pqxx/connection>
#include <pqxx/except>
#include <pqxx/nontransaction>
#include <pqxx/transaction>

namespace strata {
namespace {

constexpr int connectTimeoutMs = 5000;

QString serverMessage(const std::exception& e)
{
    QString message = QString::fromUtf8(e.what()).trimmed();
    if (message.startsWith(QLatin1String("ERROR:")))
        message = message.mid(6).trimmed();
    return maskConnectionText(message);
}

// The scratch database: created on construction through `admin`, dropped (with any connection
// left on it) when it goes, whatever happened in between.
class ReplayDatabase final
{
public:
    ReplayDatabase(pqxx::connection_base& admin, QString name)
        : m_admin(admin), m_name(std::move(name))
    {
        pqxx::nontransaction tx(m_admin);
        tx.exec("CREATE DATABASE " + m_name.toStdString());
        m_created = true;
    }
    ~ReplayDatabase()
    {
        if (!m_created)
            return;
        try {
            pqxx::nontransaction tx(m_admin);
            tx.exec("DROP DATABASE IF EXISTS " + m_name.toStdString() + " WITH (FORCE)");
        } catch (const std::exception& e) {
            qWarning("cannot drop the scratch database %s: %s", qPrintable(m_name),
                     qPrintable(serverMessage(e)));
        }
    }
    ReplayDatabase(const ReplayDatabase&) = delete;
    ReplayDatabase& operator=(const ReplayDatabase&) = delete;

    const QString& name() const { return m_name; }

private:
    pqxx::connection_base& m_admin;
    QString m_name;
    bool m_created = false;
};

QString uniqueReplayName()
{
    static QAtomicInt counter;
    return pgReplayDatabasePrefix() + QString::number(counter.fetchAndAddRelaxed(1)) +
           QLatin1Char('_') +
           QString::number(QRandomGenerator::global()->generate64() % 0xffffffffu, 36);
}

// Runs one migration's up section on the scratch database; the Error names the file, the line of
// the statement that failed and what the server said.
std::optional<Error> replay(pqxx::connection_base& conn, const Migration& mig)
{
    auto statements = splitPostgres(mig.upSql, mig.upLine, mig.filePath);
    if (!statements)
        return statements.error();
    const PgStatement* current = nullptr;
    try {
        if (mig.transactional) {
            pqxx::work tx(conn);
            for (const PgStatement& s : statements.value()) {
                current = &s;
                tx.exec(s.statement.sql.toStdString());
            }
            tx.commit();
        } else {
            pqxx::nontransaction tx(conn);
            for (const PgStatement& s : statements.value()) {
                current = &s;
                tx.exec(s.statement.sql.toStdString());
            }
        }
    } catch (const std::exception& e) {
        return Error{QStringLiteral("migration failed: ") + serverMessage(e), mig.filePath,
                     current ? current->statement.line : mig.upLine, 0,
                     current ? current->statement.sql : QString()};
    }
    return std::nullopt;
}

// A connection to the server of `env` that may create databases: to the environment's own
// database, or to `postgres` when that one does not exist yet.
Result<std::unique_ptr<pqxx::connection>> connectAdmin(const Environment& env)
{
    auto conn = connectPostgres(env, connectTimeoutMs);
    if (!conn && isMissingDatabaseMessage(conn.error().message))
        return connectPostgres(pgEnvironmentForDatabase(env, QStringLiteral("postgres")),
                               connectTimeoutMs);
    return conn;
}

} // namespace

QString pgReplayDatabasePrefix()
{
    return QStringLiteral("strata_replay_%1_").arg(QCoreApplication::applicationPid());
}

Environment pgEnvironmentForDatabase(const Environment& env, const QString& database)
{
    Environment copy = env;
    QUrl url(env.url);
    url.setPath(QLatin1Char('/') + database);
    copy.url = url.toString();
    return copy;
}

Result<SchemaHistory> derivePostgresSchemaHistory(const QList<Migration>& migrations,
                                                  const Database& db)
{
    QStringList reasons;
    for (const Environment& env : db.environments) {
        if (env.kind != Environment::Kind::Postgres)
            continue;
        auto admin = connectAdmin(env);
        if (!admin) {
            reasons << QStringLiteral("%1: %2").arg(env.name, admin.error().message);
            continue;
        }
        std::unique_ptr<ReplayDatabase> scratch;
        QString role;
        try {
            role = QString::fromUtf8(
                pqxx::nontransaction(*admin.value()).exec("SELECT current_user")[0][0].c_str());
            scratch = std::make_unique<ReplayDatabase>(*admin.value(), uniqueReplayName());
        } catch (const pqxx::insufficient_privilege& e) {
            reasons << QStringLiteral("%1: role %2 may not CREATE DATABASE on %3 (%4); grant it "
                                      "with ALTER ROLE %2 CREATEDB")
                           .arg(env.name, role, env.displayLocation(), serverMessage(e));
            continue;
        } catch (const std::exception& e) {
            reasons << QStringLiteral("%1: cannot CREATE DATABASE on %2: %3")
                           .arg(env.name, env.displayLocation(), serverMessage(e));
            continue;
        }

        SchemaHistory history;
        history.points << SchemaPoint{};
        auto conn = connectPostgres(pgEnvironmentForDatabase(env, scratch->name()),
                                    connectTimeoutMs);
        if (!conn)
            return conn.error();
        try {
            pqxx::nontransaction(*conn.value()).exec("SET client_min_messages TO warning");
        } catch (const std::exception& e) {
            return Error{QStringLiteral("cannot prepare the scratch database: ") +
                             serverMessage(e),
                         {}, 0, 0, {}};
        }
        for (const Migration& mig : migrations) {
            if (auto failure = replay(*conn.value(), mig)) {
                history.failure = failure;
                break;
            }
            auto schema = readPostgresSchema(*conn.value());
            if (!schema) {
                history.failure = schema.error();
                break;
            }
            history.points << SchemaPoint{mig.version, mig.fileName, std::move(schema).value()};
        }
        conn.value().reset(); // off the scratch database before it is dropped
        return history;
    }
    if (reasons.isEmpty())
        return Error{QStringLiteral("%1 has no PostgreSQL environment to derive its schema history "
                                    "on")
                         .arg(db.binding),
                     {}, 0, 0, {}};
    return Error{QStringLiteral("cannot derive the schema history of %1: it is replayed in a "
                                "scratch database on a PostgreSQL server of its environments, and "
                                "no PostgreSQL server could be used (%2)")
                     .arg(db.binding, reasons.join(QStringLiteral("; "))),
                 {}, 0, 0, {}};
}

} // namespace strata
