#include "schemahistory.h"

#include "dialecttranslator.h"
#include "translatedmigration.h"

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
        // PostgreSQL-syntax files go through one translator, whose history is the replay's.
        std::unique_ptr<DialectTranslator> translator;
        for (const Migration& mig : migrations) {
            std::optional<Error> err;
            if (mig.writtenInPostgres()) {
                if (!translator)
                    translator = std::make_unique<DialectTranslator>(
                        dialect == Dialect::D1 ? Dialect::D1 : Dialect::Sqlite);
                auto translated = translateSection(*translator, mig, true);
                if (!translated)
                    err = translated.error();
                for (int i = 0; translated && !err && i < translated->statements.size(); ++i)
                    err = s.execScript(translated->statements[i].sql,
                                       translated->statements[i].line, mig.filePath,
                                       QStringLiteral("migration"));
            } else {
                err = s.execScript(mig.upSql, mig.upLine, mig.filePath,
                                   QStringLiteral("migration"));
            }
            if (err) {
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
