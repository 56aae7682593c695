#include "erdcommand.h"

#include "cli.h"

#include "demoproject.h"
#include "diagramexport.h"
#include "diagrampositionstore.h"
#include "diagramscene.h"
#include "erdlayout.h"
#include "projectlocator.h"
#include "schemasource.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <cmath>

namespace strata {
namespace {

QString usageText()
{
    return QStringLiteral(
        "Usage: strata erd [OPTIONS] --format svg|png|pdf|dot -o FILE\n"
        "The ER diagram of one database, drawn without a window.\n\n"
        "Options:\n"
        "  --project PATH         a folder with strata.toml, or a wrangler.toml/.jsonc\n"
        "  --demo                 use the bundled demo project\n"
        "  --db BINDING           the database (needed when the project has several)\n"
        "  --env NAME             the schema of that environment's database (default: local,\n"
        "                         else the first)\n"
        "  --at V                 the schema the migration files give at version V\n"
        "  --format F             svg, png, pdf or dot (default: from the file name)\n"
        "  -o, --output FILE      where to write; '-' writes SVG or DOT to standard output\n"
        "  --scale S              PNG pixels per diagram unit (default 1)\n"
        "  --json                 report (or fail) in JSON\n\n"
        "Tables keep the positions you gave them in the window; the others are laid out with\n"
        "Graphviz. Exit codes: 0 ok, 1 failed, 2 usage or project error.\n");
}

struct Reporter
{
    QTextStream& out;
    QTextStream& err;
    bool json = false;

    int fail(int code, const Error& e) const
    {
        if (json) {
            QJsonObject o{{QStringLiteral("message"), e.message}};
            if (!e.file.isEmpty())
                o.insert(QStringLiteral("file"), e.file);
            out << QJsonDocument(QJsonObject{{QStringLiteral("error"), o}})
                       .toJson(QJsonDocument::Indented);
        } else {
            err << "strata: " << e.toString() << "\n";
        }
        return code;
    }
    int usage(const QString& message) const
    {
        if (json)
            return fail(ExitUsage, Error{message, {}, 0, 0, {}});
        err << "strata erd: " << message << "\nTry 'strata erd --help'.\n";
        return ExitUsage;
    }
};

Result<Project> loadProject(const QString& projectPath, bool demo)
{
    QString path = projectPath;
    if (demo) {
        auto dir = ensureDemoProject();
        if (!dir)
            return dir.error();
        path = dir.value();
    } else if (path.isEmpty()) {
        path = findProjectFile(QDir::currentPath());
        if (path.isEmpty())
            return Error{QStringLiteral("no project in this folder (no strata.toml, wrangler.toml "
                                        "or wrangler.jsonc): use --project PATH, or --demo"),
                         QDir::currentPath(), 0, 0, {}};
    }
    return openProject(path);
}

Result<const Database*> pickDatabase(const Project& project, const QString& binding)
{
    QStringList known;
    for (const Database& db : project.databases)
        known << db.binding;
    if (binding.isEmpty() && project.databases.size() == 1)
        return &project.databases.first();
    if (binding.isEmpty())
        return Error{QStringLiteral("the diagram shows one database: name it with --db (one of %1)")
                         .arg(known.join(QStringLiteral(", "))),
                     project.sourceFile, 0, 0, {}};
    if (const Database* db = project.database(binding))
        return db;
    return Error{QStringLiteral("no database with binding '%1' (known: %2)")
                     .arg(binding, known.join(QStringLiteral(", "))),
                 project.sourceFile, 0, 0, {}};
}

// The schema asked for, and words saying where it came from.
Result<std::pair<Schema, QString>> pickSchema(const Project& project, const Database& db,
                                              std::optional<qint64> at, const QString& envName)
{
    if (at) {
        auto history = fileSchemaHistory(project, db);
        if (!history)
            return history.error();
        QStringList known;
        for (const SchemaPoint& p : history->points) {
            if (p.version == *at)
                return std::pair{p.schema, QStringLiteral("files at version %1").arg(*at)};
            known << QString::number(p.version);
        }
        if (history->failure && *at > history->points.last().version)
            return *history->failure;
        return Error{QStringLiteral("%1 has no migration with version %2 (known: %3)")
                         .arg(db.binding)
                         .arg(*at)
                         .arg(known.join(QStringLiteral(", "))),
                     {}, 0, 0, {}};
    }
    const Environment* env = envName.isEmpty() ? db.defaultEnvironment() : db.environment(envName);
    if (!env)
        return Error{QStringLiteral("%1 has no environment '%2'").arg(db.binding, envName),
                     project.sourceFile, 0, 0, {}};
    auto schema = liveSchema(db, *env);
    if (!schema)
        return schema.error();
    return std::pair{schema.value(), QStringLiteral("environment %1").arg(env->name)};
}

} // namespace

bool isErdInvocation(const QStringList& arguments)
{
    return commandWord(arguments) == QLatin1String("erd");
}

int runErdCommand(const QStringList& arguments, QTextStream& out, QTextStream& err)
{
    QCommandLineParser parser;
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption project(QStringLiteral("project"), {}, QStringLiteral("path"));
    const QCommandLineOption demo(QStringLiteral("demo"));
    const QCommandLineOption db(QStringLiteral("db"), {}, QStringLiteral("binding"));
    const QCommandLineOption env(QStringLiteral("env"), {}, QStringLiteral("name"));
    const QCommandLineOption at(QStringLiteral("at"), {}, QStringLiteral("version"));
    const QCommandLineOption format(QStringLiteral("format"), {}, QStringLiteral("format"));
    const QCommandLineOption output(QStringList{QStringLiteral("o"), QStringLiteral("output")}, {},
                                    QStringLiteral("file"));
    const QCommandLineOption scale(QStringLiteral("scale"), {}, QStringLiteral("factor"));
    const QCommandLineOption json(QStringLiteral("json"));
    const QCommandLineOption help(QStringList{QStringLiteral("help"), QStringLiteral("h")});
    parser.addOptions({project, demo, db, env, at, format, output, scale, json, help});

    Reporter report{out, err, arguments.contains(QStringLiteral("--json"))};
    if (!parser.parse(arguments))
        return report.usage(parser.errorText());
    if (parser.isSet(help)) {
        out << usageText();
        return ExitOk;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        return report.usage(QStringLiteral("unexpected argument '%1'").arg(positional.value(1)));
    const QString target = parser.value(output);
    if (target.isEmpty())
        return report.usage(QStringLiteral("say where to write the diagram: -o FILE"));
    const QString formatName = parser.isSet(format) ? parser.value(format).toLower()
                                                    : QFileInfo(target).suffix().toLower();
    const bool dot = formatName == QLatin1String("dot") || formatName == QLatin1String("gv");
    const std::optional<DiagramFormat> drawn = diagramFormatFromName(formatName);
    if (!dot && !drawn)
        return report.usage(
            QStringLiteral("--format takes svg, png, pdf or dot (got '%1')").arg(formatName));
    const bool toStdout = target == QLatin1String("-");
    if (toStdout && drawn && *drawn != DiagramFormat::Svg)
        return report.usage(QStringLiteral("%1 goes to a file: -o FILE").arg(formatName));
    std::optional<qint64> version;
    if (parser.isSet(at)) {
        bool ok = false;
        version = parser.value(at).toLongLong(&ok);
        if (!ok || *version < 0)
            return report.usage(QStringLiteral("--at takes a version number, e.g. --at 12"));
        if (parser.isSet(env))
            return report.usage(QStringLiteral("--at (the files) and --env (a live database) "
                                               "exclude each other"));
    }
    double factor = 1.0;
    if (parser.isSet(scale)) {
        bool ok = false;
        factor = parser.value(scale).toDouble(&ok);
        if (!ok || factor <= 0 || factor > 16)
            return report.usage(QStringLiteral("--scale takes a factor above 0, e.g. --scale 2"));
    }

    auto proj = loadProject(parser.value(project), parser.isSet(demo));
    if (!proj)
        return report.fail(ExitUsage, proj.error());
    auto database = pickDatabase(proj.value(), parser.value(db));
    if (!database)
        return report.fail(ExitUsage, database.error());
    auto picked = pickSchema(proj.value(), *database.value(), version, parser.value(env));
    if (!picked)
        return report.fail(version ? ExitFailed : ExitUsage, picked.error());
    const auto& [schema, source] = picked.value();

    // Positions come from the window's store but are never written back from here.
    DiagramScene scene;
    scene.setDatabase(QString(), database.value()->binding);
    scene.applyPositions(
        DiagramPositionStore(proj->sourceFile, database.value()->binding).load());
    scene.setAutoLayout(dot ? DiagramScene::AutoLayout::Off : DiagramScene::AutoLayout::Immediate);
    QString layoutError;
    QObject::connect(&scene, &DiagramScene::layoutFailed,
                     [&layoutError](const QString& m) { layoutError = m; });
    scene.setSchema(schema);
    if (!layoutError.isEmpty())
        return report.fail(ExitFailed, Error{layoutError, {}, 0, 0, {}});

    QByteArray bytes;
    if (dot)
        bytes = ErdLayout::toDot(scene.layoutGraph(), ErdEngine::Automatic, DotOptions{true});
    else if (*drawn == DiagramFormat::Svg)
        bytes = diagramToSvg(scene);
    if (toStdout) {
        out << QString::fromUtf8(bytes);
        return ExitOk;
    }
    if (!bytes.isEmpty()) {
        QSaveFile f(target);
        if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size() || !f.commit())
            return report.fail(ExitFailed, Error{QStringLiteral("could not write the diagram: %1")
                                                     .arg(f.errorString()),
                                                 target, 0, 0, {}});
    } else {
        if (*drawn == DiagramFormat::Png && !parser.isSet(scale)) {
            // A big schema at one pixel per unit passes what viewers open: shrink to fit.
            const QSize size = diagramImageSize(scene, 1.0);
            const int side = std::max(size.width(), size.height());
            if (side > maxImageSide) {
                factor = std::floor(100.0 * maxImageSide / side) / 100.0;
                if (!report.json)
                    err << "strata erd: the diagram is " << size.width() << " × " << size.height()
                        << " units; writing the PNG at scale " << factor << "\n";
            }
        }
        if (Status s = exportDiagram(scene, target, *drawn, factor); !s)
            return report.fail(ExitFailed, s.error());
    }

    const int tables = int(scene.tableItems().size());
    const int keys = int(scene.relationItems().size());
    if (report.json) {
        out << QJsonDocument(QJsonObject{{QStringLiteral("binding"), database.value()->binding},
                                         {QStringLiteral("source"), source},
                                         {QStringLiteral("format"), dot ? QStringLiteral("dot")
                                                                        : formatName},
                                         {QStringLiteral("file"), QFileInfo(target).absoluteFilePath()},
                                         {QStringLiteral("tables"), tables},
                                         {QStringLiteral("foreign_keys"), keys}})
                   .toJson(QJsonDocument::Indented);
    } else {
        out << database.value()->binding << " — " << source << ": " << tables << " tables, "
            << keys << " foreign keys → " << QDir::toNativeSeparators(target) << "\n";
    }
    return ExitOk;
}

} // namespace strata
