#include "confirmapplydialog.h"

#include "statestyle.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace strata {

ConfirmApplyDialog::ConfirmApplyDialog(const ConfirmRequest& request, QWidget* parent)
    : QDialog(parent), m_request(request)
{
    setObjectName(QStringLiteral("confirmApplyDialog"));
    setWindowTitle(request.isProtected ? QStringLiteral("Apply to a protected environment")
                                       : QStringLiteral("Apply pending migrations"));
    auto* layout = new QVBoxLayout(this);

    auto* header = new QHBoxLayout;
    auto* icon = new QLabel;
    icon->setPixmap(
        themeIcon(request.isProtected ? QStringLiteral("protected") : QStringLiteral("pending"))
            .pixmap(32, 32));
    icon->setAlignment(Qt::AlignTop);
    header->addWidget(icon);
    const qsizetype n = request.migrations.size();
    auto* summary = new QLabel(
        QStringLiteral("<b>Apply %1 migration%2 to %3 · %4?</b><br>%5<br>%6")
            .arg(n)
            .arg(n == 1 ? QString() : QStringLiteral("s"))
            .arg(request.binding.toHtmlEscaped(), request.environment.toHtmlEscaped(),
                 (request.databaseName.isEmpty() ? request.projectName : request.databaseName)
                     .toHtmlEscaped(),
                 request.location.toHtmlEscaped()));
    summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    summary->setWordWrap(true);
    header->addWidget(summary, 1);
    layout->addLayout(header);

    auto* list = new QListWidget;
    list->setObjectName(QStringLiteral("migrationList"));
    const QIcon pendingIcon = stateIcon(MigrationState::Pending);
    for (const QString& file : request.migrations)
        list->addItem(new QListWidgetItem(pendingIcon, file));
    list->setIconSize(QSize(16, 16));
    list->setSelectionMode(QAbstractItemView::NoSelection);
    list->setFocusPolicy(Qt::NoFocus);
    list->setMaximumHeight(list->sizeHintForRow(0) * int(std::min<qsizetype>(n, 10)) + 8);
    layout->addWidget(list);

    layout->addWidget(new QLabel(
        QStringLiteral("Each migration runs in its own transaction; a failure rolls that "
                       "migration back and stops.")));

    if (request.isProtected) {
        auto* warning =
            new QLabel(QStringLiteral("<span style=\"color:#8a4b00\"><b>%1</b> is a protected "
                                      "environment.</span> A backup is taken before each "
                                      "migration (a restore point: <tt>strata restore --before "
                                      "V</tt>). Type its name to confirm:")
                           .arg(request.environment.toHtmlEscaped()));
        warning->setWordWrap(true);
        layout->addWidget(warning);
        m_nameEdit = new QLineEdit;
        m_nameEdit->setObjectName(QStringLiteral("environmentNameEdit"));
        m_nameEdit->setPlaceholderText(QStringLiteral("Type %1 here").arg(request.environment));
        m_nameEdit->setAccessibleName(QStringLiteral("Environment name"));
        layout->addWidget(m_nameEdit);
        connect(m_nameEdit, &QLineEdit::textChanged, this, &ConfirmApplyDialog::updateApplyButton);
    }

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
    m_applyButton =
        buttons->addButton(QStringLiteral("Apply %1").arg(n), QDialogButtonBox::AcceptRole);
    m_applyButton->setObjectName(QStringLiteral("applyButton"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);

    // Unprotected: Apply is the default button. Protected: Cancel is, until the name matches.
    m_cancelButton = buttons->button(QDialogButtonBox::Cancel);
    if (request.isProtected) {
        m_nameEdit->setFocus();
    } else {
        m_applyButton->setDefault(true);
    }
    updateApplyButton();
    setMinimumWidth(460);
}

void ConfirmApplyDialog::updateApplyButton()
{
    const bool matches = !m_nameEdit || m_nameEdit->text() == m_request.environment;
    m_applyButton->setEnabled(matches);
    if (m_nameEdit)
        (matches ? m_applyButton : m_cancelButton)->setDefault(true);
}

bool ConfirmApplyDialog::ask(QWidget* parent, const ConfirmRequest& request)
{
    ConfirmApplyDialog dialog(request, parent);
    return dialog.exec() == QDialog::Accepted;
}

} // namespace strata
