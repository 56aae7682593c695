#pragma once

// The command line: `strata status | up | down | new | baseline`, human output by default,
// --json for CI. Exit codes (docs/cli.md): 0 ok, 1 a migration failed or drift, 2 usage or
// project error, 3 the database is busy with another apply.

#include <QStringList>
#include <QTextStream>

namespace strata {

enum ExitCode { ExitOk = 0, ExitFailed = 1, ExitUsage = 2, ExitBusy = 3 };

// The first argument that is no option nor an option's value ("status", "erd", a typo …);
// empty when there is none.
QString commandWord(const QStringList& arguments);

// True when the arguments ask for the command line rather than the window.
bool isCliInvocation(const QStringList& arguments);

// What the process is attached to: prompts need a person at stdin, progress a terminal on stderr.
struct CliTerminal
{
    bool stdinIsTerminal = false;
    bool stderrIsTerminal = false;
};

// Runs a command; `arguments` includes the program name first, as QCoreApplication gives it.
// `input` answers confirmation prompts.
int runCli(const QStringList& arguments, QTextStream& out, QTextStream& err, QTextStream& input,
           CliTerminal terminal);

} // namespace strata
