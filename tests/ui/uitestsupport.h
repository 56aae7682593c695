#pragma once

// What the window tests share: a private home for each run (so the demo copy and the settings
// never touch the real ones) and small file helpers for fixture copies.

#include <QByteArray>
#include <QString>

class QObject;

namespace strata::test {

// Copies the folder `from` into `to` recursively, hidden files included (wrangler's .wrangler/).
bool copyTree(const QString& from, const QString& to);
bool writeFile(const QString& path, const QByteArray& content);

// Points HOME and the XDG folders at a temporary folder and turns on QStandardPaths' test
// mode — before QApplication exists, so nothing sees the real ones — then creates the
// application (named "strata", as the app names it) and runs the Qt Test object.
int runUiTest(int argc, char* argv[], QObject* test);

} // namespace strata::test
