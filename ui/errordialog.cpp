#include "errordialog.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

namespace strata {

QString errorLocation(const Error& error)
{
    if (error.file.isEmpty())
        return {};
    return error.line > 0 ? error.file + QLatin1Char(':') + QString::number(error.line)
                          : error.file;
}

ErrorDialog::ErrorDialog(const QString& title, const QString& summary, const Error& error,
                         const QString& extra, QWidget* parent)
    : QDialog(parent), m_summary(summary), m_error(error), m_extra(extra)
{
    setObjectName(QStringLiteral("errorDialog"));
    setWindowTitle(title);
    auto* layout = new QVBoxLayout(this);

    auto* top = new QHBoxLayout;
    auto* icon = new QLabel;
    icon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxCritical).pixmap(40, 40));
    icon->setAlignment(Qt::AlignTop);
    top->addWidget(icon);
    auto* text = new QVBoxLayout;
    auto* summaryLabel = new QLabel(QStringLiteral("<b>%1</b>").arg(summary.toHtmlEscaped()));
    summaryLabel->setWordWrap(true);
    text->addWidget(summaryLabel);
    auto* message = new QLabel(error.message);
    message->setObjectName(QStringLiteral("errorMessage"));
    message->setTextFormat(Qt::PlainText);
    message->setWordWrap(true);
    message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    text->addWidget(message);
    if (const QString where = errorLocation(error); !where.isEmpty()) {
        auto* location = new QLabel(QStringLiteral("In <b>%1</b>").arg(where.toHtmlEscaped()));
        location->setObjectName(QStringLiteral("errorLocation"));
        location->setWordWrap(true);
        location->setTextInteractionFlags(Qt::TextSelectableByMouse);
        text->addWidget(location);
    }
    top->addLayout(text, 1);
    layout->addLayout(top);

    if (!error.detail.isEmpty()) {
        layout->addWidget(new QLabel(QStringLiteral("Statement:")));
        auto* statement = new QPlainTextEdit(error.detail);
        statement->setObjectName(QStringLiteral("errorStatement"));
        statement->setReadOnly(true);
        statement->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
        statement->setLineWrapMode(QPlainTextEdit::NoWrap);
        const int lines = int(std::min<qsizetype>(error.detail.count(QLatin1Char('\n')) + 1, 12));
        statement->setFixedHeight(statement->fontMetrics().lineSpacing() * lines + 16);
        layout->addWidget(statement);
    }
    if (!extra.isEmpty()) {
        auto* extraLabel = new QLabel(extra);
        extraLabel->setObjectName(QStringLiteral("errorExtra"));
        extraLabel->setTextFormat(Qt::PlainText);
        extraLabel->setWordWrap(true);
        extraLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
        layout->addWidget(extraLabel);
    }

    layout->addStretch(1); // extra height goes below the text, not between its parts
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    auto* copy = buttons->addButton(QStringLiteral("Copy Details"), QDialogButtonBox::ActionRole);
    connect(copy, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(plainText()); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    setMinimumWidth(520);
}

QString ErrorDialog::plainText() const
{
    QStringList parts{m_summary, m_error.toString()};
    if (!m_error.detail.isEmpty())
        parts << QStringLiteral("Statement:\n") + m_error.detail;
    if (!m_extra.isEmpty())
        parts << m_extra;
    return parts.join(QStringLiteral("\n\n"));
}

ErrorDialog* ErrorDialog::showError(QWidget* parent, const QString& title, const QString& summary,
                                    const Error& error, const QString& extra)
{
    auto* dialog = new ErrorDialog(title, summary, error, extra, parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
    return dialog;
}

} // namespace strata
