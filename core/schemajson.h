#pragma once

// Schemas and schema diffs as JSON (for `strata schema --json`, `strata diff --json`), and
// diffs as readable text.

#include "schema.h"
#include "schemadiff.h"

#include <QJsonObject>

namespace strata {

QJsonObject schemaToJson(const Schema& schema);
QJsonObject diffToJson(const SchemaDiff& diff, const Schema& from, const Schema& to);
// "+ table plans (4 columns)\n~ table users\n    column email added: TEXT NOT NULL\n…"
QString diffToText(const SchemaDiff& diff, const Schema& from, const Schema& to);

} // namespace strata
