// The window's schema side, headless: the demo opened, the history derived off the GUI thread,
// the slider and the timeline kept in step both ways, the diagram showing each point with what
// its migration changed, and drift against the live database.

#include "diagramscene.h"
#include "historyslider.h"
#include "mainwindow.h"
#include "projecttreemodel.h"
#include "schemaworkspace.h"
#include "tableitem.h"
#include "timelinemodel.h"
#include "timelineview.h"
#include "uitestsupport.h"

#include <QComboBox>
#include <QProcess>
#include <QSignalSpy>
#include <QtTest>

using namespace strata;

class TestWorkspace final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void demoShowsLastAppliedPoint();
    void sliderMovesTimelineCursor();
    void selectingAMarkMovesTheSlider();
    void markOfAnotherDatabaseSwitchesTarget();
    void driftModeComparesFilesWithLiveDatabase();

private:
    bool openDemoAt(const Target& target);
    QStringList tableNames() const;

    MainWindow* m_window = nullptr;
};

void TestWorkspace::init()
{
    m_window = new MainWindow;
    m_window->resize(1400, 900);
    m_window->show();
}

void TestWorkspace::cleanup()
{
    delete m_window;
    m_window = nullptr;
}

bool TestWorkspace::openDemoAt(const Target& target)
{
    SchemaWorkspace* ws = m_window->workspace();
    QSignalSpy ready(ws, &SchemaWorkspace::historyReady);
    if (!m_window->openDemo().ok())
        return false;
    if (!ready.wait(10000)) // the first database's history
        return false;
    if (m_window->currentTarget() == target)
        return true;
    ready.clear();
    if (!m_window->selectTarget(target))
        return false;
    return !ws->isDeriving() || ready.wait(10000);
}

QStringList TestWorkspace::tableNames() const
{
    QStringList names;
    for (TableItem* item : m_window->workspace()->scene()->tableItems())
        names << item->name();
    names.sort();
    return names;
}

void TestWorkspace::demoShowsLastAppliedPoint()
{
    QVERIFY(openDemoAt({QStringLiteral("BILLING_DB"), QStringLiteral("local")}));
    SchemaWorkspace* ws = m_window->workspace();
    QVERIFY(ws->history());
    QCOMPARE(ws->history()->points.size(), 11); // the start, then 10 migrations
    // Locally 8 of 10 are applied: the slider starts there.
    QCOMPARE(ws->slider()->point(), 8);
    QCOMPARE(ws->history()->points[8].version, 8);
    QVERIFY(tableNames().contains(QStringLiteral("subscriptions")));
    QVERIFY(tableNames().contains(QStringLiteral("credit_transactions")));
}

void TestWorkspace::sliderMovesTimelineCursor()
{
    QVERIFY(openDemoAt({QStringLiteral("BILLING_DB"), QStringLiteral("local")}));
    SchemaWorkspace* ws = m_window->workspace();
    ws->slider()->setPoint(3);
    QCOMPARE(ws->timelineView()->currentBinding(), QStringLiteral("BILLING_DB"));
    QCOMPARE(ws->timelineView()->currentVersion(), std::optional<qint64>(3));
    // After 003 only plans and subscriptions exist, and 003 added subscriptions.
    QCOMPARE(tableNames(), (QStringList{QStringLiteral("plans"), QStringLiteral("subscriptions")}));
    QCOMPARE(ws->scene()->tableState(QStringLiteral("subscriptions")), DiffState::Added);
    QCOMPARE(ws->scene()->tableState(QStringLiteral("plans")), DiffState::Unchanged);
    // At the start there is nothing.
    ws->slider()->setPoint(0);
    QVERIFY(tableNames().isEmpty());
}

void TestWorkspace::selectingAMarkMovesTheSlider()
{
    QVERIFY(openDemoAt({QStringLiteral("BILLING_DB"), QStringLiteral("local")}));
    SchemaWorkspace* ws = m_window->workspace();
    TimelineModel* model = ws->timelineModel();
    const QModelIndex lane =
        model->laneIndex(QStringLiteral("BILLING_DB"), QStringLiteral("local"));
    QVERIFY(lane.isValid());
    const QModelIndex mark = model->markIndex(lane, 5);
    QVERIFY(mark.isValid());
    ws->timelineView()->scrollTo(mark);
    QTest::mouseClick(ws->timelineView()->viewport(), Qt::LeftButton, {},
                      ws->timelineView()->markCenter(mark));
    QCOMPARE(ws->slider()->point(), 5);
    QCOMPARE(ws->history()->points[ws->slider()->point()].fileName,
             QStringLiteral("005_create_credits.sql"));
    QCOMPARE(ws->scene()->tableState(QStringLiteral("credits")), DiffState::Added);
}

void TestWorkspace::markOfAnotherDatabaseSwitchesTarget()
{
    QVERIFY(openDemoAt({QStringLiteral("BILLING_DB"), QStringLiteral("local")}));
    SchemaWorkspace* ws = m_window->workspace();
    TimelineModel* model = ws->timelineModel();
    const QModelIndex lane = model->laneIndex(QStringLiteral("DB"), QStringLiteral("local"));
    const QModelIndex mark = model->markIndex(lane, 5);
    QVERIFY(mark.isValid());
    QSignalSpy ready(ws, &SchemaWorkspace::historyReady);
    ws->timelineView()->scrollTo(mark);
    QTest::mouseClick(ws->timelineView()->viewport(), Qt::LeftButton, {},
                      ws->timelineView()->markCenter(mark));
    QVERIFY(ready.wait(10000));
    QCOMPARE(m_window->currentTarget(), (Target{QStringLiteral("DB"), QStringLiteral("local")}));
    QCOMPARE(ws->history()->points[ws->slider()->point()].version, 5);
    QCOMPARE(tableNames(), QStringList{QStringLiteral("users")});
}

void TestWorkspace::driftModeComparesFilesWithLiveDatabase()
{
    QVERIFY(openDemoAt({QStringLiteral("BILLING_DB"), QStringLiteral("local")}));
    SchemaWorkspace* ws = m_window->workspace();
    // A column no migration made, added to the live database behind Strata's back.
    const Project& project = m_window->projectModel()->project();
    const QString path = project.database(QStringLiteral("BILLING_DB"))
                             ->environment(QStringLiteral("local"))
                             ->path;
    {
        QProcess sqlite;
        sqlite.start(QStringLiteral("sqlite3"),
                     {path, QStringLiteral("ALTER TABLE plans ADD COLUMN sneaky TEXT")});
        QVERIFY(sqlite.waitForFinished());
        QCOMPARE(sqlite.exitCode(), 0);
    }
    auto* compare = ws->slider()->findChildren<QComboBox*>().first();
    compare->setCurrentIndex(int(HistorySlider::Compare::LiveDrift));
    QCOMPARE(ws->scene()->tableState(QStringLiteral("plans")), DiffState::Changed);
    QVERIFY(ws->scene()->diff().table(QStringLiteral("plans")));
    QCOMPARE(ws->scene()->diff().table(QStringLiteral("plans"))->addedColumns,
             QStringList{QStringLiteral("sneaky")});
    QCOMPARE(ws->scene()->tableState(QStringLiteral("credits")), DiffState::Unchanged);
}

int main(int argc, char* argv[])
{
    TestWorkspace test;
    return strata::test::runUiTest(argc, argv, &test);
}

#include "tst_workspace.moc"
