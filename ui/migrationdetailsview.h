#pragma once

// The selected migration in full: its state and history facts in a line, and the SQL of its up
// and down sections (or, for a file that is gone, the SQL the history recorded).

#include "migrationstatus.h"

#include <QWidget>

class QLabel;
class QPlainTextEdit;

namespace strata {

class MigrationDetailsView final : public QWidget
{
    Q_OBJECT

public:
    explicit MigrationDetailsView(QWidget* parent = nullptr);

    // Null clears the view.
    void setEntry(const MigrationEntry* entry);
    QString sqlText() const;

private:
    QLabel* m_title;
    QLabel* m_facts;
    QPlainTextEdit* m_sql;
};

} // namespace strata
