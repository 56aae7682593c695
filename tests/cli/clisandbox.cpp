#include "clisandbox.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonParseError>
#include <QProcess>
#include <QTest>

namespace strata::test {

QJsonDocument CliRun::json() const
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(out.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError)
        QTest::qFail(qPrintable(QStringLiteral("not JSON (%1): %2 %3")
                                    .arg(error.errorString(), out, err)),
                     __FILE__, __LINE__);
    return doc;
}

CliSandbox::CliSandbox()
{
    for (const char* sub : {"home", "data", "config", "cache", "work"})
        QDir().mkpath(m_dir.filePath(QString::fromLatin1(sub)));
}

bool CliSandbox::isValid() const
{
    return m_dir.isValid() && QFileInfo(QStringLiteral(STRATA_BINARY)).isExecutable();
}

CliRun CliSandbox::run(const QStringList& args, int timeoutMs) const
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), m_dir.filePath(QStringLiteral("home")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), m_dir.filePath(QStringLiteral("cache")));
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    for (auto it = m_env.cbegin(); it != m_env.cend(); ++it) {
        if (it.value().isNull())
            env.remove(it.key());
        else
            env.insert(it.key(), it.value());
    }
    p.setProcessEnvironment(env);
    p.setWorkingDirectory(m_dir.filePath(QStringLiteral("work")));
    p.start(QStringLiteral(STRATA_BINARY), args);
    p.closeWriteChannel();
    CliRun result;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        QTest::qFail("strata did not finish", __FILE__, __LINE__);
        return result;
    }
    result.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    result.out = QString::fromUtf8(p.readAllStandardOutput());
    result.err = QString::fromUtf8(p.readAllStandardError());
    return result;
}

} // namespace strata::test
