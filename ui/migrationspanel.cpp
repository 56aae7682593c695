#include "migrationspanel.h"

#include "history.h"
#include "migrationdetailsview.h"
#include "migrationtablemodel.h"
#include "statestyle.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace strata {
namespace {

QString dialectText(Dialect dialect)
{
    switch (dialect) {
    case Dialect::Sqlite:
        return QStringLiteral("SQLite");
    case Dialect::D1:
        return QStringLiteral("Cloudflare D1 (local state)");
    case Dialect::Postgres:
        return QStringLiteral("PostgreSQL");
    }
    return {};
}

QString plural(int n, const QString& word)
{
    return QStringLiteral("%1 %2%3").arg(n).arg(word, n == 1 ? QString() : QStringLiteral("s"));
}

QToolButton* makeBigButton()
{
    auto* b = new QToolButton;
    b->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    b->setIconSize(QSize(24, 24));
    b->setMinimumWidth(200);
    b->setSizePolicy(QSizePolicy::Minimum, QSizePolicy::Fixed);
    return b;
}

} // namespace

MigrationsPanel::MigrationsPanel(MigrationTableModel* model, QWidget* parent)
    : QWidget(parent), m_model(model)
{
    setObjectName(QStringLiteral("migrationsPanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_stack = new QStackedWidget;
    m_welcomePage = makeWelcomePage();
    m_targetPage = makeTargetPage();
    m_stack->addWidget(m_welcomePage);
    m_stack->addWidget(m_targetPage);
    layout->addWidget(m_stack);
}

QWidget* MigrationsPanel::makeWelcomePage()
{
    auto* page = new QWidget;
    auto* layout = new QVBoxLayout(page);
    layout->addStretch(2);
    auto* logo = new QLabel;
    logo->setPixmap(themeIcon(QStringLiteral("strata")).pixmap(96, 96));
    logo->setAlignment(Qt::AlignCenter);
    layout->addWidget(logo);
    auto* title = new QLabel(QStringLiteral("<h2>No project open</h2>"));
    title->setAlignment(Qt::AlignCenter);
    layout->addWidget(title);
    auto* text = new QLabel(QStringLiteral(
        "Open a folder with a strata.toml or a wrangler configuration (wrangler.toml, "
        "wrangler.jsonc), or explore the demo project."));
    text->setAlignment(Qt::AlignCenter);
    text->setWordWrap(true);
    layout->addWidget(text);
    auto* buttons = new QHBoxLayout;
    buttons->addStretch();
    m_openButton = makeBigButton();
    m_demoButton = makeBigButton();
    buttons->addWidget(m_openButton);
    buttons->addWidget(m_demoButton);
    buttons->addStretch();
    layout->addSpacing(12);
    layout->addLayout(buttons);
    layout->addStretch(3);
    return page;
}

QWidget* MigrationsPanel::makeTargetPage()
{
    auto* page = new QWidget;
    auto* layout = new QVBoxLayout(page);
    layout->setContentsMargins(8, 8, 8, 0);

    auto* titleRow = new QHBoxLayout;
    m_title = new QLabel;
    m_title->setObjectName(QStringLiteral("targetTitle"));
    m_title->setTextFormat(Qt::PlainText);
    QFont big = m_title->font();
    big.setPointSizeF(big.pointSizeF() * 1.35);
    big.setBold(true);
    m_title->setFont(big);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    titleRow->addWidget(m_title);
    m_badge = new QLabel;
    m_badge->setObjectName(QStringLiteral("protectedBadge"));
    m_badge->setStyleSheet(QStringLiteral("QLabel { background: #fff3c4; color: #5c4300; "
                                          "border: 1px solid #d9b100; border-radius: 3px; "
                                          "padding: 1px 6px; }"));
    titleRow->addWidget(m_badge);
    titleRow->addStretch();
    layout->addLayout(titleRow);

    m_details = new QLabel;
    m_details->setObjectName(QStringLiteral("targetDetails"));
    m_details->setTextFormat(Qt::PlainText);
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_details);
    m_location = new QLabel;
    m_location->setObjectName(QStringLiteral("targetLocation"));
    m_location->setTextFormat(Qt::PlainText);
    m_location->setWordWrap(true);
    m_location->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_location);
    m_counts = new QLabel;
    m_counts->setObjectName(QStringLiteral("targetCounts"));
    m_counts->setTextFormat(Qt::PlainText);
    layout->addWidget(m_counts);

    m_notice = new QWidget;
    m_notice->setObjectName(QStringLiteral("targetNotice"));
    m_notice->setAutoFillBackground(true);
    auto* noticeLayout = new QHBoxLayout(m_notice);
    noticeLayout->setContentsMargins(8, 6, 8, 6);
    m_noticeIcon = new QLabel;
    m_noticeIcon->setAlignment(Qt::AlignTop);
    noticeLayout->addWidget(m_noticeIcon);
    m_noticeText = new QLabel;
    m_noticeText->setTextFormat(Qt::PlainText);
    m_noticeText->setWordWrap(true);
    m_noticeText->setTextInteractionFlags(Qt::TextSelectableByMouse);
    noticeLayout->addWidget(m_noticeText, 1);
    layout->addWidget(m_notice);

    m_table = new QTableView;
    m_table->setObjectName(QStringLiteral("migrationTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideMiddle);
    m_table->setShowGrid(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->setAccessibleName(QStringLiteral("Migrations"));
    QHeaderView* header = m_table->horizontalHeader();
    header->setHighlightSections(false);
    header->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    for (int c = 0; c < MigrationTableModel::ColumnCount; ++c)
        header->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(MigrationTableModel::FileColumn, QHeaderView::Stretch);

    m_migrationView = new MigrationDetailsView;
    m_splitter = new QSplitter(Qt::Vertical);
    m_splitter->setObjectName(QStringLiteral("migrationSplitter"));
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(m_table);
    m_splitter->addWidget(m_migrationView);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    layout->addWidget(m_splitter, 1);
    // Takes the height the table leaves when there is no table (hints, remote databases), so
    // the header stays together at the top.
    m_filler = new QWidget;
    m_filler->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Expanding);
    m_filler->hide();
    layout->addWidget(m_filler, 1);

    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                m_migrationView->setEntry(m_model->entry(current.row()));
            });
    return page;
}

void MigrationsPanel::setWelcomeActions(QAction* open, QAction* openDemo)
{
    m_openButton->setDefaultAction(open);
    m_demoButton->setDefaultAction(openDemo);
}

void MigrationsPanel::showWelcome()
{
    m_shownTarget.clear();
    m_model->clear();
    m_stack->setCurrentWidget(m_welcomePage);
}

bool MigrationsPanel::isShowingWelcome() const
{
    return m_stack->currentWidget() == m_welcomePage;
}

void MigrationsPanel::showHint(const QString& title, const QString& hint)
{
    m_model->clear();
    m_title->setText(title);
    m_badge->hide();
    m_details->setText(hint);
    m_shownTarget.clear();
    m_migrationView->setEntry(nullptr);
    m_location->hide();
    m_counts->clear();
    m_counts->hide();
    m_notice->hide();
    m_splitter->hide();
    m_filler->show();
    m_stack->setCurrentWidget(m_targetPage);
}

void MigrationsPanel::showTarget(const Database& db, const Environment& env,
                                 const DatabaseStatus* status, const std::optional<Error>& problem)
{
    m_title->setText(db.binding + QStringLiteral(" · ") + env.name);
    m_badge->setVisible(env.isProtected);
    m_badge->setText(QStringLiteral("Protected"));
    m_badge->setToolTip(QStringLiteral("Applying here asks you to type “%1” first.").arg(env.name));

    QStringList details;
    if (!db.name.isEmpty() && db.name != db.binding)
        details << db.name;
    details << dialectText(db.dialect);
    details << QStringLiteral("history: ") +
                   SqliteHistory(db.history, db.historyTable).description();
    m_details->setText(details.join(QStringLiteral("  ·  ")));
    m_location->setText((env.kind == Environment::Kind::SqliteFile
                             ? QStringLiteral("Database file: ")
                             : QStringLiteral("Location: ")) +
                        env.displayLocation());
    m_location->show();

    if (status) {
        QStringList counts{QStringLiteral("%1 applied").arg(status->appliedCount()),
                           QStringLiteral("%1 pending").arg(status->pendingCount())};
        const int drift = status->driftCount();
        counts << (drift == 0 ? QStringLiteral("no drift")
                              : plural(drift, QStringLiteral("drifted migration")));
        QString text = counts.join(QStringLiteral(" · "));
        if (!status->databaseExists)
            text += env.kind == Environment::Kind::Postgres
                        ? QStringLiteral(" — the database does not exist yet")
                        : QStringLiteral(" — the database file does not exist yet; applying "
                                         "creates it");
        m_counts->setText(text);
        m_counts->show();
    } else if (!problem && env.kind == Environment::Kind::Postgres) {
        m_counts->setText(QStringLiteral("Reading the status from the server…"));
        m_counts->show();
    } else {
        m_counts->hide();
    }

    QStringList notes;
    QString icon = QStringLiteral("drift");
    QColor background(0xff, 0xf4, 0xd6);
    if (problem) {
        notes << problem->message;
        const bool remote = env.kind == Environment::Kind::D1Remote;
        icon = remote ? QStringLiteral("remote") : QStringLiteral("error");
        background = remote ? QColor(0xec, 0xef, 0xf1) : QColor(0xfd, 0xe0, 0xe0);
    } else if (status) {
        const QStringList reasons = status->driftReasons();
        if (!reasons.isEmpty())
            notes << QStringLiteral("Drift — Apply refuses to run until the files and the "
                                    "history agree:")
                  << reasons;
        for (const ForeignHistory& f : status->foreign)
            notes << QStringLiteral("Also found %1's history (table %2, %3 entries, latest %4); "
                                    "Strata reads it but never writes it.")
                         .arg(f.tool, f.table)
                         .arg(f.entries)
                         .arg(f.latest);
    }
    if (notes.isEmpty())
        m_notice->hide();
    else
        setNotice(notes.join(QLatin1Char('\n')), icon, background);

    // Keep the selected migration when the same target is shown again (a refresh, an apply);
    // else show the first pending one.
    const QString key = db.binding + QLatin1Char('\n') + env.name;
    const MigrationEntry* before = m_model->entry(m_table->currentIndex().row());
    const QString keepFile = before && key == m_shownTarget ? before->fileName : QString();
    m_shownTarget = key;
    if (status)
        m_model->setStatus(*status);
    else
        m_model->clear();
    selectInitialRow(keepFile);
    m_splitter->setVisible(status != nullptr);
    m_filler->setVisible(status == nullptr);
    m_stack->setCurrentWidget(m_targetPage);
}

void MigrationsPanel::selectInitialRow(const QString& preferredFile)
{
    int row = -1;
    for (int r = 0; r < m_model->rowCount(); ++r) {
        const MigrationEntry* e = m_model->entry(r);
        if (e->fileName == preferredFile) {
            row = r;
            break;
        }
        if (row < 0 && e->state == MigrationState::Pending)
            row = r;
    }
    if (row < 0)
        row = m_model->rowCount() - 1;
    if (row < 0) {
        m_migrationView->setEntry(nullptr);
        return;
    }
    m_table->setCurrentIndex(m_model->index(row, MigrationTableModel::StatusColumn));
    m_table->scrollTo(m_table->currentIndex());
    m_migrationView->setEntry(m_model->entry(row));
}

bool MigrationsPanel::selectMigration(const QString& fileName)
{
    for (int r = 0; r < m_model->rowCount(); ++r) {
        if (m_model->entry(r)->fileName == fileName) {
            m_table->setCurrentIndex(m_model->index(r, MigrationTableModel::StatusColumn));
            m_table->scrollTo(m_table->currentIndex());
            return true;
        }
    }
    return false;
}

void MigrationsPanel::setNotice(const QString& text, const QString& iconName,
                                const QColor& background)
{
    m_noticeIcon->setPixmap(themeIcon(iconName).pixmap(16, 16));
    m_noticeText->setText(text);
    QPalette pal = m_notice->palette();
    pal.setColor(QPalette::Window, background);
    pal.setColor(QPalette::WindowText, QColor(0x21, 0x21, 0x21));
    m_notice->setPalette(pal);
    m_notice->show();
}

QString MigrationsPanel::headerText() const
{
    QStringList parts{m_title->text(), m_details->text()};
    if (!m_location->isHidden())
        parts << m_location->text();
    if (!m_counts->isHidden())
        parts << m_counts->text();
    if (!m_notice->isHidden())
        parts << m_noticeText->text();
    return parts.join(QLatin1Char('\n'));
}

} // namespace strata
