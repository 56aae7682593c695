#include "pgdatabaseshape.h"

#include "pgsession.h"

#include <QSet>
#include <QStringList>

namespace strata {
namespace {

// The values of these settings are lists stored already quoted (as pg_dump knows them too);
// every other value is written back as one string literal.
bool isListSetting(const QString& name)
{
    static const QSet<QString> lists{QStringLiteral("search_path"),
                                     QStringLiteral("temp_tablespaces"),
                                     QStringLiteral("session_preload_libraries"),
                                     QStringLiteral("local_preload_libraries"),
                                     QStringLiteral("shared_preload_libraries"),
                                     QStringLiteral("unix_socket_directories")};
    return lists.contains(name.toLower());
}

} // namespace

QByteArray pgDatabaseShapeQuery(int serverVersion)
{
    // Provider, locale, ICU rules: see the table in the header.
    QByteArray locale;
    if (serverVersion >= 170000)
        locale = "d.datlocprovider::text, d.datlocale, d.daticurules";
    else if (serverVersion >= 160000)
        locale = "d.datlocprovider::text, d.daticulocale, d.daticurules";
    else if (serverVersion >= 150000)
        locale = "d.datlocprovider::text, d.daticulocale, NULL";
    else
        locale = "'c', NULL, NULL";
    return "SELECT d.oid::text, pg_get_userbyid(d.datdba), pg_encoding_to_char(d.encoding), "
           "d.datcollate, d.datctype, t.spcname, d.datconnlimit::text, " +
           locale +
           ", pg_has_role(current_user, d.datdba, 'MEMBER')::text FROM pg_database d JOIN "
           "pg_tablespace t ON t.oid = d.dattablespace WHERE d.datname = $1";
}

Result<PgDatabaseShape> readPgDatabaseShape(PgSession& s, const QString& database)
{
    auto rows = s.query(pgDatabaseShapeQuery(s.serverVersion()), {database});
    if (!rows)
        return rows.error();
    PgDatabaseShape f;
    if (rows->isEmpty())
        return f;
    const QStringList& r = rows->first();
    f.exists = true;
    f.oid = r[0];
    f.owner = r[1];
    f.encoding = r[2];
    f.collate = r[3];
    f.ctype = r[4];
    f.tablespace = r[5];
    f.connLimit = r[6];
    f.provider = r[7];
    f.locale = r[8];
    f.icuRules = r[9];
    f.ownedByUs = r[10] == QLatin1String("true");
    return f;
}

QByteArray pgCreateDatabaseSql(const PgSession& s, const QString& name, const PgDatabaseShape& t,
                               int serverVersion)
{
    QByteArray create = "CREATE DATABASE " + PgSession::identifier(name) + " TEMPLATE template0";
    if (!t.exists)
        return create;
    create += " OWNER " + PgSession::identifier(t.owner) + " ENCODING " + s.literal(t.encoding) +
              " LC_COLLATE " + s.literal(t.collate) + " LC_CTYPE " + s.literal(t.ctype) +
              " CONNECTION LIMIT " + t.connLimit.toLatin1();
    // Naming a tablespace needs CREATE on it, even pg_default: only when it is another one.
    if (t.tablespace != QLatin1String("pg_default"))
        create += " TABLESPACE " + PgSession::identifier(t.tablespace);
    if (t.provider == QLatin1String("i")) {
        create += " LOCALE_PROVIDER icu ICU_LOCALE " + s.literal(t.locale);
        if (serverVersion >= 160000 && !t.icuRules.isEmpty())
            create += " ICU_RULES " + s.literal(t.icuRules);
    } else if (t.provider == QLatin1String("b")) {
        create += " LOCALE_PROVIDER builtin BUILTIN_LOCALE " + s.literal(t.locale);
    }
    return create;
}

QList<QByteArray> pgShapedDatabaseSql(PgSession& s, const QString& scratch,
                                      const PgDatabaseShape& t, QString* problem)
{
    const QByteArray name = PgSession::identifier(scratch);
    QList<QByteArray> sql{pgCreateDatabaseSql(s, scratch, t, s.serverVersion())};
    if (!t.exists)
        return sql;
    auto settings = s.query("SELECT coalesce(r.rolname, ''), unnest(st.setconfig) FROM "
                            "pg_db_role_setting st LEFT JOIN pg_roles r ON r.oid = st.setrole "
                            "WHERE st.setdatabase = $1::oid",
                            {t.oid});
    auto acl = s.query("SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE "
                       "quote_ident(pg_get_userbyid(a.grantee)) END, a.privilege_type, "
                       "a.is_grantable::text FROM pg_database d, aclexplode(d.datacl) a WHERE "
                       "d.oid = $1::oid",
                       {t.oid});
    auto hasAcl =
        s.value("SELECT (datacl IS NOT NULL)::text FROM pg_database WHERE oid = $1::oid", {t.oid});
    auto comment = s.value("SELECT shobj_description($1::oid, 'pg_database')", {t.oid});
    if (!settings || !acl || !hasAcl || !comment) {
        *problem = (!settings ? settings.error()
                    : !acl    ? acl.error()
                    : !hasAcl ? hasAcl.error()
                              : comment.error())
                       .message;
        return {};
    }
    for (const QStringList& row : settings.value()) {
        const qsizetype eq = row[1].indexOf(QLatin1Char('='));
        const QString key = row[1].left(eq), value = row[1].mid(eq + 1);
        const QByteArray v = isListSetting(key) ? value.toUtf8() : s.literal(value);
        QByteArray alter = "ALTER DATABASE " + name;
        if (!row[0].isEmpty())
            alter = "ALTER ROLE " + PgSession::identifier(row[0]) + " IN DATABASE " + name;
        sql << alter + " SET " + PgSession::identifier(key) + " = " + v;
    }
    if (hasAcl.value() == QLatin1String("true")) {
        sql << "REVOKE ALL ON DATABASE " + name + " FROM PUBLIC";
        for (const QStringList& row : acl.value())
            sql << "GRANT " + row[1].toLatin1() + " ON DATABASE " + name + " TO " +
                       row[0].toUtf8() +
                       (row[2] == QLatin1String("true") ? " WITH GRANT OPTION" : "");
    }
    if (!comment->isNull())
        sql << "COMMENT ON DATABASE " + name + " IS " + s.literal(comment.value());
    return sql;
}

} // namespace strata
