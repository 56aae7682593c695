#pragma once

// What the PostgreSQL benchmarks share: the test suites' throw-away server (unless --conninfo
// names one), conninfo editing, and timing a program to its end.

#include <QString>
#include <QStringList>
#include <QTemporaryDir>

namespace strata::bench {

// "port" of "host=127.0.0.1 port=5432 …"; empty when absent.
QString conninfoField(const QString& conninfo, const QString& key);
// The same conninfo pointing at database `db`.
QString withDatabase(const QString& conninfo, const QString& db);

// Seconds `program args…` took; stops the benchmark when it fails. Its output goes to the
// terminal, or nowhere with `quiet`.
double timeProcess(const QString& program, const QStringList& args, bool quiet = false);

// tests/pg/pgserver.sh's server in a temporary folder, started here and stopped when this goes;
// or the one `conninfo` names, left alone.
class BenchPgServer final
{
public:
    explicit BenchPgServer(const QString& conninfo);
    ~BenchPgServer();
    BenchPgServer(const BenchPgServer&) = delete;
    BenchPgServer& operator=(const BenchPgServer&) = delete;
    QString conninfo() const { return m_conninfo; }

private:
    QTemporaryDir m_state;
    QString m_script;
    QString m_conninfo;
};

} // namespace strata::bench
