#pragma once

// The timeline's selected mark in full: a status line (shape and colour as on the timeline,
// what happened, when, how long, by whom, and a failure's cause), then tabs with its SQL — up
// and down, read-only and monospace — and, for a migration edited after it was applied, what
// changed: the SQL that ran (the history's copy) against the file's up section now, removed
// lines red and added lines green.

#include "timelinemodel.h"

#include <QWidget>

#include <optional>

class QLabel;
class QPlainTextEdit;
class QTabWidget;

namespace strata {

class MigrationInspector final : public QWidget
{
    Q_OBJECT

public:
    explicit MigrationInspector(QWidget* parent = nullptr);

    // Shows a mark of a TimelineModel (the entry and any failure are read from it); an invalid
    // index, or one of a lane, clears the panel.
    void showMark(const QModelIndex& mark);
    // The same from the parts: `state` Failed needs `failure` for its cause. Null clears.
    void setEntry(const MigrationEntry* entry, TimelineState state,
                  const std::optional<Error>& failure = std::nullopt);
    void clear();

    // What the panel shows, for tests and accessibility.
    QString statusText() const;
    QString upText() const;
    QString downText() const;
    QString changesText() const; // the diff tab, as shown
    bool hasChangesTab() const;

private:
    void showChanges(const MigrationEntry& entry);
    void setChangesVisible(bool visible);

    QLabel* m_icon;
    QLabel* m_title;
    QLabel* m_facts;
    QTabWidget* m_tabs;
    QPlainTextEdit* m_up;
    QPlainTextEdit* m_down;
    QLabel* m_changesNote;
    QPlainTextEdit* m_changes;
    QString m_context; // "BINDING · environment" of the shown mark, when known
};

} // namespace strata
