#pragma once

// The translator's memory of the schema its output has built: a private in-memory SQLite
// database that the translated statements are queued for and replayed into only when a table
// rebuild needs to read a table as it is at that point (replaying every statement as it is
// translated would cost more than the translation itself).

#include "result.h"
#include "schema.h"

#include <QStringList>

#include <memory>

namespace strata {

class ShadowDatabase final
{
public:
    ShadowDatabase();
    ~ShadowDatabase();
    ShadowDatabase(const ShadowDatabase&) = delete;
    ShadowDatabase& operator=(const ShadowDatabase&) = delete;

    // Statements in SQLite's dialect that the schema went through (comments are ignored).
    void enqueue(const QStringList& statements);
    void enqueue(const QString& statement);
    // Runs what is queued, then reads the schema (only what changed since the last read).
    Result<Schema> schema();
    // Copies the schema of an existing database (its CREATE statements) into this one.
    Status seedFrom(const QString& databasePath);

private:
    Status flush();

    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace strata
