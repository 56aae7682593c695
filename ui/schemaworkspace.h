#pragma once

// The schema side of the window: the ER diagram with its history slider (the central area),
// the migration timeline, the migration inspector and the table details (docks). It derives the
// selected database's schema at every point of its history off the GUI thread, shows the chosen
// point on the diagram with what changed, and keeps the slider and the timeline's cursor in step.

#include "projecttreemodel.h"
#include "schemahistory.h"

#include <QObject>

#include <functional>
#include <memory>
#include <optional>

class QAction;
class QDockWidget;
class QMainWindow;
class QThread;
class QWidget;

namespace strata {

struct ApplyOutcome;
class DiagramScene;
class DiagramView;
class HistorySlider;
class MigrationInspector;
class TableDetailsPanel;
class TimelineModel;
class TimelineView;

class SchemaWorkspace final : public QObject
{
    Q_OBJECT

public:
    explicit SchemaWorkspace(QMainWindow* window);
    ~SchemaWorkspace() override;

    QWidget* diagramArea() const { return m_area; }
    QDockWidget* timelineDock() const { return m_timelineDock; }
    QDockWidget* inspectorDock() const { return m_inspectorDock; }
    QDockWidget* tableDock() const { return m_tableDock; }
    QAction* exportAction() const { return m_export; }

    DiagramScene* scene() const { return m_scene; }
    DiagramView* view() const { return m_view; }
    HistorySlider* slider() const { return m_slider; }
    TimelineModel* timelineModel() const { return m_timelineModel; }
    TimelineView* timelineView() const { return m_timelineView; }
    const SchemaHistory* history() const { return m_history.get(); }
    bool isDeriving() const { return m_worker != nullptr; }

    void setProject(const Project& project);
    void clearProject();
    // Shows the database of `target` (deriving its history when the database changed) at the
    // point last applied in that environment (`lastApplied`, 0 when none).
    void setTarget(const Target& target, qint64 lastApplied);
    // The files or the databases changed (refresh, an apply): read everything again.
    void reload();
    void recordOutcome(const ApplyOutcome& outcome);
    // Moves the slider to the point of `version` (the last one at or below it).
    void showVersion(qint64 version);
    void exportDiagram();

signals:
    // The timeline chose a migration of another database or environment: the window should
    // select that target; the slider then goes to `version`.
    void targetRequested(const strata::Target& target);
    void historyReady(); // a derivation finished and its point is on show
    void liveSchemaShown(); // a server's database is on show (drift, or no history; off-thread)

private:
    void derive();
    void onDerived(std::shared_ptr<Result<SchemaHistory>> result, quint64 generation);
    void showPoint();
    // A server's schema (drift, or the diagram without a history) is read on a worker; `show`
    // runs on the GUI thread when it arrives, if no newer read was started and `stillWanted`
    // says the view still wants it.
    void readLiveSchema(const Database& db, const Environment& env,
                        std::function<bool()> stillWanted,
                        std::function<void(const Result<Schema>&)> show);
    // Without a file history (e.g. a role that may not create the scratch database the
    // PostgreSQL history is replayed in), the diagram still shows the database as it is now.
    void showLiveWithoutHistory(const Database& db, const Environment& env);
    void showDrift(const Result<Schema>& live);
    void onMarkSelected(const QString& binding, const QString& environment, qint64 version);

    Project m_project;
    Target m_target;
    qint64 m_lastApplied = 0;
    std::optional<qint64> m_wantedVersion; // where to go once the history is there
    std::unique_ptr<SchemaHistory> m_history;
    QString m_historyBinding; // the database m_history belongs to
    QThread* m_worker = nullptr;  // the derivation whose result is wanted
    QString m_derivingBinding;    // the database m_worker derives
    QList<QThread*> m_threads;    // every worker still running (overtaken ones finish unwaited)
    quint64 m_generation = 0;     // drops results of derivations that were overtaken
    quint64 m_liveGeneration = 0; // drops live schemas read for a point no longer on show

    QWidget* m_area;
    HistorySlider* m_slider;
    DiagramScene* m_scene;
    DiagramView* m_view;
    TableDetailsPanel* m_tablePanel;
    TimelineModel* m_timelineModel;
    TimelineView* m_timelineView;
    MigrationInspector* m_inspector;
    QDockWidget* m_timelineDock;
    QDockWidget* m_inspectorDock;
    QDockWidget* m_tableDock;
    QAction* m_export;
};

} // namespace strata
