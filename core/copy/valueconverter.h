#pragma once

// Turns one PostgreSQL value, as COPY … TO STDOUT prints it in text format, into the SQLite value
// a copied row stores, and says when that value does not keep its meaning (a lossy conversion).
// The conversions are documented in docs/copy.md and follow the types the dialect engine gives
// the columns (docs/dialects.md): booleans 0/1, timestamps ISO text (timestamptz in UTC), uuid,
// json, enums and intervals text, numeric an integer or a REAL (checked to round-trip), bytea a
// BLOB, arrays JSON text.
//
// The source session sets TimeZone UTC, DateStyle ISO, IntervalStyle iso_8601 and bytea_output
// hex; copyExpression() asks PostgreSQL for the conversions it does best (money → numeric,
// arrays → JSON). Values arrive already unescaped; converting never allocates for the common
// types, since this runs once per value of every row.

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <string>

namespace strata {

enum class ValueKind {
    Boolean,
    Integer, // smallint, integer, bigint, oid
    Float,   // real, double precision
    Numeric,
    Money, // selected as numeric
    TimestampTz,
    Timestamp,
    Date,
    Time,
    TimeTz,
    Interval,
    Uuid,
    Json,
    Jsonb,
    Bytea,
    Array, // selected as to_json(…)
    Enum,
    Text, // char, varchar, text, name, citext
    Other // any other type: its PostgreSQL text (inet, xml, tsvector, ranges…)
};

// From pg_type of the column's base type (domains resolved): typname, typtype, typcategory.
ValueKind valueKindOf(const QString& typeName, char typtype, char category);
QString valueKindName(ValueKind kind);

// What the COPY selects for a column (`column` already quoted): the column itself, or the
// conversion PostgreSQL does better than we would.
QString copyExpression(ValueKind kind, const QString& column);

// The SQLite affinity of the target column (docs: datatype3.html, "column affinity").
enum class Affinity { Integer, Real, Numeric, Text, Blob };
Affinity affinityFromName(const QString& affinity); // "INTEGER", "TEXT", … as affinityOf() says

// One converted value, ready to bind. Text and blob point into the row buffer or into the
// converter's scratch space: valid until the next convert() on the same converter.
struct SqlValue
{
    enum class Type { Null, Integer, Real, Text, Blob } type = Type::Null;
    std::int64_t integer = 0;
    double real = 0;
    const char* data = nullptr;
    int size = 0;
};

class ValueConverter final
{
public:
    ValueConverter(ValueKind kind, Affinity target) : m_kind(kind), m_target(target) {}

    // Converts a non-NULL value of `size` bytes at `data` (the buffer may be rewritten in
    // place). False when the text cannot be read as the kind says (`error` says why). When the
    // stored value does not keep the source's meaning, `lossReason` is set (a static text).
    bool convert(char* data, int size, SqlValue& out, const char** lossReason, QString* error);

    ValueKind kind() const { return m_kind; }

private:
    bool convertNumber(char* data, int size, SqlValue& out, const char** lossReason,
                       QString* error);

    ValueKind m_kind;
    Affinity m_target;
    std::string m_scratch;
};

// Reports and error messages show row values (a lossy conversion's first example, a failing
// row's primary key): never more than this many characters of one, so that a large value does
// not flood a CI log or a --json report.
constexpr int maxExampleChars = 80;
// `text` cut to maxExampleChars, with "…" when it was longer.
QString exampleText(const QString& text);
QString exampleText(const char* data, int size); // UTF-8

// The stored value as the report shows it: "123.45", "'text'", "x'00ff'" (bounded in length).
QString describeSqlValue(const SqlValue& value);

// Decodes COPY's text-format escapes (\t, \n, \\, \ooo, \xhh …) in place; returns the new size.
int unescapeCopyText(char* data, int size);

// True when two decimal numbers written in text ("12.50", "1.25e1") have the same value.
bool sameDecimal(const char* a, int aSize, const char* b, int bSize);

} // namespace strata
