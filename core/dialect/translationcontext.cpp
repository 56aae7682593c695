#include "translationcontext.h"

#include <sqlite3.h>

namespace strata {

void TranslationContext::report(TranslationDiagnostic::Level level, int location,
                                const QString& message)
{
    if (!current)
        return;
    const int at = location >= 0 ? location + baseOffset : statementStart;
    TranslationDiagnostic d;
    d.level = level;
    d.line = source ? source->lineAt(at) : 0;
    d.column = source ? source->columnAt(at) : 0;
    d.message = message;
    current->diagnostics << d;
}

void TranslationContext::add(const QString& statement)
{
    if (current)
        current->output << statement;
    shadow.enqueue(statement);
}

int locationOf(const PgNode& node)
{
    const PgNode& body = node.body();
    const PgNode& loc = body["location"];
    // Absent: either 0 (omitted as a zero value) or a node without a location; the statement's
    // start is the better guess for both.
    return loc.isNull() ? -1 : int(loc.integer());
}

QString quoteIdent(const QString& name)
{
    bool plain = !name.isEmpty() && !name[0].isDigit();
    for (const QChar c : name) {
        if (!((c >= QLatin1Char('a') && c <= QLatin1Char('z')) || c.isDigit() ||
              c == QLatin1Char('_'))) {
            plain = false;
            break;
        }
    }
    // A plain name is ASCII; no SQLite keyword is longer than 17 characters (CURRENT_TIMESTAMP).
    if (plain && name.size() <= 17) {
        char ascii[17];
        for (qsizetype i = 0; i < name.size(); ++i)
            ascii[i] = char(name[i].unicode());
        if (sqlite3_keyword_check(ascii, int(name.size())))
            plain = false;
    }
    if (plain)
        return name;
    QString quoted = name;
    quoted.replace(QLatin1Char('"'), QLatin1String("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QString quoteString(const QString& text)
{
    QString quoted = text;
    quoted.replace(QLatin1Char('\''), QLatin1String("''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

namespace {

QString joinSchema(TranslationContext& ctx, const QString& schema, const QString& name,
                   int location)
{
    if (schema.isEmpty() || schema == QLatin1String("public") ||
        schema == QLatin1String("pg_catalog"))
        return name;
    ctx.warning(location, QStringLiteral("schema \"%1\" has no SQLite equivalent: \"%1.%2\" "
                                         "becomes the name \"%1_%2\"")
                              .arg(schema, name));
    return schema + QLatin1Char('_') + name;
}

} // namespace

QString tableName(TranslationContext& ctx, const PgNode& rangeVar)
{
    const PgNode& rv = rangeVar.is("RangeVar") ? rangeVar.body() : rangeVar;
    if (!rv["catalogname"].isNull())
        ctx.warning(int(rv["location"].integer()),
                    QStringLiteral("the database name \"%1\" is dropped")
                        .arg(rv["catalogname"].qstr()));
    return joinSchema(ctx, rv["schemaname"].qstr(), rv["relname"].qstr(),
                      int(rv["location"].integer()));
}

QString qualifiedName(TranslationContext& ctx, const PgNode& names, int location)
{
    if (names.size() >= 2)
        return joinSchema(ctx, pgStringAt(names, names.size() - 2), pgLastString(names), location);
    return pgLastString(names);
}

} // namespace strata
