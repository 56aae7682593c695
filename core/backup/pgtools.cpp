#include "pgtools.h"

#include "pgconnection.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QUrl>

#include <libpq-fe.h>

namespace strata {
namespace {

// A value quoted for a libpq connection string.
QString conninfoValue(const QString& value)
{
    QString out = value;
    out.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    out.replace(QLatin1Char('\''), QStringLiteral("\\'"));
    return QLatin1Char('\'') + out + QLatin1Char('\'');
}

// The parts of env's URL, as libpq reads them; no secret is among them: neither the password
// nor the client key's passphrase (sslpassword), which would otherwise reach a command line.
Result<QList<QPair<QString, QString>>> urlParts(const Environment& env)
{
    char* parseError = nullptr;
    PQconninfoOption* options = PQconninfoParse(env.url.toUtf8().constData(), &parseError);
    if (!options) {
        const QString why =
            parseError ? QString::fromUtf8(parseError).trimmed() : QStringLiteral("out of memory");
        PQfreemem(parseError);
        return Error{QStringLiteral("cannot read the URL %1: %2")
                         .arg(env.displayLocation(), maskConnectionText(why)),
                     {},
                     0,
                     0,
                     {}};
    }
    QList<QPair<QString, QString>> parts;
    for (PQconninfoOption* o = options; o->keyword; ++o)
        if (o->val && qstrcmp(o->keyword, "password") != 0 &&
            qstrcmp(o->keyword, "sslpassword") != 0)
            parts.append({QString::fromUtf8(o->keyword), QString::fromUtf8(o->val)});
    PQconninfoFree(options);
    return parts;
}

QString versionOf(const QString& program)
{
    QProcess p;
    p.start(program, {QStringLiteral("--version")});
    if (!p.waitForFinished(10000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return {};
    return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
}

// 15 from "pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)".
int majorOf(const QString& versionText)
{
    static const QRegularExpression re(QStringLiteral(R"(\(PostgreSQL\)\s+(\d+))"));
    const auto m = re.match(versionText);
    return m.hasMatch() ? m.captured(1).toInt() : 0;
}

// The lines of a program's stderr that say what went wrong.
QString errorLines(const QStringList& lines)
{
    QStringList picked;
    for (const QString& l : lines)
        if (l.contains(QLatin1String("error:")) || l.contains(QLatin1String("detail:")) ||
            l.contains(QLatin1String("hint:")) || l.contains(QLatin1String("FATAL")) ||
            l.contains(QLatin1String("ERROR")) || l.contains(QLatin1String("DETAIL")))
            picked << l.trimmed();
    if (picked.isEmpty())
        picked = lines.mid(qMax(0, int(lines.size()) - 3));
    if (picked.size() > 6)
        picked = picked.mid(0, 6) << QStringLiteral("…");
    return maskConnectionText(picked.join(QStringLiteral(" / ")));
}

} // namespace

Result<PgTools> PgTools::locate(int serverVersion)
{
    const int serverMajor = serverVersion / 10000;
    QStringList dirs;
    const QString fromEnv = qEnvironmentVariable("STRATA_PG_BINDIR");
    if (!fromEnv.isEmpty()) {
        dirs << fromEnv;
    } else {
        for (int major = qMax(serverMajor, 10); major <= serverMajor + 10; ++major)
            dirs << QStringLiteral("/usr/lib/postgresql/%1/bin").arg(major);
        const QString onPath = QStandardPaths::findExecutable(QStringLiteral("pg_dump"));
        if (!onPath.isEmpty())
            dirs << QFileInfo(onPath).canonicalPath();
    }
    QStringList tooOld;
    for (const QString& dir : dirs) {
        PgTools tools;
        tools.m_binDir = dir;
        if (!QFileInfo(tools.pgDump()).isExecutable() ||
            !QFileInfo(tools.pgRestore()).isExecutable())
            continue;
        tools.m_version = versionOf(tools.pgDump());
        const int major = majorOf(tools.m_version);
        if (major >= serverMajor)
            return tools;
        tooOld << QStringLiteral("%1 (%2)").arg(tools.pgDump(), tools.m_version);
    }
    QString message = QStringLiteral("PostgreSQL backups need pg_dump and pg_restore of version "
                                     "%1 or newer (the server's): ")
                          .arg(serverMajor);
    if (!tooOld.isEmpty())
        message +=
            QStringLiteral("found only older ones: %1. ").arg(tooOld.join(QStringLiteral(", ")));
    else
        message += QStringLiteral("none found in %1. ").arg(dirs.join(QStringLiteral(", ")));
    message += QStringLiteral("Install the client programs (Debian/Ubuntu: postgresql-client-%1) "
                              "or point STRATA_PG_BINDIR at their folder.")
                   .arg(serverMajor);
    return Error{message, {}, 0, 0, {}};
}

Result<QByteArray> PgTools::run(const QString& program, const QStringList& args,
                                const Environment& env, const PgToolLineFn& onLine)
{
    auto password = postgresPassword(env);
    if (!password)
        return password.error();
    QProcessEnvironment penv = QProcessEnvironment::systemEnvironment();
    if (!password->isEmpty())
        penv.insert(QStringLiteral("PGPASSWORD"), password.value());
    QProcess p;
    p.setProcessEnvironment(penv);
    p.start(program, args);
    const QString name = QFileInfo(program).fileName();
    if (!p.waitForStarted(30000))
        return Error{
            QStringLiteral("cannot run %1: %2").arg(program, p.errorString()), {}, 0, 0, {}};
    QStringList lines;
    QByteArray pending;
    QByteArray out;
    auto drain = [&] {
        out += p.readAllStandardOutput();
        pending += p.readAllStandardError();
        qsizetype nl;
        while ((nl = pending.indexOf('\n')) >= 0) {
            const QString line = QString::fromUtf8(pending.left(nl));
            pending.remove(0, nl + 1);
            lines << line;
            if (onLine)
                onLine(line);
        }
    };
    while (!p.waitForFinished(50))
        drain();
    drain();
    if (!pending.isEmpty())
        lines << QString::fromUtf8(pending);
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return Error{QStringLiteral("%1 failed (exit %2): %3")
                         .arg(name)
                         .arg(p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1)
                         .arg(errorLines(lines)),
                     {},
                     0,
                     0,
                     {}};
    return out;
}

Result<QString> pgToolConninfo(const Environment& env, const QString& database)
{
    auto parts = urlParts(env);
    if (!parts)
        return parts.error();
    QString conninfo;
    bool hasApp = false, hasTimeout = false, hasDb = false;
    for (const auto& [key, value] : parts.value()) {
        QString v = value;
        if (key == QLatin1String("dbname")) {
            hasDb = true;
            if (!database.isEmpty())
                v = database;
        }
        hasApp = hasApp || key == QLatin1String("application_name");
        hasTimeout = hasTimeout || key == QLatin1String("connect_timeout");
        conninfo += key + QLatin1Char('=') + conninfoValue(v) + QLatin1Char(' ');
    }
    if (!hasDb && !database.isEmpty())
        conninfo += QStringLiteral("dbname=") + conninfoValue(database) + QLatin1Char(' ');
    if (!hasApp)
        conninfo += QStringLiteral("application_name='strata backup' ");
    if (!hasTimeout)
        conninfo += QStringLiteral("connect_timeout=10 ");
    return conninfo.trimmed();
}

Environment pgEnvironmentFor(const Environment& env, const QString& database)
{
    Environment other = env;
    QUrl url(env.url, QUrl::StrictMode);
    if (url.isValid() && url.scheme().startsWith(QLatin1String("postgres"))) {
        url.setPath(QLatin1Char('/') + database);
        other.url = url.toString();
    } else if (auto conninfo = pgToolConninfo(env, database)) {
        other.url = conninfo.value(); // libpq takes keyword=value strings where it takes URLs
    }
    return other;
}

QString pgTargetDatabase(const Environment& env)
{
    auto parts = urlParts(env);
    if (!parts)
        return pgUrlDatabaseName(env.url);
    QString user;
    for (const auto& [key, value] : parts.value()) {
        if (key == QLatin1String("dbname") && !value.isEmpty())
            return value;
        if (key == QLatin1String("user"))
            user = value;
    }
    return user.isEmpty() ? qEnvironmentVariable("USER") : user;
}

Result<QList<TableRows>> countPgRows(PgSession& session)
{
    auto tables = session.query(
        "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = "
        "c.relnamespace WHERE c.relkind = 'r' AND c.relpersistence <> 't' AND n.nspname NOT IN "
        "('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%' AND NOT EXISTS "
        "(SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid "
        "AND d.deptype = 'e') ORDER BY 1, 2");
    if (!tables)
        return tables.error();
    QList<TableRows> rows;
    if (tables->isEmpty())
        return rows;
    // One query, one round trip: SELECT 0, count(*) FROM a UNION ALL SELECT 1, count(*) FROM b …
    QByteArray sql;
    for (qsizetype i = 0; i < tables->size(); ++i) {
        const QStringList& t = tables->at(i);
        if (i)
            sql += " UNION ALL ";
        sql += "SELECT " + QByteArray::number(i) + ", count(*) FROM " +
               PgSession::identifier(t[0]) + '.' + PgSession::identifier(t[1]);
        const QString name =
            t[0] == QLatin1String("public") ? t[1] : t[0] + QLatin1Char('.') + t[1];
        rows.append({name, 0});
    }
    auto counts = session.query(sql);
    if (!counts)
        return counts.error();
    for (const QStringList& c : counts.value())
        rows[c[0].toInt()].rows = c[1].toLongLong();
    return rows;
}

} // namespace strata
