// The diagram's view and panel, driven headless: zoom keys and wheel, fit, middle-button pan,
// the minimap, the find bar (Ctrl+F, Enter, Escape), the table details panel, levels of
// detail, and a 500-table schema laid out off the GUI thread without overlaps.

#include "diagramminimap.h"
#include "diagramscene.h"
#include "diagramsearchbar.h"
#include "diagramview.h"
#include "relationitem.h"
#include "tabledetailspanel.h"
#include "tableitem.h"
#include "tst_diagramsupport.h"
#include "uitestsupport.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QImage>
#include <QLineEdit>
#include <QPainter>
#include <QScrollBar>
#include <QSignalSpy>
#include <QStyleOptionGraphicsItem>
#include <QTemporaryDir>
#include <QTest>
#include <QWheelEvent>

using namespace strata;

namespace {

// Distinct colours in an item painted at `scale`: text brings many (antialiasing), plain boxes few.
int coloursAt(TableItem* item, double scale)
{
    QImage image((item->boundingRect().size() * scale).toSize() + QSize(4, 4),
                 QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    {
        QPainter p(&image);
        p.setRenderHint(QPainter::Antialiasing);
        p.scale(scale, scale);
        p.translate(2, 2);
        QStyleOptionGraphicsItem option;
        option.exposedRect = item->boundingRect();
        item->paint(&p, &option, nullptr);
    }
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            colours.insert(image.pixel(x, y));
    return int(colours.size());
}

} // namespace

class TestDiagramView : public QObject
{
    Q_OBJECT

    std::optional<test::DemoDatabase> m_demo;
    QTemporaryDir m_dir;
    DiagramScene* m_scene = nullptr;
    DiagramView* m_view = nullptr;

    const Schema& latest() const { return m_demo->history.points.last().schema; }

private slots:
    void initTestCase()
    {
        m_demo = test::demoDatabase(QStringLiteral("BILLING_DB"));
        QVERIFY(m_demo);
    }

    void init()
    {
        m_scene = new DiagramScene;
        m_scene->setAutoLayout(DiagramScene::AutoLayout::Immediate);
        m_scene->setSchema(latest());
        m_view = new DiagramView;
        m_view->setDiagramScene(m_scene);
        m_view->resize(1000, 700);
        m_view->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_view));
    }

    void cleanup()
    {
        delete m_view;
        delete m_scene;
    }

    void zoomKeysAndWheel()
    {
        m_view->fitToWindow();
        const double fit = m_view->zoom();
        QVERIFY(fit > 0.1 && fit <= 1.0);
        // Everything in sight after a fit.
        const QRectF visible = m_view->mapToScene(m_view->viewport()->rect()).boundingRect();
        for (TableItem* t : m_scene->tableItems())
            QVERIFY2(visible.contains(t->sceneBox()), qPrintable(t->name()));

        QTest::keyClick(m_view, Qt::Key_Equal, Qt::ControlModifier);
        QCOMPARE(m_view->zoom(), fit * 1.25);
        QTest::keyClick(m_view, Qt::Key_Minus, Qt::ControlModifier);
        QTest::keyClick(m_view, Qt::Key_Minus, Qt::ControlModifier);
        QVERIFY(qAbs(m_view->zoom() - fit / 1.25) < 1e-9);
        QTest::keyClick(m_view, Qt::Key_0, Qt::ControlModifier);
        QCOMPARE(m_view->zoom(), fit);
        QTest::keyClick(m_view, Qt::Key_1, Qt::ControlModifier);
        QCOMPARE(m_view->zoom(), 1.0);

        QSignalSpy zoomed(m_view, &DiagramView::zoomChanged);
        const QPointF at(m_view->viewport()->rect().center());
        QWheelEvent wheel(at, m_view->viewport()->mapToGlobal(at), QPoint(), QPoint(0, 120),
                          Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(m_view->viewport(), &wheel);
        QVERIFY(qAbs(m_view->zoom() - 1.15) < 1e-9);
        QCOMPARE(zoomed.count(), 1);
        // A user's zoom survives a resize; a fit follows one until the user zooms.
        m_view->resize(900, 650);
        QApplication::processEvents();
        QVERIFY(qAbs(m_view->zoom() - 1.15) < 1e-9);
    }

    void panWithTheMiddleButton()
    {
        m_view->resize(500, 350); // smaller than the diagram at 100 %
        QApplication::processEvents();
        m_view->setZoom(1.0);
        m_view->centerOn(m_scene->sceneRect().center());
        QScrollBar* h = m_view->horizontalScrollBar();
        QScrollBar* v = m_view->verticalScrollBar();
        QVERIFY(h->maximum() > 0 && v->maximum() > 0);
        const int h0 = h->value(), v0 = v->value();
        const QPoint start = m_view->viewport()->rect().center();
        QTest::mousePress(m_view->viewport(), Qt::MiddleButton, {}, start);
        QMouseEvent move(QEvent::MouseMove, QPointF(start - QPoint(60, 40)),
                         QPointF(m_view->viewport()->mapToGlobal(start - QPoint(60, 40))),
                         Qt::NoButton, Qt::MiddleButton, Qt::NoModifier);
        QApplication::sendEvent(m_view->viewport(), &move);
        QTest::mouseRelease(m_view->viewport(), Qt::MiddleButton, {}, start - QPoint(60, 40));
        QCOMPARE(h->value(), std::min(h->maximum(), h0 + 60));
        QCOMPARE(v->value(), std::min(v->maximum(), v0 + 40));
    }

    void minimapMovesTheView()
    {
        DiagramMinimap* minimap = m_view->minimap();
        QVERIFY(minimap->isVisible());
        m_view->setZoom(1.0);
        const QPoint click(minimap->width() / 4, minimap->height() / 2);
        const QPointF target = minimap->toScene(QPointF(click));
        QTest::mouseClick(minimap, Qt::LeftButton, {}, click);
        // The view moved there (as far as the scroll range allows: in sight at least).
        const QRectF visible = m_view->mapToScene(m_view->viewport()->rect()).boundingRect();
        QVERIFY(visible.contains(target));
        QVERIFY(minimap->visibleRectInMinimap().contains(QPointF(click)));
        m_view->minimapAction()->trigger();
        QVERIFY(!minimap->isVisible());
    }

    void findBar()
    {
        m_view->setFocus();
        QTest::keyClick(m_view, Qt::Key_F, Qt::ControlModifier);
        DiagramSearchBar* bar = m_view->searchBar();
        QVERIFY(bar->isVisible());
        QTRY_VERIFY(bar->field()->hasFocus());
        QSignalSpy selected(m_view, &DiagramView::tableSelected);
        QTest::keyClicks(bar->field(), QStringLiteral("credit_id"));
        QCOMPARE(m_view->hitCount(), 1);
        QVERIFY(selected.count() >= 1);
        QCOMPARE(selected.last().first().value<Table>().name, QStringLiteral("credit_transactions"));
        TableItem* item = m_scene->tableItem(QStringLiteral("credit_transactions"));
        QCOMPARE(item->searchBand(), item->bandOf(QStringLiteral("credit_id")));
        QVERIFY(m_view->mapToScene(m_view->viewport()->rect()).boundingRect().contains(
            item->sceneBox().center()));

        // "id" is in every table: Enter and Shift+Enter walk the hits.
        bar->field()->clear();
        QTest::keyClicks(bar->field(), QStringLiteral("id"));
        QVERIFY(m_view->hitCount() > 5);
        QCOMPARE(m_view->currentHit(), 0);
        QTest::keyClick(bar->field(), Qt::Key_Return);
        QCOMPARE(m_view->currentHit(), 1);
        QTest::keyClick(bar->field(), Qt::Key_Return, Qt::ShiftModifier);
        QTest::keyClick(bar->field(), Qt::Key_Return, Qt::ShiftModifier);
        QCOMPARE(m_view->currentHit(), m_view->hitCount() - 1);

        QTest::keyClick(bar->field(), Qt::Key_Escape);
        QVERIFY(!bar->isVisible());
        for (TableItem* t : m_scene->tableItems())
            QCOMPARE(t->searchBand(), -1);
    }

    void detailsPanel()
    {
        TableDetailsPanel panel;
        connect(m_view, &DiagramView::tableSelected, &panel, [&](const Table& t) {
            panel.showTable(t, m_scene->tableState(t.name), m_scene->diff().table(t.name));
        });
        connect(m_view, &DiagramView::selectionCleared, &panel, &TableDetailsPanel::clear);
        m_scene->tableItem(QStringLiteral("subscriptions"))->setSelected(true);
        QCOMPARE(panel.shownTable(), QStringLiteral("subscriptions"));
        const QString text = panel.text();
        for (const char* expected : {"plan_id", "stripe_subscription_id", "NOT NULL",
                                     "idx_subscriptions_plan_id", "(plan_id) → plans(id)",
                                     "ON DELETE RESTRICT", "CREATE TABLE subscriptions",
                                     "status IN"})
            QVERIFY2(text.contains(QString::fromUtf8(expected)), expected);
        m_scene->clearSelection();
        QVERIFY(panel.shownTable().isEmpty());

        // On a diff: the state and the dropped columns.
        const Schema& early = m_demo->history.at(3).schema;
        const SchemaDiff d = diffSchemas(latest(), early);
        m_scene->setSchema(early, &d, &latest());
        m_scene->tableItem(QStringLiteral("subscriptions"))->setSelected(true);
        QVERIFY(panel.text().contains(QStringLiteral("subscriptions  (changed)")));
        QVERIFY(panel.text().contains(QStringLiteral("cancelled_at")));
        m_scene->clearSelection();
        m_scene->tableItem(QStringLiteral("usage"))->setSelected(true);
        QVERIFY(panel.text().contains(QStringLiteral("usage  (dropped)")));
        QVERIFY(panel.text().contains(QStringLiteral("subscription_id")));
    }

    void levelsOfDetail()
    {
        TableItem* item = m_scene->tableItem(QStringLiteral("subscriptions"));
        const int full = coloursAt(item, 1.0);
        const int names = coloursAt(item, 0.3);
        const int boxes = coloursAt(item, 0.1);
        QVERIFY2(full > names && names > boxes,
                 qPrintable(QStringLiteral("%1 %2 %3").arg(full).arg(names).arg(boxes)));
        QVERIFY2(boxes < 40, qPrintable(QString::number(boxes))); // fills and a border, no text
        QCOMPARE(item->cacheMode(), QGraphicsItem::DeviceCoordinateCache);
        // Zooming re-routes nothing: the connectors' paths stay as they are.
        const QPainterPath before = m_scene->relationItems().first()->path();
        m_view->setZoom(0.2);
        m_view->setZoom(2.0);
        QCOMPARE(m_scene->relationItems().first()->path(), before);
    }

    void fiveHundredTables()
    {
        QVERIFY(m_dir.isValid());
        DiagramScene big;
        big.setDatabase(m_dir.filePath("big/strata.toml"), QStringLiteral("DB"));
        QSignalSpy finished(&big, &DiagramScene::layoutFinished);
        QElapsedTimer timer;
        timer.start();
        big.setSchema(test::generatedSchema(500, 750, 5));
        QVERIFY(timer.elapsed() < 5000); // the layout itself runs on a worker
        QVERIFY(big.isLayoutRunning());
        QCOMPARE(big.tableItems().size(), 500);
        QVERIFY(big.relationItems().size() >= 700);
        QVERIFY(finished.wait(60000));
        const QList<TableItem*> items = big.tableItems();
        for (qsizetype i = 0; i < items.size(); ++i)
            for (qsizetype j = i + 1; j < items.size(); ++j)
                QVERIFY2(!items[i]->sceneBox().intersects(items[j]->sceneBox()),
                         qPrintable(items[i]->name() + QLatin1Char('/') + items[j]->name()));
        const QRectF bounds = big.itemsBoundingRect();
        const double aspect = bounds.width() / bounds.height();
        QVERIFY2(aspect > 0.8 && aspect < 3.0, qPrintable(QString::number(aspect)));

        m_view->setDiagramScene(&big);
        m_view->resize(1600, 1000);
        m_view->fitToWindow();
        QVERIFY(m_view->zoom() < DiagramStyle::boxesOnlyZoom);
        timer.restart();
        m_view->viewport()->grab();
        m_view->viewport()->grab();
        QVERIFY2(timer.elapsed() < 1000, qPrintable(QString::number(timer.elapsed())));
        m_view->setDiagramScene(m_scene);
    }
};

int main(int argc, char* argv[])
{
    TestDiagramView test;
    return strata::test::runUiTest(argc, argv, &test);
}

#include "tst_diagramview.moc"
