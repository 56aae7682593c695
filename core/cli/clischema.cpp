// `strata schema` and `strata diff`: the schema model from the command line.

#include "clicommands.h"

#include "../schemadiff.h"
#include "../schemajson.h"
#include "../schemasource.h"

#include <QJsonDocument>

namespace strata {
namespace {

// A point of the history by version: 0 (before everything) or a migration's version.
Result<Schema> schemaAtVersion(const SchemaHistory& history, qint64 version, const QString& binding)
{
    for (const SchemaPoint& p : history.points)
        if (p.version == version)
            return p.schema;
    if (history.failure && version > history.points.last().version)
        return *history.failure;
    QStringList known;
    for (const SchemaPoint& p : history.points)
        known << QString::number(p.version);
    return Error{QStringLiteral("%1 has no migration with version %2 (known: %3)")
                     .arg(binding)
                     .arg(version)
                     .arg(known.join(QStringLiteral(", "))),
                 {}, 0, 0, {}};
}

void printTable(QTextStream& out, const Table& t)
{
    out << "table " << t.name << "\n";
    for (const Column& c : t.columns)
        out << "  " << c.name.leftJustified(24) << " " << describeColumn(c) << "\n";
    for (const ForeignKey& fk : t.foreignKeys)
        out << "  foreign key " << describeForeignKey(fk) << "\n";
    for (const Index& ix : t.indexes)
        out << "  " << (ix.unique ? "unique index " : "index ") << ix.name << " ("
            << ix.columns.join(QStringLiteral(", ")) << ")" << (ix.partial ? " partial" : "")
            << (ix.method.isEmpty() || ix.method == QLatin1String("btree")
                    ? QString()
                    : QStringLiteral(" using ") + ix.method)
            << "\n";
    for (const QString& check : t.checks)
        out << "  check (" << check << ")\n";
}

} // namespace

int CliCommands::schema()
{
    auto bindings = selectedBindings(true);
    if (!bindings)
        return fail(ExitUsage, bindings.error());
    const Database& db = *m_project.database(bindings->first());
    Schema schema;
    QString source;
    if (m_req.at) {
        auto history = fileSchemaHistory(m_project, db);
        if (!history)
            return fail(ExitUsage, history.error());
        auto s = schemaAtVersion(history.value(), *m_req.at, db.binding);
        if (!s)
            return fail(ExitFailed, s.error());
        schema = s.value();
        source = QStringLiteral("files at version %1").arg(*m_req.at);
    } else {
        const Environment* env = m_req.environment.isEmpty() ? db.defaultEnvironment()
                                                             : db.environment(m_req.environment);
        if (!env)
            return fail(ExitUsage, Error{QStringLiteral("%1 has no environment '%2'")
                                             .arg(db.binding, m_req.environment),
                                         m_project.sourceFile, 0, 0, {}});
        auto s = liveSchema(db, *env);
        if (!s)
            return fail(ExitUsage, s.error());
        schema = s.value();
        source = QStringLiteral("environment %1").arg(env->name);
    }
    if (m_req.json) {
        QJsonObject o = schemaToJson(schema);
        o.insert(QStringLiteral("binding"), db.binding);
        o.insert(QStringLiteral("source"), source);
        m_out << QJsonDocument(o).toJson(QJsonDocument::Indented);
        return ExitOk;
    }
    m_out << db.binding << " — " << source << ": " << schema.tables.size() << " tables, "
          << schema.views.size() << " views, " << schema.triggers.size() << " triggers\n\n";
    for (const Table& t : schema.tables) {
        printTable(m_out, t);
        m_out << "\n";
    }
    for (const View& v : schema.views)
        m_out << "view " << v.name << " (" << v.columns.join(QStringLiteral(", ")) << ")\n";
    for (const Trigger& g : schema.triggers)
        m_out << "trigger " << g.name << " on " << g.table << "\n";
    for (const EnumType& e : schema.enums)
        m_out << "enum " << e.name << " (" << e.labels.join(QStringLiteral(", ")) << ")\n";
    for (const Sequence& q : schema.sequences)
        m_out << "sequence " << q.name << " " << q.dataType << " start " << q.start
              << " increment " << q.increment
              << (q.ownedBy.isEmpty() ? QString() : QStringLiteral(" owned by ") + q.ownedBy)
              << "\n";
    return ExitOk;
}

int CliCommands::diff()
{
    auto bindings = selectedBindings(true);
    if (!bindings)
        return fail(ExitUsage, bindings.error());
    const Database& db = *m_project.database(bindings->first());
    auto envNamed = [&](const QString& name) -> Result<const Environment*> {
        const Environment* env = name.isEmpty() ? db.defaultEnvironment() : db.environment(name);
        if (!env)
            return Error{QStringLiteral("%1 has no environment '%2'").arg(db.binding, name),
                         m_project.sourceFile, 0, 0, {}};
        return env;
    };

    Schema from, to;
    QString fromLabel, toLabel;
    if (m_req.from || m_req.options.toVersion) {
        auto history = fileSchemaHistory(m_project, db);
        if (!history)
            return fail(ExitUsage, history.error());
        const qint64 v1 = m_req.from.value_or(0);
        const qint64 v2 = m_req.options.toVersion.value_or(history->points.last().version);
        auto a = schemaAtVersion(history.value(), v1, db.binding);
        auto b = schemaAtVersion(history.value(), v2, db.binding);
        if (!a)
            return fail(ExitFailed, a.error());
        if (!b)
            return fail(ExitFailed, b.error());
        from = a.value();
        to = b.value();
        fromLabel = QStringLiteral("files at %1").arg(v1);
        toLabel = QStringLiteral("files at %1").arg(v2);
    } else if (!m_req.environment2.isEmpty()) {
        auto e1 = envNamed(m_req.environment);
        auto e2 = envNamed(m_req.environment2);
        if (!e1)
            return fail(ExitUsage, e1.error());
        if (!e2)
            return fail(ExitUsage, e2.error());
        auto a = liveSchema(db, *e1.value());
        auto b = liveSchema(db, *e2.value());
        if (!a)
            return fail(ExitUsage, a.error());
        if (!b)
            return fail(ExitUsage, b.error());
        from = a.value();
        to = b.value();
        fromLabel = e1.value()->name;
        toLabel = e2.value()->name;
    } else {
        // Drift: what the files say the environment should be, against what it is.
        auto env = envNamed(m_req.environment);
        if (!env)
            return fail(ExitUsage, env.error());
        auto version = lastAppliedVersion(m_project, db, *env.value());
        if (!version)
            return fail(ExitUsage, version.error());
        auto history = fileSchemaHistory(m_project, db);
        if (!history)
            return fail(ExitUsage, history.error());
        auto live = liveSchema(db, *env.value());
        if (!live)
            return fail(ExitUsage, live.error());
        from = history->at(version.value()).schema;
        to = live.value();
        fromLabel = QStringLiteral("files at %1").arg(version.value());
        toLabel = QStringLiteral("live %1").arg(env.value()->name);
    }

    const SchemaDiff d = diffSchemas(from, to);
    if (m_req.json) {
        QJsonObject o = diffToJson(d, from, to);
        o.insert(QStringLiteral("binding"), db.binding);
        o.insert(QStringLiteral("from"), fromLabel);
        o.insert(QStringLiteral("to"), toLabel);
        m_out << QJsonDocument(o).toJson(QJsonDocument::Indented);
    } else {
        m_out << db.binding << ": " << fromLabel << " → " << toLabel << "\n"
              << diffToText(d, from, to);
    }
    return d.isEmpty() ? ExitOk : ExitFailed;
}

} // namespace strata
