#pragma once

// The commands behind `strata …`, each a thin shell over a core operation: resolve the
// project and databases, call Migrator, print for people or for --json.

#include "../migrator.h"
#include "cli.h"

#include <QJsonObject>

namespace strata {

struct CliRequest
{
    QString command;
    QStringList arguments;
    QString projectPath;
    bool demo = false;
    QStringList databases;
    QString environment;
    QString environment2;          // diff: the second environment
    std::optional<qint64> at;      // schema: a point of the history
    std::optional<qint64> from;    // diff: the first point of the history
    std::optional<qint64> before;  // restore: the restore point before this migration
    bool json = false;
    QString translateFrom;         // translate: the source dialect (postgres)
    QString translateTo;           // translate: sqlite or d1
    QString confirm;
    bool backup = false;           // up: a restore point before each migration
    QString copyFromDb, copyFromEnv, copyToDb, copyToEnv; // copy: source and target
    bool interactive = false;  // a person can answer prompts
    bool showProgress = false; // stderr is a terminal
    RunOptions options;
};

class CliCommands final
{
public:
    CliCommands(CliRequest request, QTextStream& out, QTextStream& err, QTextStream& input);
    int run();

private:
    int fail(int code, const Error& error);
    int loadProject();
    // The databases the command works on: those named with --db, else all.
    Result<QStringList> selectedBindings(bool exactlyOne) const;
    bool confirmProtected(const Environment& env);

    int status();
    int apply(bool down);
    int baseline();
    int newMigration();
    int schema();
    int diff();
    int translate(); // clitranslate.cpp
    int backup();  // clibackup.cpp
    int backups();
    int restore();
    int copy(); // clicopy.cpp

    void printStatus(const DatabaseStatus& st);
    void printReport(const Migrator& m, const RunReport& report);
    QJsonObject statusJson(const DatabaseStatus& st) const;
    QJsonObject reportJson(const Migrator& m, const RunReport& report) const;
    static QJsonObject errorJson(const Error& e);

    CliRequest m_req;
    QTextStream& m_out;
    QTextStream& m_err;
    QTextStream& m_in;
    Project m_project;
};

} // namespace strata
