#include "translatedmigration.h"

#include "dialecttranslator.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

namespace strata {

Result<TranslatedSection> translateSection(DialectTranslator& translator, const Migration& mig,
                                           bool up)
{
    const TranslationResult result = translator.translate(up ? mig.upSql : mig.downSql,
                                                          mig.filePath,
                                                          up ? mig.upLine : mig.downLine);
    TranslatedSection out;
    for (const TranslatedStatement& st : result.statements) {
        for (const TranslationDiagnostic& d : st.diagnostics) {
            if (d.level == TranslationDiagnostic::Level::Error)
                return Error{QStringLiteral("cannot translate this PostgreSQL statement to %1: %2")
                                 .arg(dialectName(translator.target()), d.message),
                             mig.filePath, d.line, d.column, st.source};
            out.notes << QStringLiteral("%1:%2:%3: %4: %5")
                             .arg(mig.fileName)
                             .arg(d.line)
                             .arg(d.column)
                             .arg(TranslationDiagnostic::levelName(d.level), d.message);
        }
        for (const QString& sql : st.output)
            if (!sql.trimmed().startsWith(QLatin1String("--")))
                out.statements << SqlStatement{sql, st.firstLine};
    }
    out.sql = result.sql();
    return out;
}

Status seedTranslator(DialectTranslator& translator, SQLite::Database& db)
{
    // Tables before the objects that name them; within a kind, in the order they were made.
    try {
        SQLite::Statement q(db, "SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL "
                                "AND name NOT LIKE 'sqlite_%' ORDER BY CASE type WHEN 'table' "
                                "THEN 0 WHEN 'index' THEN 1 WHEN 'view' THEN 2 ELSE 3 END, rowid");
        QString sql;
        while (q.executeStep())
            sql += QString::fromUtf8(q.getColumn(0).getText()) + QStringLiteral(";\n");
        return translator.seedFromSqliteSql(sql);
    } catch (const SQLite::Exception& e) {
        return Error{QStringLiteral("cannot read the schema the migration applies to: ") +
                         QString::fromUtf8(e.what()),
                     {}, 0, 0, {}};
    }
}

} // namespace strata
