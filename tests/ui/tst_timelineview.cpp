// The timeline view and the inspector, headless, on the every-state project: clicking a mark
// selects it and emits markSelected with its version; the cursor set from outside lands on the
// right mark (and selects it, quietly); arrows walk lanes; hover tells the summary; a
// 1000-migration lane zooms, scrolls and paints fast; and the inspector shows an edited
// migration's diff, added lines green and removed lines red.

#include "migrationinspector.h"
#include "timelinemodel.h"
#include "timelineview.h"
#include "tst_timelinesupport.h"
#include "uitestsupport.h"

#include <QElapsedTimer>
#include <QHelpEvent>
#include <QPixmap>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTest>
#include <QTextBlock>
#include <QToolTip>

#include <memory>

using namespace strata;
using strata::test::EveryStatusProject;

namespace {

const QString App = QStringLiteral("APP");
const QString Local = QStringLiteral("local");
const QString Staging = QStringLiteral("staging");

struct Fixture
{
    EveryStatusProject project;
    TimelineModel model;
    TimelineView view;

    explicit Fixture(bool allEnvironments = true)
    {
        model.setProject(project.project());
        if (allEnvironments)
            model.setLaneMode(TimelineModel::LaneMode::AllEnvironments);
        model.setFailure(App, Local, QStringLiteral("0007_broken.sql"),
                         Error{QStringLiteral("no such table: nowhere"), {}, 2, 0, {}});
        view.setModel(&model);
        view.resize(1100, 420);
        view.show();
    }

    QModelIndex mark(const QString& env, qint64 version) const
    {
        return model.markIndex(model.laneIndex(App, env), version);
    }
};

qint64 versionOf(const QModelIndex& index)
{
    return index.data(TimelineModel::VersionRole).toLongLong();
}

// A status of `count` migrations, the first `applied` applied a minute apart, for one lane.
DatabaseStatus longHistory(const QString& binding, const QString& environment, int count,
                           int applied)
{
    DatabaseStatus st;
    st.binding = binding;
    st.environment = environment;
    st.databaseExists = true;
    const QDateTime start = QDateTime::currentDateTimeUtc().addSecs(-60 * count);
    for (int v = 1; v <= count; ++v) {
        MigrationEntry e;
        e.version = v;
        e.fileName = QStringLiteral("%1_step.sql").arg(v, 4, 10, QLatin1Char('0'));
        Migration m;
        m.version = v;
        m.versionText = QStringLiteral("%1").arg(v, 4, 10, QLatin1Char('0'));
        m.fileName = e.fileName;
        m.upSql = QStringLiteral("CREATE TABLE t%1 (id INTEGER);").arg(v);
        e.file = m;
        if (v <= applied) {
            AppliedMigration a;
            a.version = v;
            a.fileName = e.fileName;
            a.appliedAt = start.addSecs(60 * v);
            a.durationMs = 3;
            a.appliedBy = QStringLiteral("bench@host");
            e.applied = a;
            e.state = MigrationState::Applied;
        }
        st.entries << e;
    }
    return st;
}

} // namespace

class TestTimelineView final : public QObject
{
    Q_OBJECT

private slots:
    void clickSelectsAMark();
    void cursorFollowsSetCurrentVersion();
    void keyboardWalksLanes();
    void hoverShowsTheSummary();
    void timeAxisPutsPendingLast();
    void thousandMarksStayUsable();
    void inspectorShowsTheEditedDiff();
    void inspectorOtherStates();
    void inspectorWithoutRecordedSql();
    void viewDrivesInspector();
};

void TestTimelineView::clickSelectsAMark()
{
    Fixture f;
    QVERIFY2(f.project.isValid(), qPrintable(f.project.error()));
    QVERIFY(QTest::qWaitForWindowExposed(&f.view));
    QSignalSpy selected(&f.view, &TimelineView::markSelected);
    QSignalSpy current(&f.view, &TimelineView::currentMarkChanged);

    const QModelIndex five = f.mark(Staging, 5);
    const QPoint centre = f.view.markCenter(five);
    QVERIFY(f.view.viewport()->rect().contains(centre));
    QCOMPARE(f.view.indexAt(centre), five);
    QTest::mouseClick(f.view.viewport(), Qt::LeftButton, {}, centre);

    QCOMPARE(selected.size(), 1);
    const QList<QVariant> args = selected.constFirst();
    QCOMPARE(args.at(0).toString(), App);
    QCOMPARE(args.at(1).toString(), Staging);
    QCOMPARE(args.at(2).toLongLong(), qint64(5));
    QCOMPARE(args.at(3).toString(), QStringLiteral("0005_create_comments.sql"));
    QCOMPARE(f.view.selectionModel()->selectedIndexes(), QModelIndexList{five});
    QCOMPARE(current.constLast().constFirst().toModelIndex(), five);

    // A click a little off the centre still hits; a click on empty track selects nothing (and,
    // as in any single-selection Qt view, clears the selection).
    QTest::mouseClick(f.view.viewport(), Qt::LeftButton, {},
                      f.view.markCenter(f.mark(Local, 2)) + QPoint(3, 2));
    QCOMPARE(selected.size(), 2);
    QCOMPARE(selected.constLast().at(2).toLongLong(), qint64(2));
    QCOMPARE(selected.constLast().at(1).toString(), Local);
    const QRect lane = f.view.laneRect(0);
    QTest::mouseClick(f.view.viewport(), Qt::LeftButton, {},
                      QPoint(lane.right() - 5, lane.bottom() - 2));
    QCOMPARE(selected.size(), 2);
    QVERIFY(f.view.selectionModel()->selectedIndexes().isEmpty());
}

void TestTimelineView::cursorFollowsSetCurrentVersion()
{
    Fixture f;
    QVERIFY2(f.project.isValid(), qPrintable(f.project.error()));
    QSignalSpy selected(&f.view, &TimelineView::markSelected);
    const QModelIndex localLane = f.model.laneIndex(App, Local);
    const QModelIndex stagingLane = f.model.laneIndex(App, Staging);
    const QModelIndex logsLane = f.model.laneIndex(QStringLiteral("LOGS"), Local);
    QVERIFY(!f.view.cursorX(localLane));

    f.view.setCurrentVersion(App, 2);
    QCOMPARE(f.view.currentBinding(), App);
    QCOMPARE(f.view.currentVersion(), std::optional<qint64>(2));
    QCOMPARE(f.view.cursorX(localLane),
             std::optional<int>(f.view.markCenter(f.mark(Local, 2)).x()));
    QCOMPARE(f.view.cursorX(stagingLane),
             std::optional<int>(f.view.markCenter(f.mark(Staging, 2)).x()));
    QVERIFY(!f.view.cursorX(logsLane)); // another binding's lane is not crossed
    // It selects the mark, in the binding's first lane, without echoing markSelected.
    QCOMPARE(f.view.currentMark(), f.mark(Local, 2));
    QCOMPARE(selected.size(), 0);

    const int at2 = *f.view.cursorX(localLane);
    f.view.setCurrentVersion(App, 5);
    QCOMPARE(f.view.cursorX(localLane),
             std::optional<int>(f.view.markCenter(f.mark(Local, 5)).x()));
    QVERIFY(*f.view.cursorX(localLane) > at2);
    QCOMPARE(f.view.currentMark(), f.mark(Local, 5));

    // The user's lane is kept when the slider answers the user's own pick.
    QTest::mouseClick(f.view.viewport(), Qt::LeftButton, {}, f.view.markCenter(f.mark(Staging, 4)));
    QCOMPARE(selected.size(), 1);
    f.view.setCurrentVersion(App, 4);
    QCOMPARE(f.view.currentMark(), f.mark(Staging, 4));
    f.view.setCurrentVersion(App, 6);
    QCOMPARE(f.view.currentMark(), f.mark(Staging, 6));
    QCOMPARE(selected.size(), 1);

    // Before the first migration: left of the first mark, nothing selected.
    f.view.setCurrentVersion(App, 0);
    QVERIFY(*f.view.cursorX(localLane) < f.view.markCenter(f.mark(Local, 1)).x());
    QVERIFY(!f.view.currentMark().isValid());

    f.view.clearCurrentVersion();
    QVERIFY(!f.view.cursorX(localLane));
    QVERIFY(!f.view.currentVersion());
}

void TestTimelineView::keyboardWalksLanes()
{
    Fixture f;
    QVERIFY2(f.project.isValid(), qPrintable(f.project.error()));
    f.view.setFocus();
    QSignalSpy selected(&f.view, &TimelineView::markSelected);

    // With nothing selected, the first key lands on the first mark.
    QTest::keyClick(&f.view, Qt::Key_Right);
    QCOMPARE(f.view.currentMark(), f.mark(Local, 1));
    QTest::keyClick(&f.view, Qt::Key_Right);
    QCOMPARE(f.view.currentMark(), f.mark(Local, 2));
    QCOMPARE(selected.constLast().at(2).toLongLong(), qint64(2));
    QTest::keyClick(&f.view, Qt::Key_End);
    QCOMPARE(versionOf(f.view.currentMark()), qint64(7));
    QTest::keyClick(&f.view, Qt::Key_Left);
    QCOMPARE(f.view.currentMark(), f.mark(Local, 6));
    QTest::keyClick(&f.view, Qt::Key_Down);
    QCOMPARE(f.view.currentMark(), f.mark(Staging, 6));
    QCOMPARE(selected.constLast().at(1).toString(), Staging);
    // Down again: LOGS has two marks only; the nearest along the axis is its last.
    QTest::keyClick(&f.view, Qt::Key_Down);
    QCOMPARE(f.view.currentMark().data(TimelineModel::BindingRole).toString(),
             QStringLiteral("LOGS"));
    QCOMPARE(versionOf(f.view.currentMark()), qint64(2));
    QTest::keyClick(&f.view, Qt::Key_Down); // no lane below: stays
    QCOMPARE(versionOf(f.view.currentMark()), qint64(2));
    QTest::keyClick(&f.view, Qt::Key_Up);
    QCOMPARE(f.view.currentMark(), f.mark(Staging, 2));
    QTest::keyClick(&f.view, Qt::Key_Home);
    QCOMPARE(f.view.currentMark(), f.mark(Staging, 1));
    QTest::keyClick(&f.view, Qt::Key_Left); // at the start: stays
    QCOMPARE(f.view.currentMark(), f.mark(Staging, 1));
    QCOMPARE(f.view.selectionModel()->selectedIndexes(), QModelIndexList{f.mark(Staging, 1)});
}

void TestTimelineView::hoverShowsTheSummary()
{
    Fixture f;
    QVERIFY2(f.project.isValid(), qPrintable(f.project.error()));
    QVERIFY(QTest::qWaitForWindowExposed(&f.view));
    const QModelIndex failed = f.mark(Local, 7);
    const QPoint centre = f.view.markCenter(failed);
    QHelpEvent help(QEvent::ToolTip, centre, f.view.viewport()->mapToGlobal(centre));
    QApplication::sendEvent(f.view.viewport(), &help);
    QTRY_VERIFY(QToolTip::isVisible());
    QCOMPARE(QToolTip::text(), failed.data(Qt::ToolTipRole).toString());
    QVERIFY(QToolTip::text().contains(QStringLiteral("0007_broken.sql — Failed")));

    // Over a lane's label: the lane's own summary.
    const QPoint label(20, f.view.laneRect(1).center().y());
    QHelpEvent onLabel(QEvent::ToolTip, label, f.view.viewport()->mapToGlobal(label));
    QApplication::sendEvent(f.view.viewport(), &onLabel);
    QTRY_COMPARE(QToolTip::text(),
                 f.model.laneIndex(App, Staging).data(Qt::ToolTipRole).toString());
    QToolTip::hideText();
}

void TestTimelineView::timeAxisPutsPendingLast()
{
    Fixture f;
    QVERIFY2(f.project.isValid(), qPrintable(f.project.error()));
    f.model.setAxis(TimelineModel::Axis::Time);
    f.view.zoomToFit();
    // 0002, 0003 and 0005 were applied by one run, within a few milliseconds: they are spread
    // out, in time order, not piled on one point.
    int lastApplied = -1;
    for (qint64 v : {1, 2, 3, 5}) {
        const int x = f.view.markCenter(f.mark(Local, v)).x();
        QVERIFY2(x >= lastApplied + 4, qPrintable(QStringLiteral("%1 at %2").arg(v).arg(x)));
        lastApplied = x;
    }
    int previous = lastApplied;
    for (qint64 v : {4, 6, 7}) { // untimed, after the timed ones, in version order
        const int x = f.view.markCenter(f.mark(Local, v)).x();
        QVERIFY2(x > previous,
                 qPrintable(QStringLiteral("%1: %2 <= %3").arg(v).arg(x).arg(previous)));
        previous = x;
    }
    // The cursor still lands on marks.
    f.view.setCurrentVersion(App, 6);
    QCOMPARE(f.view.cursorX(f.model.laneIndex(App, Local)),
             std::optional<int>(f.view.markCenter(f.mark(Local, 6)).x()));
}

void TestTimelineView::thousandMarksStayUsable()
{
    Fixture f(false);
    QVERIFY2(f.project.isValid(), qPrintable(f.project.error()));
    QVERIFY(QTest::qWaitForWindowExposed(&f.view));
    const QString logs = QStringLiteral("LOGS");
    f.model.setLaneStatus(longHistory(logs, Local, 1000, 990));
    const QModelIndex lane = f.model.laneIndex(logs, Local);
    QCOMPARE(f.model.rowCount(lane), 1000);
    QCoreApplication::processEvents();

    // At first it is scrollable, marks far enough apart to click.
    QVERIFY(f.view.horizontalScrollBar()->maximum() > 0);
    const QModelIndex last = f.model.index(999, 0, lane);
    const QModelIndex before = f.model.index(998, 0, lane);
    QVERIFY(f.view.markCenter(last).x() - f.view.markCenter(before).x() >= 10);

    // Fit shows all of it, zoom in widens it again.
    f.view.zoomToFit();
    QCOMPARE(f.view.horizontalScrollBar()->maximum(), 0);
    const QRect viewport = f.view.viewport()->rect();
    QVERIFY(viewport.contains(f.view.markCenter(f.model.index(0, 0, lane))));
    QVERIFY(viewport.contains(f.view.markCenter(last)));
    const double fit = f.view.zoomScale();
    f.view.zoomIn();
    QVERIFY(f.view.zoomScale() > fit);
    QVERIFY(f.view.horizontalScrollBar()->maximum() > 0);

    // Keyboard to the far end scrolls it into view.
    f.view.setFocus();
    f.view.selectionModel()->setCurrentIndex(f.model.index(0, 0, lane),
                                             QItemSelectionModel::ClearAndSelect);
    QTest::keyClick(&f.view, Qt::Key_End);
    QCOMPARE(f.view.currentMark(), last);
    QVERIFY(viewport.contains(f.view.markCenter(last)));
    f.view.setCurrentVersion(logs, 500);
    QVERIFY(viewport.contains(QPoint(*f.view.cursorX(lane), 10)));
    QCOMPARE(versionOf(f.view.currentMark()), qint64(500));

    // A repaint stays well under a frame's budget at every zoom.
    for (int i = 0; i < 3; ++i) {
        QPixmap pixmap(f.view.viewport()->size());
        QElapsedTimer timer;
        timer.start();
        f.view.viewport()->render(&pixmap);
        QVERIFY2(timer.elapsed() < 100, qPrintable(QString::number(timer.elapsed())));
        f.view.zoomToFit();
    }
}

void TestTimelineView::inspectorShowsTheEditedDiff()
{
    EveryStatusProject p;
    QVERIFY2(p.isValid(), qPrintable(p.error()));
    TimelineModel model;
    model.setProject(p.project());
    MigrationInspector inspector;
    inspector.show();
    const QModelIndex edited = model.markIndex(model.laneIndex(App, Local), 2);
    inspector.showMark(edited);

    QVERIFY(inspector.statusText().contains(QStringLiteral("0002_create_posts.sql — Edited")));
    QVERIFY(inspector.statusText().contains(QStringLiteral("APP · local")));
    QVERIFY(inspector.hasChangesTab());
    const QString changes = inspector.changesText();
    QVERIFY2(changes.contains(QStringLiteral("\n- ") + EveryStatusProject::removedLine() +
                              QLatin1Char('\n')),
             qPrintable(changes));
    QVERIFY2(changes.contains(QStringLiteral("\n+ ") + EveryStatusProject::addedLine() +
                              QLatin1Char('\n')),
             qPrintable(changes));
    QVERIFY(changes.contains(QStringLiteral("+ ") + EveryStatusProject::secondAddedLine()));
    QVERIFY(changes.contains(QStringLiteral("1 line(s) removed, 2 added")));

    // Added lines sit on green, removed lines on red.
    auto* diff = inspector.findChild<QPlainTextEdit*>(QStringLiteral("inspectorChanges"));
    QVERIFY(diff);
    bool sawAdded = false, sawRemoved = false;
    for (QTextBlock b = diff->document()->begin(); b.isValid(); b = b.next()) {
        const QColor bg = b.blockFormat().background().color();
        if (b.text() == QStringLiteral("+ ") + EveryStatusProject::addedLine()) {
            sawAdded = true;
            QVERIFY2(bg.green() > bg.red() && bg.green() > bg.blue(), qPrintable(bg.name()));
        } else if (b.text() == QStringLiteral("- ") + EveryStatusProject::removedLine()) {
            sawRemoved = true;
            QVERIFY2(bg.red() > bg.green() && bg.red() > bg.blue(), qPrintable(bg.name()));
        }
    }
    QVERIFY(sawAdded && sawRemoved);
    // Up and down are there too, as the file says now.
    QVERIFY(inspector.upText().contains(EveryStatusProject::addedLine()));
    QCOMPARE(inspector.downText(), QStringLiteral("DROP TABLE posts;"));
}

void TestTimelineView::inspectorOtherStates()
{
    Fixture f;
    QVERIFY2(f.project.isValid(), qPrintable(f.project.error()));
    MigrationInspector inspector;

    inspector.showMark(f.mark(Local, 3)); // file gone: the SQL the history recorded
    QVERIFY(!inspector.hasChangesTab());
    QVERIFY(inspector.upText().contains(QStringLiteral("CREATE TABLE tags")));
    QVERIFY(inspector.upText().contains(QStringLiteral("the SQL the history recorded")));
    QVERIFY(inspector.downText().contains(QStringLiteral("The file is gone")));
    QVERIFY(inspector.statusText().contains(QStringLiteral("File missing")));

    inspector.showMark(f.mark(Local, 7)); // failed
    QVERIFY(inspector.statusText().contains(QStringLiteral("Failed")));
    QVERIFY(inspector.statusText().contains(QStringLiteral("failed at line 2: no such table")));
    QVERIFY(inspector.upText().contains(QStringLiteral("INSERT INTO nowhere")));
    QVERIFY(inspector.downText().contains(QStringLiteral("No down section")));

    inspector.showMark(f.mark(Local, 1)); // baseline
    QVERIFY(inspector.statusText().contains(QStringLiteral("baseline")));
    QVERIFY(!inspector.hasChangesTab());

    inspector.showMark(f.model.laneIndex(App, Local)); // a lane: nothing to show
    QVERIFY(inspector.upText().isEmpty());
    QVERIFY(inspector.statusText().contains(QStringLiteral("Select a mark")));
}

void TestTimelineView::inspectorWithoutRecordedSql()
{
    // Applied by a tool that keeps no SQL (wrangler), then edited.
    MigrationEntry e;
    e.state = MigrationState::Edited;
    e.version = 3;
    e.fileName = QStringLiteral("0003_x.sql");
    Migration m;
    m.fileName = e.fileName;
    m.upSql = QStringLiteral("CREATE TABLE x (id INTEGER);\n");
    m.checksum = QStringLiteral("bbbbbbbbbbbbbbbb");
    e.file = m;
    AppliedMigration a;
    a.fileName = e.fileName;
    a.checksum = QStringLiteral("aaaaaaaaaaaaaaaa");
    e.applied = a;

    MigrationInspector inspector;
    inspector.setEntry(&e, TimelineState::Edited);
    QVERIFY(inspector.hasChangesTab());
    QVERIFY2(inspector.changesText().contains(QStringLiteral("keeps no SQL")),
             qPrintable(inspector.changesText()));
    QVERIFY(inspector.changesText().contains(QStringLiteral("aaaaaaaaaaaa")));

    // Recorded SQL equal to the up section: the edit is elsewhere in the file.
    e.applied->sql = m.upSql;
    inspector.setEntry(&e, TimelineState::Edited);
    QVERIFY2(inspector.changesText().contains(QStringLiteral("edit is elsewhere")),
             qPrintable(inspector.changesText()));
}

void TestTimelineView::viewDrivesInspector()
{
    Fixture f;
    QVERIFY2(f.project.isValid(), qPrintable(f.project.error()));
    MigrationInspector inspector;
    QObject::connect(&f.view, &TimelineView::currentMarkChanged, &inspector,
                     &MigrationInspector::showMark);
    QVERIFY(QTest::qWaitForWindowExposed(&f.view));
    QTest::mouseClick(f.view.viewport(), Qt::LeftButton, {}, f.view.markCenter(f.mark(Local, 2)));
    QVERIFY(inspector.hasChangesTab());
    QVERIFY(inspector.changesText().contains(EveryStatusProject::addedLine()));
    f.view.setCurrentVersion(App, 5);
    QVERIFY(inspector.statusText().contains(QStringLiteral("0005_create_comments.sql")));
}

int main(int argc, char* argv[])
{
    TestTimelineView test;
    return strata::test::runUiTest(argc, argv, &test);
}

#include "tst_timelineview.moc"
