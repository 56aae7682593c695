#include "migrationinspector.h"

#include "migrationtablemodel.h"
#include "textdiff.h"
#include "timelinestyle.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QTabWidget>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocumentFragment>
#include <QVBoxLayout>

namespace strata {
namespace {

enum Tab { UpTab, DownTab, ChangesTab };

QPlainTextEdit* sqlEditor(const QString& objectName, const QString& accessibleName)
{
    auto* edit = new QPlainTextEdit;
    edit->setObjectName(objectName);
    edit->setReadOnly(true);
    edit->setLineWrapMode(QPlainTextEdit::NoWrap);
    edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    edit->setAccessibleName(accessibleName);
    return edit;
}

QString trimmedBlock(const QString& sql)
{
    QString out = sql;
    while (out.endsWith(QLatin1Char('\n')) || out.endsWith(QLatin1Char('\r')))
        out.chop(1);
    while (out.startsWith(QLatin1Char('\n')) || out.startsWith(QLatin1Char('\r')))
        out.remove(0, 1);
    return out;
}

} // namespace

MigrationInspector::MigrationInspector(QWidget* parent)
    : QWidget(parent), m_icon(new QLabel), m_title(new QLabel), m_facts(new QLabel),
      m_tabs(new QTabWidget),
      m_up(sqlEditor(QStringLiteral("inspectorUp"), QStringLiteral("Up SQL"))),
      m_down(sqlEditor(QStringLiteral("inspectorDown"), QStringLiteral("Down SQL"))),
      m_changesNote(new QLabel),
      m_changes(sqlEditor(QStringLiteral("inspectorChanges"),
                          QStringLiteral("Changes since the migration was applied")))
{
    setObjectName(QStringLiteral("migrationInspector"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);

    auto* head = new QHBoxLayout;
    head->addWidget(m_icon, 0, Qt::AlignTop);
    m_title->setTextFormat(Qt::RichText);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_title->setObjectName(QStringLiteral("inspectorTitle"));
    head->addWidget(m_title, 1);
    layout->addLayout(head);
    m_facts->setTextFormat(Qt::PlainText);
    m_facts->setWordWrap(true);
    m_facts->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_facts->setObjectName(QStringLiteral("inspectorFacts"));
    layout->addWidget(m_facts);

    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_up, QStringLiteral("Up"));
    m_tabs->addTab(m_down, QStringLiteral("Down"));
    auto* changesPage = new QWidget;
    auto* changesLayout = new QVBoxLayout(changesPage);
    changesLayout->setContentsMargins(0, 4, 0, 0);
    m_changesNote->setWordWrap(true);
    m_changesNote->setTextFormat(Qt::PlainText);
    m_changesNote->setObjectName(QStringLiteral("inspectorChangesNote"));
    changesLayout->addWidget(m_changesNote);
    changesLayout->addWidget(m_changes, 1);
    m_tabs->addTab(changesPage, QStringLiteral("Changed since applied"));
    layout->addWidget(m_tabs, 1);
    clear();
}

void MigrationInspector::clear()
{
    m_context.clear();
    m_icon->clear();
    m_title->setText(QStringLiteral("<i>Select a mark on the timeline to see its migration.</i>"));
    m_facts->clear();
    m_facts->hide();
    m_up->clear();
    m_down->clear();
    m_changes->clear();
    m_changesNote->clear();
    setChangesVisible(false);
}

void MigrationInspector::showMark(const QModelIndex& mark)
{
    const auto* model = qobject_cast<const TimelineModel*>(mark.model());
    const MigrationEntry* e = model ? model->entry(mark) : nullptr;
    if (!e) {
        clear();
        return;
    }
    setEntry(e, model->state(mark), model->failure(mark));
    m_context = mark.data(TimelineModel::BindingRole).toString() + QStringLiteral(" · ") +
                mark.data(TimelineModel::EnvironmentRole).toString();
    m_facts->setText(m_context + QStringLiteral("  ·  ") + m_facts->text());
}

void MigrationInspector::setEntry(const MigrationEntry* entry, TimelineState state,
                                  const std::optional<Error>& failure)
{
    if (!entry) {
        clear();
        return;
    }
    m_context.clear();
    const bool baseline = entry->applied && entry->applied->baseline;
    m_icon->setPixmap(timelineMarkIcon(state, baseline, 20).pixmap(20, 20));
    m_title->setText(QStringLiteral("<b>%1</b> — <span style=\"color:%2\">%3</span>")
                         .arg(entry->fileName.toHtmlEscaped(), timelineStateColor(state).name(),
                              timelineStateLabel(state).toHtmlEscaped()));

    QStringList facts;
    facts << QStringLiteral("version %1").arg(entry->version);
    if (const auto& a = entry->applied) {
        QString applied = a->appliedAt.isValid() ? QStringLiteral("applied %1")
                                                       .arg(a->appliedAt.toLocalTime().toString(
                                                           QStringLiteral("yyyy-MM-dd HH:mm:ss")))
                                                 : QStringLiteral("applied (time not recorded)");
        if (a->durationMs >= 0)
            applied += QStringLiteral(" in ") + formatDuration(a->durationMs);
        if (!a->appliedBy.isEmpty())
            applied += QStringLiteral(" by ") + a->appliedBy;
        facts << applied;
        if (a->baseline)
            facts << QStringLiteral("baseline: recorded, never run by Strata");
    } else {
        facts << QStringLiteral("not applied");
    }
    if (state == TimelineState::Failed && failure) {
        QString cause = QStringLiteral("last apply failed");
        if (failure->line > 0)
            cause += QStringLiteral(" at line %1").arg(failure->line);
        cause += QStringLiteral(": ") + failure->message;
        facts << cause;
    }
    if (!entry->file)
        facts << QStringLiteral("the file is gone from the migrations folder");
    m_facts->setText(facts.join(QStringLiteral("  ·  ")));
    m_facts->show();

    if (entry->file) {
        m_up->setPlainText(trimmedBlock(entry->file->upSql));
        m_down->setPlainText(entry->file->hasDown
                                 ? trimmedBlock(entry->file->downSql)
                                 : QStringLiteral("-- No down section: this migration cannot be "
                                                  "reverted."));
    } else {
        m_up->setPlainText(entry->applied && !entry->applied->sql.isEmpty()
                               ? QStringLiteral("-- The file is gone; the SQL the history "
                                                "recorded:\n") +
                                     trimmedBlock(entry->applied->sql)
                               : QStringLiteral("-- The file is gone and the history kept no SQL "
                                                "for it."));
        m_down->setPlainText(
            QStringLiteral("-- The file is gone: there is no down section to run."));
    }

    const bool edited = state == TimelineState::Edited && entry->file && entry->applied;
    setChangesVisible(edited);
    if (edited) {
        showChanges(*entry);
        m_tabs->setCurrentIndex(ChangesTab);
    } else {
        m_changes->clear();
        m_changesNote->clear();
        m_tabs->setCurrentIndex(UpTab);
    }
}

// The diff of what ran against the up section now, one block per line with its colour.
void MigrationInspector::showChanges(const MigrationEntry& entry)
{
    m_changes->clear();
    const AppliedMigration& applied = *entry.applied;
    const Migration& file = *entry.file;
    if (applied.sql.isEmpty()) {
        m_changesNote->setText(
            QStringLiteral("The history keeps no SQL for this migration — it was recorded by a "
                           "tool that does not store it (such as `wrangler d1 migrations apply`) "
                           "or by a baseline — so what changed cannot be shown. Checksum "
                           "recorded %1, now %2.")
                .arg(applied.checksum.left(12), file.checksum.left(12)));
        return;
    }
    const TextDiff diff = diffTexts(applied.sql, file.upSql);
    if (diff.isIdentical()) {
        m_changesNote->setText(
            QStringLiteral("The up section is the same as the SQL that ran; the edit is elsewhere "
                           "in the file (its down section, a header line, or blank lines at its "
                           "ends)."));
        m_changes->setPlainText(trimmedBlock(file.upSql));
        return;
    }
    m_changesNote->setText(QStringLiteral("The SQL that ran (from the history) against the "
                                          "file's up section now: %1 line(s) removed, %2 "
                                          "added.")
                               .arg(diff.removed)
                               .arg(diff.added));

    const bool dark = palette().color(QPalette::Base).lightness() < 128;
    const QColor addedBg = dark ? QColor(0x1f, 0x4d, 0x2b) : QColor(0xe6, 0xff, 0xec);
    const QColor addedFg = dark ? QColor(0xb9, 0xf6, 0xca) : QColor(0x11, 0x63, 0x29);
    const QColor removedBg = dark ? QColor(0x5c, 0x1e, 0x22) : QColor(0xff, 0xeb, 0xe9);
    const QColor removedFg = dark ? QColor(0xff, 0xc1, 0xbd) : QColor(0x9a, 0x1b, 0x1b);
    const QColor hunkFg = palette().color(QPalette::PlaceholderText);

    QTextCursor cursor(m_changes->document());
    bool firstBlock = true;
    auto addLine = [&](const QString& text, const QColor& fg, const QColor& bg) {
        QTextBlockFormat block;
        if (bg.isValid())
            block.setBackground(bg);
        QTextCharFormat chars;
        chars.setForeground(fg);
        if (firstBlock) {
            cursor.setBlockFormat(block);
            firstBlock = false;
        } else {
            cursor.insertBlock(block);
        }
        cursor.insertText(text, chars);
    };
    const QColor text = palette().color(QPalette::Text);
    for (const DiffHunk& hunk : diff.hunks) {
        addLine(hunk.header(), hunkFg, QColor());
        for (const DiffLine& line : hunk.lines) {
            switch (line.kind) {
            case DiffLine::Kind::Kept:
                addLine(QStringLiteral("  ") + line.text, text, QColor());
                break;
            case DiffLine::Kind::Removed:
                addLine(QStringLiteral("- ") + line.text, removedFg, removedBg);
                break;
            case DiffLine::Kind::Added:
                addLine(QStringLiteral("+ ") + line.text, addedFg, addedBg);
                break;
            }
        }
    }
    m_changes->moveCursor(QTextCursor::Start);
}

void MigrationInspector::setChangesVisible(bool visible)
{
    m_tabs->setTabVisible(ChangesTab, visible);
}

QString MigrationInspector::statusText() const
{
    return QTextDocumentFragment::fromHtml(m_title->text()).toPlainText() + QLatin1Char('\n') +
           m_facts->text();
}

QString MigrationInspector::upText() const
{
    return m_up->toPlainText();
}

QString MigrationInspector::downText() const
{
    return m_down->toPlainText();
}

QString MigrationInspector::changesText() const
{
    return m_changesNote->text() + QLatin1Char('\n') + m_changes->toPlainText();
}

bool MigrationInspector::hasChangesTab() const
{
    return m_tabs->isTabVisible(ChangesTab);
}

} // namespace strata
