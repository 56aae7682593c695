#pragma once

// Compares what a PostgreSQL migration made on the real server with what its SQLite / D1
// translation made on a real SQLite database: tables, column order, nullability, defaults (by
// value), primary keys, unique keys, foreign keys, CREATE INDEX indexes, and — by behaviour —
// the CHECKs that stand for enum types. Every difference is a line naming the case, table,
// column and both sides' values.

#include "dialectsemantic.h"

#include <QString>
#include <QStringList>

namespace pqxx {
class connection_base;
}
namespace SQLite {
class Database;
}

namespace strata::test {

class SemanticComparison final
{
public:
    // `label` names the case in every message. A difference on a table that a statement the
    // translator refused (an error diagnostic, so deliberately absent) mentions, or on a column
    // a translator warning names ("col"), is a documented loss: listed in notes(), not failed.
    SemanticComparison(QString label, pqxx::connection_base& pg, SQLite::Database& lite,
                       QStringList refusedSources, QStringList warnings);

    void run();
    const QStringList& failures() const { return m_failures; }
    const QStringList& notes() const { return m_notes; }
    int comparedTables() const { return m_comparedTables; }

private:
    void compareTable(const SemanticTable& pg, const SemanticTable& lite);
    void compareColumn(const SemanticTable& table, const SemanticColumn& pg,
                       const SemanticColumn& lite);
    void compareDefaultValue(const QString& table, const SemanticColumn& pg,
                             const SemanticColumn& lite);
    void checkEnumColumn(const SemanticTable& pg, const SemanticTable& lite,
                         const SemanticColumn& column);
    // Runs an INSERT inside a transaction that is rolled back (PostgreSQL with foreign-key
    // triggers off, SQLite with foreign_keys off); the error text, empty when it was accepted.
    QString tryPostgresInsert(const QString& sql);
    QString trySqliteInsert(const QString& sql);

    void mismatch(const QString& table, const QString& column, const QString& what,
                  const QString& pgValue, const QString& sqliteValue);

    QString m_label;
    pqxx::connection_base& m_pg;
    SQLite::Database& m_lite;
    QStringList m_refusedSources;
    QStringList m_warnings;
    QStringList m_failures;
    QStringList m_notes;
    int m_comparedTables = 0;
};

} // namespace strata::test
