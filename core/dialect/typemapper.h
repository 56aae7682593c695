#pragma once

// PostgreSQL column types → SQLite types (docs/dialects.md, "Types"). Reports what a type loses
// (a length limit, a time zone, array structure) at the type's location.

#include "translationcontext.h"

namespace strata {

struct MappedType
{
    QString sqlType;   // INTEGER, TEXT, REAL, NUMERIC or BLOB
    QString pgName;    // the PostgreSQL type's name as written in messages ("varchar(20)")
    bool serial = false;        // serial, bigserial, smallserial
    bool boolean = false;
    bool array = false;         // stored as a JSON array in TEXT
    bool isText = false;        // text-like (for LIKE, casts)
    QString enumName;           // a column of an enum type: its labels are a CHECK
    QStringList enumLabels;
    QString domainName;         // a column of a domain: its constraints are inlined
    DomainInfo domain;
};

class TypeMapper final
{
public:
    explicit TypeMapper(TranslationContext& ctx) : m_ctx(ctx) {}

    // `typeName` is a TypeName node body. `report`: diagnose what the mapping loses.
    MappedType map(const PgNode& typeName, bool report = true);
    // The SQLite type for a cast target; empty when the cast is dropped (value kept as it is).
    QString castTarget(const PgNode& typeName, QString* pgName = nullptr);

private:
    TranslationContext& m_ctx;
};

} // namespace strata
