#include "applycontroller.h"

#include <QElapsedTimer>
#include <QThread>

namespace strata {

QList<const MigrationEntry*> pendingEntries(const DatabaseStatus& status)
{
    // Out-of-order files are drift: Migrator::up refuses them, so they are not offered.
    QList<const MigrationEntry*> out;
    for (const MigrationEntry& e : status.entries)
        if (e.state == MigrationState::Pending)
            out << &e;
    return out;
}

ApplyController::ApplyController(Confirmer confirmer, QObject* parent)
    : QObject(parent), m_confirmer(std::move(confirmer))
{
    qRegisterMetaType<strata::ApplyOutcome>();
}

ApplyController::~ApplyController()
{
    if (m_thread) {
        m_thread->wait();
        delete m_thread;
    }
}

bool ApplyController::start(const Project& project, const DatabaseStatus& status, bool dryRun)
{
    if (m_thread)
        return false;
    const QList<const MigrationEntry*> pending = pendingEntries(status);
    if (pending.isEmpty())
        return false;

    const Database* db = project.database(status.binding);
    ConfirmRequest request;
    request.projectName = project.name;
    request.binding = status.binding;
    request.databaseName = db ? db->name : QString();
    request.environment = status.environment;
    request.location = status.location;
    request.isProtected = status.isProtected;
    for (const MigrationEntry* e : pending)
        request.migrations << e->fileName;
    if (!dryRun && !(m_confirmer && m_confirmer(request)))
        return false;

    RunOptions options;
    options.dryRun = dryRun;
    options.toVersion = pending.last()->version; // never more than was shown and confirmed

    auto outcome = std::make_shared<ApplyOutcome>();
    outcome->binding = status.binding;
    outcome->environment = status.environment;
    outcome->dryRun = dryRun;
    m_outcome = outcome;

    // The worker owns its Migrator (and the Project copy in it) from start to end; it touches
    // nothing of the GUI thread's but `outcome` and the queued progress calls.
    m_thread = QThread::create([this, project, outcome, options] {
        QElapsedTimer timer;
        timer.start();
        Migrator migrator(project, outcome->binding, outcome->environment);
        auto report = migrator.up(options, [this](int index, int total, const QString& file) {
            QMetaObject::invokeMethod(
                this, [this, index, total, file] { emit progress(index, total, file); },
                Qt::QueuedConnection);
        });
        if (!report) {
            outcome->error = report.error();
        } else {
            outcome->steps = report->steps;
            if (report->failure) {
                outcome->error = report->failure;
                outcome->failedInMigration = true;
            }
        }
        outcome->elapsedMs = timer.elapsed();
    });
    m_thread->setObjectName(QStringLiteral("strata-apply"));
    connect(m_thread, &QThread::finished, this, &ApplyController::onThreadFinished);
    emit started(status.binding, status.environment, dryRun, int(pending.size()));
    m_thread->start();
    return true;
}

void ApplyController::onThreadFinished()
{
    // QThread::finished is queued here from the worker after its last write to the outcome.
    m_thread->deleteLater();
    m_thread = nullptr;
    const ApplyOutcome outcome = *m_outcome;
    m_outcome.reset();
    emit finished(outcome);
}

} // namespace strata
