#pragma once

// The migration timeline, painted: lane labels on the left, each lane's marks along the axis
// (colour and shape per state, a legend at the bottom), a ruler of dates on the time axis, and
// the "current point" cursor the window sets from the diagram's time slider. Selection goes
// through the QItemSelectionModel like any item view; picking a mark with mouse or keyboard
// emits markSelected so the window can move the slider. Zooms (Ctrl+wheel, Ctrl +/-, Ctrl+0 to
// fit) and scrolls, and paints only the marks on screen, so a 1000-migration lane stays usable.
// Works on a TimelineModel (the axis is read from it).

#include "timelinelayout.h"

#include <QAbstractItemView>

#include <optional>

namespace strata {

class TimelineModel;

class TimelineView final : public QAbstractItemView
{
    Q_OBJECT

public:
    explicit TimelineView(QWidget* parent = nullptr);

    void setModel(QAbstractItemModel* model) override;
    TimelineModel* timelineModel() const { return m_model; }

    // The cursor: drawn across the lanes of `binding` at `version` (at the last mark at or below
    // it where the version is not a mark). Selects that version's mark too — in the lane of the
    // current mark if it is of this binding, else the binding's first lane — without emitting
    // markSelected, so a slider driving it does not hear its own echo.
    void setCurrentVersion(const QString& binding, qint64 version);
    void clearCurrentVersion();
    QString currentBinding() const { return m_cursorBinding; }
    std::optional<qint64> currentVersion() const { return m_cursorVersion; }
    // Where the cursor crosses `lane`, in viewport x; empty when it is not drawn in that lane.
    std::optional<int> cursorX(const QModelIndex& lane) const;

    // The mark under selection (the current index), or an invalid index.
    QModelIndex currentMark() const;

    // Pixels per sequence step, or per millisecond on the time axis (where marks applied
    // together are also kept a few pixels apart: see TimelineLayout::Zoom).
    double zoomScale() const;
    void setZoomScale(double scale);

    QModelIndex indexAt(const QPoint& point) const override; // marks only
    QRect visualRect(const QModelIndex& index) const override;
    void scrollTo(const QModelIndex& index, ScrollHint hint = EnsureVisible) override;
    void doItemsLayout() override;
    // A lane's band across the viewport (label and plot), in viewport coordinates.
    QRect laneRect(int lane) const;
    QPoint markCenter(const QModelIndex& mark) const;

public slots:
    void zoomIn();
    void zoomOut();
    void zoomToFit();

signals:
    // The user picked a mark (click or keys): the window moves the slider to it.
    void markSelected(const QString& binding, const QString& environment, qint64 version,
                      const QString& fileName);
    // The current mark changed for any reason (also programmatically); invalid when none.
    void currentMarkChanged(const QModelIndex& mark);

protected:
    QModelIndex moveCursor(CursorAction cursorAction, Qt::KeyboardModifiers modifiers) override;
    int horizontalOffset() const override;
    int verticalOffset() const override;
    bool isIndexHidden(const QModelIndex& index) const override;
    void setSelection(const QRect& rect, QItemSelectionModel::SelectionFlags command) override;
    QRegion visualRegionForSelection(const QItemSelection& selection) const override;
    void updateGeometries() override;
    void currentChanged(const QModelIndex& current, const QModelIndex& previous) override;
    void reset() override;
    void rowsInserted(const QModelIndex& parent, int start, int end) override;
    void rowsAboutToBeRemoved(const QModelIndex& parent, int start, int end) override;
    void dataChanged(const QModelIndex& topLeft, const QModelIndex& bottomRight,
                     const QList<int>& roles = QList<int>()) override;
    void scrollContentsBy(int dx, int dy) override;

    bool viewportEvent(QEvent* event) override;
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;

private:
    // Pixel sizes derived from the font; recomputed when it or the lanes change.
    struct Metrics
    {
        int labelWidth = 160;
        int rulerHeight = 24;
        int laneHeight = 46;
        int legendHeight = 28;
        int markY = 16;        // mark centre below a lane's top
        int padding = 24;      // empty plot space before the first and after the last mark
        int versionWidth = 30; // the widest version label
    };

    void markLayoutDirty();
    void ensureLayout() const;
    void updateMetrics() const;
    int legendHeightFor(int width) const;
    QRect plotRect() const;
    double plotWidth() const;
    double viewportXOf(double contentX) const;
    double contentXOf(double viewportX) const;
    int laneTop(int lane) const;
    qreal markRadius() const;
    int laneAtY(int y) const;
    int laneOf(const QModelIndex& mark) const;
    QModelIndex markAt(int lane, int row) const;
    void zoomBy(double factor, double anchorViewportX, const QModelIndex& anchor);
    void applyDefaultZoom();
    QModelIndex targetMarkForVersion(const QString& binding, qint64 version) const;
    void setUserAction(bool on) { m_userAction += on ? 1 : -1; }

    // Painting (timelineviewpaint.cpp).
    void paintLanes(QPainter& p, const QRect& plot) const;
    void paintTicks(QPainter& p, const QRect& plot) const;
    void paintMarks(QPainter& p, const QRect& plot, int lane) const;
    void paintRuns(QPainter& p, int lane, qsizetype first, qsizetype last, int y, qreal r) const;
    void paintVersionLabels(QPainter& p, const QRect& plot, int lane) const;
    void paintCursor(QPainter& p, const QRect& plot) const;
    void paintLabels(QPainter& p) const;
    void paintRuler(QPainter& p, const QRect& plot) const;
    void paintLegend(QPainter& p) const;

    TimelineModel* m_model = nullptr;
    QList<QMetaObject::Connection> m_modelConnections;
    mutable TimelineLayout m_layout;
    mutable Metrics m_metrics;
    mutable bool m_layoutDirty = true;
    bool m_userZoomed = false; // until the user zooms, the scale follows the width
    bool m_scrollToEnd = true; // a freshly shown history opens at its latest marks
    int m_userAction = 0;      // > 0 while handling mouse or keys: markSelected may fire
    QPersistentModelIndex m_hover;
    QString m_cursorBinding;
    std::optional<qint64> m_cursorVersion;
};

} // namespace strata
