#include "diagramlayoutrunner.h"

#include <QThread>

#include <memory>
#include <optional>

namespace strata {

DiagramLayoutRunner::DiagramLayoutRunner(QObject* parent) : QObject(parent) {}

DiagramLayoutRunner::~DiagramLayoutRunner()
{
    // A Graphviz call cannot be interrupted; it finishes within a second or two at most.
    for (QThread* t : std::as_const(m_threads)) {
        t->wait();
        delete t;
    }
}

int DiagramLayoutRunner::start(const ErdGraph& graph, const ErdLayoutOptions& options)
{
    const int generation = ++m_generation;
    auto outcome = std::make_shared<std::optional<Result<ErdLayoutResult>>>();
    QThread* thread = QThread::create([graph, options, outcome] {
        outcome->emplace(ErdLayout::compute(graph, options));
    });
    thread->setObjectName(QStringLiteral("diagram layout"));
    m_threads.append(thread);
    ++m_pending;
    // Queued to this object's (the GUI) thread: the result is read there, after the worker ended.
    connect(thread, &QThread::finished, this, [this, thread, generation, outcome] {
        m_threads.removeOne(thread);
        thread->deleteLater();
        --m_pending;
        if (generation != m_generation || !outcome->has_value())
            return;
        const Result<ErdLayoutResult>& r = **outcome;
        if (r.ok())
            emit finished(generation, r.value());
        else
            emit failed(generation, r.error().message);
    });
    thread->start();
    return generation;
}

} // namespace strata
