#pragma once

// Shows an Error the way a user can act on it: what went wrong, the file and line it concerns,
// and the failing statement, with a button to copy everything. Non-blocking (open()), so no
// error ever stops the event loop — and headless tests never hang on one.

#include "result.h"

#include <QDialog>

namespace strata {

class ErrorDialog final : public QDialog
{
    Q_OBJECT

public:
    // `summary` says what was being done ("Applying to BILLING_DB · local stopped"); `extra`
    // adds context such as what was applied before the failure.
    ErrorDialog(const QString& title, const QString& summary, const Error& error,
                const QString& extra = {}, QWidget* parent = nullptr);

    const Error& error() const { return m_error; }
    // Everything the dialog shows, as plain text: what Copy puts on the clipboard.
    QString plainText() const;

    // Creates one, deleted on close, and opens it window-modal without blocking.
    static ErrorDialog* showError(QWidget* parent, const QString& title, const QString& summary,
                                  const Error& error, const QString& extra = {});

private:
    QString m_summary;
    Error m_error;
    QString m_extra;
};

// "path:line" (or just the path; empty when the error names no file).
QString errorLocation(const Error& error);

} // namespace strata
