// The timeline model on a real project whose database holds every state (tst_timelinesupport):
// its lanes and marks, checked row by row; QAbstractItemModelTester through every mode, axis,
// failure and reload; lanes that cannot be read; the axis roles; reloads that keep indexes.

#include "applycontroller.h"
#include "migrator.h"
#include "timelinemodel.h"
#include "tst_timelinesupport.h"
#include "uitestsupport.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QSignalSpy>
#include <QTest>

using namespace strata;
using strata::test::EveryStatusProject;

namespace {

const QString App = QStringLiteral("APP");
const QString Logs = QStringLiteral("LOGS");
const QString Local = QStringLiteral("local");
const QString Staging = QStringLiteral("staging");

QStringList laneNames(const TimelineModel& model)
{
    QStringList out;
    for (int l = 0; l < model.rowCount(); ++l)
        out << model.index(l, 0).data().toString();
    return out;
}

Error brokenInsert(const EveryStatusProject& p)
{
    return Error{QStringLiteral("no such table: nowhere"),
                 p.migrationsDir() + QStringLiteral("/0007_broken.sql"), 2, 0,
                 QStringLiteral("INSERT INTO nowhere VALUES (1);")};
}

} // namespace

class TestTimelineModel final : public QObject
{
    Q_OBJECT

private slots:
    void marksOfEveryState_data();
    void marksOfEveryState();
    void lanesAndTooltips();
    void passesTheTester();
    void laneModes();
    void unreadableLanesHaveANote();
    void sequenceAxisAlignsAFolder();
    void timeAxis();
    void reloadKeepsIndexes();
    void failureLastsUntilApplied();
    void recordsARealFailedApply();
};

void TestTimelineModel::marksOfEveryState_data()
{
    QTest::addColumn<int>("row");
    QTest::addColumn<qint64>("version");
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<int>("state");
    QTest::addColumn<bool>("baseline");
    QTest::addColumn<bool>("hasDown");
    QTest::addColumn<bool>("applied");

    QTest::newRow("baseline") << 0 << qint64(1) << "0001_create_users.sql"
                              << int(TimelineState::Applied) << true << true << true;
    QTest::newRow("edited") << 1 << qint64(2) << "0002_create_posts.sql"
                            << int(TimelineState::Edited) << false << true << true;
    QTest::newRow("missing file") << 2 << qint64(3) << "0003_create_tags.sql"
                                  << int(TimelineState::MissingFile) << false << false << true;
    QTest::newRow("out of order") << 3 << qint64(4) << "0004_add_users_name.sql"
                                  << int(TimelineState::OutOfOrder) << false << true << false;
    QTest::newRow("applied") << 4 << qint64(5) << "0005_create_comments.sql"
                             << int(TimelineState::Applied) << false << false << true;
    QTest::newRow("pending") << 5 << qint64(6) << "0006_create_likes.sql"
                             << int(TimelineState::Pending) << false << false << false;
    QTest::newRow("failed") << 6 << qint64(7) << "0007_broken.sql" << int(TimelineState::Failed)
                            << false << false << false;
}

void TestTimelineModel::marksOfEveryState()
{
    QFETCH(int, row);
    QFETCH(qint64, version);
    QFETCH(QString, fileName);
    QFETCH(int, state);
    QFETCH(bool, baseline);
    QFETCH(bool, hasDown);
    QFETCH(bool, applied);

    EveryStatusProject p;
    QVERIFY2(p.isValid(), qPrintable(p.error()));
    TimelineModel model;
    model.setProject(p.project());
    model.setFailure(App, Local, QStringLiteral("0007_broken.sql"), brokenInsert(p));

    const QModelIndex lane = model.laneIndex(App, Local);
    QVERIFY(lane.isValid());
    QCOMPARE(model.rowCount(lane), 7);
    const QModelIndex mark = model.index(row, 0, lane);
    QCOMPARE(mark.data(TimelineModel::VersionRole).toLongLong(), version);
    QCOMPARE(mark.data(TimelineModel::FileNameRole).toString(), fileName);
    QCOMPARE(mark.data().toString(), fileName);
    QCOMPARE(mark.data(TimelineModel::VersionTextRole).toString(),
             QStringLiteral("%1").arg(version, 4, 10, QLatin1Char('0')));
    QCOMPARE(mark.data(TimelineModel::StateRole).toInt(), state);
    QCOMPARE(int(model.state(mark)), state);
    QCOMPARE(mark.data(TimelineModel::BaselineRole).toBool(), baseline);
    QCOMPARE(mark.data(TimelineModel::HasDownRole).toBool(), hasDown);
    QCOMPARE(mark.data(TimelineModel::BindingRole).toString(), App);
    QCOMPARE(mark.data(TimelineModel::EnvironmentRole).toString(), Local);
    QCOMPARE(mark.data(TimelineModel::IsLaneRole).toBool(), false);
    QCOMPARE(model.markIndex(lane, version), mark);

    const QDateTime at = mark.data(TimelineModel::AppliedAtRole).toDateTime();
    QCOMPARE(at.isValid(), applied);
    if (applied) {
        QVERIFY(qAbs(at.secsTo(QDateTime::currentDateTimeUtc())) < 600);
        QCOMPARE(mark.data(TimelineModel::AppliedByRole).toString(), currentApplier());
        QVERIFY(mark.data(TimelineModel::DurationRole).toLongLong() >= 0);
    } else {
        QCOMPARE(mark.data(TimelineModel::DurationRole).toLongLong(), qint64(-1));
        QVERIFY(mark.data(TimelineModel::AppliedByRole).toString().isEmpty());
    }

    // The tooltip sums it up: the file, the state in words, when and by whom.
    const QString tip = mark.data(Qt::ToolTipRole).toString();
    QVERIFY2(
        tip.startsWith(fileName + QStringLiteral(" — ") + timelineStateLabel(TimelineState(state))),
        qPrintable(tip));
    if (applied) {
        QVERIFY2(tip.contains(at.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))),
                 qPrintable(tip));
        QVERIFY2(tip.contains(QStringLiteral("by ") + currentApplier()), qPrintable(tip));
        QVERIFY2(tip.contains(QStringLiteral("took ")), qPrintable(tip));
    }
    if (baseline)
        QVERIFY(tip.contains(QStringLiteral("never run")));
    if (state == int(TimelineState::Failed)) {
        QVERIFY2(tip.contains(QStringLiteral("line 2")) &&
                     tip.contains(QStringLiteral("no such table: nowhere")),
                 qPrintable(tip));
        QCOMPARE(mark.data(TimelineModel::FailureRole).toString(),
                 QStringLiteral("no such table: nowhere"));
        QCOMPARE(model.failure(mark)->line, 2);
    } else {
        QVERIFY(mark.data(TimelineModel::FailureRole).toString().isEmpty());
        QVERIFY(!model.failure(mark));
    }
    // The entry behind the mark is the engine's own.
    QCOMPARE(model.entry(mark)->fileName, fileName);
    QCOMPARE(model.entry(mark)->file.has_value(), state != int(TimelineState::MissingFile));
}

void TestTimelineModel::lanesAndTooltips()
{
    EveryStatusProject p;
    QVERIFY2(p.isValid(), qPrintable(p.error()));
    TimelineModel model;
    model.setProject(p.project());
    QCOMPARE(laneNames(model), (QStringList{"APP · local", "LOGS · local"}));
    const QModelIndex app = model.laneIndex(App, Local);
    QCOMPARE(app.data(TimelineModel::IsLaneRole).toBool(), true);
    QCOMPARE(app.data(TimelineModel::DatabaseNameRole).toString(), QStringLiteral("every-status"));
    QVERIFY(app.data(TimelineModel::LocationRole)
                .toString()
                .endsWith(QStringLiteral("data/local.sqlite")));
    QVERIFY(app.data(TimelineModel::LaneNoteRole).toString().isEmpty());
    QVERIFY(!(model.flags(app) & Qt::ItemIsSelectable));
    QVERIFY(model.flags(model.index(0, 0, app)) & Qt::ItemIsSelectable);
    const QString tip = app.data(Qt::ToolTipRole).toString();
    QVERIFY2(tip.contains(QStringLiteral("2 applied")) &&
                 tip.contains(QStringLiteral("1 edited")) &&
                 tip.contains(QStringLiteral("2 pending")),
             qPrintable(tip));

    const QModelIndex logs = model.laneIndex(Logs, Local);
    QCOMPARE(model.rowCount(logs), 2);
    for (int r = 0; r < 2; ++r)
        QCOMPARE(model.index(r, 0, logs).data(TimelineModel::StateRole).toInt(),
                 int(TimelineState::Pending));
    QVERIFY(logs.data(Qt::ToolTipRole).toString().contains(QStringLiteral("does not exist yet")));
}

void TestTimelineModel::passesTheTester()
{
    EveryStatusProject p;
    QVERIFY2(p.isValid(), qPrintable(p.error()));
    TimelineModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setProject(p.project());
    model.setFailure(App, Local, QStringLiteral("0007_broken.sql"), brokenInsert(p));
    model.setAxis(TimelineModel::Axis::Time);
    model.setLaneMode(TimelineModel::LaneMode::AllEnvironments);
    model.setEnvironment(Staging);
    model.setLaneMode(TimelineModel::LaneMode::OneEnvironment);
    model.setAxis(TimelineModel::Axis::Sequence);
    model.setLaneMode(TimelineModel::LaneMode::AllEnvironments);

    // Reloads that insert, remove and change rows in place.
    QVERIFY(QFile::remove(p.migrationsDir() + QStringLiteral("/0006_create_likes.sql")));
    QVERIFY(test::writeFile(p.migrationsDir() + QStringLiteral("/0008_more.sql"),
                            "CREATE TABLE more (id INTEGER);\n"));
    QVERIFY(test::writeFile(p.migrationsDir() + QStringLiteral("/0000_first.sql"),
                            "CREATE TABLE first (id INTEGER);\n"));
    model.reload();
    QCOMPARE(model.rowCount(model.laneIndex(App, Staging)), 8);
    model.clearFailures(App, Local);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void TestTimelineModel::laneModes()
{
    EveryStatusProject p;
    QVERIFY2(p.isValid(), qPrintable(p.error()));
    TimelineModel model;
    model.setProject(p.project());
    QCOMPARE(model.environment(), Local);

    model.setLaneMode(TimelineModel::LaneMode::AllEnvironments);
    QCOMPARE(laneNames(model), (QStringList{"APP · local", "APP · staging", "LOGS · local"}));
    // Staging has no baseline: 0001 is plainly applied there.
    const QModelIndex staging = model.laneIndex(App, Staging);
    QCOMPARE(model.rowCount(staging), 7);
    QCOMPARE(model.index(0, 0, staging).data(TimelineModel::BaselineRole).toBool(), false);
    QCOMPARE(model.index(0, 0, staging).data(TimelineModel::StateRole).toInt(),
             int(TimelineState::Applied));
    QCOMPARE(model.index(1, 0, staging).data(TimelineModel::StateRole).toInt(),
             int(TimelineState::Edited));

    // Changing the environment while all are shown changes nothing until the mode comes back.
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    model.setEnvironment(Staging);
    QCOMPARE(resets.size(), 0);
    model.setLaneMode(TimelineModel::LaneMode::OneEnvironment);
    QCOMPARE(laneNames(model), (QStringList{"APP · staging", "LOGS · staging"}));
    const QModelIndex logs = model.laneIndex(Logs, Staging);
    QCOMPARE(model.rowCount(logs), 0);
    QCOMPARE(logs.data(TimelineModel::LaneNoteRole).toString(),
             QStringLiteral("No “staging” environment."));
}

void TestTimelineModel::unreadableLanesHaveANote()
{
    EveryStatusProject p;
    QVERIFY2(p.isValid(), qPrintable(p.error()));
    Project project = p.project();
    Environment remote;
    remote.name = QStringLiteral("production");
    remote.kind = Environment::Kind::D1Remote;
    remote.d1DatabaseId = QStringLiteral("0000-1111");
    project.databases[0].environments << remote;
    Environment broken;
    broken.name = QStringLiteral("production");
    broken.path = p.root() + QStringLiteral("/data/not-a-database.sqlite");
    QVERIFY(test::writeFile(broken.path, QByteArray(4096, 'x')));
    project.databases[1].environments << broken;

    TimelineModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setProject(project);
    model.setEnvironment(QStringLiteral("production"));
    const QModelIndex app = model.laneIndex(App, QStringLiteral("production"));
    QCOMPARE(model.rowCount(app), 0);
    QVERIFY2(app.data(TimelineModel::LaneNoteRole).toString().contains(QStringLiteral("Remote")),
             qPrintable(app.data(TimelineModel::LaneNoteRole).toString()));
    const QModelIndex logs = model.laneIndex(Logs, QStringLiteral("production"));
    QCOMPARE(model.rowCount(logs), 0);
    QVERIFY2(logs.data(TimelineModel::LaneNoteRole)
                 .toString()
                 .startsWith(QStringLiteral("Not readable")),
             qPrintable(logs.data(TimelineModel::LaneNoteRole).toString()));
    QVERIFY(logs.data(Qt::ToolTipRole).toString().contains(QStringLiteral("Not readable")));
    model.reload(); // stays quiet and consistent
    QCOMPARE(model.rowCount(app), 0);
}

void TestTimelineModel::sequenceAxisAlignsAFolder()
{
    EveryStatusProject p;
    QVERIFY2(p.isValid(), qPrintable(p.error()));
    TimelineModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setProject(p.project());
    model.setLaneMode(TimelineModel::LaneMode::AllEnvironments);
    QCOMPARE(model.axis(), TimelineModel::Axis::Sequence);

    auto xs = [&model](const QString& binding, const QString& env) {
        QList<double> out;
        const QModelIndex lane = model.laneIndex(binding, env);
        for (int r = 0; r < model.rowCount(lane); ++r) {
            const QModelIndex mark = model.index(r, 0, lane);
            out << mark.data(TimelineModel::XPositionRole).toDouble();
            if (mark.data(TimelineModel::SequenceRole).toInt() != int(out.last()))
                return QList<double>{-1};
        }
        return out;
    };
    QCOMPARE(xs(App, Local), (QList<double>{0, 1, 2, 3, 4, 5, 6}));
    QCOMPARE(xs(App, Staging), (QList<double>{0, 1, 2, 3, 4, 5, 6}));
    QCOMPARE(xs(Logs, Local), (QList<double>{0, 1})); // a folder of its own: its own sequence

    // Staging loses 0002 and 0004: its rows go, and the rest keep their place in the folder's
    // sequence, in line with local.
    Migrator migrator(p.project(), App, Staging);
    auto status = migrator.status();
    QVERIFY(status);
    DatabaseStatus thinned = status.value();
    thinned.entries.removeAt(3);
    thinned.entries.removeAt(1);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    model.setLaneStatus(thinned);
    QCOMPARE(removed.size(), 2);
    QCOMPARE(resets.size(), 0);
    QCOMPARE(xs(App, Staging), (QList<double>{0, 2, 4, 5, 6}));
    QCOMPARE(xs(App, Local), (QList<double>{0, 1, 2, 3, 4, 5, 6}));
}

void TestTimelineModel::timeAxis()
{
    EveryStatusProject p;
    QVERIFY2(p.isValid(), qPrintable(p.error()));
    TimelineModel model;
    model.setProject(p.project());
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setAxis(TimelineModel::Axis::Time);
    QCOMPARE(model.axis(), TimelineModel::Axis::Time);
    QVERIFY(!changed.isEmpty());
    QVERIFY(changed.constFirst().at(2).value<QList<int>>().contains(TimelineModel::XPositionRole));

    const QModelIndex lane = model.laneIndex(App, Local);
    for (int r = 0; r < model.rowCount(lane); ++r) {
        const QModelIndex mark = model.index(r, 0, lane);
        const QVariant x = mark.data(TimelineModel::XPositionRole);
        const QDateTime at = mark.data(TimelineModel::AppliedAtRole).toDateTime();
        if (at.isValid())
            QCOMPARE(qint64(x.toDouble()), at.toMSecsSinceEpoch());
        else
            QVERIFY2(!x.isValid(), qPrintable(mark.data().toString()));
        // The sequence stays known for ordering the untimed marks.
        QCOMPARE(mark.data(TimelineModel::SequenceRole).toInt(), r);
    }
}

void TestTimelineModel::reloadKeepsIndexes()
{
    EveryStatusProject p;
    QVERIFY2(p.isValid(), qPrintable(p.error()));
    TimelineModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setProject(p.project());
    const QModelIndex lane = model.laneIndex(App, Local);
    const QPersistentModelIndex five = model.markIndex(lane, 5);
    const QPersistentModelIndex six = model.markIndex(lane, 6);
    QVERIFY(five.isValid() && six.isValid());

    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);

    // Nothing changed: nothing is signalled.
    model.reload();
    QCOMPARE(inserted.size() + removed.size() + changed.size() + resets.size(), 0);

    QVERIFY(QFile::remove(p.migrationsDir() + QStringLiteral("/0006_create_likes.sql")));
    QVERIFY(test::writeFile(p.migrationsDir() + QStringLiteral("/0008_more.sql"),
                            "CREATE TABLE more (id INTEGER);\n"));
    model.reload();
    QCOMPARE(resets.size(), 0);
    QCOMPARE(removed.size(), 1);
    QCOMPARE(inserted.size(), 1);
    QVERIFY(!six.isValid());
    QVERIFY(five.isValid());
    QCOMPARE(five.data(TimelineModel::VersionRole).toLongLong(), qint64(5));
    QCOMPARE(model.rowCount(lane), 7);
    QCOMPARE(model.index(6, 0, lane).data(TimelineModel::VersionRole).toLongLong(), qint64(8));
    // 0007 moved down a rank and 0008 took 0006's: the rank change is signalled.
    QVERIFY(std::any_of(changed.cbegin(), changed.cend(), [](const QList<QVariant>& args) {
        return args.at(2).value<QList<int>>().contains(TimelineModel::XPositionRole);
    }));
    QCOMPARE(model.markIndex(lane, 7).data(TimelineModel::SequenceRole).toInt(), 5);
}

void TestTimelineModel::failureLastsUntilApplied()
{
    EveryStatusProject p;
    QVERIFY2(p.isValid(), qPrintable(p.error()));
    TimelineModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setProject(p.project());
    const QModelIndex lane = model.laneIndex(App, Local);
    const QPersistentModelIndex seven = model.markIndex(lane, 7);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setFailure(App, Local, QStringLiteral("0007_broken.sql"), brokenInsert(p));
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.constFirst().at(0).toModelIndex(), QModelIndex(seven));
    QCOMPARE(seven.data(TimelineModel::StateRole).toInt(), int(TimelineState::Failed));

    // A failure for a lane not shown is kept for when it is.
    model.setFailure(App, Staging, QStringLiteral("0007_broken.sql"), brokenInsert(p));
    model.setLaneMode(TimelineModel::LaneMode::AllEnvironments);
    QCOMPARE(
        model.markIndex(model.laneIndex(App, Staging), 7).data(TimelineModel::StateRole).toInt(),
        int(TimelineState::Failed));

    // Still failed after a reload while nothing changed; gone once 0007 is fixed and applied.
    model.reload();
    QCOMPARE(model.markIndex(model.laneIndex(App, Local), 7).data(TimelineModel::StateRole).toInt(),
             int(TimelineState::Failed));
    QVERIFY(test::writeFile(p.migrationsDir() + QStringLiteral("/0007_broken.sql"),
                            "CREATE TABLE ok (id INTEGER);\n"));
    // (0004 alters a table 0001 made, which the baseline never ran here: make it standalone.)
    QVERIFY(test::writeFile(p.migrationsDir() + QStringLiteral("/0004_add_users_name.sql"),
                            "CREATE TABLE names (id INTEGER);\n"));
    Migrator migrator(p.project(), App, Local);
    RunOptions options;
    options.allowDrift = true;
    auto report = migrator.up(options);
    QVERIFY2(report, qPrintable(report ? QString() : report.error().toString()));
    QVERIFY2(!report->failure,
             qPrintable(report->failure ? report->failure->toString() : QString()));
    model.reload();
    const QModelIndex local7 = model.markIndex(model.laneIndex(App, Local), 7);
    QCOMPARE(local7.data(TimelineModel::StateRole).toInt(), int(TimelineState::Applied));
    QVERIFY(!model.failure(local7));
    // Staging did not apply it: its failure stays, until cleared.
    const QModelIndex staging7 = model.markIndex(model.laneIndex(App, Staging), 7);
    QCOMPARE(staging7.data(TimelineModel::StateRole).toInt(), int(TimelineState::Failed));
    model.clearFailures(App, Staging);
    QCOMPARE(staging7.data(TimelineModel::StateRole).toInt(), int(TimelineState::Pending));
}

void TestTimelineModel::recordsARealFailedApply()
{
    EveryStatusProject p;
    QVERIFY2(p.isValid(), qPrintable(p.error()));
    QVERIFY(test::writeFile(p.root() + QStringLiteral("/logs/03_broken.sql"),
                            "CREATE TABLE fine (id INTEGER);\nSELECT * FROM missing_table;\n"));
    TimelineModel model;
    model.setProject(p.project());
    model.reload();

    // What ApplyController hands the window after a failed run.
    Migrator migrator(p.project(), Logs, Local);
    auto report = migrator.up(RunOptions{});
    QVERIFY(report && report->failure);
    ApplyOutcome outcome;
    outcome.binding = Logs;
    outcome.environment = Local;
    outcome.steps = report->steps;
    outcome.error = report->failure;
    outcome.failedInMigration = true;
    model.recordOutcome(outcome);
    model.reload();

    const QModelIndex lane = model.laneIndex(Logs, Local);
    QCOMPARE(model.rowCount(lane), 3);
    QCOMPARE(model.index(0, 0, lane).data(TimelineModel::StateRole).toInt(),
             int(TimelineState::Applied));
    QCOMPARE(model.index(1, 0, lane).data(TimelineModel::StateRole).toInt(),
             int(TimelineState::Applied));
    const QModelIndex failed = model.index(2, 0, lane);
    QCOMPARE(failed.data(TimelineModel::StateRole).toInt(), int(TimelineState::Failed));
    QVERIFY2(failed.data(TimelineModel::FailureRole)
                 .toString()
                 .contains(QStringLiteral("missing_table")),
             qPrintable(failed.data(TimelineModel::FailureRole).toString()));
    QCOMPARE(model.failure(failed)->line, 2);

    // A refusal before anything ran names no migration: nothing is marked.
    ApplyOutcome refused;
    refused.binding = Logs;
    refused.environment = Local;
    refused.error = Error{QStringLiteral("drift"), {}, 0, 0, {}};
    model.clearFailures(Logs, Local);
    model.recordOutcome(refused);
    QCOMPARE(failed.data(TimelineModel::StateRole).toInt(), int(TimelineState::Pending));
}

int main(int argc, char* argv[])
{
    TestTimelineModel test;
    return strata::test::runUiTest(argc, argv, &test);
}

#include "tst_timelinemodel.moc"
