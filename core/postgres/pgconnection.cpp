#include "pgconnection.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QMutex>
#include <QRegularExpression>
#include <QStringList>
#include <QUrl>

#include <libpq-fe.h>
#include <pqxx/connection>

#include <qt6keychain/keychain.h>

#include <algorithm>

namespace strata {
namespace {

// Passwords this process has read, so that a server or library message that happens to repeat
// one (a role's CREATE statement echoed back, a connection string in an exception) is masked.
QMutex& secretsMutex()
{
    static QMutex m;
    return m;
}

QStringList& knownSecrets()
{
    static QStringList secrets;
    return secrets;
}

void rememberSecret(const QString& secret)
{
    if (secret.isEmpty())
        return;
    QMutexLocker lock(&secretsMutex());
    if (!knownSecrets().contains(secret))
        knownSecrets() << secret;
}

// A value quoted for a libpq connection string: single quotes, backslash escapes.
std::string conninfoValue(const QByteArray& value)
{
    std::string out = "'";
    for (char c : value) {
        if (c == '\'' || c == '\\')
            out += '\\';
        out += c;
    }
    out += '\'';
    return out;
}

Result<QString> readKeychain(const QString& entry)
{
    const qsizetype slash = entry.indexOf(QLatin1Char('/'));
    const QString service = slash > 0 ? entry.left(slash) : QStringLiteral("strata");
    const QString key = slash > 0 ? entry.mid(slash + 1) : entry;
    if (!QCoreApplication::instance())
        return Error{QStringLiteral("cannot read the keychain entry '%1': the OS keychain needs a "
                                    "running application")
                         .arg(entry),
                     {},
                     0,
                     0,
                     {}};
    QKeychain::ReadPasswordJob job(service);
    job.setAutoDelete(false);
    job.setKey(key);
    QEventLoop loop;
    QObject::connect(&job, &QKeychain::Job::finished, &loop, &QEventLoop::quit);
    job.start();
    loop.exec();
    if (job.error() != QKeychain::NoError)
        return Error{QStringLiteral("cannot read the password from the keychain entry '%1' "
                                    "(service '%2', key '%3'): %4")
                         .arg(entry, service, key, job.errorString()),
                     {},
                     0,
                     0,
                     {}};
    return job.textData();
}

} // namespace

QString maskConnectionText(QString text)
{
    static const QRegularExpression pair(
        QStringLiteral(R"((password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]+))"),
        QRegularExpression::CaseInsensitiveOption);
    text.replace(pair, QStringLiteral("\\1***"));
    static const QRegularExpression urlPassword(
        QStringLiteral(R"(((?:postgres|postgresql)://[^:/@\s]*):[^@\s]*@)"),
        QRegularExpression::CaseInsensitiveOption);
    text.replace(urlPassword, QStringLiteral("\\1:***@"));
    QMutexLocker lock(&secretsMutex());
    for (const QString& secret : std::as_const(knownSecrets()))
        text.replace(secret, QStringLiteral("***"));
    return text;
}

QString pgUrlDatabaseName(const QString& url)
{
    const QUrl u(url);
    QString path = u.path();
    while (path.startsWith(QLatin1Char('/')))
        path.remove(0, 1);
    return path;
}

bool isMissingDatabaseMessage(const QString& message)
{
    static const QRegularExpression re(QStringLiteral(R"(database ".*" does not exist)"));
    return re.match(message).hasMatch();
}

Result<QString> postgresPassword(const Environment& env)
{
    if (!env.passwordEnv.isEmpty()) {
        if (!qEnvironmentVariableIsSet(env.passwordEnv.toLocal8Bit().constData()))
            return Error{QStringLiteral("the password for %1 comes from the environment variable "
                                        "%2, which is not set")
                             .arg(env.displayLocation(), env.passwordEnv),
                         {},
                         0,
                         0,
                         {}};
        const QString password = qEnvironmentVariable(env.passwordEnv.toLocal8Bit().constData());
        rememberSecret(password);
        return password;
    }
    if (!env.passwordKeychain.isEmpty()) {
        auto password = readKeychain(env.passwordKeychain);
        if (password)
            rememberSecret(password.value());
        return password;
    }
    return QString();
}

Result<std::string> postgresConnectionString(const Environment& env, int connectTimeoutMs)
{
    if (env.kind != Environment::Kind::Postgres)
        return Error{QStringLiteral("environment %1 is not a PostgreSQL database").arg(env.name),
                     {},
                     0,
                     0,
                     {}};
    auto password = postgresPassword(env);
    if (!password)
        return password.error();

    // libpq parses the URL itself (hosts, ports, percent-escapes, query parameters); the pairs
    // are rebuilt as keyword = value so the password and the defaults can be added.
    char* parseError = nullptr;
    PQconninfoOption* options = PQconninfoParse(env.url.toUtf8().constData(), &parseError);
    if (!options) {
        QString why =
            parseError ? QString::fromUtf8(parseError).trimmed() : QStringLiteral("out of memory");
        PQfreemem(parseError);
        return Error{QStringLiteral("cannot read the URL %1: %2")
                         .arg(env.displayLocation(), maskConnectionText(why)),
                     {},
                     0,
                     0,
                     {}};
    }
    std::string conninfo;
    bool hasApplicationName = false;
    bool hasTimeout = false;
    for (PQconninfoOption* o = options; o->keyword; ++o) {
        if (!o->val)
            continue;
        const std::string keyword = o->keyword;
        if (keyword == "password")
            continue; // refused in the project file; never taken from the URL
        hasApplicationName = hasApplicationName || keyword == "application_name";
        hasTimeout = hasTimeout || keyword == "connect_timeout";
        conninfo += keyword + '=' + conninfoValue(QByteArray(o->val)) + ' ';
    }
    PQconninfoFree(options);
    if (!hasApplicationName)
        conninfo += "application_name='strata' ";
    if (!hasTimeout) // whole seconds; libpq treats 1 as 2
        conninfo +=
            "connect_timeout=" + std::to_string(std::max(1, (connectTimeoutMs + 999) / 1000)) + ' ';
    if (!password->isEmpty())
        conninfo += "password=" + conninfoValue(password->toUtf8()) + ' ';
    return conninfo;
}

Result<std::unique_ptr<pqxx::connection>> connectPostgres(const Environment& env,
                                                          int connectTimeoutMs)
{
    auto conninfo = postgresConnectionString(env, connectTimeoutMs);
    if (!conninfo)
        return conninfo.error();
    try {
        return std::make_unique<pqxx::connection>(conninfo.value());
    } catch (const std::exception& e) {
        return Error{QStringLiteral("cannot connect to %1: %2")
                         .arg(env.displayLocation(),
                              maskConnectionText(QString::fromUtf8(e.what()).trimmed())),
                     {},
                     0,
                     0,
                     {}};
    }
}

} // namespace strata
