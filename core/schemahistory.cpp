#include "schemahistory.h"

#include "sqliteschemareader.h"
#include "sqlitesession.h"

#include <SQLiteCpp/Exception.h>

namespace strata {

const SchemaPoint& SchemaHistory::at(qint64 version) const
{
    return points[indexAt(version)];
}

int SchemaHistory::indexAt(qint64 version) const
{
    int found = 0;
    for (int i = 0; i < points.size(); ++i)
        if (points[i].version <= version)
            found = i;
    return found;
}

SchemaHistory deriveSchemaHistory(const QList<Migration>& migrations, Dialect dialect)
{
    SchemaHistory history;
    history.points << SchemaPoint{};
    auto session = SqliteSession::open(QString(), SqliteSession::Mode::Memory, 0);
    if (!session) {
        history.failure = session.error();
        return history;
    }
    SqliteSession& s = *session.value();
    s.exec(dialect == Dialect::D1 ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF");
    SqliteSchemaReader reader(s.db());
    reader.trackChanges();
    // One transaction for the whole replay: SQLite then keeps its parsed schema between
    // statements instead of checking it again at every commit.
    s.exec("BEGIN");
    try {
        reader.read();
        for (const Migration& mig : migrations) {
            if (auto err = s.execScript(mig.upSql, mig.upLine, mig.filePath,
                                        QStringLiteral("migration"))) {
                history.failure = err;
                break;
            }
            history.points << SchemaPoint{mig.version, mig.fileName, reader.readChanged()};
        }
    } catch (const SQLite::Exception& e) {
        history.failure = Error{QStringLiteral("cannot read the derived schema: ") +
                                    QString::fromUtf8(e.what()),
                                {}, 0, 0, {}};
    }
    return history;
}

} // namespace strata
