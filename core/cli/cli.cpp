#include "cli.h"

#include "clicommands.h"

#include <QCommandLineParser>

namespace strata {
namespace {

const QStringList& commandNames()
{
    static const QStringList names = {QStringLiteral("status"), QStringLiteral("up"),
                                      QStringLiteral("down"),   QStringLiteral("new"),
                                      QStringLiteral("baseline"), QStringLiteral("schema"),
                                      QStringLiteral("diff"), QStringLiteral("erd"),
                                      QStringLiteral("backup"), QStringLiteral("backups"),
                                      QStringLiteral("restore"), QStringLiteral("copy")};
    return names;
}

QString usageText()
{
    return QStringLiteral(
        "Usage: strata [COMMAND] [OPTIONS]\n"
        "Without a command, opens the window.\n\n"
        "Commands:\n"
        "  status                 what is applied, pending and drifted, per database\n"
        "  up                     apply pending migrations (--to V, --dry-run)\n"
        "  down                   revert applied migrations (--steps N or --to V)\n"
        "  new NAME               write the next-numbered migration file (--db X)\n"
        "  baseline V             record migrations up to V as applied, without running them\n"
        "  schema                 the schema of --env (live) or --at V (from the files)\n"
        "  diff                   --from V1 --to V2 (files), --env A --env2 B (live), or\n"
        "                         --env A alone (the files against the live database)\n"
        "  translate [FILE|-]     PostgreSQL SQL to SQLite or D1: --to sqlite|d1 (default sqlite)\n"
        "  erd                    the ER diagram: --format svg|png|pdf|dot -o FILE (erd --help)\n"
        "  backup                 back up --db X in --env E into the project's backup store\n"
        "  backups                list the backups (newest first)\n"
        "  restore ID|PATH        restore a backup (verified first; the current database is\n"
        "                         kept beside it); or restore --before V: the restore point\n"
        "                         from just before migration V\n"
        "  copy                   copy a PostgreSQL database's schema and rows into a SQLite\n"
        "                         or D1 one: --from-db X --from-env E --to-db Y --to-env F\n\n"
        "Options:\n"
        "  --project PATH         a folder with strata.toml, or a wrangler.toml/.jsonc\n"
        "                         (default: the current folder)\n"
        "  --demo                 use the bundled demo project\n"
        "  --db BINDING           the database (repeatable; default: all, or the only one)\n"
        "  --env NAME             the environment (default: local, else the first)\n"
        "  --json                 machine-readable output\n"
        "  --to V                 up: apply up to V; down: revert everything above V\n"
        "  --steps N              down: revert the last N migrations (default 1)\n"
        "  --dry-run              run inside a transaction that is rolled back\n"
        "  --backup               up: take a restore point before each migration (always\n"
        "                         done for protected environments)\n"
        "  --allow-drift          apply or revert even though the database has drifted\n"
        "  --confirm ENV          confirm work on a protected environment without a prompt\n"
        "  --lock-timeout SECS    how long to wait for another apply (default 10)\n"
        "  --version              print the version\n\n"
        "Exit codes: 0 ok, 1 a migration failed or drift, 2 usage or project error,\n"
        "3 the database is busy with another apply.\n");
}

} // namespace

QString commandWord(const QStringList& arguments)
{
    // Options that take a value are skipped with it, so `--project foo status` finds `status`.
    static const QStringList withValue = {
        QStringLiteral("--project"), QStringLiteral("--db"),    QStringLiteral("--env"),
        QStringLiteral("--env2"),    QStringLiteral("--to"),    QStringLiteral("--at"),
        QStringLiteral("--from"),    QStringLiteral("--steps"), QStringLiteral("--confirm"),
        QStringLiteral("--lock-timeout"), QStringLiteral("--before"),
        QStringLiteral("--from-db"), QStringLiteral("--from-env"), QStringLiteral("--to-db"),
        QStringLiteral("--to-env"),
        // erd's own (the app runs erd).
        QStringLiteral("--format"), QStringLiteral("-o"), QStringLiteral("--output"),
        QStringLiteral("--scale"),
        // Qt's own window options that take a value.
        QStringLiteral("-platform"), QStringLiteral("-display"), QStringLiteral("-style"),
        QStringLiteral("-stylesheet"), QStringLiteral("-geometry"),
        QStringLiteral("-qwindowgeometry"), QStringLiteral("-qwindowtitle"),
        QStringLiteral("-qwindowicon"), QStringLiteral("-platformtheme"),
        QStringLiteral("-plugin"), QStringLiteral("-session"), QStringLiteral("-name"),
        QStringLiteral("-title")};
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        const QString& a = arguments[i];
        if (withValue.contains(a)) {
            ++i; // its value
            continue;
        }
        if (!a.startsWith(QLatin1Char('-')))
            return a;
    }
    return {};
}

bool isCliInvocation(const QStringList& arguments)
{
    // The window takes options only (--project PATH, --demo); a command word — known or not,
    // so that a typo gets a usage error rather than a window — or --version / --help means the
    // command line.
    for (const QString& a : arguments.mid(1))
        if (a == QLatin1String("--version") || a == QLatin1String("-v") ||
            a == QLatin1String("--help") || a == QLatin1String("-h"))
            return true;
    return !commandWord(arguments).isEmpty();
}

int runCli(const QStringList& arguments, QTextStream& out, QTextStream& err, QTextStream& input,
           CliTerminal terminal)
{
    QCommandLineParser parser;
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption project(QStringLiteral("project"), {}, QStringLiteral("path"));
    const QCommandLineOption demo(QStringLiteral("demo"));
    const QCommandLineOption db(QStringLiteral("db"), {}, QStringLiteral("binding"));
    const QCommandLineOption env(QStringLiteral("env"), {}, QStringLiteral("name"));
    const QCommandLineOption json(QStringLiteral("json"));
    const QCommandLineOption to(QStringLiteral("to"), {}, QStringLiteral("version"));
    const QCommandLineOption at(QStringLiteral("at"), {}, QStringLiteral("version"));
    const QCommandLineOption from(QStringLiteral("from"), {}, QStringLiteral("version"));
    const QCommandLineOption env2(QStringLiteral("env2"), {}, QStringLiteral("name"));
    const QCommandLineOption before(QStringLiteral("before"), {}, QStringLiteral("version"));
    const QCommandLineOption steps(QStringLiteral("steps"), {}, QStringLiteral("n"));
    const QCommandLineOption dryRun(QStringLiteral("dry-run"));
    const QCommandLineOption allowDrift(QStringLiteral("allow-drift"));
    const QCommandLineOption confirm(QStringLiteral("confirm"), {}, QStringLiteral("env"));
    const QCommandLineOption lockTimeout(QStringLiteral("lock-timeout"), {},
                                         QStringLiteral("seconds"));
    const QCommandLineOption takeBackup(QStringLiteral("backup"));
    const QCommandLineOption fromDb(QStringLiteral("from-db"), {}, QStringLiteral("binding"));
    const QCommandLineOption fromEnv(QStringLiteral("from-env"), {}, QStringLiteral("name"));
    const QCommandLineOption toDb(QStringLiteral("to-db"), {}, QStringLiteral("binding"));
    const QCommandLineOption toEnv(QStringLiteral("to-env"), {}, QStringLiteral("name"));
    const QCommandLineOption version(QStringList{QStringLiteral("version"), QStringLiteral("v")});
    const QCommandLineOption help(QStringList{QStringLiteral("help"), QStringLiteral("h")});
    parser.addOptions({project, demo, db, env, env2, json, to, at, from, steps, dryRun, allowDrift, confirm,
                       lockTimeout, version, help, before, takeBackup, fromDb, fromEnv, toDb,
                       toEnv});
    if (!parser.parse(arguments)) {
        err << "strata: " << parser.errorText() << "\n" << "Try 'strata --help'.\n";
        return ExitUsage;
    }
    if (parser.isSet(help)) {
        out << usageText();
        return ExitOk;
    }
    if (parser.isSet(version)) {
        out << "strata " << STRATA_VERSION << "\n";
        return ExitOk;
    }

    CliRequest req;
    const QStringList positional = parser.positionalArguments();
    if (positional.isEmpty()) {
        err << "strata: no command given.\n" << usageText();
        return ExitUsage;
    }
    req.command = positional.first();
    req.arguments = positional.mid(1);
    if (!commandNames().contains(req.command) && req.command != QLatin1String("translate")) {
        err << "strata: unknown command '" << req.command << "'. Try 'strata --help'.\n";
        return ExitUsage;
    }
    if (req.command == QLatin1String("translate")) {
        // translate's --from / --to name dialects, not versions.
        req.json = parser.isSet(json);
        req.translateFrom = parser.value(from);
        req.translateTo = parser.value(to);
        CliCommands commands(req, out, err, input);
        return commands.run();
    }
    req.projectPath = parser.value(project);
    req.demo = parser.isSet(demo);
    req.databases = parser.values(db);
    req.environment = parser.value(env);
    req.json = parser.isSet(json);
    req.options.dryRun = parser.isSet(dryRun);
    req.options.allowDrift = parser.isSet(allowDrift);
    req.confirm = parser.value(confirm);
    req.backup = parser.isSet(takeBackup);
    req.copyFromDb = parser.value(fromDb);
    req.copyFromEnv = parser.value(fromEnv);
    req.copyToDb = parser.value(toDb);
    req.copyToEnv = parser.value(toEnv);
    req.interactive = terminal.stdinIsTerminal;
    req.showProgress = terminal.stderrIsTerminal;
    req.environment2 = parser.value(env2);
    for (const auto& [option, target] : {std::pair{&to, &req.options.toVersion},
                                         std::pair{&at, &req.at}, std::pair{&from, &req.from},
                                         std::pair{&before, &req.before}}) {
        if (!parser.isSet(*option))
            continue;
        bool ok = false;
        *target = parser.value(*option).toLongLong(&ok);
        if (!ok || **target < 0) {
            err << "strata: --" << option->names().first()
                << " takes a version number, e.g. --" << option->names().first() << " 12\n";
            return ExitUsage;
        }
    }
    if (parser.isSet(steps)) {
        bool ok = false;
        req.options.steps = parser.value(steps).toInt(&ok);
        if (!ok || req.options.steps < 1) {
            err << "strata: --steps takes a whole number of at least 1\n";
            return ExitUsage;
        }
    }
    if (parser.isSet(lockTimeout)) {
        bool ok = false;
        const double secs = parser.value(lockTimeout).toDouble(&ok);
        if (!ok || secs < 0) {
            err << "strata: --lock-timeout takes seconds, e.g. --lock-timeout 30\n";
            return ExitUsage;
        }
        req.options.lockTimeoutMs = int(secs * 1000);
    }
    CliCommands commands(req, out, err, input);
    return commands.run();
}

} // namespace strata
