#pragma once

// TableDetailsPanel: the side panel that shows one table's full definition — columns with
// types, nullability, defaults and key membership; primary key; foreign keys with their
// actions; indexes; checks; the CREATE TABLE text — and, on a diff, what changed.

#include "diagramstyle.h"
#include "schema.h"
#include "schemadiff.h"

#include <QWidget>

class QLabel;
class QTextBrowser;

namespace strata {

class TableDetailsPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit TableDetailsPanel(QWidget* parent = nullptr);

    // `state` and `diff` (may be null) describe the table's change on a diff.
    void showTable(const Table& table, DiffState state = DiffState::Unchanged,
                   const TableDiff* diff = nullptr);
    void clear();

    QString shownTable() const { return m_table; }
    // The panel's text, as shown (for tests and copying).
    QString text() const;

private:
    QLabel* m_title;
    QTextBrowser* m_body;
    QString m_table;
};

} // namespace strata
