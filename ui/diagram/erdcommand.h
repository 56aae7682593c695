#pragma once

// `strata erd`: the ER diagram of one database from the command line, headless —
//   strata erd [--project P | --demo] [--db X] [--env E | --at V]
//              --format svg|png|pdf|dot -o FILE [--scale S] [--json]
// The schema comes from the live environment (default: local, else the first) or from the
// migration files at version V, as for `strata schema`. Tables sit where the user left them in
// the window (the per-user positions are read, never written); tables without a position are
// laid out with Graphviz. DOT output needs no layout: it is the graph, with the table text,
// to render with Graphviz yourself. Exit codes: 0 ok, 1 failed, 2 usage or project error.
//
// It draws with Qt's painting, so it needs a QApplication (app/main.cpp makes one, offscreen).

#include <QStringList>
#include <QTextStream>

namespace strata {

// True when the first command word of `arguments` (program name first) is `erd`.
bool isErdInvocation(const QStringList& arguments);

int runErdCommand(const QStringList& arguments, QTextStream& out, QTextStream& err);

} // namespace strata
