#include "migrationdetailsview.h"

#include "migrationtablemodel.h"
#include "statestyle.h"

#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QVBoxLayout>

namespace strata {

MigrationDetailsView::MigrationDetailsView(QWidget* parent)
    : QWidget(parent), m_title(new QLabel), m_facts(new QLabel), m_sql(new QPlainTextEdit)
{
    setObjectName(QStringLiteral("migrationDetails"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    m_title->setTextFormat(Qt::RichText);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_title);
    m_facts->setTextFormat(Qt::PlainText);
    m_facts->setWordWrap(true);
    m_facts->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_facts);
    m_sql->setObjectName(QStringLiteral("migrationSql"));
    m_sql->setReadOnly(true);
    m_sql->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_sql->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_sql->setAccessibleName(QStringLiteral("Migration SQL"));
    layout->addWidget(m_sql, 1);
    setEntry(nullptr);
}

void MigrationDetailsView::setEntry(const MigrationEntry* entry)
{
    if (!entry) {
        m_title->setText(QStringLiteral("<i>Select a migration to see its SQL.</i>"));
        m_facts->clear();
        m_facts->hide();
        m_sql->clear();
        return;
    }
    const QColor colour = stateColor(entry->state);
    m_title->setText(QStringLiteral("<b>%1</b> — <span style=\"color:%2\">%3</span>")
                         .arg(entry->fileName.toHtmlEscaped(), colour.name(),
                              stateLabel(entry->state).toHtmlEscaped()));

    QStringList facts;
    if (entry->file)
        facts << entry->file->filePath;
    if (const auto& a = entry->applied) {
        QString when =
            a->appliedAt.isValid()
                ? a->appliedAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
                : QStringLiteral("an unknown time");
        QString applied = QStringLiteral("applied %1").arg(when);
        if (!a->appliedBy.isEmpty())
            applied += QStringLiteral(" by ") + a->appliedBy;
        if (a->durationMs >= 0)
            applied += QStringLiteral(" in ") + formatDuration(a->durationMs);
        if (a->baseline)
            applied += QStringLiteral(" (baseline: recorded, never run by Strata)");
        facts << applied;
        if (!a->backupId.isEmpty())
            facts << QStringLiteral("restore point %1").arg(a->backupId);
    }
    if (entry->file && !entry->file->transactional)
        facts << QStringLiteral("runs without a transaction");
    if (entry->file && !entry->file->checksum.isEmpty())
        facts << QStringLiteral("checksum ") + entry->file->checksum.left(12);
    m_facts->setText(facts.join(QStringLiteral("  ·  ")));
    m_facts->setVisible(!facts.isEmpty());

    QString sql;
    if (entry->file) {
        sql = QStringLiteral("-- migrate:up\n") + entry->file->upSql.trimmed() + QLatin1Char('\n');
        if (entry->file->hasDown)
            sql += QStringLiteral("\n-- migrate:down\n") + entry->file->downSql.trimmed() +
                   QLatin1Char('\n');
    } else if (entry->applied && !entry->applied->sql.isEmpty()) {
        sql = QStringLiteral("-- The file is gone; this is the SQL the history recorded:\n") +
              entry->applied->sql.trimmed() + QLatin1Char('\n');
    } else {
        sql = QStringLiteral("-- The file is gone and the history kept no SQL for it.\n");
    }
    m_sql->setPlainText(sql);
}

QString MigrationDetailsView::sqlText() const
{
    return m_sql->toPlainText();
}

} // namespace strata
