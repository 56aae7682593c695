#pragma once

// Runs the real `strata` executable (STRATA_BINARY) as a person would, in a sandbox: a private
// HOME and XDG folders and a working folder, all inside one temporary directory, so a test sees
// only what its own commands did.

#include <QJsonDocument>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

namespace strata::test {

struct CliRun
{
    int exitCode = -1; // -1: crashed or did not finish
    QString out;
    QString err;
    QString both() const { return out + err; }
    // stdout as JSON; a test failure (reported through QTest) when it is not.
    QJsonDocument json() const;
};

class CliSandbox final
{
public:
    CliSandbox();
    bool isValid() const;
    QString path(const QString& relative) const { return m_dir.filePath(relative); }
    // Sets (or, with a null value, removes) a variable in the environment `strata` runs with.
    void setEnv(const QString& name, const QString& value) { m_env.insert(name, value); }
    // Runs `strata args…` in the working folder; stdin is closed (no terminal, no prompts).
    CliRun run(const QStringList& args, int timeoutMs = 120000) const;

private:
    QTemporaryDir m_dir;
    QMap<QString, QString> m_env;
};

} // namespace strata::test
