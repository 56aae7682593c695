#pragma once

// The in-memory form of a Strata project: its databases (bindings), their dialect,
// history convention, migrations folder and environments. Loaded from strata.toml
// (projectfile.h) or from a wrangler.toml / wrangler.jsonc (wranglerconfig.h).

#include <QList>
#include <QString>

namespace strata {

enum class Dialect { Sqlite, D1, Postgres };
// Where applied migrations are recorded in the database itself.
enum class HistoryKind { Strata, Wrangler, Dbmate };

QString dialectName(Dialect dialect);
QString historyKindName(HistoryKind kind);

struct Environment
{
    enum class Kind {
        SqliteFile, // a local SQLite file (sqlite databases, and D1's local state)
        Postgres,   // a PostgreSQL server, reached by URL
        D1Remote    // a Cloudflare-hosted D1 database: known, not reachable from here
    };

    QString name;
    Kind kind = Kind::SqliteFile;
    QString path;             // SqliteFile: absolute file path
    QString url;              // Postgres: URL without a password
    QString passwordEnv;      // Postgres: environment variable holding the password
    QString passwordKeychain; // Postgres: OS keychain entry holding the password
    QString d1DatabaseId;     // D1: the database_id from wrangler.toml
    bool isProtected = false;

    // Where it lives, safe to print: file paths as they are, URLs without credentials.
    QString displayLocation() const;
};

struct Database
{
    QString binding; // e.g. DB, SSO_DB — unique within a project
    QString name;    // e.g. edgeauth-users
    Dialect dialect = Dialect::Sqlite;
    HistoryKind history = HistoryKind::Strata;
    QString historyTable;  // the history table's name; empty means the convention's default
    QString migrationsDir; // absolute path
    // The dialect the migration files are written in when a file does not say: "postgres" lets
    // a SQLite / D1 database take PostgreSQL-syntax migrations through the dialect engine.
    QString migrationsDialect;
    QList<Environment> environments;

    const Environment* environment(const QString& name) const;
    // The environment used when none is named: "local" if there is one, else the first.
    const Environment* defaultEnvironment() const;
};

// Where a project's backups go and how many are kept per database and environment
// ([backups] in strata.toml; docs/backups.md). An empty dir means the per-user default.
struct BackupSettings
{
    QString dir; // absolute; empty: <AppDataLocation>/backups/<project id>
    int keep = 10;
};

struct Project
{
    enum class Source { StrataToml, Wrangler };

    QString name;
    QString rootDir;    // absolute
    QString sourceFile; // absolute path of strata.toml / wrangler.toml / wrangler.jsonc
    Source source = Source::StrataToml;
    QList<Database> databases;
    BackupSettings backups;

    const Database* database(const QString& binding) const;
    // Bindings whose migrations folder is `dir` (more than one: a central folder).
    QStringList bindingsSharing(const QString& dir) const;
};

} // namespace strata
