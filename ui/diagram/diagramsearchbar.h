#pragma once

// DiagramSearchBar: the small find field over the diagram (Ctrl+F): a line edit, "n of m",
// previous / next and close. It only reports what the user asks; the view does the finding.

#include <QFrame>

class QLabel;
class QLineEdit;

namespace strata {

class DiagramSearchBar final : public QFrame
{
    Q_OBJECT

public:
    explicit DiagramSearchBar(QWidget* parent = nullptr);

    QLineEdit* field() const { return m_field; }
    // Shows "index + 1 of count", or "no match" for a non-empty text without hits.
    void setResult(int index, int count);
    // Shows the bar and puts the cursor in the field, text selected.
    void activate();

signals:
    void textChanged(const QString& text);
    void next();
    void previous();
    void closed();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QLineEdit* m_field;
    QLabel* m_result;
};

} // namespace strata
