#pragma once

// DiagramMinimap: the overview in a corner of the diagram — the whole scene in small, the
// view's visible area as a rectangle; click or drag in it to move there. The scene is drawn
// into a cached picture, refreshed at most a few times a second, so a big diagram stays cheap.

#include <QPixmap>
#include <QWidget>

class QGraphicsView;
class QTimer;

namespace strata {

class DiagramMinimap final : public QWidget
{
    Q_OBJECT

public:
    explicit DiagramMinimap(QGraphicsView* view, QWidget* parent = nullptr);

    // The scene changed (or another scene is shown): redraw the picture soon.
    void sceneChanged();
    // The scene rectangle the minimap shows, and where a point of it lands in the widget.
    QRectF sourceRect() const;
    QPointF toScene(const QPointF& widgetPoint) const;
    QRectF visibleRectInMinimap() const;

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;

private:
    void renderPicture();
    QRectF targetRect() const; // where the scene's picture sits in the widget
    void moveViewTo(const QPointF& widgetPoint);

    QGraphicsView* m_view;
    QPixmap m_picture;
    QTimer* m_refresh;
};

} // namespace strata
