#pragma once

// What the translator's parts share: the target, the history of types, domains and tables the
// translation has seen, and the statement being translated (its source text for locations and
// the sink its output and diagnostics go to). Also the SQLite spelling helpers.

#include "dialecttranslator.h"
#include "pgnode.h"
#include "pgsplitter.h"
#include "shadowdatabase.h"

#include <QHash>
#include <QSet>
#include <QStringList>

namespace strata {

// A domain as columns of it become: the SQLite type, and its constraints inlined. Check
// expressions hold kValuePlaceholder where the domain's VALUE stood.
struct DomainInfo
{
    QString sqliteType;
    QString pgType;
    QStringList checks;
    bool notNull = false;
    QString defaultSql;
};

inline constexpr QChar kValuePlaceholder = QChar(0x1);

class TranslationContext final
{
public:
    explicit TranslationContext(Dialect target) : target(target) {}

    Dialect target;
    QHash<QString, QStringList> enums;           // enum type → its labels in order
    QHash<QString, DomainInfo> domains;
    QSet<QString> sequences;
    QHash<QString, QSet<QString>> typeUsers;     // enum or domain → tables with columns of it
    QHash<QString, QHash<QString, QString>> columnTypes; // table → column → enum/domain name
    QHash<QString, QSet<QString>> constraintNames;      // table → constraint names in use
    ShadowDatabase shadow;

    // The statement being translated.
    const PgSourceText* source = nullptr;
    int baseOffset = 0;     // added to node locations (statement-by-statement fallback)
    int statementStart = 0; // byte offset of the statement's first significant character
    TranslatedStatement* current = nullptr;

    void begin(TranslatedStatement* statement, const PgSourceText* text, int base, int start)
    {
        current = statement;
        source = text;
        baseOffset = base;
        statementStart = start;
    }

    // A diagnostic at a node's byte location (-1 or unknown: the statement's start).
    void report(TranslationDiagnostic::Level level, int location, const QString& message);
    void error(int location, const QString& message)
    {
        report(TranslationDiagnostic::Level::Error, location, message);
    }
    void warning(int location, const QString& message)
    {
        report(TranslationDiagnostic::Level::Warning, location, message);
    }
    void note(int location, const QString& message)
    {
        report(TranslationDiagnostic::Level::Note, location, message);
    }
    // Adds a statement to the current output (and to the history's replay queue).
    void add(const QString& statement);

    bool isD1() const { return target == Dialect::D1; }
};

// The location of a node (its body's "location" member); -1 when it has none.
int locationOf(const PgNode& node);

// An identifier as SQLite needs it: bare when it is a plain lower-case name and not a keyword,
// otherwise double-quoted.
QString quoteIdent(const QString& name);
QString quoteString(const QString& text);
// A RangeVar's name as a SQLite table name: "public." dropped; another schema becomes a prefix
// ("audit.log" → audit_log) with a warning.
QString tableName(TranslationContext& ctx, const PgNode& rangeVar);
// A qualified name list (["public","t"]) the same way.
QString qualifiedName(TranslationContext& ctx, const PgNode& names, int location);

} // namespace strata
