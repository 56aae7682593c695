#include "altertranslator.h"

#include <QRegularExpression>

namespace strata {
namespace {

bool mentions(const QString& sql, const QString& name)
{
    const QRegularExpression word(QStringLiteral("(?<![A-Za-z0-9_])\"?%1\"?(?![A-Za-z0-9_])")
                                      .arg(QRegularExpression::escape(name)),
                                  QRegularExpression::CaseInsensitiveOption);
    return word.match(sql).hasMatch();
}

} // namespace

bool AlterTranslator::refreshSchema(const QString& name, int location)
{
    Result<Schema> schema = m_ctx.shadow.schemaFor(name);
    if (!schema) {
        m_ctx.error(location, schema.error().message);
        return false;
    }
    m_schema = std::move(schema).value();
    return true;
}

const Table* AlterTranslator::currentTable(const QString& name, int location)
{
    if (!refreshSchema(name, location))
        return nullptr;
    const Table* t = m_schema.table(name);
    if (!t)
        m_ctx.error(location, QStringLiteral("the table \"%1\" is not known at this point of the "
                                             "translated history (create it earlier, or seed the "
                                             "translator from the target database)")
                                  .arg(name));
    return t;
}

bool AlterTranslator::dropColumnNeedsRebuild(const Table& table, const QString& column) const
{
    // SQLite's DROP COLUMN refuses key, unique, indexed and foreign-key columns, and columns a
    // CHECK, view or trigger names.
    if (table.primaryKey().contains(column, Qt::CaseInsensitive))
        return true;
    for (const Index& i : table.indexes)
        for (const QString& c : i.columns)
            if (mentions(c, column))
                return true;
    for (const ForeignKey& fk : table.foreignKeys)
        if (fk.columns.contains(column, Qt::CaseInsensitive))
            return true;
    for (const QString& check : table.checks)
        if (mentions(check, column))
            return true;
    return false;
}

void AlterTranslator::rebuild(const QString& table, const TableChanges& changes, int location)
{
    if (!currentTable(table, location))
        return;
    Result<RebuildPlan> plan = planTableRebuild(m_schema, table, changes, m_ctx.target);
    if (!plan) {
        m_ctx.error(location, plan.error().message);
        return;
    }
    m_ctx.note(location, QStringLiteral("SQLite's ALTER TABLE cannot do this: the table \"%1\" "
                                        "is rebuilt (docs/table-rebuild.md)")
                             .arg(table));
    for (const QString& n : plan->notes)
        if (!n.startsWith(QLatin1String("Rebuilt table "))) // said above, with the link
            m_ctx.note(location, n);
    // The output is the plan; the history's replay gets the same schema change without the data
    // copy and, above all, without SQLite's RENAME, which re-checks every object of a schema
    // of hundreds of tables: the old table is dropped and the new one created with its indexes.
    static const QString oldSuffix = QStringLiteral("__strata_old");
    QStringList replay;
    for (const QString& raw : plan->statements) {
        const QString s = raw.trimmed().endsWith(QLatin1Char(';')) ? raw.trimmed()
                                                                    : raw.trimmed() + QLatin1Char(';');
        m_ctx.current->output << s;
        const QString upper = s.left(24).toUpper();
        if (upper.startsWith(QLatin1String("PRAGMA")) || s.contains(QLatin1String("strata_rebuild_check")) ||
            upper.startsWith(QLatin1String("INSERT INTO")) || s.contains(QLatin1String("sqlite_sequence")))
            continue;
        if (upper.startsWith(QLatin1String("ALTER TABLE")) && s.contains(oldSuffix)) {
            const qsizetype to = s.indexOf(QLatin1String(" RENAME TO "), 0, Qt::CaseInsensitive);
            replay << QStringLiteral("DROP TABLE ") + s.mid(12, to - 12).trimmed() + QLatin1Char(';');
            continue;
        }
        if (upper.startsWith(QLatin1String("DROP TABLE")) && s.contains(oldSuffix))
            continue;
        replay << s;
    }
    m_ctx.shadow.enqueue(replay);
}

// Whether `column` of `table` (as it is now) already has the SQLite type `type` maps to, with
// no boolean or enum CHECK tied to either type: then ALTER COLUMN TYPE changes nothing in SQLite.
bool AlterTranslator::sameSqliteType(const Table* table, const QString& tableName,
                                     const QString& column, const MappedType& type) const
{
    const Column* c = table ? table->column(column) : nullptr;
    if (!c || type.boolean || !type.enumName.isEmpty() ||
        c->declaredType.compare(type.sqlType, Qt::CaseInsensitive) != 0)
        return false;
    for (const QString& suffix : {QStringLiteral("_bool"), QStringLiteral("_enum")})
        if (mentions(table->sql, tableName + QLatin1Char('_') + column + suffix))
            return false;
    return true;
}

void AlterTranslator::alterTable(const PgNode& s)
{
    const std::string_view objtype = s["objtype"].str();
    const int location = int(s["relation"]["location"].integer());
    if (objtype != "OBJECT_TABLE" && !objtype.empty()) {
        m_ctx.error(location, QStringLiteral("this ALTER (index, view, sequence, …) has no SQLite "
                                             "translation"));
        return;
    }
    const QString table = tableName(m_ctx, s["relation"]);
    const QString qtable = quoteIdent(table);
    QStringList native;
    TableChanges changes;
    bool needsRebuild = false;
    QStringList nativeAdds; // ADD COLUMN definitions that SQLite could add natively

    for (const PgNode& wrapped : s["cmds"]) {
        const PgNode& cmd = wrapped["AlterTableCmd"];
        const std::string_view sub = cmd["subtype"].str();
        const QString column = cmd["name"].qstr();
        if (sub == "AT_AddColumn") {
            const PgNode& def = cmd["def"]["ColumnDef"];
            if (cmd["missing_ok"].boolean()) {
                const Table* t = currentTable(table, location);
                if (t && t->column(def["colname"].qstr())) {
                    m_ctx.note(int(def["location"].integer()),
                               QStringLiteral("the column \"%1\" exists already: ADD COLUMN IF "
                                              "NOT EXISTS does nothing")
                                   .arg(def["colname"].qstr()));
                    continue;
                }
            }
            const TranslatedColumn col = m_tables.column(table, def, {});
            const bool simple = !col.primaryKey && !col.unique && col.constantDefault &&
                                !(col.notNull && !col.hasDefault) && !col.storedGenerated;
            if (!simple)
                needsRebuild = true;
            changes.addColumns << col.definition;
            if (simple)
                nativeAdds << col.definition;
            native << QStringLiteral("ALTER TABLE %1 ADD COLUMN %2;").arg(qtable, col.definition);
        } else if (sub == "AT_DropColumn") {
            const Table* t = currentTable(table, location);
            if (!t)
                return;
            if (!t->column(column)) {
                if (cmd["missing_ok"].boolean()) {
                    m_ctx.note(-1, QStringLiteral("the column \"%1\" does not exist: DROP COLUMN "
                                                  "IF EXISTS does nothing")
                                       .arg(column));
                    continue;
                }
                m_ctx.error(-1, QStringLiteral("the table \"%1\" has no column \"%2\"")
                                    .arg(table, column));
                return;
            }
            if (cmd["behavior"].str() == "DROP_CASCADE")
                m_ctx.warning(-1, QStringLiteral("CASCADE is dropped: views that use the column "
                                                 "must be dropped first"));
            if (dropColumnNeedsRebuild(*t, column))
                needsRebuild = true;
            changes.dropColumns << column;
            native << QStringLiteral("ALTER TABLE %1 DROP COLUMN %2;").arg(qtable, quoteIdent(column));
        } else if (sub == "AT_ColumnDefault") {
            ColumnChange change;
            change.column = column;
            const PgNode& def = cmd["def"];
            if (def.isNull()) {
                change.defaultSql = std::optional<QString>();
            } else {
                const Table* t = currentTable(table, location);
                const bool boolean =
                    t && mentions(t->sql, table + QLatin1Char('_') + column + QStringLiteral("_bool"));
                change.defaultSql = std::optional<QString>(m_expr.defaultValue(def, boolean));
            }
            changes.columns << change;
            needsRebuild = true;
        } else if (sub == "AT_SetNotNull" || sub == "AT_DropNotNull") {
            ColumnChange change;
            change.column = column;
            change.notNull = sub == "AT_SetNotNull";
            changes.columns << change;
            needsRebuild = true;
        } else if (sub == "AT_AlterColumnType") {
            const PgNode& def = cmd["def"]["ColumnDef"];
            TypeMapper types(m_ctx);
            const MappedType type = types.map(def["typeName"]);
            const Table* current = currentTable(table, location);
            if (sameSqliteType(current, table, column, type) && def["raw_default"].isNull() &&
                def["collClause"].isNull()) {
                m_ctx.note(int(def["location"].integer()),
                           QStringLiteral("the column \"%1\" is %2 in SQLite already: the type "
                                          "change needs no table rebuild")
                               .arg(column, type.sqlType));
                continue;
            }
            ColumnChange change;
            change.column = column;
            change.newType = type.sqlType;
            if (!def["raw_default"].isNull())
                change.usingExpr = m_expr.expr(def["raw_default"]);
            changes.columns << change;
            // A boolean or enum column's CHECK belongs to its old type.
            const Table* t = currentTable(table, location);
            for (const QString& suffix : {QStringLiteral("_bool"), QStringLiteral("_enum")}) {
                const QString name = table + QLatin1Char('_') + column + suffix;
                if (t && mentions(t->sql, name))
                    changes.dropConstraints << name;
            }
            if (type.boolean || !type.enumName.isEmpty()) {
                const QString name = table + QLatin1Char('_') + column +
                                     (type.boolean ? QStringLiteral("_bool") : QStringLiteral("_enum"));
                changes.addConstraints
                    << QStringLiteral("CONSTRAINT %1 CHECK (%2)")
                           .arg(quoteIdent(name),
                                type.boolean ? quoteIdent(column) + QStringLiteral(" IN (0, 1)")
                                             : TableTranslator::enumCheck(column, type.enumLabels));
            }
            needsRebuild = true;
        } else if (sub == "AT_AddConstraint") {
            const PgNode& c = cmd["def"]["Constraint"];
            const QString text = m_tables.tableConstraint(table, c);
            if (!text.isEmpty())
                changes.addConstraints << text;
            needsRebuild = true;
        } else if (sub == "AT_DropConstraint") {
            const Table* t = currentTable(table, location);
            if (cmd["missing_ok"].boolean() && t && !mentions(t->sql, column)) {
                m_ctx.note(-1, QStringLiteral("no constraint \"%1\": DROP CONSTRAINT IF EXISTS "
                                              "does nothing")
                                   .arg(column));
                continue;
            }
            changes.dropConstraints << column;
            m_ctx.constraintNames[table].remove(column);
            needsRebuild = true;
        } else if (sub == "AT_ValidateConstraint" || sub == "AT_SetStatistics" ||
                   sub == "AT_SetStorage" || sub == "AT_ClusterOn" ||
                   sub == "AT_SetRelOptions" || sub == "AT_ResetRelOptions" ||
                   sub == "AT_ChangeOwner" || sub == "AT_ReplicaIdentity" ||
                   sub == "AT_SetLogged" || sub == "AT_SetUnLogged") {
            m_ctx.note(-1, QStringLiteral("this ALTER TABLE clause has no SQLite meaning: "
                                          "dropped"));
        } else if (sub == "AT_EnableRowSecurity" || sub == "AT_ForceRowSecurity") {
            m_ctx.error(-1, QStringLiteral("SQLite has no row-level security: enabling it cannot "
                                           "be translated"));
        } else if (sub == "AT_DisableRowSecurity" || sub == "AT_NoForceRowSecurity") {
            m_ctx.note(-1, QStringLiteral("SQLite has no row-level security: nothing to "
                                          "disable"));
        } else {
            m_ctx.error(-1, QStringLiteral("this ALTER TABLE form (%1) is not translated")
                                .arg(QString::fromUtf8(sub.data(), qsizetype(sub.size()))));
        }
    }
    if (needsRebuild) {
        rebuild(table, changes, location);
    } else {
        for (const QString& n : native)
            m_ctx.add(n);
    }
}

void AlterTranslator::rename(const PgNode& s)
{
    const std::string_view type = s["renameType"].str();
    const QString newName = s["newname"].qstr();
    const int location = int(s["relation"]["location"].integer());
    if (type == "OBJECT_TABLE") {
        const QString table = tableName(m_ctx, s["relation"]);
        m_ctx.add(QStringLiteral("ALTER TABLE %1 RENAME TO %2;")
                      .arg(quoteIdent(table), quoteIdent(newName)));
        m_ctx.constraintNames.insert(newName, m_ctx.constraintNames.take(table));
        m_ctx.columnTypes.insert(newName, m_ctx.columnTypes.take(table));
        for (QSet<QString>& users : m_ctx.typeUsers)
            if (users.remove(table))
                users.insert(newName);
        return;
    }
    if (type == "OBJECT_COLUMN") {
        const QString table = tableName(m_ctx, s["relation"]);
        const QString column = s["subname"].qstr();
        m_ctx.add(QStringLiteral("ALTER TABLE %1 RENAME COLUMN %2 TO %3;")
                      .arg(quoteIdent(table), quoteIdent(column), quoteIdent(newName)));
        auto& types = m_ctx.columnTypes[table];
        if (types.contains(column))
            types.insert(newName, types.take(column));
        return;
    }
    if (type == "OBJECT_INDEX") {
        const QString index = tableName(m_ctx, s["relation"]);
        if (!refreshSchema(index, location))
            return;
        for (const Table& t : m_schema.tables) {
            for (const Index& i : t.indexes) {
                if (i.name.compare(index, Qt::CaseInsensitive) != 0 || i.sql.isEmpty())
                    continue;
                QString sql = i.sql;
                const qsizetype at = sql.indexOf(i.name);
                sql.replace(at, i.name.size(), quoteIdent(newName));
                m_ctx.note(location, QStringLiteral("SQLite cannot rename an index: it is dropped "
                                                    "and created again under the new name"));
                m_ctx.add(QStringLiteral("DROP INDEX %1;").arg(quoteIdent(index)));
                m_ctx.add(sql + QLatin1Char(';'));
                return;
            }
        }
        m_ctx.error(location, QStringLiteral("the index \"%1\" is not known at this point of the "
                                             "translated history (a constraint's index cannot be "
                                             "renamed in SQLite)")
                                  .arg(index));
        return;
    }
    if (type == "OBJECT_TABCONSTRAINT") {
        m_ctx.warning(location, QStringLiteral("SQLite cannot rename a constraint: it keeps the "
                                               "name \"%1\"")
                                    .arg(s["subname"].qstr()));
        return;
    }
    if (type == "OBJECT_TYPE" || type == "OBJECT_DOMAIN") {
        const QString old = pgLastString(s["object"]["List"]["items"]);
        if (m_ctx.enums.contains(old))
            m_ctx.enums.insert(newName, m_ctx.enums.take(old));
        if (m_ctx.domains.contains(old))
            m_ctx.domains.insert(newName, m_ctx.domains.take(old));
        m_ctx.note(-1, QStringLiteral("types have no SQLite object: the rename only changes the "
                                      "name later statements use"));
        return;
    }
    m_ctx.error(location, QStringLiteral("this RENAME has no SQLite translation"));
}

void AlterTranslator::alterEnum(const PgNode& s)
{
    const QString name = pgLastString(s["typeName"]);
    if (!m_ctx.enums.contains(name)) {
        m_ctx.error(-1, QStringLiteral("the enum type %1 is not known at this point").arg(name));
        return;
    }
    QStringList& labels = m_ctx.enums[name];
    const QString oldVal = s["oldVal"].qstr();
    const QString newVal = s["newVal"].qstr();
    QString renameUsing;
    if (!oldVal.isEmpty()) {
        const qsizetype i = labels.indexOf(oldVal);
        if (i < 0) {
            m_ctx.error(-1, QStringLiteral("%1 has no value '%2'").arg(name, oldVal));
            return;
        }
        labels[i] = newVal;
    } else {
        if (labels.contains(newVal)) {
            if (!s["skipIfNewValExists"].boolean())
                m_ctx.error(-1, QStringLiteral("%1 has the value '%2' already").arg(name, newVal));
            return;
        }
        const QString neighbor = s["newValNeighbor"].qstr();
        qsizetype at = labels.size();
        if (!neighbor.isEmpty() && labels.contains(neighbor))
            at = labels.indexOf(neighbor) + (s["newValIsAfter"].boolean() ? 1 : 0);
        labels.insert(at, newVal);
    }
    const QStringList current = labels;
    QStringList tables(m_ctx.typeUsers.value(name).begin(), m_ctx.typeUsers.value(name).end());
    tables.sort();
    if (tables.isEmpty()) {
        m_ctx.note(-1, QStringLiteral("no table uses %1 yet: nothing to rebuild").arg(name));
        return;
    }
    for (const QString& table : tables) {
        TableChanges changes;
        const QHash<QString, QString> columns = m_ctx.columnTypes.value(table);
        for (auto it = columns.begin(); it != columns.end(); ++it) {
            if (it.value() != name)
                continue;
            const QString constraint = table + QLatin1Char('_') + it.key() + QStringLiteral("_enum");
            changes.dropConstraints << constraint;
            changes.addConstraints << QStringLiteral("CONSTRAINT %1 CHECK (%2)")
                                          .arg(quoteIdent(constraint),
                                               TableTranslator::enumCheck(it.key(), current));
            if (!oldVal.isEmpty()) {
                ColumnChange change;
                change.column = it.key();
                change.usingExpr = QStringLiteral("CASE %1 WHEN %2 THEN %3 ELSE %1 END")
                                       .arg(quoteIdent(it.key()), quoteString(oldVal),
                                            quoteString(newVal));
                changes.columns << change;
            }
        }
        std::sort(changes.dropConstraints.begin(), changes.dropConstraints.end());
        std::sort(changes.addConstraints.begin(), changes.addConstraints.end());
        if (!changes.dropConstraints.isEmpty())
            rebuild(table, changes, -1);
    }
}

} // namespace strata
