#pragma once

// Runs Migrator::up for one database and environment on a worker thread, so the window never
// freezes: asks the confirmer first (a real apply, never a dry run), reports progress, and
// hands back what happened. One run at a time. The confirmer is the seam tests replace: the
// window passes one that shows a dialog, a test one that answers at once.

#include "migrator.h"

#include <QObject>
#include <QPointer>

#include <functional>
#include <memory>
#include <optional>

class QThread;

namespace strata {

// What the user is asked to agree to before anything is applied.
struct ConfirmRequest
{
    QString projectName;
    QString binding;
    QString databaseName;
    QString environment;
    QString location;         // display form: a path, never a password
    bool isProtected = false; // true: the window asks the user to type `environment`
    QStringList migrations;   // file names, in the order they will run
};

// Returns true to go ahead. Called on the GUI thread, before the worker starts.
using Confirmer = std::function<bool(const ConfirmRequest&)>;

struct ApplyOutcome
{
    QString binding;
    QString environment;
    bool dryRun = false;
    QList<StepResult> steps;        // applied (or, in a dry run, would be) before any failure
    std::optional<Error> error;     // a refusal before anything ran, or the migration that failed
    bool failedInMigration = false; // error names a migration file that failed part-way
    qint64 elapsedMs = 0;

    bool ok() const { return !error.has_value(); }
};

class ApplyController final : public QObject
{
    Q_OBJECT

public:
    explicit ApplyController(Confirmer confirmer, QObject* parent = nullptr);
    ~ApplyController() override; // waits for a running apply: a migration is never cut off

    void setConfirmer(Confirmer confirmer) { m_confirmer = std::move(confirmer); }
    bool isRunning() const { return m_thread != nullptr; }

    // Applies the pending migrations listed in `status` (the snapshot the user sees), and no
    // migration numbered above them even if files appeared since. Returns false without
    // starting when a run is already going, nothing is pending, or the confirmer said no.
    bool start(const Project& project, const DatabaseStatus& status, bool dryRun);

signals:
    void started(const QString& binding, const QString& environment, bool dryRun, int count);
    // Before each migration (index from 0); finally once more with index == total.
    void progress(int index, int total, const QString& fileName);
    void finished(const strata::ApplyOutcome& outcome);

private:
    void onThreadFinished();

    Confirmer m_confirmer;
    QThread* m_thread = nullptr;
    // Written by the worker, read on the GUI thread once the thread has finished.
    std::shared_ptr<ApplyOutcome> m_outcome;
};

// The pending migrations of a snapshot, in the order Apply runs them.
QList<const MigrationEntry*> pendingEntries(const DatabaseStatus& status);

} // namespace strata

Q_DECLARE_METATYPE(strata::ApplyOutcome)
