#pragma once

// What the diagram tests share: a generated schema of any size (tables joined by foreign keys,
// a few hubs, some tables on their own) and the demo's BILLING_DB with its schema history.

#include "project.h"
#include "schema.h"
#include "schemahistory.h"

#include <optional>

namespace strata::test {

// `tables` tables, about `foreignKeys` foreign keys; the same seed gives the same schema.
Schema generatedSchema(int tables, int foreignKeys, quint32 seed = 1);

struct DemoDatabase
{
    Project project;
    QString binding;
    SchemaHistory history;
    const Database& database() const { return *project.database(binding); }
};

// The demo project (copied into the private home on first use) and one database's history.
std::optional<DemoDatabase> demoDatabase(const QString& binding);

} // namespace strata::test
