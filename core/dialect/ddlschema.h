#pragma once

// The schema that a short sequence of SQLite DDL statements builds, worked out from their text
// instead of running them: what SqliteSchemaReader would read back after replaying them into an
// empty database. Running CREATE statements in SQLite costs far more than translating them (each
// writes and re-parses the schema), and the translator asks for a table's schema before every
// table rebuild.
//
// Only the forms the translator writes are modelled, each the way SQLite treats it: CREATE TABLE
// with a column list, CREATE [UNIQUE] INDEX, DROP TABLE and DROP INDEX, with IF [NOT] EXISTS.
// Names are kept as SQLite keeps them (unquoted), texts as sqlite_schema keeps them ("CREATE
// TABLE " and the statement from the name on, without its ';'), tables and indexes in the
// reader's order, with the automatic indexes of PRIMARY KEY and UNIQUE constraints (numbered,
// deduplicated and skipped for an INTEGER PRIMARY KEY as SQLite does). A statement SQLite would
// refuse for a reason the text shows (an index on a missing table or column, a name in use) is
// skipped, as the replay skips it. Anything else — views, triggers, ALTER TABLE, CREATE TABLE …
// AS, TEMP or WITHOUT ROWID tables, schema-qualified names, collations or DESC in a key — gives
// no answer, and the caller replays into SQLite instead.
//
// Columns carry name, declared type and affinity, NOT NULL, DEFAULT text, primary-key position
// and generated kind; foreign keys, checks and indexes everything the reader fills.

#include "schema.h"

#include <QStringList>

#include <optional>

namespace strata {

std::optional<Schema> schemaFromSqliteDdl(const QStringList& statements);

} // namespace strata
