// The strata executable: the command line when a command is given, the window otherwise.

#include "cli.h"
#include "erdcommand.h"
#include "mainwindow.h"

#include <QApplication>
#include <QTextStream>

#include <cstdio>
#include <memory>
#include <unistd.h>

int main(int argc, char* argv[])
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);

    if (strata::isErdInvocation(arguments)) {
        // `strata erd` paints with Qt but never shows a window: offscreen unless told otherwise,
        // so it runs the same with or without a display.
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        QApplication app(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("strata"));
        QTextStream out(stdout), err(stderr);
        const int rc = strata::runErdCommand(app.arguments(), out, err);
        out.flush();
        err.flush();
        return rc;
    }

    if (strata::isCliInvocation(arguments)) {
        QCoreApplication app(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("strata"));
        QTextStream out(stdout), err(stderr), in(stdin);
        const strata::CliTerminal terminal{isatty(STDIN_FILENO) != 0, isatty(STDERR_FILENO) != 0};
        const int rc = strata::runCli(app.arguments(), out, err, in, terminal);
        out.flush();
        err.flush();
        return rc;
    }

    QApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("strata"));
    QApplication::setApplicationDisplayName(QStringLiteral("Strata"));
    QApplication::setApplicationVersion(QStringLiteral(STRATA_VERSION));
    return strata::runWindow(app.arguments());
}
