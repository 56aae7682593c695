#include "benchpg.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>

namespace strata::bench {

QString conninfoField(const QString& conninfo, const QString& key)
{
    const auto m = QRegularExpression(key + QStringLiteral("=(\\S+)")).match(conninfo);
    return m.hasMatch() ? m.captured(1) : QString();
}

QString withDatabase(const QString& conninfo, const QString& db)
{
    QString info = conninfo;
    info.remove(QRegularExpression(QStringLiteral("\\s*dbname=\\S+")));
    return info + QStringLiteral(" dbname=") + db;
}

double timeProcess(const QString& program, const QStringList& args, bool quiet)
{
    QProcess p;
    if (quiet) {
        p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        p.setStandardOutputFile(QProcess::nullDevice());
    } else {
        p.setProcessChannelMode(QProcess::ForwardedChannels);
    }
    QElapsedTimer t;
    t.start();
    p.start(program, args);
    if (!p.waitForFinished(-1) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        qFatal("%s failed (exit %d)", qPrintable(program), p.exitCode());
    return double(t.nsecsElapsed()) / 1e9;
}

BenchPgServer::BenchPgServer(const QString& conninfo)
{
    if (!conninfo.isEmpty()) {
        m_conninfo = conninfo;
        return;
    }
    m_script = QStringLiteral(STRATA_SOURCE_DIR "/tests/pg/pgserver.sh");
    if (QProcess::execute(QStringLiteral("bash"),
                          {m_script, QStringLiteral("start"), m_state.path()}) != 0)
        qFatal("cannot start the PostgreSQL server (%s)", qPrintable(m_script));
    QFile f(m_state.filePath(QStringLiteral("conninfo")));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("the server wrote no conninfo");
    m_conninfo = QString::fromUtf8(f.readAll()).trimmed();
}

BenchPgServer::~BenchPgServer()
{
    if (!m_script.isEmpty())
        QProcess::execute(QStringLiteral("bash"), {m_script, QStringLiteral("stop"), m_state.path()});
}

} // namespace strata::bench
