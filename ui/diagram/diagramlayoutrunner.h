#pragma once

// DiagramLayoutRunner: runs ErdLayout on a worker thread so the window never waits for
// Graphviz, and hands the result back on the GUI thread. Each start() supersedes the previous
// one: results of older requests are dropped (a generation counter), never applied late.

#include "erdlayout.h"

#include <QList>
#include <QObject>

class QThread;

namespace strata {

class DiagramLayoutRunner final : public QObject
{
    Q_OBJECT

public:
    explicit DiagramLayoutRunner(QObject* parent = nullptr);
    ~DiagramLayoutRunner() override; // waits for a layout still running

    // Returns the request's generation, which finished() / failed() carry.
    int start(const ErdGraph& graph, const ErdLayoutOptions& options = {});
    bool isRunning() const { return m_pending > 0; }
    // Forgets the requests under way: their results will be dropped.
    void cancel() { ++m_generation; }

signals:
    void finished(int generation, const strata::ErdLayoutResult& result);
    void failed(int generation, const QString& message);

private:
    int m_generation = 0;
    int m_pending = 0;
    QList<QThread*> m_threads;
};

} // namespace strata
