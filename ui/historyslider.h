#pragma once

// The bar above the diagram that moves along a database's history: a slider over the points of
// the derived schema history (before any migration, then after each one), the migration the
// point stands for, and what the diagram compares the point with — the step before it, an
// earlier point, or (drift) the files against the live database.

#include <QWidget>

class QComboBox;
class QLabel;
class QSlider;

namespace strata {

struct SchemaHistory;

class HistorySlider final : public QWidget
{
    Q_OBJECT

public:
    enum class Compare { PreviousStep, FromPoint, LiveDrift };

    explicit HistorySlider(QWidget* parent = nullptr);

    // The points to move along and the live environment's name for the drift choice; the
    // slider goes to `point` (without announcing it: the caller shows that point itself).
    void setHistory(const SchemaHistory* history, const QString& environment, int point);
    void clear(const QString& message);
    void setBusy(const QString& message);

    int point() const;
    void setPoint(int index); // emits pointChanged when it moves
    Compare compare() const;
    int fromPoint() const;    // for Compare::FromPoint

signals:
    void pointChanged(int index);
    void compareChanged();

private:
    void updateLabel();

    const SchemaHistory* m_history = nullptr;
    QSlider* m_slider;
    QLabel* m_label;
    QComboBox* m_compare;
    QComboBox* m_from;
    QLabel* m_note;
};

} // namespace strata
