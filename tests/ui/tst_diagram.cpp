// The ER diagram's scene on the demo's BILLING_DB: its items and connectors, diff colours and
// ghosts along the history, stable positions, moves with undo and redo kept per project,
// search, hover, export parsed back (SVG, PNG, PDF), and `strata erd` as a process.

#include "diagramexport.h"
#include "diagrampositionstore.h"
#include "diagramscene.h"
#include "diagramview.h"
#include "relationitem.h"
#include "tableitem.h"
#include "tst_diagramsupport.h"
#include "uitestsupport.h"

#include <QApplication>
#include <QFile>
#include <QImage>
#include <QMouseEvent>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>
#include <QXmlStreamReader>

using namespace strata;

namespace {

bool overlaps(const QList<TableItem*>& items)
{
    for (qsizetype i = 0; i < items.size(); ++i)
        for (qsizetype j = i + 1; j < items.size(); ++j)
            if (items[i]->sceneBox().intersects(items[j]->sceneBox()))
                return true;
    return false;
}

RelationItem* relationFrom(const DiagramScene& scene, const QString& table)
{
    for (RelationItem* r : scene.relationItems())
        if (r->fromTable()->name() == table)
            return r;
    return nullptr;
}

void sendMouse(QWidget* widget, QEvent::Type type, QPoint at, Qt::MouseButton button,
               Qt::MouseButtons buttons)
{
    QMouseEvent event(type, QPointF(at), QPointF(widget->mapToGlobal(at)), button, buttons,
                      Qt::NoModifier);
    QApplication::sendEvent(widget, &event);
}

// An SVG export: its root's name, and per table group (class="table") its <title>.
struct SvgSummary
{
    QString root;
    QStringList tableGroups;
    QStringList textInGroups; // all <text> inside table groups
    bool valid = false;
};

SvgSummary readSvg(const QByteArray& svg)
{
    SvgSummary s;
    QXmlStreamReader xml(svg);
    int depthInTable = 0;
    QString pendingElement;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement()) {
            if (s.root.isEmpty())
                s.root = xml.name().toString();
            if (depthInTable > 0)
                ++depthInTable;
            else if (xml.name() == QLatin1String("g") &&
                     xml.attributes().value(QLatin1String("class")) == QLatin1String("table"))
                depthInTable = 1;
            if (depthInTable > 0 &&
                (xml.name() == QLatin1String("title") || xml.name() == QLatin1String("text")))
                pendingElement = xml.name().toString();
        } else if (xml.isCharacters() && !pendingElement.isEmpty()) {
            if (pendingElement == QLatin1String("title") && depthInTable == 2)
                s.tableGroups << xml.text().toString();
            else
                s.textInGroups << xml.text().toString().trimmed();
        } else if (xml.isEndElement()) {
            pendingElement.clear();
            if (depthInTable > 0)
                --depthInTable;
        }
    }
    s.valid = !xml.hasError();
    return s;
}

} // namespace

class TestDiagram : public QObject
{
    Q_OBJECT

    std::optional<test::DemoDatabase> m_demo;
    QTemporaryDir m_dir;

    const Schema& at(qint64 version) const { return m_demo->history.at(version).schema; }
    const Schema& latest() const { return m_demo->history.points.last().schema; }
    // A project file of a test's own, so positions kept by one test never reach another.
    QString projectFile(const QString& name) const { return m_dir.filePath(name + "/strata.toml"); }

private slots:
    void initTestCase()
    {
        m_demo = test::demoDatabase(QStringLiteral("BILLING_DB"));
        QVERIFY(m_demo);
        QCOMPARE(latest().tables.size(), 5);
        QVERIFY(m_dir.isValid());
    }

    void itemsOfTheBillingSchema()
    {
        DiagramScene scene;
        scene.setDatabase(projectFile("items"), QStringLiteral("BILLING_DB"));
        QCOMPARE(scene.bindingColor(), DiagramStyle::bindingColor(QStringLiteral("BILLING_DB")));
        QSignalSpy finished(&scene, &DiagramScene::layoutFinished);
        scene.setSchema(latest());
        QVERIFY(scene.isLayoutRunning()); // no positions yet: laid out on a worker
        QVERIFY(finished.wait(20000));
        QVERIFY(!scene.isLayoutRunning());

        QCOMPARE(scene.tableItems().size(), latest().tables.size());
        int keys = 0;
        for (const Table& t : latest().tables) {
            TableItem* item = scene.tableItem(t.name);
            QVERIFY2(item, qPrintable(t.name));
            QCOMPARE(item->rows().size(), t.columns.size());
            for (qsizetype i = 0; i < t.columns.size(); ++i)
                QCOMPARE(item->rows()[i].name, t.columns[i].name);
            QCOMPARE(item->bandCount(), t.columns.size() + 1);
            keys += int(t.foreignKeys.size());
        }
        QVERIFY(keys >= 3);
        QCOMPARE(scene.relationItems().size(), keys);
        QVERIFY(!overlaps(scene.tableItems()));

        for (RelationItem* r : scene.relationItems()) {
            const ForeignKey& fk = r->foreignKey();
            QCOMPARE(r->toTable()->name(), fk.targetTable);
            QCOMPARE(r->fromTable()->rows()[r->fromBand() - 1].name, fk.columns.first());
            const QString target = fk.targetColumns.isEmpty()
                                       ? r->toTable()->table().primaryKey().first()
                                       : fk.targetColumns.first();
            QCOMPARE(r->toTable()->rows()[r->toBand() - 1].name, target);
            // The connector starts and ends on the sides of those rows.
            QVERIFY(r->fromPoint() == r->fromTable()->anchor(r->fromBand(), false) ||
                    r->fromPoint() == r->fromTable()->anchor(r->fromBand(), true));
            QVERIFY(r->toPoint() == r->toTable()->anchor(r->toBand(), false) ||
                    r->toPoint() == r->toTable()->anchor(r->toBand(), true));
            QCOMPARE(r->path().pointAtPercent(0), r->fromPoint());
            QCOMPARE(r->path().pointAtPercent(1), r->toPoint());
        }
        RelationItem* plan = relationFrom(scene, QStringLiteral("subscriptions"));
        QVERIFY(plan);
        QCOMPARE(plan->toTable()->name(), QStringLiteral("plans"));
        QCOMPARE(plan->fromTable()->rows()[plan->fromBand() - 1].name, QStringLiteral("plan_id"));
        QVERIFY(plan->usesLayoutRoute()); // dot routed it, and nothing has moved since

        // Markers: PK, FK, NOT NULL, UNIQUE.
        const TableItem* plans = scene.tableItem(QStringLiteral("plans"));
        QCOMPARE(plans->rows()[0].badges, QStringList{QStringLiteral("PK")});
        QCOMPARE(plans->rows()[1].flags, (QStringList{QStringLiteral("NN"), QStringLiteral("UQ")}));
        const TableItem* subs = scene.tableItem(QStringLiteral("subscriptions"));
        QVERIFY(subs->rows()[subs->bandOf(QStringLiteral("plan_id")) - 1].badges.contains(
            QStringLiteral("FK")));
    }

    void diffColoursAndGhosts()
    {
        DiagramScene scene;
        scene.setDatabase(projectFile("diff"), QStringLiteral("BILLING_DB"));
        scene.setAutoLayout(DiagramScene::AutoLayout::Immediate);
        scene.setSchema(latest());
        const QHash<QString, QPointF> laidOut = scene.positions();

        // Migration 8 adds two columns to subscriptions: the table amber, the rows green.
        SchemaDiff d = diffSchemas(at(7), at(8));
        scene.setSchema(at(8), &d, &at(7));
        const TableItem* subs = scene.tableItem(QStringLiteral("subscriptions"));
        QCOMPARE(subs->state(), DiffState::Changed);
        for (const TableItem::Row& row : subs->rows()) {
            const bool added = row.name == QLatin1String("cancel_at_period_end") ||
                               row.name == QLatin1String("cancelled_at");
            QCOMPARE(row.state, added ? DiffState::Added : DiffState::Unchanged);
        }
        QCOMPARE(scene.tableItem(QStringLiteral("plans"))->state(), DiffState::Unchanged);
        QCOMPARE(scene.tableState(QStringLiteral("subscriptions")), DiffState::Changed);

        // Migration 4 creates usage: green throughout, its foreign key too.
        d = diffSchemas(at(3), at(4));
        scene.setSchema(at(4), &d, &at(3));
        const TableItem* usage = scene.tableItem(QStringLiteral("usage"));
        QCOMPARE(usage->state(), DiffState::Added);
        for (const TableItem::Row& row : usage->rows())
            QCOMPARE(row.state, DiffState::Added);
        QCOMPARE(relationFrom(scene, QStringLiteral("usage"))->state(), DiffState::Added);
        QCOMPARE(scene.tableItems().size(), 3);

        // From the end back to version 3: what was dropped stays as a ghost where it was.
        d = diffSchemas(latest(), at(3));
        scene.setSchema(at(3), &d, &latest());
        QCOMPARE(scene.tableItems().size(), 5);
        for (const QString& name : {QStringLiteral("usage"), QStringLiteral("credits"),
                                   QStringLiteral("credit_transactions")}) {
            const TableItem* ghost = scene.tableItem(name);
            QVERIFY2(ghost, qPrintable(name));
            QCOMPARE(ghost->state(), DiffState::Removed);
            QVERIFY(ghost->opacity() < 0.5);
            QVERIFY(!(ghost->flags() & QGraphicsItem::ItemIsMovable));
            QCOMPARE(ghost->pos(), laidOut.value(name));
            QCOMPARE(ghost->rows().size(), latest().table(name)->columns.size());
        }
        QCOMPARE(relationFrom(scene, QStringLiteral("credit_transactions"))->state(),
                 DiffState::Removed);
        // subscriptions lost its two columns: struck-through rows after the live ones.
        subs = scene.tableItem(QStringLiteral("subscriptions"));
        QCOMPARE(subs->rows().size(), at(3).table(QStringLiteral("subscriptions"))->columns.size() + 2);
        QCOMPARE(subs->rows().last().state, DiffState::Removed);
        QVERIFY(!subs->rows().last().type.isEmpty()); // the type, from the previous schema
        QCOMPARE(scene.tableDefinition(QStringLiteral("usage"))->name, QStringLiteral("usage"));
    }

    void positionsStayAlongTheHistory()
    {
        DiagramScene scene;
        scene.setDatabase(projectFile("history"), QStringLiteral("BILLING_DB"));
        scene.setAutoLayout(DiagramScene::AutoLayout::Immediate);
        scene.setSchema(latest());
        const QHash<QString, QPointF> first = scene.positions();
        for (const SchemaPoint& p : m_demo->history.points) {
            scene.setSchema(p.schema);
            QVERIFY(!scene.isLayoutRunning());
            for (const Table& t : p.schema.tables)
                QCOMPARE(scene.tableItem(t.name)->pos(), first.value(t.name));
        }
        // A table that never had a position goes beside its neighbour, on top of nothing.
        Schema more = latest();
        Table refunds;
        refunds.name = QStringLiteral("refunds");
        Column id;
        id.name = QStringLiteral("id");
        id.primaryKeyPosition = 1;
        Column tx;
        tx.name = QStringLiteral("credit_transaction_id");
        refunds.columns = {id, tx};
        refunds.foreignKeys << ForeignKey{{tx.name}, QStringLiteral("credit_transactions"), {}, {}, {}};
        more.tables << refunds;
        scene.setSchema(more);
        QVERIFY(!scene.isLayoutRunning());
        QVERIFY(!overlaps(scene.tableItems()));
        for (const Table& t : latest().tables)
            QCOMPARE(scene.tableItem(t.name)->pos(), first.value(t.name));
        const QRectF neighbour = scene.tableItem(QStringLiteral("credit_transactions"))->sceneBox();
        const QRectF placed = scene.tableItem(QStringLiteral("refunds"))->sceneBox();
        QVERIFY(QLineF(neighbour.center(), placed.center()).length() < 800);
    }

    void moveUndoRedoAndKeep()
    {
        const QString file = projectFile("move");
        DiagramScene scene;
        scene.setDatabase(file, QStringLiteral("BILLING_DB"));
        scene.setAutoLayout(DiagramScene::AutoLayout::Immediate);
        scene.setSchema(latest());
        DiagramView view;
        view.setDiagramScene(&scene);
        view.resize(1200, 800);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.resetZoom();
        view.centerOnTable(QStringLiteral("plans"));
        QCOMPARE(view.zoom(), 1.0);

        TableItem* plans = scene.tableItem(QStringLiteral("plans"));
        RelationItem* key = relationFrom(scene, QStringLiteral("subscriptions"));
        const QPointF start = plans->pos();
        const QPoint grab = view.mapFromScene(plans->sceneBox().topLeft() + QPointF(40, 10));
        QWidget* vp = view.viewport();
        sendMouse(vp, QEvent::MouseButtonPress, grab, Qt::LeftButton, Qt::LeftButton);
        sendMouse(vp, QEvent::MouseMove, grab + QPoint(20, 0), Qt::NoButton, Qt::LeftButton);
        sendMouse(vp, QEvent::MouseMove, grab + QPoint(120, 60), Qt::NoButton, Qt::LeftButton);
        sendMouse(vp, QEvent::MouseButtonRelease, grab + QPoint(120, 60), Qt::LeftButton,
                  Qt::NoButton);
        const QPointF moved = start + QPointF(120, 60);
        QCOMPARE(plans->pos(), moved);
        QCOMPARE(scene.undoStack()->count(), 1);
        QCOMPARE(scene.undoStack()->undoText(), QStringLiteral("Move table plans"));
        // The connector followed (its own route now: the layout's no longer fits).
        QVERIFY(!key->usesLayoutRoute());
        QVERIFY(key->toPoint() == plans->anchor(key->toBand(), true) ||
                key->toPoint() == plans->anchor(key->toBand(), false));

        scene.undoStack()->undo();
        QCOMPARE(plans->pos(), start);
        QVERIFY(key->usesLayoutRoute());
        scene.undoStack()->redo();
        QCOMPARE(plans->pos(), moved);

        // Kept for this project and binding: a new diagram puts plans where it was left.
        const DiagramPositionStore store(file, QStringLiteral("BILLING_DB"));
        QTRY_COMPARE_WITH_TIMEOUT(store.load().value(QStringLiteral("plans")), moved, 5000);
        {
            DiagramScene again;
            again.setDatabase(file, QStringLiteral("BILLING_DB"));
            again.setSchema(latest());
            QVERIFY(!again.isLayoutRunning());
            QCOMPARE(again.tableItem(QStringLiteral("plans"))->pos(), moved);
        }
        QVERIFY(DiagramPositionStore(file, QStringLiteral("DB")).load().isEmpty());

        // A re-layout is one more undoable step.
        QSignalSpy finished(&scene, &DiagramScene::layoutFinished);
        view.relayoutAction()->trigger();
        QVERIFY(finished.wait(20000));
        QCOMPARE(scene.undoStack()->count(), 2);
        QCOMPARE(plans->pos(), start); // the same graph lays out the same way
        scene.undoStack()->undo();
        QCOMPARE(plans->pos(), moved);
    }

    void search()
    {
        DiagramScene scene;
        scene.setAutoLayout(DiagramScene::AutoLayout::Immediate);
        scene.setSchema(latest());
        QList<DiagramSearchHit> hits = scene.find(QStringLiteral("plan_id"));
        QVERIFY(!hits.isEmpty());
        QCOMPARE(hits.first(), (DiagramSearchHit{QStringLiteral("subscriptions"), QStringLiteral("plan_id")}));
        hits = scene.find(QStringLiteral("PLANS"));
        QCOMPARE(hits.first(), (DiagramSearchHit{QStringLiteral("plans"), {}}));
        hits = scene.find(QStringLiteral("usage.month"));
        QCOMPARE(hits, (QList<DiagramSearchHit>{{QStringLiteral("usage"), QStringLiteral("month")}}));
        QVERIFY(scene.find(QStringLiteral("no_such_thing")).isEmpty());

        QSignalSpy selected(&scene, &DiagramScene::tableSelected);
        scene.showSearchHit({QStringLiteral("subscriptions"), QStringLiteral("plan_id")});
        QCOMPARE(selected.count(), 1);
        QCOMPARE(selected.first().first().value<Table>().name, QStringLiteral("subscriptions"));
        const TableItem* subs = scene.tableItem(QStringLiteral("subscriptions"));
        QVERIFY(subs->isSelected());
        QCOMPARE(subs->searchBand(), subs->bandOf(QStringLiteral("plan_id")));
        scene.clearHighlights();
        QCOMPARE(subs->searchBand(), -1);
    }

    void hoverHighlightsBothEnds()
    {
        DiagramScene scene;
        scene.setAutoLayout(DiagramScene::AutoLayout::Immediate);
        scene.setSchema(latest());
        DiagramView view;
        view.setDiagramScene(&scene);
        view.resize(1200, 800);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.resetZoom();
        RelationItem* key = relationFrom(scene, QStringLiteral("subscriptions"));
        const QPointF middle = key->path().pointAtPercent(0.5);
        view.centerOn(middle);
        QTest::mouseMove(view.viewport(), view.mapFromScene(middle));
        QTRY_VERIFY(key->isHovered());
        QCOMPARE(key->fromTable()->highlightedBands(), QSet<int>{key->fromBand()});
        QCOMPARE(key->toTable()->highlightedBands(), QSet<int>{key->toBand()});
        QTest::mouseMove(view.viewport(), QPoint(2, 2));
        QTRY_VERIFY(!key->isHovered());
        QVERIFY(key->toTable()->highlightedBands().isEmpty());
    }

    void exportParsedBack()
    {
        DiagramScene scene;
        scene.setDatabase(projectFile("export"), QStringLiteral("BILLING_DB"));
        scene.setAutoLayout(DiagramScene::AutoLayout::Immediate);
        SchemaDiff d = diffSchemas(latest(), at(3));
        scene.setSchema(at(3), &d, &latest()); // ghosts included: every table item is a group

        const QString svgPath = m_dir.filePath("billing.svg");
        QVERIFY(exportDiagram(scene, svgPath, DiagramFormat::Svg).ok());
        QFile svgFile(svgPath);
        QVERIFY(svgFile.open(QIODevice::ReadOnly));
        const SvgSummary svg = readSvg(svgFile.readAll());
        QVERIFY(svg.valid);
        QCOMPARE(svg.root, QStringLiteral("svg"));
        QStringList expected;
        for (TableItem* t : scene.tableItems())
            expected << t->name();
        QStringList groups = svg.tableGroups;
        groups.sort();
        expected.sort();
        QCOMPARE(groups, expected);
        // The drawing is inside the groups: table names and column names as text.
        QVERIFY(svg.textInGroups.contains(QStringLiteral("subscriptions")));
        QVERIFY(svg.textInGroups.contains(QStringLiteral("plan_id")));

        const QString pngPath = m_dir.filePath("billing.png");
        QVERIFY(exportDiagram(scene, pngPath, DiagramFormat::Png, 1.5).ok());
        const QImage png(pngPath);
        QVERIFY(!png.isNull());
        QCOMPARE(png.size(), diagramImageSize(scene, 1.5));
        const QRectF area = diagramExportRect(scene);
        QCOMPARE(png.width(), int(std::ceil(area.width() * 1.5)));
        QSet<QRgb> colours; // something is drawn: background, boxes, headers, text
        for (int y = 0; y < png.height(); y += 3)
            for (int x = 0; x < png.width(); x += 3)
                colours.insert(png.pixel(x, y));
        QVERIFY(colours.size() > 20);

        const QString pdfPath = m_dir.filePath("billing.pdf");
        QVERIFY(exportDiagram(scene, pdfPath, DiagramFormat::Pdf).ok());
        QFile pdf(pdfPath);
        QVERIFY(pdf.open(QIODevice::ReadOnly));
        const QByteArray pdfBytes = pdf.readAll();
        QVERIFY(pdfBytes.startsWith("%PDF"));
        QVERIFY(pdfBytes.size() > 2000);

        QVERIFY(!exportDiagram(scene, m_dir.filePath("no/such/dir/x.svg"), DiagramFormat::Svg).ok());
    }

    void erdCommand_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("expectInOutput");
        const QString out = m_dir.filePath("cli");
        QTest::newRow("dot to stdout")
            << QStringList{"erd", "--demo", "--db", "BILLING_DB", "--format", "dot", "-o", "-"} << 0
            << "comment=\"subscriptions\"";
        QTest::newRow("svg at a version")
            << QStringList{"erd", "--demo", "--db", "BILLING_DB", "--at", "4", "--format", "svg",
                           "-o", out + ".svg"}
            << 0 << "files at version 4: 3 tables";
        QTest::newRow("png by suffix, json")
            << QStringList{"erd", "--demo", "--db", "BILLING_DB", "-o", out + ".png", "--json"} << 0
            << "\"tables\": 5";
        QTest::newRow("pdf") << QStringList{"erd", "--demo", "--db", "BILLING_DB", "--format",
                                            "pdf", "-o", out + ".pdf"}
                             << 0 << ".pdf";
        QTest::newRow("no output") << QStringList{"erd", "--demo", "--db", "BILLING_DB"} << 2
                                   << "-o FILE";
        QTest::newRow("which database") << QStringList{"erd", "--demo", "-o", out + ".svg"} << 2
                                        << "--db";
        QTest::newRow("bad format") << QStringList{"erd", "--demo", "--db", "BILLING_DB",
                                                   "--format", "gif", "-o", "x"}
                                    << 2 << "svg, png, pdf or dot";
        QTest::newRow("unknown version") << QStringList{"erd", "--demo", "--db", "BILLING_DB",
                                                        "--at", "999", "-o", out + "2.svg"}
                                         << 1 << "no migration with version 999";
        QTest::newRow("help") << QStringList{"erd", "--help"} << 0 << "--format F";
    }

    void erdCommand()
    {
        QFETCH(QStringList, arguments);
        QFETCH(int, exitCode);
        QFETCH(QString, expectInOutput);
        const QString binary = QStringLiteral(STRATA_BINARY);
        if (binary.isEmpty())
            QSKIP("the strata executable is not built here");
        QProcess p;
        p.start(binary, arguments);
        QVERIFY(p.waitForFinished(60000));
        const QString output = QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError());
        QVERIFY2(output.contains(expectInOutput), qPrintable(output));
        QCOMPARE(p.exitCode(), exitCode);
        if (exitCode != 0)
            return;
        const qsizetype o = arguments.indexOf(QStringLiteral("-o"));
        const QString file = arguments.value(o + 1);
        if (file == QLatin1String("-")) {
            QVERIFY(output.startsWith(QStringLiteral("digraph erd {")));
        } else if (file.endsWith(QLatin1String(".svg"))) {
            QFile f(file);
            QVERIFY(f.open(QIODevice::ReadOnly));
            const SvgSummary svg = readSvg(f.readAll());
            QVERIFY(svg.valid);
            QCOMPARE(svg.tableGroups.size(), 3);
        } else if (file.endsWith(QLatin1String(".png"))) {
            QVERIFY(!QImage(file).isNull());
        } else if (file.endsWith(QLatin1String(".pdf"))) {
            QFile f(file);
            QVERIFY(f.open(QIODevice::ReadOnly));
            QVERIFY(f.read(4) == "%PDF");
        }
    }
};

int main(int argc, char* argv[])
{
    TestDiagram test;
    return strata::test::runUiTest(argc, argv, &test);
}

#include "tst_diagram.moc"
