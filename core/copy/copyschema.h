#pragma once

// The target schema of `strata copy`: the source's PostgreSQL schema, read from its catalog
// (pgschemareader.h), written back as PostgreSQL DDL object by object (enum types, then tables
// with their constraints inline, then indexes and views) and put through the dialect engine
// (DialectTranslator), so the copy gets exactly the SQLite a migration would. Every diagnostic of
// the translation is kept as a note naming its object. A table the engine cannot translate
// blocks the copy; an index or view it cannot translate is left out, with the reason.
//
// Tables come in foreign-key order (referenced tables first); tables in a cycle follow, in name
// order before a table they reference; every table is loaded with the foreign keys off, and
// they are checked at the end.

#include "project.h"
#include "schema.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace strata {

struct CopyNote
{
    QString object; // "table users", "index users_email_idx", "trigger audit on orders"
    QString level;  // "error", "warning", "note"
    QString message;
    bool blocking = false; // the copy cannot go on (a table that was not translated)
};

struct CopyTablePlan
{
    QString source;     // the model's name: "users", "billing.invoices"
    QString target;     // the SQLite table: "users", "billing_invoices"
    QStringList create; // the translated CREATE TABLE and what comes with it
    bool inCycle = false;
};

// An index or a view: created once the rows are in.
struct CopyObjectPlan
{
    QString object; // "index users_email_idx"
    QStringList sql;
};

struct CopySchemaPlan
{
    QList<CopyTablePlan> tables; // in foreign-key order
    QList<CopyObjectPlan> indexes;
    QList<CopyObjectPlan> views;
    QList<CopyNote> notes;

    bool blocked() const;
};

// `domains`: the source's CREATE DOMAIN statements (the schema model has no domains).
CopySchemaPlan planCopySchema(const Schema& source, const QStringList& domains, Dialect target);

// Table names with every table after the tables it references (self-references ignored);
// tables in a cycle last, by name, listed in `cycle` too.
QStringList foreignKeyOrder(const Schema& schema, QStringList* cycle = nullptr);

} // namespace strata
