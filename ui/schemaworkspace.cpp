#include "schemaworkspace.h"

#include "applycontroller.h"
#include "diagramexport.h"
#include "diagramscene.h"
#include "diagramview.h"
#include "historyslider.h"
#include "migrationinspector.h"
#include "schemadiff.h"
#include "schemasource.h"
#include "tabledetailspanel.h"
#include "timelinemodel.h"
#include "timelineview.h"

#include <QAction>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QMainWindow>
#include <QMessageBox>
#include <QThread>
#include <QVBoxLayout>

namespace strata {
namespace {

// One colour per binding, in the order the project declares them.
QColor bindingColor(const Project& project, const QString& binding)
{
    static const QList<QColor> palette = {QColor(0x2f, 0x6f, 0xb3), QColor(0x2e, 0x8b, 0x57),
                                          QColor(0x8e, 0x44, 0xad), QColor(0xc0, 0x6c, 0x1a),
                                          QColor(0x1b, 0x8a, 0x8f), QColor(0xb0, 0x3a, 0x5b)};
    for (int i = 0; i < project.databases.size(); ++i)
        if (project.databases[i].binding == binding)
            return palette[i % palette.size()];
    return palette.first();
}

QDockWidget* makeDock(QMainWindow* window, const QString& title, const QString& name,
                      QWidget* content)
{
    auto* dock = new QDockWidget(title, window);
    dock->setObjectName(name);
    dock->setWidget(content);
    return dock;
}

} // namespace

SchemaWorkspace::SchemaWorkspace(QMainWindow* window)
    : QObject(window), m_area(new QWidget(window)), m_slider(new HistorySlider(m_area)),
      m_scene(new DiagramScene(this)), m_view(new DiagramView(m_area)),
      m_tablePanel(new TableDetailsPanel(window)), m_timelineModel(new TimelineModel(this)),
      m_timelineView(new TimelineView(window)), m_inspector(new MigrationInspector(window))
{
    auto* layout = new QVBoxLayout(m_area);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_slider);
    layout->addWidget(m_view, 1);
    m_view->setDiagramScene(m_scene);
    m_timelineView->setModel(m_timelineModel);

    m_timelineDock = makeDock(window, tr("Timeline"), QStringLiteral("timelineDock"),
                              m_timelineView);
    m_inspectorDock = makeDock(window, tr("Migration"), QStringLiteral("inspectorDock"),
                               m_inspector);
    m_tableDock = makeDock(window, tr("Table"), QStringLiteral("tableDock"), m_tablePanel);

    m_export = new QAction(tr("&Export Diagram…"), this);
    m_export->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_export->setToolTip(tr("Save the diagram as SVG, PNG or PDF"));
    connect(m_export, &QAction::triggered, this, &SchemaWorkspace::exportDiagram);

    connect(m_slider, &HistorySlider::pointChanged, this, &SchemaWorkspace::showPoint);
    connect(m_slider, &HistorySlider::compareChanged, this, &SchemaWorkspace::showPoint);
    connect(m_timelineView, &TimelineView::markSelected, this,
            [this](const QString& binding, const QString& env, qint64 version, const QString&) {
                onMarkSelected(binding, env, version);
            });
    connect(m_timelineView, &TimelineView::currentMarkChanged, m_inspector,
            &MigrationInspector::showMark);
    connect(m_scene, &DiagramScene::tableSelected, this, [this](const Table& table) {
        m_tablePanel->showTable(table, m_scene->tableState(table.name),
                                m_scene->diff().table(table.name));
        m_tableDock->raise();
    });
    connect(m_scene, &DiagramScene::selectionCleared, m_tablePanel, &TableDetailsPanel::clear);
}

SchemaWorkspace::~SchemaWorkspace()
{
    // The workers only read files, their own scratch database and live schemas; each ends by
    // itself (a server that does not answer within its connect timeout is an error).
    for (QThread* t : std::as_const(m_threads)) {
        t->wait();
        delete t;
    }
}

void SchemaWorkspace::setProject(const Project& project)
{
    m_project = project;
    m_history.reset();
    m_historyBinding.clear();
    m_target = {};
    ++m_generation; // a derivation still running read the files as they were
    ++m_liveGeneration;
    m_worker = nullptr;
    m_derivingBinding.clear();
    m_timelineModel->setProject(project);
    m_slider->clear(tr("Select a database"));
    m_scene->setSchema(Schema{});
    m_tablePanel->clear();
}

void SchemaWorkspace::clearProject()
{
    m_project = {};
    m_history.reset();
    m_historyBinding.clear();
    m_target = {};
    ++m_generation;
    ++m_liveGeneration;
    m_worker = nullptr;
    m_derivingBinding.clear();
    m_timelineModel->clear();
    m_slider->clear(tr("No project"));
    m_scene->setSchema(Schema{});
    m_tablePanel->clear();
    m_inspector->clear();
}

void SchemaWorkspace::setTarget(const Target& target, qint64 lastApplied)
{
    const bool sameDatabase = target.binding == m_historyBinding && m_history;
    m_target = target;
    m_lastApplied = lastApplied;
    m_timelineModel->setEnvironment(target.environment);
    if (!target.isValid())
        return;
    if (!sameDatabase && m_worker && target.binding == m_derivingBinding)
        return; // its history is on the way; onDerived() goes to the point of m_lastApplied
    if (!m_history && !m_worker && target.binding == m_historyBinding)
        return; // its history could not be derived just now; the slider says why
    if (sameDatabase) {
        const int point = m_wantedVersion ? m_history->indexAt(*m_wantedVersion)
                                          : m_history->indexAt(lastApplied);
        m_wantedVersion.reset();
        m_slider->setHistory(m_history.get(), target.environment, point);
        showPoint();
        return;
    }
    derive();
}

void SchemaWorkspace::reload()
{
    m_timelineModel->reload();
    if (m_target.isValid())
        derive();
}

void SchemaWorkspace::recordOutcome(const ApplyOutcome& outcome)
{
    m_timelineModel->recordOutcome(outcome);
    m_timelineModel->reload();
    showPoint(); // drift compares against the live database, which just changed
}

void SchemaWorkspace::derive()
{
    const Database* db = m_project.database(m_target.binding);
    if (!db)
        return;
    const quint64 generation = ++m_generation;
    m_slider->setBusy(tr("Reading the history of %1…").arg(db->binding));
    auto result = std::make_shared<Result<SchemaHistory>>(Error{});
    QThread* worker = QThread::create([project = m_project, database = *db, result] {
        *result = fileSchemaHistory(project, database);
    });
    connect(worker, &QThread::finished, this, [this, worker, result, generation] {
        m_threads.removeOne(worker);
        worker->deleteLater();
        if (m_worker == worker) {
            m_worker = nullptr;
            m_derivingBinding.clear();
        }
        onDerived(result, generation);
    });
    // An older derivation still running is not waited for (replaying on a server can take a
    // while): it finishes on its own and its result is dropped by the generation.
    m_worker = worker;
    m_derivingBinding = db->binding;
    m_threads << worker;
    worker->start();
}

void SchemaWorkspace::onDerived(std::shared_ptr<Result<SchemaHistory>> result, quint64 generation)
{
    if (generation != m_generation)
        return;
    const Database* db = m_project.database(m_target.binding);
    if (!db)
        return;
    if (!result->ok()) {
        m_history.reset();
        m_historyBinding = db->binding; // with no history: the failure stays until reload()
        const Environment* env = db->environment(m_target.environment);
        const bool live = env && env->kind != Environment::Kind::D1Remote;
        m_slider->clear(tr("Cannot read the migrations: %1%2")
                            .arg(result->error().toString(),
                                 live ? tr(" — the diagram shows %1 as it is now").arg(env->name)
                                      : QString()));
        m_scene->setSchema(Schema{});
        if (live)
            showLiveWithoutHistory(*db, *env);
        emit historyReady();
        return;
    }
    m_history = std::make_unique<SchemaHistory>(std::move(*result).value());
    m_historyBinding = db->binding;
    m_scene->setDatabase(m_project.sourceFile, db->binding, bindingColor(m_project, db->binding));
    const int point = m_history->indexAt(m_wantedVersion.value_or(m_lastApplied));
    m_wantedVersion.reset();
    m_slider->setHistory(m_history.get(), m_target.environment,
                         point > 0 ? point : int(m_history->points.size()) - 1);
    showPoint();
    emit historyReady();
}

void SchemaWorkspace::showPoint()
{
    if (!m_history)
        return;
    const int i = m_slider->point();
    const SchemaPoint& point = m_history->points[i];
    const Database* db = m_project.database(m_target.binding);

    if (m_slider->compare() == HistorySlider::Compare::LiveDrift && db) {
        // What the environment should be (the files at its last applied migration) against
        // what it is.
        const Environment* env = db->environment(m_target.environment);
        if (env && env->kind == Environment::Kind::Postgres)
            readLiveSchema(
                *db, *env,
                [this] {
                    return m_history && m_slider->compare() == HistorySlider::Compare::LiveDrift;
                },
                [this](const Result<Schema>& live) { showDrift(live); });
        else
            showDrift(env ? liveSchema(*db, *env)
                          : Result<Schema>(Error{tr("no such environment"), {}, 0, 0, {}}));
    } else {
        ++m_liveGeneration; // a live read still on its way is for a view no longer wanted
        const int from = m_slider->compare() == HistorySlider::Compare::FromPoint
                             ? m_slider->fromPoint()
                             : std::max(0, i - 1);
        const Schema& previous = m_history->points[from].schema;
        const SchemaDiff diff = diffSchemas(previous, point.schema);
        m_scene->setSchema(point.schema, i == 0 ? nullptr : &diff, &previous);
    }
    m_timelineView->setCurrentVersion(m_target.binding, point.version);
}

void SchemaWorkspace::showDrift(const Result<Schema>& live)
{
    if (live) {
        const Schema& expected = m_history->at(m_lastApplied).schema;
        const SchemaDiff diff = diffSchemas(expected, live.value());
        m_scene->setSchema(live.value(), &diff, &expected);
    } else {
        m_scene->setSchema(Schema{});
        m_slider->setBusy(live.error().toString());
    }
}

void SchemaWorkspace::readLiveSchema(const Database& db, const Environment& env,
                                     std::function<bool()> stillWanted,
                                     std::function<void(const Result<Schema>&)> show)
{
    const quint64 generation = ++m_liveGeneration;
    auto result = std::make_shared<Result<Schema>>(Error{});
    QThread* worker = QThread::create([database = db, environment = env, result] {
        *result = liveSchema(database, environment);
    });
    connect(worker, &QThread::finished, this,
            [this, worker, result, generation, stillWanted = std::move(stillWanted),
             show = std::move(show)] {
                m_threads.removeOne(worker);
                worker->deleteLater();
                if (generation != m_liveGeneration || !stillWanted())
                    return;
                show(*result);
                emit liveSchemaShown();
            });
    m_threads << worker;
    worker->start();
}

void SchemaWorkspace::showLiveWithoutHistory(const Database& db, const Environment& env)
{
    readLiveSchema(
        db, env, [this, binding = db.binding] { return !m_history && m_target.binding == binding; },
        [this, binding = db.binding](const Result<Schema>& live) {
            if (!live)
                return; // the slider already says why there is no history
            m_scene->setDatabase(m_project.sourceFile, binding, bindingColor(m_project, binding));
            m_scene->setSchema(live.value());
        });
}

void SchemaWorkspace::showVersion(qint64 version)
{
    if (m_history)
        m_slider->setPoint(m_history->indexAt(version));
}

void SchemaWorkspace::onMarkSelected(const QString& binding, const QString& environment,
                                     qint64 version)
{
    if (binding == m_target.binding && environment == m_target.environment && m_history) {
        showVersion(version);
        return;
    }
    m_wantedVersion = version;
    emit targetRequested(Target{binding, environment});
}

void SchemaWorkspace::exportDiagram()
{
    auto* parent = qobject_cast<QWidget*>(this->parent());
    QString selected;
    const QString path = QFileDialog::getSaveFileName(
        parent, tr("Export Diagram"), m_target.binding.isEmpty() ? QStringLiteral("diagram.svg")
                                                                 : m_target.binding + ".svg",
        tr("SVG (*.svg);;PNG image (*.png);;PDF (*.pdf)"), &selected);
    if (path.isEmpty())
        return;
    const auto format = diagramFormatFromName(QFileInfo(path).suffix());
    if (!format) {
        QMessageBox::warning(parent, tr("Export Diagram"),
                             tr("Name the file .svg, .png or .pdf."));
        return;
    }
    // PNGs at twice the scene's size for sharp text, as far as image viewers cope.
    const QSize natural = diagramImageSize(*m_scene, 1.0);
    const int longest = std::max(1, std::max(natural.width(), natural.height()));
    const double scale = std::min(2.0, double(maxImageSide) / longest);
    if (Status st = strata::exportDiagram(*m_scene, path, *format, scale); !st)
        QMessageBox::warning(parent, tr("Export Diagram"), st.error().toString());
}

} // namespace strata
