#include "diagramsearchbar.h"

#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QToolButton>

namespace strata {

DiagramSearchBar::DiagramSearchBar(QWidget* parent)
    : QFrame(parent), m_field(new QLineEdit(this)), m_result(new QLabel(this))
{
    setObjectName(QStringLiteral("diagramSearchBar"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    m_field->setPlaceholderText(tr("Find table or column (table.column)"));
    m_field->setClearButtonEnabled(true);
    m_field->setMinimumWidth(220);
    m_field->installEventFilter(this);
    m_result->setMinimumWidth(64);
    auto* previousButton = new QToolButton(this);
    previousButton->setArrowType(Qt::UpArrow);
    previousButton->setToolTip(tr("Previous match (Shift+Enter)"));
    auto* nextButton = new QToolButton(this);
    nextButton->setArrowType(Qt::DownArrow);
    nextButton->setToolTip(tr("Next match (Enter)"));
    auto* closeButton = new QToolButton(this);
    closeButton->setText(QStringLiteral("✕"));
    closeButton->setToolTip(tr("Close (Esc)"));
    closeButton->setAutoRaise(true);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 4, 4, 4);
    layout->setSpacing(4);
    layout->addWidget(m_field);
    layout->addWidget(m_result);
    layout->addWidget(previousButton);
    layout->addWidget(nextButton);
    layout->addWidget(closeButton);

    connect(m_field, &QLineEdit::textChanged, this, &DiagramSearchBar::textChanged);
    connect(nextButton, &QToolButton::clicked, this, &DiagramSearchBar::next);
    connect(previousButton, &QToolButton::clicked, this, &DiagramSearchBar::previous);
    connect(closeButton, &QToolButton::clicked, this, [this] {
        hide();
        emit closed();
    });
}

void DiagramSearchBar::setResult(int index, int count)
{
    if (m_field->text().trimmed().isEmpty())
        m_result->clear();
    else if (count == 0)
        m_result->setText(tr("no match"));
    else
        m_result->setText(tr("%1 of %2").arg(index + 1).arg(count));
}

void DiagramSearchBar::activate()
{
    show();
    raise();
    m_field->setFocus(Qt::ShortcutFocusReason);
    m_field->selectAll();
}

bool DiagramSearchBar::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_field && event->type() == QEvent::KeyPress) {
        const auto* key = static_cast<QKeyEvent*>(event);
        if (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) {
            if (key->modifiers() & Qt::ShiftModifier)
                emit previous();
            else
                emit next();
            return true;
        }
        if (key->key() == Qt::Key_Escape) {
            hide();
            emit closed();
            return true;
        }
    }
    return QFrame::eventFilter(watched, event);
}

} // namespace strata
