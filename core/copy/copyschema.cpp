#include "copyschema.h"

#include "dialecttranslator.h"

#include <QHash>
#include <QMap>
#include <QRegularExpression>
#include <QSet>

namespace strata {
namespace {

void addNotes(CopySchemaPlan& plan, const QString& object, const TranslationResult& result,
              bool errorsBlock)
{
    for (const TranslatedStatement& s : result.statements)
        for (const TranslationDiagnostic& d : s.diagnostics)
            plan.notes << CopyNote{object, TranslationDiagnostic::levelName(d.level), d.message,
                                   errorsBlock && d.level == TranslationDiagnostic::Level::Error};
}

QStringList outputOf(const TranslationResult& result)
{
    QStringList out;
    for (const TranslatedStatement& s : result.statements)
        for (const QString& sql : s.output)
            if (!sql.startsWith(QLatin1String("--"))) // a COMMENT ON, carried as a comment
                out << sql;
    return out;
}

// The table a translated CREATE TABLE makes, unquoted.
QString createdTable(const QStringList& statements)
{
    static const QRegularExpression create(
        QStringLiteral(R"(^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?("(?:[^"]|"")*"|[^\s(]+))"),
        QRegularExpression::CaseInsensitiveOption);
    for (const QString& sql : statements) {
        const auto m = create.match(sql);
        if (!m.hasMatch())
            continue;
        QString name = m.captured(1);
        if (name.startsWith(QLatin1Char('"')))
            name =
                name.mid(1, name.size() - 2).replace(QStringLiteral("\"\""), QStringLiteral("\""));
        return name;
    }
    return {};
}

// What the reader's view text needs to be a statement: it starts "CREATE VIEW name AS …".
QString viewStatement(const View& v)
{
    return v.sql.trimmed().endsWith(QLatin1Char(';')) ? v.sql : v.sql + QLatin1Char(';');
}

} // namespace

bool CopySchemaPlan::blocked() const
{
    for (const CopyNote& n : notes)
        if (n.blocking)
            return true;
    return false;
}

QStringList foreignKeyOrder(const Schema& schema, QStringList* cycle)
{
    // Repeatedly the first table (by name) whose referenced tables are all placed; when none is,
    // a cycle: its first table by name goes next, before a table it references.
    QMap<QString, QSet<QString>> needs; // table → tables it references (that exist)
    for (const Table& t : schema.tables) {
        QSet<QString>& n = needs[t.name];
        for (const ForeignKey& fk : t.foreignKeys)
            if (fk.targetTable != t.name && schema.table(fk.targetTable))
                n.insert(fk.targetTable);
    }
    QStringList order;
    QSet<QString> placed;
    while (placed.size() < needs.size()) {
        QString next, forced;
        for (auto it = needs.cbegin(); it != needs.cend() && next.isEmpty(); ++it) {
            if (placed.contains(it.key()))
                continue;
            if (forced.isEmpty())
                forced = it.key();
            bool ready = true;
            for (const QString& dep : it.value())
                ready = ready && placed.contains(dep);
            if (ready)
                next = it.key();
        }
        if (next.isEmpty()) {
            next = forced;
            if (cycle)
                *cycle << forced;
        }
        order << next;
        placed.insert(next);
    }
    return order;
}

CopySchemaPlan planCopySchema(const Schema& source, const QStringList& domains, Dialect target)
{
    CopySchemaPlan plan;
    DialectTranslator translator(target);

    // Domains: the engine writes a domain's base type, NOT NULL, DEFAULT and CHECKs on each
    // column of it.
    for (const QString& sql : domains)
        addNotes(plan, QStringLiteral("domain"), translator.translate(sql + QLatin1Char(';')),
                 false);

    // Enum types first: the engine turns a column of an enum type into TEXT with a CHECK of its
    // labels, which it can only do once it has seen the type.
    for (const EnumType& e : source.enums)
        addNotes(plan, QStringLiteral("type ") + e.name,
                 translator.translate(e.sql + QLatin1Char(';'), e.name), false);

    QStringList cycle;
    const QStringList order = foreignKeyOrder(source, &cycle);
    for (const QString& name : order) {
        const Table* t = source.table(name);
        const QString object = QStringLiteral("table ") + name;
        const TranslationResult result = translator.translate(t->sql + QLatin1Char(';'), name);
        addNotes(plan, object, result, true);
        CopyTablePlan tp;
        tp.source = name;
        tp.create = outputOf(result);
        tp.target = createdTable(tp.create);
        tp.inCycle = cycle.contains(name);
        if (!result.hasErrors() && tp.target.isEmpty())
            plan.notes << CopyNote{object, QStringLiteral("error"),
                                   QStringLiteral("the dialect engine made no CREATE TABLE of it"),
                                   true};
        plan.tables << tp;
    }
    for (const QString& name : std::as_const(cycle))
        plan.notes << CopyNote{QStringLiteral("table ") + name, QStringLiteral("note"),
                               QStringLiteral("in a cycle of foreign keys: loaded before a table "
                                              "it references (the keys are checked once all "
                                              "rows are in)"),
                               false};

    for (const QString& name : order) {
        for (const Index& ix : source.table(name)->indexes) {
            if (ix.origin != Index::Origin::CreateIndex) // made by the CREATE TABLE
                continue;
            const QString object = QStringLiteral("index ") + ix.name;
            const TranslationResult result =
                translator.translate(ix.sql + QLatin1Char(';'), ix.name);
            if (result.hasErrors()) {
                addNotes(plan, object + QStringLiteral(" (not copied)"), result, false);
                continue;
            }
            addNotes(plan, object, result, false);
            plan.indexes << CopyObjectPlan{object, outputOf(result)};
        }
    }
    for (const View& v : source.views) {
        const QString object = QStringLiteral("view ") + v.name;
        const TranslationResult result = translator.translate(viewStatement(v), v.name);
        if (result.hasErrors()) {
            addNotes(plan, object + QStringLiteral(" (not copied)"), result, false);
            continue;
        }
        addNotes(plan, object, result, false);
        plan.views << CopyObjectPlan{object, outputOf(result)};
    }
    for (const Trigger& tr : source.triggers)
        plan.notes << CopyNote{QStringLiteral("trigger %1 on %2").arg(tr.name, tr.table),
                               QStringLiteral("warning"),
                               QStringLiteral("not copied: its body is a PostgreSQL function; "
                                              "write an SQLite trigger by hand"),
                               false};
    for (const Sequence& s : source.sequences)
        if (s.ownedBy.isEmpty())
            plan.notes << CopyNote{QStringLiteral("sequence ") + s.name, QStringLiteral("warning"),
                                   QStringLiteral("not copied: SQLite has no sequences"), false};
    return plan;
}

} // namespace strata
