#pragma once

// Translates PostgreSQL migrations to SQLite or Cloudflare D1, statement by statement, on the
// real PostgreSQL parser (libpg_query). A translator keeps history across statements and files:
// the enum types and domains it has seen, and a log of the schema statements its output ran
// (each with the object it creates, drops or alters), so that a later ALTER TABLE that SQLite
// lacks becomes a table rebuild from the table as it is at that point: the schema of the objects
// that table depends on is worked out from their logged statements (or, for forms not modelled,
// replayed into a small scratch SQLite database and read back; see shadowdatabase.h). Every change that loses or alters meaning is a diagnostic with the source
// line and column. See docs/dialects.md.

#include "project.h"
#include "result.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <memory>

namespace strata {

struct TranslationDiagnostic
{
    enum class Level { Error, Warning, Note };
    Level level = Level::Note;
    int line = 0;   // 1-based, in the source file
    int column = 0; // 1-based, in characters
    QString message;

    static QString levelName(Level level); // "error", "warning", "note"
};

// One source statement and what it became.
struct TranslatedStatement
{
    int firstLine = 0;
    int lastLine = 0;
    QString source;       // the statement as written (its leading comments excluded)
    QString comments;     // the comments written before it, carried to the output as they are
    QStringList output;   // zero, one or several statements, each ending with ';' (a COMMENT ON
                          // becomes a line starting with "--")
    QList<TranslationDiagnostic> diagnostics;

    bool hasError() const;
};

struct TranslationResult
{
    QList<TranslatedStatement> statements;
    QString trailingComments; // comments after the last statement

    bool hasErrors() const;
    // The whole translated text: each statement's comments, then its output; statements
    // separated by a blank line.
    QString sql() const;
    // All diagnostics as "file:line:col: level: message" lines.
    QStringList diagnosticLines(const QString& fileName) const;
};

class DialectTranslator final
{
public:
    // `target` is Dialect::Sqlite or Dialect::D1.
    explicit DialectTranslator(Dialect target = Dialect::Sqlite);
    ~DialectTranslator();
    DialectTranslator(const DialectTranslator&) = delete;
    DialectTranslator& operator=(const DialectTranslator&) = delete;

    Dialect target() const;

    // Translates one file's text (`firstLine`: the line the text starts at in `fileName`). Never
    // fails as a whole: a statement that cannot be parsed or translated is an error diagnostic
    // and the others are still translated. State carries over to the next call.
    TranslationResult translate(const QString& sql, const QString& fileName = {},
                                int firstLine = 1);

    // Starts the history from an existing SQLite database's tables, indexes, views and triggers
    // (e.g. the binding the translated SQL will be applied to). Call before translate().
    Status seedFromSqlite(const QString& databasePath);
    // The same from SQL text already in SQLite's dialect (e.g. a schema dump).
    Status seedFromSqliteSql(const QString& sql);

private:
    class Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace strata
