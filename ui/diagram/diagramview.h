#pragma once

// DiagramView: the window onto a DiagramScene — zoom (wheel, Ctrl+= / Ctrl+- / Ctrl+0 to fit),
// pan (drag on empty space, or the middle button anywhere), a minimap in the corner, and find
// (Ctrl+F) that jumps to a table or column and marks it. Its actions carry the shortcuts so the
// main window can put the same ones in its menus and toolbars.

#include "diagramscene.h"

#include <QGraphicsView>

class QAction;

namespace strata {

class DiagramMinimap;
class DiagramSearchBar;

class DiagramView final : public QGraphicsView
{
    Q_OBJECT

public:
    explicit DiagramView(QWidget* parent = nullptr);

    // Shows `scene` (not owned); null shows nothing. Fits it once its layout is done.
    void setDiagramScene(DiagramScene* scene);
    DiagramScene* diagramScene() const { return m_scene; }

    double zoom() const; // 1.0 is 100 %
    void setZoom(double zoom);
    void zoomIn();
    void zoomOut();
    void fitToWindow(); // the whole diagram, never above 100 %
    void resetZoom();   // 100 %

    // Find: the hits for `text`, then showing hit `index` (wraps around).
    void find(const QString& text);
    void showHit(int index);
    int hitCount() const { return int(m_hits.size()); }
    int currentHit() const { return m_hitIndex; }
    void centerOnTable(const QString& table);

    QAction* zoomInAction() const { return m_zoomIn; }
    QAction* zoomOutAction() const { return m_zoomOut; }
    QAction* fitAction() const { return m_fit; }
    QAction* actualSizeAction() const { return m_actualSize; }
    QAction* findAction() const { return m_find; }
    QAction* relayoutAction() const { return m_relayout; }
    QAction* minimapAction() const { return m_showMinimap; }

    DiagramMinimap* minimap() const { return m_minimap; }
    DiagramSearchBar* searchBar() const { return m_searchBar; }

signals:
    void zoomChanged(double zoom);
    // Forwarded from the scene: a table was selected (its full definition), or none is.
    void tableSelected(const strata::Table& table);
    void selectionCleared();

protected:
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void scrollContentsBy(int dx, int dy) override;

private:
    void placeOverlays();
    void zoomBy(double factor);
    void afterViewChange();

    DiagramScene* m_scene = nullptr;
    DiagramMinimap* m_minimap;
    DiagramSearchBar* m_searchBar;
    QList<DiagramSearchHit> m_hits;
    int m_hitIndex = -1;
    bool m_fitPending = true; // fit once the scene has its layout, until the user zooms
    bool m_middlePanning = false;
    QPoint m_panFrom;
    QAction* m_zoomIn;
    QAction* m_zoomOut;
    QAction* m_fit;
    QAction* m_actualSize;
    QAction* m_find;
    QAction* m_relayout;
    QAction* m_showMinimap;
    QList<QMetaObject::Connection> m_sceneConnections;
};

} // namespace strata
