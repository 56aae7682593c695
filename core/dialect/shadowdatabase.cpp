#include "shadowdatabase.h"

#include "sqliteschemareader.h"
#include "sqlsplitter.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

#include <optional>

namespace strata {

struct ShadowDatabase::Impl
{
    SQLite::Database db{":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE};
    SqliteSchemaReader reader{db};
    QStringList queue;
};

ShadowDatabase::ShadowDatabase() : m_impl(std::make_unique<Impl>())
{
    m_impl->reader.trackChanges();
}

ShadowDatabase::~ShadowDatabase() = default;

void ShadowDatabase::enqueue(const QStringList& statements)
{
    for (const QString& s : statements)
        enqueue(s);
}

void ShadowDatabase::enqueue(const QString& statement)
{
    if (!statement.startsWith(QLatin1String("--")))
        m_impl->queue << statement;
}

Status ShadowDatabase::flush()
{
    if (m_impl->queue.isEmpty())
        return success();
    // One transaction for the whole replay; a statement that fails (the translation already
    // reported why) is skipped so the rest of the history still builds.
    const QStringList queue = std::exchange(m_impl->queue, {});
    try {
        m_impl->db.exec("BEGIN");
        for (const QString& s : queue) {
            if (s.startsWith(QLatin1String("PRAGMA"), Qt::CaseInsensitive))
                continue;
            try {
                m_impl->db.exec(s.toStdString());
            } catch (const SQLite::Exception&) {
            }
        }
        m_impl->db.exec("COMMIT");
    } catch (const SQLite::Exception& e) {
        return Error{QStringLiteral("the translator's schema replay failed: ") +
                         QString::fromUtf8(e.what()),
                     {}, 0, 0, {}};
    }
    return success();
}

Result<Schema> ShadowDatabase::schema()
{
    if (Status s = flush(); !s)
        return s.error();
    try {
        return m_impl->reader.readChanged();
    } catch (const SQLite::Exception& e) {
        return Error{QStringLiteral("cannot read the translator's schema: ") +
                         QString::fromUtf8(e.what()),
                     {}, 0, 0, {}};
    }
}

Status ShadowDatabase::seedFrom(const QString& databasePath)
{
    try {
        SQLite::Database source(databasePath.toStdString(), SQLite::OPEN_READONLY);
        // Tables first, then indexes, views and triggers, in the order they were made.
        SQLite::Statement q(source,
                            "SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE "
                            "'sqlite_%' ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 "
                            "WHEN 'view' THEN 2 ELSE 3 END, rowid");
        while (q.executeStep())
            m_impl->queue << QString::fromUtf8(q.getColumn(0).getText()) + QLatin1Char(';');
    } catch (const SQLite::Exception& e) {
        return Error{QStringLiteral("cannot read the schema: ") + QString::fromUtf8(e.what()),
                     databasePath, 0, 0, {}};
    }
    return flush();
}

} // namespace strata
