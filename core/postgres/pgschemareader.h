#pragma once

// Reads a Schema from a PostgreSQL database's catalogs (pg_catalog): every user schema (not
// pg_catalog, information_schema, pg_toast or the temporary ones), its tables with their columns
// (types as format_type spells them, defaults, NOT NULL, identity, serial, generated), primary
// keys, foreign keys, unique constraints, checks and indexes (partial, expression, method); views
// and materialized views; triggers; enum types and sequences. Objects that belong to an extension
// and migration tools' bookkeeping tables are left out.
//
// A handful of set-based queries in one read-only snapshot, whatever the number of tables: the
// cost grows with the size of the catalog, not with round trips. Names follow schema.h: bare in
// `public`, "schema.name" elsewhere. The texts PostgreSQL rebuilds (types, defaults, check and
// index definitions, view bodies) are read with search_path set to `public`, so that they qualify
// names exactly as the model does and two databases with the same schema read the same.

#include "result.h"
#include "schema.h"

namespace pqxx {
class connection_base;
}

namespace strata {

// The connection must not have a transaction open; the read runs in one of its own.
Result<Schema> readPostgresSchema(pqxx::connection_base& connection);

// "users" for public.users, "billing.invoices" otherwise.
QString pgQualifiedName(const QString& schema, const QString& name);

// An identifier as SQL needs it: bare when it is a plain lower-case name, double-quoted otherwise.
QString pgQuoteIdent(const QString& name);

} // namespace strata
