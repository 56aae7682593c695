#include "statusreader.h"

#include "migrator.h"

#include <QCoreApplication>
#include <QPointer>
#include <QThread>

namespace strata {

StatusReader::StatusReader(QObject* parent) : QObject(parent) {}

StatusReader::~StatusReader()
{
    cancel();
}

void StatusReader::cancel()
{
    if (m_cancelled)
        *m_cancelled = true;
    m_cancelled.reset();
    ++m_generation;
    m_pending = 0;
}

void StatusReader::read(const Project& project, const QList<Target>& targets)
{
    cancel();
    if (targets.isEmpty())
        return;
    const quint64 generation = m_generation;
    m_pending = int(targets.size());
    m_cancelled = std::make_shared<std::atomic<bool>>(false);
    // Results are posted to the application object (it outlives every window) and handed to
    // this reader there, on the GUI thread, if it still exists and still wants them.
    QThread* thread = QThread::create([project, targets, cancelled = m_cancelled,
                                       self = QPointer<StatusReader>(this), generation] {
        for (const Target& target : targets) {
            if (*cancelled)
                return;
            const Migrator migrator(project, target.binding, target.environment);
            auto status =
                std::make_shared<const Result<DatabaseStatus>>(migrator.status());
            QMetaObject::invokeMethod(
                QCoreApplication::instance(),
                [self, generation, target, status] {
                    if (!self || self->m_generation != generation)
                        return;
                    --self->m_pending;
                    emit self->statusRead(target, status);
                    if (self->m_pending == 0)
                        emit self->finished();
                },
                Qt::QueuedConnection);
        }
    });
    thread->setObjectName(QStringLiteral("status reader"));
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    thread->start();
}

} // namespace strata
