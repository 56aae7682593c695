#include "tablerebuild.h"

#include "sqlitecreatetable.h"

#include <QHash>
#include <QSet>

#include <algorithm>

namespace strata {

namespace {

// An Error with only a message: these concern SQL text, not a file position.
Error failure(const QString& message)
{
    return Error{message, {}, 0, 0, {}};
}

bool sameName(const QString& a, const QString& b)
{
    return a.compare(b, Qt::CaseInsensitive) == 0;
}

bool containsName(const QStringList& names, const QString& name)
{
    return names.contains(name, Qt::CaseInsensitive);
}

const Table* findTable(const Schema& schema, const QString& name)
{
    for (const Table& t : schema.tables)
        if (sameName(t.name, name))
            return &t;
    return nullptr;
}

// SQLite's rules for the affinity of a declared type (section 3.1 of "Datatypes In SQLite").
QString affinityOf(const QString& type)
{
    const QString t = type.toUpper();
    if (t.contains(QLatin1String("INT")))
        return QStringLiteral("INTEGER");
    if (t.contains(QLatin1String("CHAR")) || t.contains(QLatin1String("CLOB"))
        || t.contains(QLatin1String("TEXT")))
        return QStringLiteral("TEXT");
    if (t.isEmpty() || t.contains(QLatin1String("BLOB")))
        return QStringLiteral("BLOB");
    if (t.contains(QLatin1String("REAL")) || t.contains(QLatin1String("FLOA"))
        || t.contains(QLatin1String("DOUB")))
        return QStringLiteral("REAL");
    return QStringLiteral("NUMERIC");
}

bool hasWord(const QString& sql, const QString& word)
{
    if (!sql.contains(word, Qt::CaseInsensitive)) // no need to tokenize
        return false;
    for (const SqlToken& t : tokenizeSqlite(sql))
        if (t.kind == SqlToken::Kind::Word && sameName(sql.mid(t.begin, t.end - t.begin), word))
            return true;
    return false;
}

// An index's text from its column list on (the part that can name columns).
QString indexKeyText(const QString& sql)
{
    for (const SqlToken& t : tokenizeSqlite(sql))
        if (t.kind == SqlToken::Kind::Symbol && sql[t.begin] == u'(')
            return sql.mid(t.begin);
    return QString();
}

// A CREATE INDEX statement with another index name: the token before the first ON.
QString renamedIndexSql(const QString& sql, const QString& name)
{
    const QList<SqlToken> tokens = tokenizeSqlite(sql);
    for (int i = 1; i < tokens.size(); ++i) {
        if (tokens[i].kind == SqlToken::Kind::Word && sameName(sql.mid(tokens[i].begin, 2), QStringLiteral("ON"))
            && tokens[i].end - tokens[i].begin == 2) {
            int begin = tokens[i - 1].begin;
            // "schema.name": the qualifier goes too (the twin lives in the table's schema).
            if (i >= 3 && tokens[i - 2].kind == SqlToken::Kind::Symbol && sql[tokens[i - 2].begin] == u'.')
                begin = tokens[i - 3].begin;
            return sql.left(begin) + quoteSqliteIdentifier(name) + sql.mid(tokens[i - 1].end);
        }
    }
    return QString();
}

QString describeConstraint(const CreateTableText::Element& e)
{
    return e.name.isEmpty() ? QStringLiteral("constraint \"%1\"").arg(e.text)
                            : QStringLiteral("constraint %1").arg(e.name);
}

// One table of the rebuild: its final CREATE TABLE, where its rows are kept meanwhile, and how
// they are copied back.
struct Member
{
    const Table* table = nullptr;
    QString sql;
    QString aside;
    QStringList targetColumns; // quoted
    QStringList sourceExprs;
};

// The changes applied to the text of the table's CREATE TABLE, with what the copy needs to know.
struct EditedTable
{
    CreateTableText text;
    QHash<QString, QString> usingExprs;   // lower-case column name → USING expression
    QStringList addedColumns;
    QStringList droppedIndexes;
    QStringList affinityChecks;           // SQL conditions that must count zero rows
    QStringList checkNames;
    QStringList notes;
};

Status checkDroppedColumn(const Schema& schema, const Table& table, const CreateTableText& text,
                          const QString& column)
{
    const QString what = QStringLiteral("Cannot drop column %1.%2: ").arg(table.name, column);
    for (const CreateTableText::Element& e : text.elements()) {
        if (!e.isColumn) {
            if (sqlMentionsIdentifier(e.text, column, true))
                return failure(what + QStringLiteral("%1 uses it").arg(describeConstraint(e)));
            continue;
        }
        const ColumnDefinition def(e.text);
        for (const ColumnDefinition::Constraint& c : def.constraints()) {
            if (c.kind != QLatin1String("CHECK") && c.kind != QLatin1String("AS")
                && c.kind != QLatin1String("GENERATED"))
                continue;
            if (!sqlMentionsIdentifier(def.constraintText(c), column, true))
                continue;
            const QString owner = c.kind == QLatin1String("CHECK")
                                      ? QStringLiteral("the CHECK constraint%1 of column %2")
                                            .arg(c.name.isEmpty() ? QString() : u' ' + c.name, def.name())
                                      : QStringLiteral("generated column %1").arg(def.name());
            return failure(what + owner + QStringLiteral(" uses it"));
        }
    }
    for (const Table& other : schema.tables) {
        for (const ForeignKey& fk : other.foreignKeys) {
            if (!sameName(fk.targetTable, table.name))
                continue;
            const QStringList target = fk.targetColumns.isEmpty() ? table.primaryKey() : fk.targetColumns;
            if (!containsName(target, column))
                continue;
            if (&other == &table && text.columnIndex(fk.columns.value(0)) < 0)
                continue; // the referencing column goes too
            return failure(what + QStringLiteral("the foreign key (%1) of table %2 references it")
                                    .arg(fk.columns.join(QStringLiteral(", ")), other.name));
        }
    }
    for (const View& view : schema.views)
        if (sqlMentionsIdentifier(view.sql, table.name) && sqlMentionsIdentifier(view.sql, column))
            return failure(what + QStringLiteral("view %1 uses it").arg(view.name));
    for (const Trigger& trigger : schema.triggers)
        if ((sameName(trigger.table, table.name) || sqlMentionsIdentifier(trigger.sql, table.name))
            && sqlMentionsIdentifier(trigger.sql, column))
            return failure(what + QStringLiteral("trigger %1 uses it").arg(trigger.name));
    return success();
}

Result<EditedTable> editTable(const Schema& schema, const Table& table, const TableChanges& changes)
{
    auto parsed = CreateTableText::parse(table.sql);
    if (!parsed)
        return parsed.error();
    EditedTable edited{std::move(parsed).value(), {}, {}, {}, {}, {}, {}};
    QList<CreateTableText::Element>& elements = edited.text.elements();

    for (const QString& name : changes.dropConstraints) {
        bool found = false;
        for (int i = 0; i < elements.size() && !found; ++i) {
            if (!elements[i].isColumn && sameName(elements[i].name, name)) {
                elements.removeAt(i);
                found = true;
            } else if (elements[i].isColumn) {
                ColumnDefinition def(elements[i].text);
                if (def.removeConstraintNamed(name)) {
                    elements[i].text = def.text();
                    found = true;
                }
            }
        }
        if (!found)
            return failure(QStringLiteral("Table %1 has no constraint named %2").arg(table.name, name));
    }

    for (const QString& column : changes.dropColumns) {
        const int at = edited.text.columnIndex(column);
        if (at < 0)
            return failure(QStringLiteral("Table %1 has no column %2 to drop").arg(table.name, column));
        elements.removeAt(at);
    }
    for (const QString& column : changes.dropColumns) {
        if (std::none_of(elements.cbegin(), elements.cend(), [](const auto& e) { return e.isColumn; }))
            return failure(QStringLiteral("Cannot drop column %1.%2: a table needs at least one column")
                             .arg(table.name, column));
        if (Status s = checkDroppedColumn(schema, table, edited.text, column); !s)
            return s.error();
        for (const Index& index : table.indexes) {
            if (index.origin == Index::Origin::CreateIndex && !index.sql.isEmpty()
                && !containsName(edited.droppedIndexes, index.name)
                && sqlMentionsIdentifier(indexKeyText(index.sql), column)) {
                edited.droppedIndexes.append(index.name);
                edited.notes.append(QStringLiteral("Index %1 is dropped with column %2.%3, which it uses.")
                                        .arg(index.name, table.name, column));
            }
        }
    }

    for (const ColumnChange& change : changes.columns) {
        const int at = edited.text.columnIndex(change.column);
        if (at < 0)
            return failure(QStringLiteral("Table %1 has no column %2").arg(table.name, change.column));
        ColumnDefinition def(elements[at].text);
        const QString oldType = def.type();
        if (change.newType)
            def.setType(*change.newType);
        if (change.notNull)
            def.setNotNull(*change.notNull);
        if (change.defaultSql)
            def.setDefault(*change.defaultSql);
        elements[at].text = def.text();
        if (change.usingExpr) {
            edited.usingExprs.insert(def.name().toLower(), *change.usingExpr);
        } else if (change.newType) {
            const QString affinity = affinityOf(*change.newType);
            if (affinity != affinityOf(oldType)
                && (affinity == QLatin1String("INTEGER") || affinity == QLatin1String("REAL"))) {
                const QString allowed = affinity == QLatin1String("INTEGER")
                                            ? QStringLiteral("'integer', 'null'")
                                            : QStringLiteral("'real', 'integer', 'null'");
                edited.affinityChecks.append(
                    QStringLiteral("(SELECT count(*) FROM %1 WHERE typeof(%2) NOT IN (%3))")
                        .arg(quoteSqliteIdentifier(table.name), quoteSqliteIdentifier(def.name()), allowed));
                edited.checkNames.append(
                    QStringLiteral("column %1.%2 holds values that type %3 cannot hold; convert them "
                                   "with ALTER COLUMN … TYPE … USING")
                        .arg(table.name, def.name(), *change.newType));
            }
        }
    }

    for (const QString& definition : changes.addColumns) {
        const ColumnDefinition def(definition.trimmed());
        if (def.name().isEmpty())
            return failure(QStringLiteral("Empty column definition added to table %1").arg(table.name));
        if (edited.text.columnIndex(def.name()) >= 0)
            return failure(QStringLiteral("Table %1 already has a column %2").arg(table.name, def.name()));
        edited.text.addColumn(definition);
        edited.addedColumns.append(def.name());
    }
    for (const QString& constraint : changes.addConstraints) {
        edited.text.addConstraint(constraint);
        const QString name = edited.text.elements().last().name;
        if (name.isEmpty())
            continue;
        int same = 0;
        for (const auto& e : elements)
            same += !e.isColumn && sameName(e.name, name);
        if (same > 1)
            return failure(QStringLiteral("Table %1 already has a constraint named %2").arg(table.name, name));
    }
    return edited;
}

// The tables whose rows a DROP TABLE of `root` could delete or change through foreign keys: the
// root, then every table that references one of them, breadth first.
QList<const Table*> referencingClosure(const Schema& schema, const Table* root)
{
    QList<const Table*> tables{root};
    for (int i = 0; i < tables.size(); ++i) {
        for (const Table& other : schema.tables) {
            if (tables.contains(&other))
                continue;
            for (const ForeignKey& fk : other.foreignKeys) {
                if (sameName(fk.targetTable, tables[i]->name)) {
                    tables.append(&other);
                    break;
                }
            }
        }
    }
    return tables;
}

QString rowidAlias(const QStringList& columnsA, const QStringList& columnsB)
{
    for (const QString& alias : {QStringLiteral("rowid"), QStringLiteral("_rowid_"), QStringLiteral("oid")})
        if (!containsName(columnsA, alias) && !containsName(columnsB, alias))
            return alias;
    return QString();
}

QStringList columnNames(const Table& table)
{
    QStringList names;
    for (const Column& c : table.columns)
        names.append(c.name);
    return names;
}

} // namespace

Result<RebuildPlan> planTableRebuild(const Schema& schema, const QString& tableName,
                                     const TableChanges& changes, Dialect target)
{
    const Table* table = findTable(schema, tableName);
    if (!table)
        return failure(QStringLiteral("No table %1 to rebuild").arg(tableName));
    if (hasWord(table->sql.left(int(table->sql.indexOf(u'('))), QStringLiteral("VIRTUAL")))
        return failure(QStringLiteral("Cannot rebuild virtual table %1").arg(table->name));
    auto editedResult = editTable(schema, *table, changes);
    if (!editedResult)
        return editedResult.error();
    const EditedTable& edited = editedResult.value();

    RebuildPlan plan;
    plan.tableSql = edited.text.toSql();
    plan.notes = edited.notes;

    // Names for the old tables while their rows are copied: unused by any object.
    QSet<QString> used;
    for (const Table& t : schema.tables) {
        used.insert(t.name.toLower());
        for (const Index& i : t.indexes)
            used.insert(i.name.toLower());
    }
    for (const View& v : schema.views)
        used.insert(v.name.toLower());
    for (const Trigger& t : schema.triggers)
        used.insert(t.name.toLower());
    const auto freeName = [&used](const QString& base) {
        QString name = base;
        for (int n = 2; used.contains(name.toLower()); ++n)
            name = base + QString::number(n);
        used.insert(name.toLower());
        return name;
    };

    QList<Member> members;
    for (const Table* t : referencingClosure(schema, table)) {
        Member m;
        m.table = t;
        m.sql = t == table ? plan.tableSql : t->sql;
        m.aside = freeName(t->name + QStringLiteral("__strata_old"));
        // Rows are copied column by column, generated columns left to compute themselves.
        QStringList newColumns;
        if (t == table) {
            for (const CreateTableText::Element& e : edited.text.elements()) {
                if (!e.isColumn)
                    continue;
                newColumns.append(e.name);
                if (containsName(edited.addedColumns, e.name))
                    continue;
                // Only a definition that holds GENERATED or AS can be a generated column.
                if ((e.text.contains(QLatin1String("GENERATED"), Qt::CaseInsensitive) ||
                     e.text.contains(QLatin1String("AS"), Qt::CaseInsensitive)) &&
                    ColumnDefinition(e.text).isGenerated())
                    continue;
                m.targetColumns.append(quoteSqliteIdentifier(e.name));
                const QString expr = edited.usingExprs.value(e.name.toLower());
                m.sourceExprs.append(expr.isEmpty() ? quoteSqliteIdentifier(e.name) : expr);
            }
        } else {
            for (const Column& c : t->columns) {
                newColumns.append(c.name);
                if (c.generated != Column::Generated::No)
                    continue;
                m.targetColumns.append(quoteSqliteIdentifier(c.name));
                m.sourceExprs.append(quoteSqliteIdentifier(c.name));
            }
        }
        // Rowids are kept too (when the table has an INTEGER PRIMARY KEY, its column wins).
        const bool newRowid = t == table ? !edited.text.withoutRowid() : !t->withoutRowid;
        const QString alias = rowidAlias(columnNames(*t), newColumns);
        if (!t->withoutRowid && newRowid && !alias.isEmpty()) {
            m.targetColumns.prepend(alias);
            m.sourceExprs.prepend(alias);
        }
        members.append(m);
    }
    for (const Member& m : members)
        plan.rebuiltTables.append(m.table->name);

    // Views and triggers that name a table of the rebuild (or such a view) are dropped first and
    // recreated last: a rename would rewrite them to the old tables' names.
    QStringList touched = plan.rebuiltTables;
    QList<const View*> views;
    for (bool grew = true; grew;) {
        grew = false;
        for (const View& v : schema.views) {
            if (views.contains(&v))
                continue;
            for (const QString& name : std::as_const(touched)) {
                if (sqlMentionsIdentifier(v.sql, name)) {
                    views.append(&v);
                    touched.append(v.name);
                    grew = true;
                    break;
                }
            }
        }
    }
    QList<const Trigger*> triggers;
    for (const Trigger& tr : schema.triggers) {
        for (const QString& name : std::as_const(touched)) {
            if (sameName(tr.table, name) || sqlMentionsIdentifier(tr.sql, name)) {
                triggers.append(&tr);
                break;
            }
        }
    }

    QStringList& out = plan.statements;
    out.append(QStringLiteral("PRAGMA defer_foreign_keys = ON"));
    for (const Trigger* tr : triggers)
        out.append(QStringLiteral("DROP TRIGGER %1").arg(quoteSqliteIdentifier(tr->name)));
    for (const View* v : views)
        out.append(QStringLiteral("DROP VIEW %1").arg(quoteSqliteIdentifier(v->name)));
    for (const Member& m : members)
        out.append(QStringLiteral("ALTER TABLE %1 RENAME TO %2")
                       .arg(quoteSqliteIdentifier(m.table->name), quoteSqliteIdentifier(m.aside)));
    for (const Member& m : members)
        out.append(m.sql);
    // A foreign key whose parent key is unique only through a CREATE UNIQUE INDEX needs that
    // index before a child row is copied ("foreign key mismatch" otherwise, deferred or not); the
    // real name is held by the old table until it is dropped, so a twin under a scratch name
    // serves meanwhile.
    QStringList twins;
    for (const Member& m : members) {
        const bool isParent = std::any_of(members.cbegin(), members.cend(), [&m](const Member& other) {
            return std::any_of(other.table->foreignKeys.cbegin(), other.table->foreignKeys.cend(),
                               [&m](const ForeignKey& fk) { return sameName(fk.targetTable, m.table->name); });
        });
        if (!isParent)
            continue;
        for (const Index& index : m.table->indexes) {
            if (index.origin != Index::Origin::CreateIndex || !index.unique || index.partial || index.sql.isEmpty())
                continue;
            const QString twin = freeName(index.name + QStringLiteral("__strata_tmp"));
            const QString sql = renamedIndexSql(index.sql, twin);
            if (sql.isEmpty())
                continue;
            out.append(sql);
            twins.append(twin);
        }
    }
    for (const Member& m : members) {
        out.append(QStringLiteral("INSERT INTO %1 (%2) SELECT %3 FROM %4 AS %1")
                       .arg(quoteSqliteIdentifier(m.table->name), m.targetColumns.join(QStringLiteral(", ")),
                            m.sourceExprs.join(QStringLiteral(", ")), quoteSqliteIdentifier(m.aside)));
        if (hasWord(m.table->sql, QStringLiteral("AUTOINCREMENT")) && hasWord(m.sql, QStringLiteral("AUTOINCREMENT"))) {
            // The next AUTOINCREMENT value stays above every value ever used, not just those left.
            const QString name = quoteSqliteString(m.table->name);
            const QString aside = quoteSqliteString(m.aside);
            out.append(QStringLiteral("DELETE FROM sqlite_sequence WHERE name = %1 AND EXISTS "
                                      "(SELECT 1 FROM sqlite_sequence WHERE name = %2)").arg(name, aside));
            out.append(QStringLiteral("UPDATE sqlite_sequence SET name = %1 WHERE name = %2").arg(name, aside));
        }
    }
    // Referencing tables before the tables they reference: a DROP deletes nothing that another
    // table still points at.
    for (qsizetype i = members.size() - 1; i >= 0; --i)
        out.append(QStringLiteral("DROP TABLE %1").arg(quoteSqliteIdentifier(members[i].aside)));
    for (const Member& m : members)
        for (const Index& index : m.table->indexes)
            if (index.origin == Index::Origin::CreateIndex && !index.sql.isEmpty()
                && !(m.table == table && containsName(edited.droppedIndexes, index.name)))
                out.append(index.sql);
    for (const QString& twin : std::as_const(twins))
        out.append(QStringLiteral("DROP INDEX %1").arg(quoteSqliteIdentifier(twin)));
    for (const View* v : views)
        out.append(v->sql);
    for (const Trigger* tr : triggers)
        out.append(tr->sql);

    // Checks that fail the migration with a message naming the problem: a CHECK constraint per
    // condition on a scratch table, so that the error text is the constraint's name.
    QStringList conditions = edited.affinityChecks;
    QStringList names = edited.checkNames;
    if (target == Dialect::Sqlite) {
        // D1 enforces foreign keys (deferred to the commit); plain SQLite may not, so look.
        QStringList quoted;
        for (const Member& m : members)
            quoted.append(quoteSqliteString(m.table->name));
        conditions.append(QStringLiteral("(SELECT count(*) FROM pragma_foreign_key_check WHERE \"table\" IN (%1))")
                              .arg(quoted.join(QStringLiteral(", "))));
        names.append(QStringLiteral("foreign keys violated after rebuilding table %1; see PRAGMA foreign_key_check")
                         .arg(table->name));
    }
    if (!conditions.isEmpty()) {
        const QString scratch = quoteSqliteIdentifier(freeName(QStringLiteral("strata_rebuild_check")));
        QStringList columns;
        for (int i = 0; i < conditions.size(); ++i)
            columns.append(QStringLiteral("c%1 INTEGER CONSTRAINT %2 CHECK (c%1 = 0)")
                               .arg(QString::number(i), quoteSqliteIdentifier(names[i])));
        out.append(QStringLiteral("CREATE TABLE %1 (%2)").arg(scratch, columns.join(QStringLiteral(", "))));
        out.append(QStringLiteral("INSERT INTO %1 VALUES (%2)").arg(scratch, conditions.join(QStringLiteral(", "))));
        out.append(QStringLiteral("DROP TABLE %1").arg(scratch));
    }

    if (members.size() > 1) {
        QStringList others = plan.rebuiltTables.mid(1);
        plan.notes.prepend(QStringLiteral("Rebuilt table %1 and the %2 table%3 that reference it (%4), so that "
                                          "no row of theirs is deleted or changed.")
                               .arg(table->name, QString::number(others.size()),
                                    others.size() == 1 ? QString() : QStringLiteral("s"),
                                    others.join(QStringLiteral(", "))));
    } else {
        plan.notes.prepend(QStringLiteral("Rebuilt table %1 (SQLite has no ALTER TABLE for this change).")
                               .arg(table->name));
    }
    if (!views.isEmpty() || !triggers.isEmpty())
        plan.notes.append(QStringLiteral("Dropped and recreated %1 view(s) and %2 trigger(s) that use the rebuilt tables.")
                              .arg(views.size()).arg(triggers.size()));
    return plan;
}

} // namespace strata
