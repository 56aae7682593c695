#pragma once

// The open project as a tree: the project, its databases, and each database's environments
// with how many migrations are applied, pending and drifted there. It holds the status snapshot
// every other view reads, so the tree, the table and the apply confirmation agree.

#include "migrationstatus.h"
#include "project.h"
#include "result.h"

#include <QAbstractItemModel>
#include <QIcon>

#include <optional>

namespace strata {

// One environment of one database: what the window works on.
struct Target
{
    QString binding;
    QString environment;

    bool isValid() const { return !binding.isEmpty() && !environment.isEmpty(); }
    bool operator==(const Target&) const = default;
};

class ProjectTreeModel final : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Column { NameColumn, AppliedColumn, PendingColumn, DriftColumn, ColumnCount };
    enum class NodeKind { Project, Database, Environment };
    enum Role {
        NodeKindRole = Qt::UserRole + 1, // NodeKind as int
        BindingRole,                     // database and environment rows
        EnvironmentRole,                 // environment rows
        AppliedCountRole,                // environment rows with a status: int
        PendingCountRole,
        DriftCountRole,
        ProtectedRole, // bool
        WorkableRole,  // bool: Strata can read and apply here
        ProblemRole    // why not, or why the status could not be read
    };

    explicit ProjectTreeModel(QObject* parent = nullptr);

    // Replaces the tree (a model reset) and reads every environment's status.
    void setProject(const Project& project);
    void clear();
    bool hasProject() const { return m_project.has_value(); }
    const Project& project() const { return *m_project; } // only when hasProject()

    // Re-reads the statuses in place: rows, selection and expansion stay.
    void refreshStatuses();
    // Environments on a server (PostgreSQL) are not read by setProject() / refreshStatuses():
    // they wait, shown as being read, for a StatusReader to bring their status to setStatus().
    QList<Target> targetsToRead() const;
    void setStatus(const Target& target, const Result<DatabaseStatus>& status);
    bool isReading(const Target& target) const;

    QModelIndex indexOf(const Target& target, int column = NameColumn) const;
    Target targetAt(const QModelIndex& index) const; // invalid for project and database rows
    const Database* database(const QString& binding) const;
    const Environment* environment(const Target& target) const;
    // The snapshot read at the last refresh; null when it could not be read.
    const DatabaseStatus* status(const Target& target) const;
    // Why there is no status: a remote database, or an error reading it.
    std::optional<Error> problem(const Target& target) const;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;

private:
    struct EnvironmentNode
    {
        Environment environment;
        std::optional<DatabaseStatus> status;
        std::optional<Error> problem;
        bool workable = false; // false for remote D1: nothing to apply from here
        bool reading = false;  // a server's status is being read off the GUI thread
    };
    struct DatabaseNode
    {
        QString binding;
        QList<EnvironmentNode> environments;
    };

    // internalId: 0 the project row, 1 a database row, 2 + d an environment of database d.
    static constexpr quintptr ProjectId = 0;
    static constexpr quintptr DatabaseId = 1;
    static constexpr quintptr FirstEnvironmentId = 2;

    void readStatus(const QString& binding, EnvironmentNode& node) const;
    const EnvironmentNode* environmentNode(const QModelIndex& index) const;
    const EnvironmentNode* environmentNode(const Target& target) const;
    QVariant projectData(int column, int role) const;
    QVariant databaseData(int row, int column, int role) const;
    QVariant environmentData(const QString& binding, const EnvironmentNode& node, int column,
                             int role) const;

    std::optional<Project> m_project;
    QList<DatabaseNode> m_databases;
    QIcon m_projectIcon, m_databaseIcon, m_environmentIcon, m_protectedIcon, m_remoteIcon,
        m_errorIcon, m_driftIcon;
};

} // namespace strata
