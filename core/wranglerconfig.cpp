#include "wranglerconfig.h"

#include "d1localstate.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <toml++/toml.h>

namespace strata {
namespace {

// One [[d1_databases]] entry, whichever file format it came from.
struct D1Entry
{
    QString binding;
    QString databaseName;
    QString databaseId;
    QString previewDatabaseId;
    QString migrationsDir;
    QString migrationsTable;
    int line = 0;
};

struct WranglerData
{
    QString name;
    QList<D1Entry> databases;
    QList<QPair<QString, QList<D1Entry>>> environments; // [env.<name>] → its d1_databases
};

int lineAt(const QByteArray& text, qsizetype offset)
{
    return int(text.left(offset).count('\n')) + 1;
}

Result<D1Entry> entryFromJson(const QJsonValue& v, int line, const QString& file)
{
    if (!v.isObject())
        return Error{QStringLiteral("every d1_databases entry must be an object"), file, line, 0, {}};
    const QJsonObject o = v.toObject();
    D1Entry e;
    e.binding = o.value(QLatin1String("binding")).toString();
    e.databaseName = o.value(QLatin1String("database_name")).toString();
    e.databaseId = o.value(QLatin1String("database_id")).toString();
    e.previewDatabaseId = o.value(QLatin1String("preview_database_id")).toString();
    e.migrationsDir = o.value(QLatin1String("migrations_dir")).toString();
    e.migrationsTable = o.value(QLatin1String("migrations_table")).toString();
    e.line = line;
    return e;
}

Result<QList<D1Entry>> entriesFromJson(const QJsonObject& scope, const QByteArray& text,
                                       const QString& file)
{
    QList<D1Entry> out;
    const QJsonValue dbs = scope.value(QLatin1String("d1_databases"));
    if (dbs.isUndefined())
        return out;
    const int line = lineAt(text, text.indexOf("\"d1_databases\""));
    if (!dbs.isArray())
        return Error{QStringLiteral("d1_databases must be an array"), file, line, 0, {}};
    for (const QJsonValue& v : dbs.toArray()) {
        auto e = entryFromJson(v, line, file);
        if (!e)
            return e.error();
        out << e.value();
    }
    return out;
}

Result<WranglerData> readJson(const QString& file)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return Error{QStringLiteral("cannot read: ") + f.errorString(), file, 0, 0, {}};
    const QByteArray json = jsoncToJson(f.readAll());
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    if (err.error != QJsonParseError::NoError)
        return Error{err.errorString(), file, lineAt(json, err.offset), 0, {}};
    if (!doc.isObject())
        return Error{QStringLiteral("expected a JSON object at the top"), file, 1, 0, {}};
    const QJsonObject root = doc.object();
    WranglerData data;
    data.name = root.value(QLatin1String("name")).toString();
    auto top = entriesFromJson(root, json, file);
    if (!top)
        return top.error();
    data.databases = top.value();
    const QJsonObject envs = root.value(QLatin1String("env")).toObject();
    for (auto it = envs.begin(); it != envs.end(); ++it) {
        auto list = entriesFromJson(it.value().toObject(), json, file);
        if (!list)
            return list.error();
        data.environments.append({it.key(), list.value()});
    }
    return data;
}

QString tomlString(const toml::table& t, std::string_view key)
{
    if (auto v = t[key].value<std::string>())
        return QString::fromStdString(*v);
    return {};
}

Result<QList<D1Entry>> entriesFromToml(const toml::table& scope, const QString& file)
{
    QList<D1Entry> out;
    const toml::node* dbs = scope.get("d1_databases");
    if (!dbs)
        return out;
    const toml::array* arr = dbs->as_array();
    if (!arr)
        return Error{QStringLiteral("d1_databases must be written as [[d1_databases]]"), file,
                     int(dbs->source().begin.line), 0, {}};
    for (const toml::node& n : *arr) {
        const toml::table* t = n.as_table();
        if (!t)
            return Error{QStringLiteral("every d1_databases entry must be a table"), file,
                         int(n.source().begin.line), 0, {}};
        D1Entry e;
        e.binding = tomlString(*t, "binding");
        e.databaseName = tomlString(*t, "database_name");
        e.databaseId = tomlString(*t, "database_id");
        e.previewDatabaseId = tomlString(*t, "preview_database_id");
        e.migrationsDir = tomlString(*t, "migrations_dir");
        e.migrationsTable = tomlString(*t, "migrations_table");
        e.line = int(n.source().begin.line);
        out << e;
    }
    return out;
}

Result<WranglerData> readToml(const QString& file)
{
    toml::table root;
    try {
        root = toml::parse_file(file.toStdString());
    } catch (const toml::parse_error& e) {
        return Error{QString::fromUtf8(e.description()), file, int(e.source().begin.line),
                     int(e.source().begin.column), {}};
    }
    WranglerData data;
    data.name = tomlString(root, "name");
    auto top = entriesFromToml(root, file);
    if (!top)
        return top.error();
    data.databases = top.value();
    if (const toml::table* envs = root["env"].as_table()) {
        for (auto&& [key, node] : *envs) {
            const toml::table* envTable = node.as_table();
            if (!envTable)
                continue;
            auto list = entriesFromToml(*envTable, file);
            if (!list)
                return list.error();
            data.environments.append({QString::fromUtf8(key.str()), list.value()});
        }
    }
    return data;
}

bool isProductionName(const QString& env)
{
    return env.compare(QLatin1String("production"), Qt::CaseInsensitive) == 0 ||
           env.compare(QLatin1String("prod"), Qt::CaseInsensitive) == 0;
}

} // namespace

QByteArray jsoncToJson(const QByteArray& text)
{
    QByteArray out = text;
    const qsizetype n = out.size();
    // Pass 1: blank comments out, keeping newlines so that offsets keep their line.
    for (qsizetype i = 0; i < n; ++i) {
        if (out[i] == '"') {
            for (++i; i < n && out[i] != '"'; ++i)
                if (out[i] == '\\')
                    ++i;
        } else if (out[i] == '/' && i + 1 < n && out[i + 1] == '/') {
            for (; i < n && out[i] != '\n'; ++i)
                out[i] = ' ';
        } else if (out[i] == '/' && i + 1 < n && out[i + 1] == '*') {
            qsizetype j = i + 2;
            while (j + 1 < n && !(out[j] == '*' && out[j + 1] == '/'))
                ++j;
            const qsizetype last = qMin(j + 1, n - 1);
            for (; i <= last; ++i)
                if (out[i] != '\n')
                    out[i] = ' ';
            --i;
        }
    }
    // Pass 2: a comma whose next significant character closes an object or array goes.
    for (qsizetype i = 0; i < n; ++i) {
        if (out[i] == '"') {
            for (++i; i < n && out[i] != '"'; ++i)
                if (out[i] == '\\')
                    ++i;
        } else if (out[i] == ',') {
            qsizetype j = i + 1;
            while (j < n && QChar::isSpace(uchar(out[j])))
                ++j;
            if (j < n && (out[j] == '}' || out[j] == ']'))
                out[i] = ' ';
        }
    }
    return out;
}

Result<Project> loadWranglerConfig(const QString& filePath)
{
    const QFileInfo info(filePath);
    const QString file = info.absoluteFilePath();
    if (!info.exists())
        return Error{QStringLiteral("wrangler configuration not found"), file, 0, 0, {}};
    const bool isToml = info.suffix().compare(QLatin1String("toml"), Qt::CaseInsensitive) == 0;
    auto data = isToml ? readToml(file) : readJson(file);
    if (!data)
        return data.error();

    Project project;
    project.source = Project::Source::Wrangler;
    project.sourceFile = file;
    project.rootDir = info.absolutePath();
    project.name = data->name.isEmpty() ? QDir(project.rootDir).dirName() : data->name;
    const QString persistRoot = project.rootDir + QStringLiteral("/.wrangler/state");

    if (data->databases.isEmpty())
        return Error{QStringLiteral("no [[d1_databases]] in this wrangler configuration: nothing "
                                    "for Strata to manage"),
                     file, 1, 0, {}};
    for (const D1Entry& e : data->databases) {
        if (e.binding.isEmpty())
            return Error{QStringLiteral("a d1_databases entry has no binding"), file, e.line, 0, {}};
        if (project.database(e.binding))
            return Error{QStringLiteral("binding %1 is declared twice").arg(e.binding), file,
                         e.line, 0, {}};
        Database db;
        db.binding = e.binding;
        db.name = e.databaseName.isEmpty() ? e.binding : e.databaseName;
        db.dialect = Dialect::D1;
        db.history = HistoryKind::Wrangler;
        db.historyTable = e.migrationsTable;
        static const QRegularExpression plain(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
        if (!db.historyTable.isEmpty() && !plain.match(db.historyTable).hasMatch())
            return Error{QStringLiteral("migrations_table of %1 must be a plain table name")
                             .arg(e.binding),
                         file, e.line, 0, {}};
        db.migrationsDir = QDir::cleanPath(QDir(project.rootDir).absoluteFilePath(
            e.migrationsDir.isEmpty() ? QStringLiteral("migrations") : e.migrationsDir));

        // wrangler names the local database after preview_database_id, else database_id, else
        // the binding (wrangler 4's executeLocally: previewDatabaseUuid ?? uuid).
        Environment local;
        local.name = QStringLiteral("local");
        local.kind = Environment::Kind::SqliteFile;
        local.d1DatabaseId = !e.previewDatabaseId.isEmpty() ? e.previewDatabaseId
                             : !e.databaseId.isEmpty()       ? e.databaseId
                                                             : e.binding;
        local.path = d1LocalDatabasePath(persistRoot, local.d1DatabaseId);
        db.environments << local;

        for (const auto& [envName, entries] : data->environments) {
            for (const D1Entry& envEntry : entries) {
                if (envEntry.binding != e.binding)
                    continue;
                Environment remote;
                remote.name = envName;
                remote.kind = Environment::Kind::D1Remote;
                remote.d1DatabaseId = envEntry.databaseId;
                remote.isProtected = isProductionName(envName);
                db.environments << remote;
            }
        }
        project.databases << db;
    }
    return project;
}

} // namespace strata
