#pragma once

// Reads the migration status of environments that live on a server (PostgreSQL) off the GUI
// thread: a server that is slow or gone costs its connect timeout on a worker, never a frozen
// window. Each status arrives on the GUI thread as it is read; a newer read() drops what an older
// one has not delivered yet.

#include "migrationstatus.h"
#include "project.h"
#include "projecttreemodel.h"
#include "result.h"

#include <QObject>

#include <atomic>
#include <memory>

namespace strata {

class StatusReader final : public QObject
{
    Q_OBJECT

public:
    explicit StatusReader(QObject* parent = nullptr);
    ~StatusReader() override;

    // Reads the status of each of `targets` in `project`, one after the other, on a worker.
    void read(const Project& project, const QList<Target>& targets);
    // Drops whatever is still to come.
    void cancel();
    bool isReading() const { return m_pending > 0; }

signals:
    void statusRead(const strata::Target& target,
                    std::shared_ptr<const strata::Result<strata::DatabaseStatus>> status);
    void finished(); // every target of the last read() has been delivered

private:
    // Set when the reads of a worker are no longer wanted: it stops after the one in hand. The
    // worker owns a reference, so neither side waits for the other (a read may take a whole
    // connect timeout, and closing the window must not).
    using Cancelled = std::shared_ptr<std::atomic<bool>>;

    Cancelled m_cancelled;
    quint64 m_generation = 0;
    int m_pending = 0;
};

} // namespace strata
