#include "tabledetailspanel.h"

#include <QLabel>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace strata {
namespace {

QString esc(const QString& s)
{
    return s.toHtmlEscaped();
}

QString section(const QString& title)
{
    return QStringLiteral("<h4 style='margin-top:12px; margin-bottom:4px'>%1</h4>").arg(esc(title));
}

QString stateName(DiffState state)
{
    switch (state) {
    case DiffState::Added: return QObject::tr("added");
    case DiffState::Changed: return QObject::tr("changed");
    case DiffState::Removed: return QObject::tr("dropped");
    case DiffState::Unchanged: break;
    }
    return {};
}

QString columnsHtml(const Table& t, const TableDiff* diff)
{
    QString html = QStringLiteral(
        "<table cellspacing='0' cellpadding='3' width='100%'><tr style='color:#6a737d'>"
        "<th align='left'>Column</th><th align='left'>Type</th><th align='left'>Null</th>"
        "<th align='left'>Default</th><th align='left'>Key</th></tr>");
    QStringList fkColumns;
    for (const ForeignKey& fk : t.foreignKeys)
        fkColumns << fk.columns;
    for (const Column& c : t.columns) {
        QStringList key;
        if (c.primaryKeyPosition > 0)
            key << QStringLiteral("PK");
        if (fkColumns.contains(c.name, Qt::CaseInsensitive))
            key << QStringLiteral("FK");
        QString type = c.declaredType.isEmpty() ? c.affinity.toLower() : c.declaredType;
        if (c.serial)
            type = displayType(c);
        if (c.identity == Column::Identity::Always)
            type += QStringLiteral(" (identity, always)");
        else if (c.identity == Column::Identity::ByDefault)
            type += QStringLiteral(" (identity, by default)");
        if (c.generated != Column::Generated::No)
            type += c.generated == Column::Generated::Stored ? QStringLiteral(" (stored)")
                                                             : QStringLiteral(" (virtual)");
        QString style;
        if (diff && diff->addedColumns.contains(c.name, Qt::CaseInsensitive))
            style = QStringLiteral(" style='background:%1'")
                        .arg(DiagramStyle::diffFill(DiffState::Added).name());
        else if (diff && diff->changedColumns.contains(c.name, Qt::CaseInsensitive))
            style = QStringLiteral(" style='background:%1'")
                        .arg(DiagramStyle::diffFill(DiffState::Changed).name());
        html += QStringLiteral("<tr%1><td><b>%2</b></td><td>%3</td><td>%4</td><td>%5</td>"
                               "<td>%6</td></tr>")
                    .arg(style, esc(c.name), esc(type),
                         c.notNull ? QStringLiteral("NOT NULL") : QString(),
                         c.hasDefault ? esc(c.defaultValue) : QString(),
                         key.join(QLatin1Char(' ')));
    }
    if (diff)
        for (const QString& removed : diff->removedColumns)
            html += QStringLiteral("<tr style='background:%1'><td><s>%2</s></td>"
                                   "<td colspan='4'>dropped</td></tr>")
                        .arg(DiagramStyle::diffFill(DiffState::Removed).name(), esc(removed));
    return html + QStringLiteral("</table>");
}

QString indexKind(const Index& ix)
{
    switch (ix.origin) {
    case Index::Origin::PrimaryKey: return QObject::tr("primary key");
    case Index::Origin::UniqueConstraint: return QObject::tr("unique constraint");
    case Index::Origin::CreateIndex: break;
    }
    return ix.unique ? QObject::tr("unique index") : QObject::tr("index");
}

} // namespace

TableDetailsPanel::TableDetailsPanel(QWidget* parent)
    : QWidget(parent), m_title(new QLabel(this)), m_body(new QTextBrowser(this))
{
    setObjectName(QStringLiteral("tableDetailsPanel"));
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.2);
    m_title->setFont(titleFont);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_body->setOpenLinks(false);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->addWidget(m_title);
    layout->addWidget(m_body, 1);
    clear();
}

void TableDetailsPanel::clear()
{
    m_table.clear();
    m_title->setText(tr("No table selected"));
    m_body->setHtml(tr("<p style='color:#6a737d'>Select a table in the diagram to see its "
                       "columns, keys, indexes and CREATE TABLE statement.</p>"));
}

void TableDetailsPanel::showTable(const Table& t, DiffState state, const TableDiff* diff)
{
    m_table = t.name;
    m_title->setText(state == DiffState::Unchanged
                         ? t.name
                         : QStringLiteral("%1  (%2)").arg(t.name, stateName(state)));
    QString html = columnsHtml(t, diff);

    const QStringList pk = t.primaryKey();
    html += section(tr("Primary key"));
    html += pk.isEmpty() ? tr("<p>none (rowid)</p>")
                         : QStringLiteral("<p>(%1)</p>").arg(esc(pk.join(QStringLiteral(", "))));
    if (t.withoutRowid || t.strict)
        html += QStringLiteral("<p>%1</p>")
                    .arg(QStringList{t.withoutRowid ? QStringLiteral("WITHOUT ROWID") : QString(),
                                     t.strict ? QStringLiteral("STRICT") : QString()}
                             .join(QLatin1Char(' '))
                             .trimmed());

    if (!t.foreignKeys.isEmpty()) {
        html += section(tr("Foreign keys"));
        html += QStringLiteral("<ul>");
        for (const ForeignKey& fk : t.foreignKeys)
            html += QStringLiteral("<li>%1</li>").arg(esc(describeForeignKey(fk)));
        html += QStringLiteral("</ul>");
    }
    if (!t.indexes.isEmpty()) {
        html += section(tr("Indexes"));
        html += QStringLiteral("<ul>");
        for (const Index& ix : t.indexes)
            html += QStringLiteral("<li><b>%1</b> — %2 (%3)%4%5</li>")
                        .arg(esc(ix.name), indexKind(ix),
                             esc(ix.columns.join(QStringLiteral(", "))),
                             ix.partial ? tr(", partial") : QString(),
                             ix.method.isEmpty() || ix.method == QLatin1String("btree")
                                 ? QString()
                                 : QStringLiteral(" using ") + esc(ix.method));
        html += QStringLiteral("</ul>");
    }
    if (!t.checks.isEmpty()) {
        html += section(tr("Checks"));
        html += QStringLiteral("<ul>");
        for (const QString& c : t.checks)
            html += QStringLiteral("<li><code>%1</code></li>").arg(esc(c));
        html += QStringLiteral("</ul>");
    }
    if (diff && state == DiffState::Changed) {
        QStringList changes;
        for (const ForeignKey& fk : diff->addedForeignKeys)
            changes << tr("foreign key added: %1").arg(describeForeignKey(fk));
        for (const ForeignKey& fk : diff->removedForeignKeys)
            changes << tr("foreign key dropped: %1").arg(describeForeignKey(fk));
        for (const QString& ix : diff->addedIndexes)
            changes << tr("index added: %1").arg(ix);
        for (const QString& ix : diff->removedIndexes)
            changes << tr("index dropped: %1").arg(ix);
        for (const QString& ix : diff->changedIndexes)
            changes << tr("index changed: %1").arg(ix);
        for (const QString& c : diff->addedChecks)
            changes << tr("check added: %1").arg(c);
        for (const QString& c : diff->removedChecks)
            changes << tr("check dropped: %1").arg(c);
        if (!changes.isEmpty()) {
            html += section(tr("Other changes"));
            html += QStringLiteral("<ul>");
            for (const QString& c : std::as_const(changes))
                html += QStringLiteral("<li>%1</li>").arg(esc(c));
            html += QStringLiteral("</ul>");
        }
    }
    const QString ddl = !t.sql.isEmpty() ? t.sql : diff ? diff->before : QString();
    if (!ddl.isEmpty()) {
        html += section(tr("Definition"));
        html += QStringLiteral("<pre style='background:#f6f7f9; padding:6px'>%1</pre>").arg(esc(ddl));
        for (const Index& ix : t.indexes)
            if (!ix.sql.isEmpty())
                html += QStringLiteral("<pre style='background:#f6f7f9; padding:6px'>%1;</pre>")
                            .arg(esc(ix.sql));
    }
    m_body->setHtml(html);
}

QString TableDetailsPanel::text() const
{
    return m_title->text() + QLatin1Char('\n') + m_body->toPlainText();
}

} // namespace strata
