/* Walks libpg_query's C parse tree into a StrataPgSink, in the shape of libpg_query 15's JSON
 * output: a node is {"Tag":{fields}}, a field typed as one particular node kind (a RangeVar, a
 * TypeName) is its fields without the tag, and a field is left out when it is zero, false, NULL
 * or an empty list, except enumerations, which are always written by name. The kinds translation
 * meets in nearly every migration are walked here; any other kind is written by libpg_query
 * itself (pg_query_node_to_json), so the tree is the same whatever it holds. tst_pgrawtree
 * compares the two trees statement by statement. */

#include <pg_query.h>

/* libpg_query's own PostgreSQL version, for the tree's "version" member; the server headers
 * below define the macro again with their minor release. Their major release must be the one
 * libpg_query was built from, or the node layouts differ. */
static const int libpgQueryVersion = PG_VERSION_NUM;
#define STRATA_PG_QUERY_MAJOR (PG_VERSION_NUM / 10000)
#undef PG_MAJORVERSION
#undef PG_VERSION
#undef PG_VERSION_NUM

#include <pg_query/pg_query_internal.h>
#if PG_VERSION_NUM / 10000 != STRATA_PG_QUERY_MAJOR
#error "the PostgreSQL server headers are not of libpg_query's major version"
#endif

#include "nodes/parsenodes.h"
#include "nodes/pg_list.h"
#include "nodes/primnodes.h"
#include "nodes/value.h"

#include "pgrawtree.h"

#include <stdlib.h>
#include <string.h>

char* pg_query_node_to_json(const void* obj); /* exported by libpg_query, not declared */

typedef const StrataPgSink Sink;

#define K(name) name, (unsigned)(sizeof(name) - 1)
#define NAME(value) [value] = #value

static const char* const constrTypes[] = {
    NAME(CONSTR_NULL), NAME(CONSTR_NOTNULL), NAME(CONSTR_DEFAULT), NAME(CONSTR_IDENTITY),
    NAME(CONSTR_GENERATED), NAME(CONSTR_CHECK), NAME(CONSTR_PRIMARY), NAME(CONSTR_UNIQUE),
    NAME(CONSTR_EXCLUSION), NAME(CONSTR_FOREIGN), NAME(CONSTR_ATTR_DEFERRABLE),
    NAME(CONSTR_ATTR_NOT_DEFERRABLE), NAME(CONSTR_ATTR_DEFERRED), NAME(CONSTR_ATTR_IMMEDIATE),
};
static const char* const onCommitActions[] = {
    NAME(ONCOMMIT_NOOP), NAME(ONCOMMIT_PRESERVE_ROWS), NAME(ONCOMMIT_DELETE_ROWS),
    NAME(ONCOMMIT_DROP),
};
static const char* const exprKinds[] = {
    NAME(AEXPR_OP), NAME(AEXPR_OP_ANY), NAME(AEXPR_OP_ALL), NAME(AEXPR_DISTINCT),
    NAME(AEXPR_NOT_DISTINCT), NAME(AEXPR_NULLIF), NAME(AEXPR_IN), NAME(AEXPR_LIKE),
    NAME(AEXPR_ILIKE), NAME(AEXPR_SIMILAR), NAME(AEXPR_BETWEEN), NAME(AEXPR_NOT_BETWEEN),
    NAME(AEXPR_BETWEEN_SYM), NAME(AEXPR_NOT_BETWEEN_SYM),
};
static const char* const boolOps[] = { NAME(AND_EXPR), NAME(OR_EXPR), NAME(NOT_EXPR) };
static const char* const nullTests[] = { NAME(IS_NULL), NAME(IS_NOT_NULL) };
static const char* const coercionForms[] = {
    NAME(COERCE_EXPLICIT_CALL), NAME(COERCE_EXPLICIT_CAST), NAME(COERCE_IMPLICIT_CAST),
    NAME(COERCE_SQL_SYNTAX),
};
static const char* const sortDirections[] = {
    NAME(SORTBY_DEFAULT), NAME(SORTBY_ASC), NAME(SORTBY_DESC), NAME(SORTBY_USING),
};
static const char* const sortNulls[] = {
    NAME(SORTBY_NULLS_DEFAULT), NAME(SORTBY_NULLS_FIRST), NAME(SORTBY_NULLS_LAST),
};
static const char* const dropBehaviors[] = { NAME(DROP_RESTRICT), NAME(DROP_CASCADE) };

/* ObjectType and AlterTableType are long; the ones ALTER TABLE statements carry. */
static const char* const objectTypes[] = {
    NAME(OBJECT_INDEX), NAME(OBJECT_MATVIEW), NAME(OBJECT_SEQUENCE), NAME(OBJECT_TABLE),
    NAME(OBJECT_TYPE), NAME(OBJECT_VIEW), NAME(OBJECT_FOREIGN_TABLE),
};
static const char* const alterTableTypes[] = {
    NAME(AT_AddColumn), NAME(AT_AddColumnRecurse), NAME(AT_AddColumnToView),
    NAME(AT_ColumnDefault), NAME(AT_CookedColumnDefault), NAME(AT_DropNotNull),
    NAME(AT_SetNotNull), NAME(AT_DropExpression), NAME(AT_CheckNotNull),
    NAME(AT_SetStatistics), NAME(AT_SetOptions), NAME(AT_ResetOptions), NAME(AT_SetStorage),
    NAME(AT_SetCompression), NAME(AT_DropColumn), NAME(AT_DropColumnRecurse),
    NAME(AT_AddIndex), NAME(AT_ReAddIndex), NAME(AT_AddConstraint),
    NAME(AT_AddConstraintRecurse), NAME(AT_ReAddConstraint), NAME(AT_ReAddDomainConstraint),
    NAME(AT_AlterConstraint), NAME(AT_ValidateConstraint), NAME(AT_ValidateConstraintRecurse),
    NAME(AT_AddIndexConstraint), NAME(AT_DropConstraint), NAME(AT_DropConstraintRecurse),
    NAME(AT_ReAddComment), NAME(AT_AlterColumnType), NAME(AT_AlterColumnGenericOptions),
    NAME(AT_ChangeOwner), NAME(AT_ClusterOn), NAME(AT_DropCluster), NAME(AT_SetLogged),
    NAME(AT_SetUnLogged), NAME(AT_DropOids), NAME(AT_SetAccessMethod), NAME(AT_SetTableSpace),
    NAME(AT_SetRelOptions), NAME(AT_ResetRelOptions), NAME(AT_ReplaceRelOptions),
    NAME(AT_EnableTrig), NAME(AT_EnableAlwaysTrig), NAME(AT_EnableReplicaTrig),
    NAME(AT_DisableTrig), NAME(AT_EnableTrigAll), NAME(AT_DisableTrigAll),
    NAME(AT_EnableTrigUser), NAME(AT_DisableTrigUser), NAME(AT_EnableRule),
    NAME(AT_EnableAlwaysRule), NAME(AT_EnableReplicaRule), NAME(AT_DisableRule),
    NAME(AT_AddInherit), NAME(AT_DropInherit), NAME(AT_AddOf), NAME(AT_DropOf),
    NAME(AT_ReplicaIdentity), NAME(AT_EnableRowSecurity), NAME(AT_DisableRowSecurity),
    NAME(AT_ForceRowSecurity), NAME(AT_NoForceRowSecurity), NAME(AT_GenericOptions),
    NAME(AT_AttachPartition), NAME(AT_DetachPartition), NAME(AT_DetachPartitionFinalize),
    NAME(AT_AddIdentity), NAME(AT_SetIdentity), NAME(AT_DropIdentity), NAME(AT_ReAddStatistics),
};

#define ENUM_NAME(table, value)                                                               \
    ((unsigned)(value) < sizeof(table) / sizeof(table[0]) ? (table)[value] : NULL)

typedef struct Walk
{
    Sink* sink;
    int ok; /* 0 once something could not be written: the caller falls back to the JSON */
} Walk;

static void node(Walk* w, const char* key, unsigned keyLength, const Node* n);

static void intField(Walk* w, const char* key, unsigned keyLength, long long v)
{
    if (v != 0)
        w->sink->integer(w->sink->self, key, keyLength, v);
}

static void boolField(Walk* w, const char* key, unsigned keyLength, bool v)
{
    if (v)
        w->sink->boolean(w->sink->self, key, keyLength);
}

static void stringField(Walk* w, const char* key, unsigned keyLength, const char* s)
{
    if (s)
        w->sink->string(w->sink->self, key, keyLength, s, (unsigned)strlen(s), 0);
}

static void charField(Walk* w, const char* key, unsigned keyLength, char c)
{
    if (c)
        w->sink->string(w->sink->self, key, keyLength, &c, 1, 0);
}

static void enumField(Walk* w, const char* key, unsigned keyLength, const char* name)
{
    if (!name) {
        w->ok = 0;
        return;
    }
    w->sink->string(w->sink->self, key, keyLength, name, (unsigned)strlen(name), 1);
}

static void nodeField(Walk* w, const char* key, unsigned keyLength, const Node* n)
{
    if (n)
        node(w, key, keyLength, n);
}

static void listField(Walk* w, const char* key, unsigned keyLength, const List* list)
{
    const ListCell* cell;
    if (!list)
        return;
    w->sink->open(w->sink->self, key, keyLength, 1);
    foreach (cell, list) {
        const Node* item = lfirst(cell);
        if (item) {
            node(w, NULL, 0, item);
        } else {
            w->sink->open(w->sink->self, NULL, 0, 0);
            w->sink->close(w->sink->self);
        }
    }
    w->sink->close(w->sink->self);
}

/* A field typed as one node kind the walk does not write itself: libpg_query's JSON, untagged. */
static void otherSpecificField(Walk* w, const char* key, unsigned keyLength, const void* n)
{
    if (n)
        w->sink->json(w->sink->self, key, keyLength, pg_query_node_to_json(n), 1);
}

static void aliasBody(Walk* w, const Alias* a)
{
    stringField(w, K("aliasname"), a->aliasname);
    listField(w, K("colnames"), a->colnames);
}

static void rangeVarBody(Walk* w, const RangeVar* r)
{
    stringField(w, K("catalogname"), r->catalogname);
    stringField(w, K("schemaname"), r->schemaname);
    stringField(w, K("relname"), r->relname);
    boolField(w, K("inh"), r->inh);
    charField(w, K("relpersistence"), r->relpersistence);
    if (r->alias) {
        w->sink->open(w->sink->self, K("alias"), 0);
        aliasBody(w, r->alias);
        w->sink->close(w->sink->self);
    }
    intField(w, K("location"), r->location);
}

static void rangeVarField(Walk* w, const char* key, unsigned keyLength, const RangeVar* r)
{
    if (!r)
        return;
    w->sink->open(w->sink->self, key, keyLength, 0);
    rangeVarBody(w, r);
    w->sink->close(w->sink->self);
}

static void typeNameBody(Walk* w, const TypeName* t)
{
    listField(w, K("names"), t->names);
    intField(w, K("typeOid"), t->typeOid);
    boolField(w, K("setof"), t->setof);
    boolField(w, K("pct_type"), t->pct_type);
    listField(w, K("typmods"), t->typmods);
    intField(w, K("typemod"), t->typemod);
    listField(w, K("arrayBounds"), t->arrayBounds);
    intField(w, K("location"), t->location);
}

static void typeNameField(Walk* w, const char* key, unsigned keyLength, const TypeName* t)
{
    if (!t)
        return;
    w->sink->open(w->sink->self, key, keyLength, 0);
    typeNameBody(w, t);
    w->sink->close(w->sink->self);
}

static void createStmtBody(Walk* w, const CreateStmt* s)
{
    rangeVarField(w, K("relation"), s->relation);
    listField(w, K("tableElts"), s->tableElts);
    listField(w, K("inhRelations"), s->inhRelations);
    otherSpecificField(w, K("partbound"), s->partbound);
    otherSpecificField(w, K("partspec"), s->partspec);
    typeNameField(w, K("ofTypename"), s->ofTypename);
    listField(w, K("constraints"), s->constraints);
    listField(w, K("options"), s->options);
    enumField(w, K("oncommit"), ENUM_NAME(onCommitActions, s->oncommit));
    stringField(w, K("tablespacename"), s->tablespacename);
    stringField(w, K("accessMethod"), s->accessMethod);
    boolField(w, K("if_not_exists"), s->if_not_exists);
}

static void columnDefBody(Walk* w, const ColumnDef* c)
{
    stringField(w, K("colname"), c->colname);
    typeNameField(w, K("typeName"), c->typeName);
    stringField(w, K("compression"), c->compression);
    intField(w, K("inhcount"), c->inhcount);
    boolField(w, K("is_local"), c->is_local);
    boolField(w, K("is_not_null"), c->is_not_null);
    boolField(w, K("is_from_type"), c->is_from_type);
    charField(w, K("storage"), c->storage);
    nodeField(w, K("raw_default"), c->raw_default);
    nodeField(w, K("cooked_default"), c->cooked_default);
    charField(w, K("identity"), c->identity);
    rangeVarField(w, K("identitySequence"), c->identitySequence);
    charField(w, K("generated"), c->generated);
    otherSpecificField(w, K("collClause"), c->collClause);
    intField(w, K("collOid"), c->collOid);
    listField(w, K("constraints"), c->constraints);
    listField(w, K("fdwoptions"), c->fdwoptions);
    intField(w, K("location"), c->location);
}

static void constraintBody(Walk* w, const Constraint* c)
{
    enumField(w, K("contype"), ENUM_NAME(constrTypes, c->contype));
    stringField(w, K("conname"), c->conname);
    boolField(w, K("deferrable"), c->deferrable);
    boolField(w, K("initdeferred"), c->initdeferred);
    intField(w, K("location"), c->location);
    boolField(w, K("is_no_inherit"), c->is_no_inherit);
    nodeField(w, K("raw_expr"), c->raw_expr);
    stringField(w, K("cooked_expr"), c->cooked_expr);
    charField(w, K("generated_when"), c->generated_when);
    boolField(w, K("nulls_not_distinct"), c->nulls_not_distinct);
    listField(w, K("keys"), c->keys);
    listField(w, K("including"), c->including);
    listField(w, K("exclusions"), c->exclusions);
    listField(w, K("options"), c->options);
    stringField(w, K("indexname"), c->indexname);
    stringField(w, K("indexspace"), c->indexspace);
    boolField(w, K("reset_default_tblspc"), c->reset_default_tblspc);
    stringField(w, K("access_method"), c->access_method);
    nodeField(w, K("where_clause"), c->where_clause);
    rangeVarField(w, K("pktable"), c->pktable);
    listField(w, K("fk_attrs"), c->fk_attrs);
    listField(w, K("pk_attrs"), c->pk_attrs);
    charField(w, K("fk_matchtype"), c->fk_matchtype);
    charField(w, K("fk_upd_action"), c->fk_upd_action);
    charField(w, K("fk_del_action"), c->fk_del_action);
    listField(w, K("fk_del_set_cols"), c->fk_del_set_cols);
    listField(w, K("old_conpfeqop"), c->old_conpfeqop);
    intField(w, K("old_pktable_oid"), c->old_pktable_oid);
    boolField(w, K("skip_validation"), c->skip_validation);
    boolField(w, K("initially_valid"), c->initially_valid);
}

/* libpg_query 15's JSON writes an Integer's value only when it is above zero (a 0 and a -1 are
 * both {}); the translator reads such constants back from the source, so the same is done here. */
static void integerBody(Walk* w, const Integer* i)
{
    if (i->ival > 0)
        intField(w, K("ival"), i->ival);
}

static void aConstBody(Walk* w, const A_Const* c)
{
    if (c->isnull) {
        boolField(w, K("isnull"), true);
    } else {
        Sink* s = w->sink;
        switch (nodeTag(&c->val)) {
        case T_Integer:
            s->open(s->self, K("ival"), 0);
            integerBody(w, &c->val.ival);
            break;
        case T_Float:
            s->open(s->self, K("fval"), 0);
            stringField(w, K("fval"), c->val.fval.fval);
            break;
        case T_Boolean:
            s->open(s->self, K("boolval"), 0);
            boolField(w, K("boolval"), c->val.boolval.boolval);
            break;
        case T_String:
            s->open(s->self, K("sval"), 0);
            stringField(w, K("sval"), c->val.sval.sval);
            break;
        case T_BitString:
            s->open(s->self, K("bsval"), 0);
            stringField(w, K("bsval"), c->val.bsval.bsval);
            break;
        default:
            w->ok = 0;
            return;
        }
        s->close(s->self);
    }
    intField(w, K("location"), c->location);
}

static void funcCallBody(Walk* w, const FuncCall* f)
{
    listField(w, K("funcname"), f->funcname);
    listField(w, K("args"), f->args);
    listField(w, K("agg_order"), f->agg_order);
    nodeField(w, K("agg_filter"), f->agg_filter);
    otherSpecificField(w, K("over"), f->over);
    boolField(w, K("agg_within_group"), f->agg_within_group);
    boolField(w, K("agg_star"), f->agg_star);
    boolField(w, K("agg_distinct"), f->agg_distinct);
    boolField(w, K("func_variadic"), f->func_variadic);
    enumField(w, K("funcformat"), ENUM_NAME(coercionForms, f->funcformat));
    intField(w, K("location"), f->location);
}

static void indexStmtBody(Walk* w, const IndexStmt* s)
{
    stringField(w, K("idxname"), s->idxname);
    rangeVarField(w, K("relation"), s->relation);
    stringField(w, K("accessMethod"), s->accessMethod);
    stringField(w, K("tableSpace"), s->tableSpace);
    listField(w, K("indexParams"), s->indexParams);
    listField(w, K("indexIncludingParams"), s->indexIncludingParams);
    listField(w, K("options"), s->options);
    nodeField(w, K("whereClause"), s->whereClause);
    listField(w, K("excludeOpNames"), s->excludeOpNames);
    stringField(w, K("idxcomment"), s->idxcomment);
    intField(w, K("indexOid"), s->indexOid);
    intField(w, K("oldNode"), s->oldNode);
    intField(w, K("oldCreateSubid"), s->oldCreateSubid);
    intField(w, K("oldFirstRelfilenodeSubid"), s->oldFirstRelfilenodeSubid);
    boolField(w, K("unique"), s->unique);
    boolField(w, K("nulls_not_distinct"), s->nulls_not_distinct);
    boolField(w, K("primary"), s->primary);
    boolField(w, K("isconstraint"), s->isconstraint);
    boolField(w, K("deferrable"), s->deferrable);
    boolField(w, K("initdeferred"), s->initdeferred);
    boolField(w, K("transformed"), s->transformed);
    boolField(w, K("concurrent"), s->concurrent);
    boolField(w, K("if_not_exists"), s->if_not_exists);
    boolField(w, K("reset_default_tblspc"), s->reset_default_tblspc);
}

static void indexElemBody(Walk* w, const IndexElem* e)
{
    stringField(w, K("name"), e->name);
    nodeField(w, K("expr"), e->expr);
    stringField(w, K("indexcolname"), e->indexcolname);
    listField(w, K("collation"), e->collation);
    listField(w, K("opclass"), e->opclass);
    listField(w, K("opclassopts"), e->opclassopts);
    enumField(w, K("ordering"), ENUM_NAME(sortDirections, e->ordering));
    enumField(w, K("nulls_ordering"), ENUM_NAME(sortNulls, e->nulls_ordering));
}

static void alterTableCmdBody(Walk* w, const AlterTableCmd* c)
{
    enumField(w, K("subtype"), ENUM_NAME(alterTableTypes, c->subtype));
    stringField(w, K("name"), c->name);
    intField(w, K("num"), c->num);
    otherSpecificField(w, K("newowner"), c->newowner);
    nodeField(w, K("def"), c->def);
    enumField(w, K("behavior"), ENUM_NAME(dropBehaviors, c->behavior));
    boolField(w, K("missing_ok"), c->missing_ok);
    boolField(w, K("recurse"), c->recurse);
}

/* `key`: {"Tag":{fields}} for the kinds above, libpg_query's JSON for the others. */
static void node(Walk* w, const char* key, unsigned keyLength, const Node* n)
{
    Sink* s = w->sink;
    const char* tag;
    switch (nodeTag(n)) {
    case T_String: tag = "String"; break;
    case T_Integer: tag = "Integer"; break;
    case T_Float: tag = "Float"; break;
    case T_Boolean: tag = "Boolean"; break;
    case T_A_Const: tag = "A_Const"; break;
    case T_ColumnRef: tag = "ColumnRef"; break;
    case T_A_Star: tag = "A_Star"; break;
    case T_TypeCast: tag = "TypeCast"; break;
    case T_FuncCall: tag = "FuncCall"; break;
    case T_A_Expr: tag = "A_Expr"; break;
    case T_BoolExpr: tag = "BoolExpr"; break;
    case T_NullTest: tag = "NullTest"; break;
    case T_RangeVar: tag = "RangeVar"; break;
    case T_TypeName: tag = "TypeName"; break;
    case T_ColumnDef: tag = "ColumnDef"; break;
    case T_Constraint: tag = "Constraint"; break;
    case T_CreateStmt: tag = "CreateStmt"; break;
    case T_IndexStmt: tag = "IndexStmt"; break;
    case T_IndexElem: tag = "IndexElem"; break;
    case T_AlterTableStmt: tag = "AlterTableStmt"; break;
    case T_AlterTableCmd: tag = "AlterTableCmd"; break;
    case T_CreateEnumStmt: tag = "CreateEnumStmt"; break;
    default:
        s->json(s->self, key, keyLength, pg_query_node_to_json(n), 0);
        return;
    }
    s->open(s->self, key, keyLength, 0);
    s->open(s->self, tag, (unsigned)strlen(tag), 0);
    switch (nodeTag(n)) {
    case T_String: stringField(w, K("sval"), ((const String*)n)->sval); break;
    case T_Integer: integerBody(w, (const Integer*)n); break;
    case T_Float: stringField(w, K("fval"), ((const Float*)n)->fval); break;
    case T_Boolean: boolField(w, K("boolval"), ((const Boolean*)n)->boolval); break;
    case T_A_Const: aConstBody(w, (const A_Const*)n); break;
    case T_ColumnRef:
        listField(w, K("fields"), ((const ColumnRef*)n)->fields);
        intField(w, K("location"), ((const ColumnRef*)n)->location);
        break;
    case T_A_Star: break;
    case T_TypeCast: {
        const TypeCast* c = (const TypeCast*)n;
        nodeField(w, K("arg"), c->arg);
        typeNameField(w, K("typeName"), c->typeName);
        intField(w, K("location"), c->location);
        break;
    }
    case T_FuncCall: funcCallBody(w, (const FuncCall*)n); break;
    case T_A_Expr: {
        const A_Expr* e = (const A_Expr*)n;
        enumField(w, K("kind"), ENUM_NAME(exprKinds, e->kind));
        listField(w, K("name"), e->name);
        nodeField(w, K("lexpr"), e->lexpr);
        nodeField(w, K("rexpr"), e->rexpr);
        intField(w, K("location"), e->location);
        break;
    }
    case T_BoolExpr: {
        const BoolExpr* e = (const BoolExpr*)n;
        enumField(w, K("boolop"), ENUM_NAME(boolOps, e->boolop));
        listField(w, K("args"), e->args);
        intField(w, K("location"), e->location);
        break;
    }
    case T_NullTest: {
        const NullTest* t = (const NullTest*)n;
        nodeField(w, K("arg"), (const Node*)t->arg);
        enumField(w, K("nulltesttype"), ENUM_NAME(nullTests, t->nulltesttype));
        boolField(w, K("argisrow"), t->argisrow);
        intField(w, K("location"), t->location);
        break;
    }
    case T_RangeVar: rangeVarBody(w, (const RangeVar*)n); break;
    case T_TypeName: typeNameBody(w, (const TypeName*)n); break;
    case T_ColumnDef: columnDefBody(w, (const ColumnDef*)n); break;
    case T_Constraint: constraintBody(w, (const Constraint*)n); break;
    case T_CreateStmt: createStmtBody(w, (const CreateStmt*)n); break;
    case T_IndexStmt: indexStmtBody(w, (const IndexStmt*)n); break;
    case T_IndexElem: indexElemBody(w, (const IndexElem*)n); break;
    case T_AlterTableStmt: {
        const AlterTableStmt* a = (const AlterTableStmt*)n;
        rangeVarField(w, K("relation"), a->relation);
        listField(w, K("cmds"), a->cmds);
        enumField(w, K("objtype"), ENUM_NAME(objectTypes, a->objtype));
        boolField(w, K("missing_ok"), a->missing_ok);
        break;
    }
    case T_AlterTableCmd: alterTableCmdBody(w, (const AlterTableCmd*)n); break;
    case T_CreateEnumStmt:
        listField(w, K("typeName"), ((const CreateEnumStmt*)n)->typeName);
        listField(w, K("vals"), ((const CreateEnumStmt*)n)->vals);
        break;
    default: break;
    }
    s->close(s->self);
    s->close(s->self);
}

int strata_pg_raw_parse(const char* sql, const StrataPgSink* sink, char** message,
                        int* cursorpos)
{
    MemoryContext context = pg_query_enter_memory_context();
    PgQueryInternalParsetreeAndError parsed = pg_query_raw_parse(sql);
    int failed = parsed.error != NULL;
    if (failed) {
        if (message)
            *message = strdup(parsed.error->message ? parsed.error->message : "syntax error");
        if (cursorpos)
            *cursorpos = parsed.error->cursorpos;
        pg_query_free_error(parsed.error);
    } else if (sink) {
        Walk w = {sink, 1};
        const ListCell* cell;
        sink->open(sink->self, NULL, 0, 0);
        intField(&w, K("version"), libpgQueryVersion);
        sink->open(sink->self, K("stmts"), 1);
        foreach (cell, parsed.tree) {
            const RawStmt* s = lfirst(cell);
            sink->open(sink->self, NULL, 0, 0);
            nodeField(&w, K("stmt"), s->stmt);
            intField(&w, K("stmt_location"), s->stmt_location);
            intField(&w, K("stmt_len"), s->stmt_len);
            sink->close(sink->self);
        }
        sink->close(sink->self);
        sink->close(sink->self);
        failed = w.ok ? 0 : 2;
    }
    free(parsed.stderr_buffer);
    pg_query_exit_memory_context(context);
    return failed;
}
