#include "project.h"

#include <QUrl>
#include <QUrlQuery>

namespace strata {

QString dialectName(Dialect dialect)
{
    switch (dialect) {
    case Dialect::Sqlite: return QStringLiteral("sqlite");
    case Dialect::D1: return QStringLiteral("d1");
    case Dialect::Postgres: return QStringLiteral("postgres");
    }
    return {};
}

QString historyKindName(HistoryKind kind)
{
    switch (kind) {
    case HistoryKind::Strata: return QStringLiteral("strata");
    case HistoryKind::Wrangler: return QStringLiteral("wrangler");
    case HistoryKind::Dbmate: return QStringLiteral("dbmate");
    }
    return {};
}

QString Environment::displayLocation() const
{
    switch (kind) {
    case Kind::SqliteFile: return path;
    case Kind::D1Remote: return QStringLiteral("Cloudflare D1 ") + d1DatabaseId;
    case Kind::Postgres: {
        QUrl u(url);
        u.setPassword(QString());
        QUrlQuery query(u);
        for (const auto& [key, value] : query.queryItems())
            if (key.compare(QLatin1String("password"), Qt::CaseInsensitive) == 0 ||
                key.compare(QLatin1String("sslpassword"), Qt::CaseInsensitive) == 0)
                query.removeAllQueryItems(key);
        u.setQuery(query);
        return u.toString(QUrl::RemovePassword);
    }
    }
    return {};
}

const Environment* Database::environment(const QString& envName) const
{
    for (const Environment& env : environments)
        if (env.name == envName)
            return &env;
    return nullptr;
}

const Environment* Database::defaultEnvironment() const
{
    if (const Environment* local = environment(QStringLiteral("local")))
        return local;
    return environments.isEmpty() ? nullptr : &environments.first();
}

const Database* Project::database(const QString& binding) const
{
    for (const Database& db : databases)
        if (db.binding == binding)
            return &db;
    return nullptr;
}

QStringList Project::bindingsSharing(const QString& dir) const
{
    QStringList out;
    for (const Database& db : databases)
        if (db.migrationsDir == dir)
            out << db.binding;
    return out;
}

} // namespace strata
