#pragma once

// Asks before migrations are applied: the target and the migrations that will run. For a
// protected environment the user must type the environment's name; Apply stays disabled until
// the text matches exactly, so a reflexive Enter cannot change production.

#include "applycontroller.h"

#include <QDialog>

class QLineEdit;
class QPushButton;

namespace strata {

class ConfirmApplyDialog final : public QDialog
{
    Q_OBJECT

public:
    explicit ConfirmApplyDialog(const ConfirmRequest& request, QWidget* parent = nullptr);

    QLineEdit* nameEdit() const { return m_nameEdit; } // null unless protected
    QPushButton* applyButton() const { return m_applyButton; }

    // The window's confirmer: this dialog, modal, answering true on Apply.
    static bool ask(QWidget* parent, const ConfirmRequest& request);

private:
    void updateApplyButton();

    ConfirmRequest m_request;
    QLineEdit* m_nameEdit = nullptr;
    QPushButton* m_applyButton = nullptr;
    QPushButton* m_cancelButton = nullptr;
};

} // namespace strata
