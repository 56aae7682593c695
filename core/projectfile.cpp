#include "projectfile.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QUrl>
#include <QUrlQuery>

#include <toml++/toml.h>

#include <optional>
#include <set>

namespace strata {
namespace {

// Turns toml++'s exceptions and node regions into Errors that name the file and line.
class TomlReader
{
public:
    explicit TomlReader(QString file) : m_file(std::move(file)) {}

    Error errorAt(const toml::node& node, const QString& message) const
    {
        return Error{message, m_file, int(node.source().begin.line),
                     int(node.source().begin.column), {}};
    }

    // Fails on keys outside `allowed`, so a misspelt key is reported instead of ignored.
    std::optional<Error> checkKeys(const toml::table& table, const QString& section,
                                   const std::set<std::string_view>& allowed) const
    {
        for (auto&& [key, node] : table) {
            if (!allowed.count(key.str()))
                return errorAt(node, QStringLiteral("unknown key '%1' in %2")
                                         .arg(QString::fromUtf8(key.str()), section));
        }
        return std::nullopt;
    }

    // A string value, or an Error if present with another type. nullopt when absent.
    Result<std::optional<QString>> string(const toml::table& table, std::string_view key,
                                          const QString& section) const
    {
        const toml::node* node = table.get(key);
        if (!node)
            return std::optional<QString>{};
        if (!node->is_string())
            return errorAt(*node, QStringLiteral("'%1' in %2 must be a string")
                                      .arg(QString::fromUtf8(key), section));
        return std::optional<QString>{QString::fromStdString(**node->as_string())};
    }

    Result<bool> boolean(const toml::table& table, std::string_view key, const QString& section,
                         bool fallback) const
    {
        const toml::node* node = table.get(key);
        if (!node)
            return fallback;
        if (!node->is_boolean())
            return errorAt(*node, QStringLiteral("'%1' in %2 must be true or false")
                                      .arg(QString::fromUtf8(key), section));
        return **node->as_boolean();
    }

    const QString& file() const { return m_file; }

private:
    QString m_file;
};

// libpq also takes a password as a query parameter (?password=…), and the passphrase of the
// client key as ?sslpassword=…: both refused like a password in the authority part.
bool urlHasPasswordParameter(const QUrl& url)
{
    const QUrlQuery query(url);
    for (const auto& [key, value] : query.queryItems())
        if (key.compare(QLatin1String("password"), Qt::CaseInsensitive) == 0 ||
            key.compare(QLatin1String("sslpassword"), Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

bool isPlainIdentifier(const QString& name)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
    return re.match(name).hasMatch();
}

QString resolve(const QString& root, const QString& path)
{
    return QDir::cleanPath(QDir(root).absoluteFilePath(path));
}

Result<Environment> readEnvironment(const TomlReader& r, const QString& root, const Database& db,
                                    const QString& envName, const toml::node& node)
{
    const QString section = QStringLiteral("[database.env.%1] of %2").arg(envName, db.binding);
    const toml::table* t = node.as_table();
    if (!t)
        return r.errorAt(node, section + QStringLiteral(" must be a table"));
    if (auto e = r.checkKeys(*t, section,
                             {"path", "url", "password_env", "password_keychain", "protected"}))
        return *e;

    Environment env;
    env.name = envName;
    auto path = r.string(*t, "path", section);
    auto url = r.string(*t, "url", section);
    auto pwEnv = r.string(*t, "password_env", section);
    auto pwKey = r.string(*t, "password_keychain", section);
    auto prot = r.boolean(*t, "protected", section, false);
    for (const auto* res : {&path, &url, &pwEnv, &pwKey})
        if (!res->ok())
            return res->error();
    if (!prot)
        return prot.error();
    env.isProtected = prot.value();

    if (db.dialect == Dialect::Postgres) {
        if (!url.value())
            return r.errorAt(node, section + QStringLiteral(" needs a 'url' (postgres dialect)"));
        const QUrl u(*url.value(), QUrl::StrictMode);
        if (!u.isValid() || (u.scheme() != QLatin1String("postgres") &&
                             u.scheme() != QLatin1String("postgresql")))
            return r.errorAt(*t->get("url"), section + QStringLiteral(" has an invalid url: "
                                                                      "expected postgresql://…"));
        if (!u.password().isEmpty() || urlHasPasswordParameter(u))
            return r.errorAt(*t->get("url"),
                             section + QStringLiteral(" puts a password in the url; passwords never "
                                                      "go in the project file: use password_env "
                                                      "or password_keychain"));
        env.kind = Environment::Kind::Postgres;
        env.url = *url.value();
        env.passwordEnv = pwEnv.value().value_or(QString());
        env.passwordKeychain = pwKey.value().value_or(QString());
    } else {
        if (!path.value())
            return r.errorAt(node, section + QStringLiteral(" needs a 'path' to a SQLite file"));
        if (url.value())
            return r.errorAt(*t->get("url"),
                             section + QStringLiteral(" has a 'url', but %1 databases are files")
                                           .arg(dialectName(db.dialect)));
        env.kind = Environment::Kind::SqliteFile;
        env.path = resolve(root, *path.value());
    }
    return env;
}

Result<Database> readDatabase(const TomlReader& r, const QString& root,
                              const QString& defaultMigrations, const toml::node& node, int index)
{
    const toml::table* t = node.as_table();
    QString section = QStringLiteral("[[database]] #%1").arg(index + 1);
    if (!t)
        return r.errorAt(node, section + QStringLiteral(" must be a table"));
    if (auto e = r.checkKeys(*t, section, {"binding", "name", "dialect", "history",
                                           "history_table", "migrations", "migrations_dialect", "env"}))
        return *e;

    Database db;
    auto binding = r.string(*t, "binding", section);
    if (!binding)
        return binding.error();
    if (!binding.value() || binding.value()->isEmpty())
        return r.errorAt(node, section + QStringLiteral(" needs a 'binding' (e.g. \"DB\")"));
    db.binding = *binding.value();
    section = QStringLiteral("database %1").arg(db.binding);

    auto name = r.string(*t, "name", section);
    auto dialect = r.string(*t, "dialect", section);
    auto history = r.string(*t, "history", section);
    auto historyTable = r.string(*t, "history_table", section);
    auto migrations = r.string(*t, "migrations", section);
    auto migrationsDialect = r.string(*t, "migrations_dialect", section);
    for (const auto* res : {&name, &dialect, &history, &historyTable, &migrations,
                            &migrationsDialect})
        if (!res->ok())
            return res->error();
    db.name = name.value().value_or(db.binding);

    const QString dialectText = dialect.value().value_or(QStringLiteral("sqlite"));
    if (dialectText == QLatin1String("sqlite"))
        db.dialect = Dialect::Sqlite;
    else if (dialectText == QLatin1String("d1"))
        db.dialect = Dialect::D1;
    else if (dialectText == QLatin1String("postgres") || dialectText == QLatin1String("postgresql"))
        db.dialect = Dialect::Postgres;
    else
        return r.errorAt(*t->get("dialect"),
                         section + QStringLiteral(": unknown dialect '%1' (expected sqlite, d1 or "
                                                  "postgres)")
                                       .arg(dialectText));

    db.history = db.dialect == Dialect::D1 ? HistoryKind::Wrangler : HistoryKind::Strata;
    if (history.value()) {
        const QString h = *history.value();
        if (h == QLatin1String("strata"))
            db.history = HistoryKind::Strata;
        else if (h == QLatin1String("wrangler") || h == QLatin1String("d1_migrations"))
            db.history = HistoryKind::Wrangler;
        else if (h == QLatin1String("dbmate"))
            db.history = HistoryKind::Dbmate;
        else
            return r.errorAt(*t->get("history"),
                             section + QStringLiteral(": unknown history '%1' (expected strata, "
                                                      "wrangler or dbmate)")
                                           .arg(h));
        if (db.history == HistoryKind::Wrangler && db.dialect == Dialect::Postgres)
            return r.errorAt(*t->get("history"),
                             section + QStringLiteral(": wrangler history is for d1 or sqlite "
                                                      "databases"));
    }
    db.migrationsDialect = migrationsDialect.value().value_or(QString());
    if (!db.migrationsDialect.isEmpty()) {
        const bool known = db.migrationsDialect == QLatin1String("postgres") ||
                           db.migrationsDialect == dialectName(db.dialect);
        if (!known)
            return r.errorAt(*t->get("migrations_dialect"),
                             section + QStringLiteral(": migrations_dialect '%1' is not one Strata "
                                                      "can apply to a %2 database (expected "
                                                      "postgres or %2)")
                                           .arg(db.migrationsDialect, dialectName(db.dialect)));
    }
    db.historyTable = historyTable.value().value_or(QString());
    if (!db.historyTable.isEmpty() && !isPlainIdentifier(db.historyTable))
        return r.errorAt(*t->get("history_table"),
                         section + QStringLiteral(": history_table must be a plain table name "
                                                  "(letters, digits, _)"));

    const QString migrationsDir = migrations.value().value_or(defaultMigrations);
    if (migrationsDir.isEmpty())
        return r.errorAt(node, section + QStringLiteral(" needs 'migrations' (a folder), or set "
                                                        "[project] migrations"));
    db.migrationsDir = resolve(root, migrationsDir);

    if (const toml::node* envs = t->get("env")) {
        const toml::table* envTable = envs->as_table();
        if (!envTable)
            return r.errorAt(*envs, section + QStringLiteral(": 'env' must be a table of "
                                                             "environments"));
        for (auto&& [key, envNode] : *envTable) {
            auto env = readEnvironment(r, root, db, QString::fromUtf8(key.str()), envNode);
            if (!env)
                return env.error();
            db.environments << env.value();
        }
    }
    if (db.environments.isEmpty())
        return r.errorAt(node, section + QStringLiteral(" has no environment: add "
                                                        "[database.env.local] with a path"));
    return db;
}

} // namespace

Result<Project> loadStrataToml(const QString& filePath)
{
    const QFileInfo info(filePath);
    const QString file = info.absoluteFilePath();
    TomlReader r(file);
    toml::table root;
    try {
        root = toml::parse_file(file.toStdString());
    } catch (const toml::parse_error& e) {
        if (!info.exists())
            return Error{QStringLiteral("project file not found"), file, 0, 0, {}};
        return Error{QString::fromUtf8(e.description()), file, int(e.source().begin.line),
                     int(e.source().begin.column), {}};
    }

    Project project;
    project.sourceFile = file;
    project.rootDir = info.absolutePath();
    project.source = Project::Source::StrataToml;

    if (auto e = r.checkKeys(root, QStringLiteral("the project file"), {"project", "database", "backups"}))
        return *e;

    QString defaultMigrations;
    if (const toml::node* p = root.get("project")) {
        const toml::table* pt = p->as_table();
        if (!pt)
            return r.errorAt(*p, QStringLiteral("[project] must be a table"));
        if (auto e = r.checkKeys(*pt, QStringLiteral("[project]"), {"name", "migrations"}))
            return *e;
        auto name = r.string(*pt, "name", QStringLiteral("[project]"));
        auto migrations = r.string(*pt, "migrations", QStringLiteral("[project]"));
        if (!name)
            return name.error();
        if (!migrations)
            return migrations.error();
        project.name = name.value().value_or(QString());
        defaultMigrations = migrations.value().value_or(QString());
    }
    if (project.name.isEmpty())
        project.name = QDir(project.rootDir).dirName();

    if (const toml::node* b = root.get("backups")) {
        const toml::table* bt = b->as_table();
        if (!bt)
            return r.errorAt(*b, QStringLiteral("[backups] must be a table"));
        if (auto e = r.checkKeys(*bt, QStringLiteral("[backups]"), {"dir", "keep"}))
            return *e;
        auto dir = r.string(*bt, "dir", QStringLiteral("[backups]"));
        if (!dir)
            return dir.error();
        if (dir.value() && !dir.value()->isEmpty())
            project.backups.dir = resolve(project.rootDir, *dir.value());
        if (const toml::node* keep = bt->get("keep")) {
            const auto n = keep->value<int64_t>();
            if (!keep->is_integer() || !n || *n < 1 || *n > 100000)
                return r.errorAt(*keep, QStringLiteral("'keep' in [backups] must be a whole number "
                                                       "of at least 1"));
            project.backups.keep = int(*n);
        }
    }

    const toml::node* dbs = root.get("database");
    if (!dbs)
        return Error{QStringLiteral("no database: add a [[database]] section"), file, 1, 0, {}};
    const toml::array* arr = dbs->as_array();
    if (!arr || !arr->is_array_of_tables())
        return r.errorAt(*dbs, QStringLiteral("'database' must be written as [[database]] "
                                              "sections"));
    for (size_t i = 0; i < arr->size(); ++i) {
        auto db = readDatabase(r, project.rootDir, defaultMigrations, *arr->get(i), int(i));
        if (!db)
            return db.error();
        if (project.database(db->binding))
            return r.errorAt(*arr->get(i), QStringLiteral("binding %1 is declared twice")
                                               .arg(db->binding));
        project.databases << db.value();
    }
    return project;
}

} // namespace strata
