#include "historyslider.h"

#include "schemahistory.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>

namespace strata {

HistorySlider::HistorySlider(QWidget* parent)
    : QWidget(parent), m_slider(new QSlider(Qt::Horizontal, this)), m_label(new QLabel(this)),
      m_compare(new QComboBox(this)), m_from(new QComboBox(this)), m_note(new QLabel(this))
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 3, 6, 3);
    auto* title = new QLabel(tr("History:"), this);
    title->setBuddy(m_slider);
    layout->addWidget(title);
    m_slider->setObjectName(QStringLiteral("historySlider"));
    m_slider->setMinimumWidth(220);
    m_slider->setPageStep(5);
    m_slider->setTickPosition(QSlider::TicksBelow);
    m_slider->setToolTip(tr("Move along the migrations: the diagram shows the schema after the "
                            "chosen one (keyboard: arrows, Page Up/Down, Home/End)"));
    layout->addWidget(m_slider, 2);
    m_label->setMinimumWidth(260);
    layout->addWidget(m_label, 1);
    layout->addWidget(new QLabel(tr("Show:"), this));
    m_compare->addItem(tr("What this migration changed"));
    m_compare->addItem(tr("Changes since…"));
    m_compare->addItem(tr("Drift: files vs live"));
    m_compare->setToolTip(tr("What the colours on the diagram compare the chosen point with"));
    layout->addWidget(m_compare);
    m_from->setVisible(false);
    m_from->setToolTip(tr("The earlier point the diagram is compared with"));
    layout->addWidget(m_from);
    m_note->setStyleSheet(QStringLiteral("color: #a05a00;"));
    layout->addWidget(m_note);

    connect(m_slider, &QSlider::valueChanged, this, [this](int value) {
        updateLabel();
        emit pointChanged(value);
    });
    connect(m_compare, &QComboBox::currentIndexChanged, this, [this] {
        m_from->setVisible(compare() == Compare::FromPoint);
        m_slider->setEnabled(compare() != Compare::LiveDrift && m_history);
        emit compareChanged();
    });
    connect(m_from, &QComboBox::currentIndexChanged, this, [this] {
        if (compare() == Compare::FromPoint)
            emit compareChanged();
    });
    clear(tr("Select a database"));
}

void HistorySlider::setHistory(const SchemaHistory* history, const QString& environment,
                               int point)
{
    const QSignalBlocker blockSlider(m_slider);
    const QSignalBlocker blockFrom(m_from);
    m_history = history;
    m_compare->setItemText(2, tr("Drift: files vs live %1").arg(environment));
    m_compare->setEnabled(true);
    m_slider->setEnabled(compare() != Compare::LiveDrift);
    m_slider->setRange(0, int(history->points.size()) - 1);
    m_slider->setValue(point);
    m_from->clear();
    for (const SchemaPoint& p : history->points)
        m_from->addItem(p.fileName.isEmpty() ? tr("the start (empty)") : p.fileName);
    m_from->setCurrentIndex(0);
    m_note->setText(history->failure
                        ? tr("replay stopped: %1").arg(history->failure->toString())
                        : QString());
    m_note->setToolTip(history->failure ? history->failure->detail : QString());
    updateLabel();
}

void HistorySlider::clear(const QString& message)
{
    const QSignalBlocker block(m_slider);
    m_history = nullptr;
    m_slider->setRange(0, 0);
    m_slider->setEnabled(false);
    m_compare->setEnabled(false);
    m_from->clear();
    m_label->setText(message);
    m_label->setToolTip(message); // a long reason is cut at the label's width; whole here
    m_note->clear();
}

void HistorySlider::setBusy(const QString& message)
{
    m_slider->setEnabled(false);
    m_label->setText(message);
    m_label->setToolTip(message);
}

int HistorySlider::point() const
{
    return m_slider->value();
}

void HistorySlider::setPoint(int index)
{
    m_slider->setValue(index);
}

HistorySlider::Compare HistorySlider::compare() const
{
    return static_cast<Compare>(m_compare->currentIndex());
}

int HistorySlider::fromPoint() const
{
    return std::max(0, m_from->currentIndex());
}

void HistorySlider::updateLabel()
{
    if (!m_history)
        return;
    const int i = m_slider->value();
    const SchemaPoint& p = m_history->points[i];
    m_label->setToolTip(QString());
    m_label->setText(p.fileName.isEmpty()
                         ? tr("%1 / %2 · before any migration")
                               .arg(i)
                               .arg(m_history->points.size() - 1)
                         : tr("%1 / %2 · after %3")
                               .arg(i)
                               .arg(m_history->points.size() - 1)
                               .arg(p.fileName));
}

} // namespace strata
