#pragma once

// A SQLite CREATE TABLE statement as editable text: its column definitions and table constraints
// split at top-level commas (quotes, brackets, backticks, parentheses and comments respected),
// each kept as written, so that a table rebuild changes exactly the elements it means to and
// every other byte survives. Used by the table rebuild (tablerebuild.h).

#include "result.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace strata {

// One token of SQLite SQL; [begin, end) indexes the text it came from. Whitespace and comments
// are not tokens.
struct SqlToken
{
    enum class Kind { Word, QuotedIdentifier, String, Number, Symbol };
    Kind kind = Kind::Symbol;
    int begin = 0;
    int end = 0;
};

QList<SqlToken> tokenizeSqlite(const QString& sql);
// The name a Word, a quoted identifier or a string token stands for; empty for other tokens.
QString sqliteTokenName(const QString& sql, const SqlToken& token);
// "name" with inner quotes doubled.
QString quoteSqliteIdentifier(const QString& name);
QString quoteSqliteString(const QString& text);
// Whether `sql` uses `name` (case-insensitive) as an identifier: a word or quoted identifier
// that is not a function name. With `insideParenthesesOnly`, only tokens within parentheses
// count, and nothing from a REFERENCES keyword on (the referenced table's columns).
bool sqlMentionsIdentifier(const QString& sql, const QString& name,
                           bool insideParenthesesOnly = false);

// One column definition, editable in place.
class ColumnDefinition final
{
public:
    struct Constraint
    {
        int begin = 0;  // from CONSTRAINT (when named) …
        int end = 0;    // … to the end of the constraint's last token
        QString name;   // the CONSTRAINT name, empty when unnamed
        QString kind;   // upper case: PRIMARY, NOT, NULL, UNIQUE, CHECK, DEFAULT, COLLATE,
                        // REFERENCES, GENERATED, AS
    };

    explicit ColumnDefinition(const QString& text);

    const QString& text() const { return m_text; }
    const QString& name() const { return m_name; }
    QString type() const { return m_text.mid(m_typeBegin, m_typeEnd - m_typeBegin); }
    const QList<Constraint>& constraints() const { return m_constraints; }
    QString constraintText(const Constraint& c) const { return m_text.mid(c.begin, c.end - c.begin); }
    bool isGenerated() const;
    bool hasConstraint(const QString& kind) const;

    void setType(const QString& type);
    void setNotNull(bool notNull);
    void setDefault(const std::optional<QString>& defaultSql);
    // False when no constraint has that name.
    bool removeConstraintNamed(const QString& name);

private:
    void parse();
    void removeRange(int begin, int end); // with the whitespace before it

    QString m_text;
    QString m_name;
    int m_typeBegin = 0;
    int m_typeEnd = 0;
    QList<Constraint> m_constraints;
};

class CreateTableText final
{
public:
    struct Element
    {
        QString lead;           // whitespace and comments before it (after the comma)
        QString text;           // the element as written
        QString trail;          // comments between it and its comma (kept unless it is last)
        bool isColumn = true;
        QString name;           // the column's name, or a table constraint's CONSTRAINT name
    };

    static Result<CreateTableText> parse(const QString& sql);

    QList<Element>& elements() { return m_elements; }
    const QList<Element>& elements() const { return m_elements; }
    // The index of the column named `name` (case-insensitive), or -1.
    int columnIndex(const QString& name) const;
    // Adds a column after the last column definition, or a constraint at the end.
    void addColumn(const QString& definition);
    void addConstraint(const QString& constraint);
    // After the closing parenthesis: "", " WITHOUT ROWID", " STRICT", …
    const QString& options() const { return m_options; }
    bool withoutRowid() const;
    QString toSql() const;

private:
    Element newElement(const QString& text, bool isColumn) const;

    QString m_head;         // up to and including the opening parenthesis
    QList<Element> m_elements;
    QString m_closingLead;  // whitespace and comments before the closing parenthesis
    QString m_options;      // from the closing parenthesis on, without it
};

} // namespace strata
