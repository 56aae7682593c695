#include "projecttreemodel.h"

#include "history.h"
#include "migrator.h"
#include "statestyle.h"

#include <QApplication>
#include <QFont>
#include <QPalette>

namespace strata {
namespace {

QString kindSuffix(Environment::Kind kind)
{
    switch (kind) {
    case Environment::Kind::SqliteFile:
        return {};
    case Environment::Kind::D1Remote:
        return QStringLiteral(" (remote D1)");
    case Environment::Kind::Postgres:
        return QStringLiteral(" (PostgreSQL)");
    }
    return {};
}

QString dialectLabel(Dialect dialect)
{
    switch (dialect) {
    case Dialect::Sqlite:
        return QStringLiteral("SQLite");
    case Dialect::D1:
        return QStringLiteral("Cloudflare D1");
    case Dialect::Postgres:
        return QStringLiteral("PostgreSQL");
    }
    return {};
}

QColor greyedText()
{
    return QApplication::palette().color(QPalette::Disabled, QPalette::Text);
}

} // namespace

ProjectTreeModel::ProjectTreeModel(QObject* parent)
    : QAbstractItemModel(parent), m_projectIcon(themeIcon(QStringLiteral("strata"))),
      m_databaseIcon(themeIcon(QStringLiteral("database"))),
      m_environmentIcon(themeIcon(QStringLiteral("environment"))),
      m_protectedIcon(themeIcon(QStringLiteral("protected"))),
      m_remoteIcon(themeIcon(QStringLiteral("remote"))),
      m_errorIcon(themeIcon(QStringLiteral("error"))),
      m_driftIcon(themeIcon(QStringLiteral("drift")))
{
}

void ProjectTreeModel::setProject(const Project& project)
{
    beginResetModel();
    m_project = project;
    m_databases.clear();
    for (const Database& db : project.databases) {
        DatabaseNode node;
        node.binding = db.binding;
        for (const Environment& env : db.environments) {
            EnvironmentNode envNode;
            envNode.environment = env;
            readStatus(db.binding, envNode);
            node.environments << envNode;
        }
        m_databases << node;
    }
    endResetModel();
}

void ProjectTreeModel::clear()
{
    beginResetModel();
    m_project.reset();
    m_databases.clear();
    endResetModel();
}

void ProjectTreeModel::refreshStatuses()
{
    if (!m_project)
        return;
    for (qsizetype d = 0; d < m_databases.size(); ++d) {
        DatabaseNode& db = m_databases[d];
        for (EnvironmentNode& env : db.environments)
            readStatus(db.binding, env);
        if (db.environments.isEmpty())
            continue;
        const QModelIndex dbIndex = index(int(d), 0, index(0, 0));
        emit dataChanged(index(0, 0, dbIndex),
                         index(int(db.environments.size()) - 1, ColumnCount - 1, dbIndex));
    }
}

void ProjectTreeModel::readStatus(const QString& binding, EnvironmentNode& node) const
{
    // Migrator keeps pointers into its own copy of the project, so each one gets a copy.
    const Migrator migrator(*m_project, binding, node.environment.name);
    node.status.reset();
    node.problem = migrator.targetProblem();
    node.workable = !node.problem.has_value();
    if (!node.workable)
        return;
    // A server may be slow or gone: its status is read on a worker (targetsToRead()).
    node.reading = node.environment.kind == Environment::Kind::Postgres;
    if (node.reading)
        return;
    auto status = migrator.status();
    if (status)
        node.status = std::move(status).value();
    else
        node.problem = status.error();
}

QList<Target> ProjectTreeModel::targetsToRead() const
{
    QList<Target> targets;
    for (const DatabaseNode& db : m_databases)
        for (const EnvironmentNode& env : db.environments)
            if (env.reading)
                targets << Target{db.binding, env.environment.name};
    return targets;
}

bool ProjectTreeModel::isReading(const Target& target) const
{
    const EnvironmentNode* node = environmentNode(target);
    return node && node->reading;
}

void ProjectTreeModel::setStatus(const Target& target, const Result<DatabaseStatus>& status)
{
    const QModelIndex first = indexOf(target, NameColumn);
    if (!first.isValid())
        return;
    EnvironmentNode& node = m_databases[qsizetype(first.internalId() - FirstEnvironmentId)]
                                .environments[first.row()];
    node.reading = false;
    node.status.reset();
    node.problem.reset();
    if (status)
        node.status = status.value();
    else
        node.problem = status.error();
    emit dataChanged(first, indexOf(target, ColumnCount - 1));
}

QModelIndex ProjectTreeModel::indexOf(const Target& target, int column) const
{
    for (qsizetype d = 0; d < m_databases.size(); ++d) {
        if (m_databases[d].binding != target.binding)
            continue;
        const auto& envs = m_databases[d].environments;
        for (qsizetype e = 0; e < envs.size(); ++e)
            if (envs[e].environment.name == target.environment)
                return createIndex(int(e), column, FirstEnvironmentId + quintptr(d));
    }
    return {};
}

Target ProjectTreeModel::targetAt(const QModelIndex& index) const
{
    if (!index.isValid() || index.internalId() < FirstEnvironmentId)
        return {};
    const DatabaseNode& db = m_databases.at(qsizetype(index.internalId() - FirstEnvironmentId));
    return {db.binding, db.environments.at(index.row()).environment.name};
}

const Database* ProjectTreeModel::database(const QString& binding) const
{
    return m_project ? m_project->database(binding) : nullptr;
}

const Environment* ProjectTreeModel::environment(const Target& target) const
{
    const EnvironmentNode* node = environmentNode(target);
    return node ? &node->environment : nullptr;
}

const DatabaseStatus* ProjectTreeModel::status(const Target& target) const
{
    const EnvironmentNode* node = environmentNode(target);
    return node && node->status ? &*node->status : nullptr;
}

std::optional<Error> ProjectTreeModel::problem(const Target& target) const
{
    const EnvironmentNode* node = environmentNode(target);
    return node ? node->problem : std::nullopt;
}

const ProjectTreeModel::EnvironmentNode*
ProjectTreeModel::environmentNode(const QModelIndex& index) const
{
    if (!index.isValid() || index.internalId() < FirstEnvironmentId)
        return nullptr;
    return &m_databases.at(qsizetype(index.internalId() - FirstEnvironmentId))
                .environments.at(index.row());
}

const ProjectTreeModel::EnvironmentNode*
ProjectTreeModel::environmentNode(const Target& target) const
{
    return environmentNode(indexOf(target));
}

QModelIndex ProjectTreeModel::index(int row, int column, const QModelIndex& parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    if (!parent.isValid())
        return createIndex(row, column, ProjectId);
    if (parent.internalId() == ProjectId)
        return createIndex(row, column, DatabaseId);
    if (parent.internalId() == DatabaseId)
        return createIndex(row, column, FirstEnvironmentId + quintptr(parent.row()));
    return {};
}

QModelIndex ProjectTreeModel::parent(const QModelIndex& child) const
{
    if (!child.isValid() || child.internalId() == ProjectId)
        return {};
    if (child.internalId() == DatabaseId)
        return createIndex(0, 0, ProjectId);
    return createIndex(int(child.internalId() - FirstEnvironmentId), 0, DatabaseId);
}

int ProjectTreeModel::rowCount(const QModelIndex& parent) const
{
    if (!m_project)
        return 0;
    if (!parent.isValid())
        return 1;
    if (parent.column() != 0)
        return 0;
    if (parent.internalId() == ProjectId)
        return int(m_databases.size());
    if (parent.internalId() == DatabaseId)
        return int(m_databases.at(parent.row()).environments.size());
    return 0;
}

int ProjectTreeModel::columnCount(const QModelIndex&) const
{
    return ColumnCount;
}

QVariant ProjectTreeModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid())
        return {};
    Q_ASSERT(checkIndex(index));
    if (index.internalId() == ProjectId) {
        if (role == NodeKindRole)
            return int(NodeKind::Project);
        return projectData(index.column(), role);
    }
    if (index.internalId() == DatabaseId) {
        if (role == NodeKindRole)
            return int(NodeKind::Database);
        if (role == BindingRole)
            return m_databases.at(index.row()).binding;
        return databaseData(index.row(), index.column(), role);
    }
    const DatabaseNode& db = m_databases.at(qsizetype(index.internalId() - FirstEnvironmentId));
    const EnvironmentNode& node = db.environments.at(index.row());
    return environmentData(db.binding, node, index.column(), role);
}

QVariant ProjectTreeModel::projectData(int column, int role) const
{
    if (column != NameColumn)
        return {};
    switch (role) {
    case Qt::DisplayRole:
        return m_project->name;
    case Qt::DecorationRole:
        return m_projectIcon;
    case Qt::ToolTipRole:
        return QStringLiteral("<b>%1</b><br>%2")
            .arg(m_project->name.toHtmlEscaped(), m_project->sourceFile.toHtmlEscaped());
    case Qt::FontRole: {
        QFont font;
        font.setBold(true);
        return font;
    }
    default:
        return {};
    }
}

QVariant ProjectTreeModel::databaseData(int row, int column, int role) const
{
    const Database* db = m_project->database(m_databases.at(row).binding);
    if (!db || column != NameColumn)
        return {};
    switch (role) {
    case Qt::DisplayRole:
        return db->name.isEmpty() || db->name == db->binding
                   ? db->binding
                   : db->binding + QStringLiteral(" — ") + db->name;
    case Qt::DecorationRole:
        return m_databaseIcon;
    case Qt::ToolTipRole: {
        const SqliteHistory history(db->history, db->historyTable);
        return QStringLiteral("<b>%1</b> (%2)<br>%3 · history: %4<br>Migrations: %5")
            .arg(db->binding.toHtmlEscaped(), db->name.toHtmlEscaped(), dialectLabel(db->dialect),
                 history.description().toHtmlEscaped(), db->migrationsDir.toHtmlEscaped());
    }
    default:
        return {};
    }
}

QVariant ProjectTreeModel::environmentData(const QString& binding, const EnvironmentNode& node,
                                           int column, int role) const
{
    const Environment& env = node.environment;
    const DatabaseStatus* st = node.status ? &*node.status : nullptr;
    switch (role) {
    case NodeKindRole:
        return int(NodeKind::Environment);
    case BindingRole:
        return binding;
    case EnvironmentRole:
        return env.name;
    case AppliedCountRole:
        return st ? QVariant(st->appliedCount()) : QVariant();
    case PendingCountRole:
        return st ? QVariant(st->pendingCount()) : QVariant();
    case DriftCountRole:
        return st ? QVariant(st->driftCount()) : QVariant();
    case ProtectedRole:
        return env.isProtected;
    case WorkableRole:
        return node.workable;
    case ProblemRole:
        return node.problem ? node.problem->message : QString();
    case Qt::ToolTipRole: {
        QStringList lines{
            QStringLiteral("<b>%1 · %2</b>").arg(binding.toHtmlEscaped(), env.name.toHtmlEscaped()),
            env.displayLocation().toHtmlEscaped()};
        if (env.isProtected)
            lines << QStringLiteral("Protected: applying asks you to type its name.");
        if (node.reading)
            lines << QStringLiteral("Reading its status from the server…");
        if (node.problem)
            lines << node.problem->message.toHtmlEscaped();
        if (st)
            for (const QString& reason : st->driftReasons())
                lines << reason.toHtmlEscaped();
        return lines.join(QStringLiteral("<br>"));
    }
    case Qt::ForegroundRole:
        if (!node.workable)
            return greyedText();
        if (column == PendingColumn && st && st->pendingCount() > 0)
            return stateColor(MigrationState::Pending);
        if (column == DriftColumn && st && st->driftCount() > 0)
            return stateColor(MigrationState::Edited);
        return {};
    case Qt::TextAlignmentRole:
        if (column == NameColumn)
            return {};
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    default:
        break;
    }

    if (column == NameColumn) {
        if (role == Qt::DisplayRole)
            return QString(env.name + kindSuffix(env.kind));
        if (role == Qt::DecorationRole) {
            if (env.kind == Environment::Kind::D1Remote)
                return m_remoteIcon;
            if (node.problem)
                return m_errorIcon;
            return env.isProtected ? m_protectedIcon : m_environmentIcon;
        }
        return {};
    }
    if (role == Qt::DisplayRole) {
        if (!node.workable)
            return QStringLiteral("–");
        if (node.reading)
            return QStringLiteral("…");
        if (!st)
            return QStringLiteral("?");
        switch (column) {
        case AppliedColumn:
            return st->appliedCount();
        case PendingColumn:
            return st->pendingCount();
        case DriftColumn:
            return st->driftCount();
        default:
            return {};
        }
    }
    if (role == Qt::DecorationRole && column == DriftColumn && st && st->driftCount() > 0)
        return m_driftIcon;
    if (role == Qt::FontRole && column == PendingColumn && st && st->pendingCount() > 0) {
        QFont font;
        font.setBold(true);
        return font;
    }
    return {};
}

QVariant ProjectTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
        case NameColumn:
            return QStringLiteral("Database / environment");
        case AppliedColumn:
            return QStringLiteral("Applied");
        case PendingColumn:
            return QStringLiteral("Pending");
        case DriftColumn:
            return QStringLiteral("Drift");
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case AppliedColumn:
            return QStringLiteral("Migrations recorded as applied");
        case PendingColumn:
            return QStringLiteral("Migrations not applied yet");
        case DriftColumn:
            return QStringLiteral("Migrations whose file and history disagree (edited, missing or "
                                  "out of order)");
        default:
            return {};
        }
    }
    return {};
}

Qt::ItemFlags ProjectTreeModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Q_ASSERT(checkIndex(index));
    // Remote rows stay selectable: selecting one shows why it cannot be worked on.
    Qt::ItemFlags flags = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (index.internalId() >= FirstEnvironmentId)
        flags |= Qt::ItemNeverHasChildren;
    return flags;
}

} // namespace strata
