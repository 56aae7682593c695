#pragma once

// The translator's memory of the schema its output has built. The translated statements that
// change the schema are logged as text, each with the object it creates, drops or alters; none
// is run until an ALTER needs to know a table. Then only the part of the history that can matter
// to that table is replayed, in order: the table, every object that can name one of the objects
// gathered so far (tables whose foreign keys reference it, its indexes, views and triggers that
// name it — a superset is harmless), and what those objects need to exist (an index's table, a
// view's tables). When that part holds only the DDL forms the translator writes, its schema is
// worked out from the text (ddlschema.h); otherwise it is replayed into a small scratch SQLite
// database and read back. Replaying a whole history of hundreds of tables into one database
// instead costs far more than the translation: every ALTER TABLE makes SQLite reload and
// re-check its whole schema, and every CREATE writes and re-parses it.

#include "result.h"
#include "schema.h"

#include <QHash>
#include <QList>
#include <QStringList>

#include <memory>

namespace SQLite {
class Database;
}

namespace strata {

class ShadowDatabase final
{
public:
    ShadowDatabase();
    ~ShadowDatabase();
    ShadowDatabase(const ShadowDatabase&) = delete;
    ShadowDatabase& operator=(const ShadowDatabase&) = delete;

    // Statements in SQLite's dialect that the schema went through (comments, DML and PRAGMAs
    // are ignored). A text may hold several statements.
    void enqueue(const QStringList& statements);
    void enqueue(const QString& statement);
    // The schema as the history has built it, holding at least `name` (a table or an index) and
    // every object a table rebuild of it must see; other objects may be missing.
    Result<Schema> schemaFor(const QString& name);
    // Copies the schema of an existing database (its CREATE statements) into this one.
    Status seedFrom(const QString& databasePath);

private:
    struct Entry
    {
        QString sql;
        QString subject;   // the object created, dropped or altered (lower case)
        QString other;     // a rename's new name, an index's or trigger's table (lower case)
        bool hasDependencies = false; // a view, trigger or CREATE TABLE … AS: needs what it names
        bool ofTable = false;         // CREATE / ALTER / DROP TABLE
        bool renames = false;         // ALTER TABLE … RENAME: rewrites other objects' SQL
        bool dead = false;            // without effect on what the history built (see forget())
        // What the word index takes from it: a CREATE TABLE with a column list can name another
        // object only as a foreign key's target, a CREATE INDEX only its table; other
        // statements (views, triggers, ALTER, …) give every word.
        enum class Names : quint8 { AllWords, ReferencesTargets, IndexTable } names = Names::AllWords;
    };
    void log(const QString& statement);
    void indexWords();
    void gather(const QString& name, QSet<QString>& names);
    // After DROP TABLE `table`: its history no longer matters, unless a rename in it rewrote
    // other objects. Returns whether it was forgotten (and the DROP need not be logged).
    bool forget(const QString& table);

    QList<Entry> m_log;
    QHash<QString, QList<int>> m_bySubject; // object → the entries about it
    // A hash of an identifier → the entries whose SQL names it (a collision only adds entries;
    // reserved words written bare are left out: they name nothing)
    QHash<size_t, QList<int>> m_byWord;
    int m_indexed = 0;                      // entries already in m_byWord
    QStringList m_reserved;                 // names a rebuild's scratch names must avoid
    // The last answer, valid while nothing is logged.
    QString m_cachedName;
    qsizetype m_cachedAt = -1;
    Schema m_cached;
    std::unique_ptr<SQLite::Database> m_db; // the scratch connection, empty between questions
};

} // namespace strata
