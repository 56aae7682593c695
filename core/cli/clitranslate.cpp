// `strata translate`: PostgreSQL SQL to SQLite or D1 on stdout, diagnostics on stderr as
// file:line:col: level: message, exit 1 when any diagnostic is an error (every other statement
// is still translated and printed). --json: one object per source statement.

#include "clicommands.h"

#include "../dialect/dialecttranslator.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

namespace strata {

int CliCommands::translate()
{
    const QString from = m_req.translateFrom.isEmpty() ? QStringLiteral("postgres")
                                                        : m_req.translateFrom.toLower();
    if (from != QLatin1String("postgres") && from != QLatin1String("postgresql"))
        return fail(ExitUsage, Error{QStringLiteral("translate reads PostgreSQL only (--from "
                                                    "postgres), not '%1'")
                                         .arg(m_req.translateFrom),
                                     {}, 0, 0, {}});
    const QString to = m_req.translateTo.isEmpty() ? QStringLiteral("sqlite")
                                                    : m_req.translateTo.toLower();
    if (to != QLatin1String("sqlite") && to != QLatin1String("d1"))
        return fail(ExitUsage, Error{QStringLiteral("translate writes sqlite or d1 (--to), not "
                                                    "'%1'")
                                         .arg(m_req.translateTo),
                                     {}, 0, 0, {}});
    if (m_req.arguments.size() > 1)
        return fail(ExitUsage, Error{QStringLiteral("translate takes one file (or - for standard "
                                                    "input)"),
                                     {}, 0, 0, {}});

    const QString path = m_req.arguments.value(0, QStringLiteral("-"));
    QString text;
    QString name = path;
    if (path == QLatin1String("-")) {
        text = m_in.readAll();
        name = QStringLiteral("<stdin>");
    } else {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return fail(ExitUsage, Error{QStringLiteral("cannot read %1: %2")
                                             .arg(path, file.errorString()),
                                         path, 0, 0, {}});
        text = QString::fromUtf8(file.readAll());
    }

    DialectTranslator translator(to == QLatin1String("d1") ? Dialect::D1 : Dialect::Sqlite);
    const TranslationResult result = translator.translate(text, name);
    const int rc = result.hasErrors() ? ExitFailed : ExitOk;
    if (m_req.json) {
        QJsonArray statements;
        for (const TranslatedStatement& s : result.statements) {
            QJsonArray diagnostics;
            for (const TranslationDiagnostic& d : s.diagnostics)
                diagnostics.append(QJsonObject{
                    {QStringLiteral("level"), TranslationDiagnostic::levelName(d.level)},
                    {QStringLiteral("line"), d.line},
                    {QStringLiteral("column"), d.column},
                    {QStringLiteral("message"), d.message}});
            statements.append(QJsonObject{
                {QStringLiteral("firstLine"), s.firstLine},
                {QStringLiteral("lastLine"), s.lastLine},
                {QStringLiteral("source"), s.source},
                {QStringLiteral("comments"), s.comments},
                {QStringLiteral("output"), QJsonArray::fromStringList(s.output)},
                {QStringLiteral("diagnostics"), diagnostics}});
        }
        const QJsonObject doc{{QStringLiteral("file"), name},
                              {QStringLiteral("from"), QStringLiteral("postgres")},
                              {QStringLiteral("to"), to},
                              {QStringLiteral("ok"), rc == ExitOk},
                              {QStringLiteral("statements"), statements}};
        m_out << QJsonDocument(doc).toJson(QJsonDocument::Indented);
        return rc;
    }
    m_out << result.sql();
    for (const QString& line : result.diagnosticLines(name))
        m_err << line << "\n";
    return rc;
}

} // namespace strata
