#pragma once

// A PostgreSQL-syntax migration applied to a SQLite or D1 database (seed 002's workflow): its up
// or down section through the dialect engine, with the schema of the database it goes to as the
// translator's history. The applier runs the statements this yields and records their text; the
// schema derivation replays them.

#include "migration.h"
#include "result.h"
#include "sqlsplitter.h"

#include <QStringList>

namespace SQLite {
class Database;
}

namespace strata {

class DialectTranslator;

struct TranslatedSection
{
    QList<SqlStatement> statements; // each output statement, at the line of its source statement
    QString sql;                    // the whole translated text: what the history records
    QStringList notes;              // warnings and notes, "file:line:col: level: message"
};

// Translates the section; the first error-level diagnostic is the Error (file, line, column).
Result<TranslatedSection> translateSection(DialectTranslator& translator, const Migration& mig,
                                           bool up);

// Gives the translator the tables, indexes, views and triggers of the open database as its
// starting history (within the caller's transaction: uncommitted DDL is seen).
Status seedTranslator(DialectTranslator& translator, SQLite::Database& db);

} // namespace strata
