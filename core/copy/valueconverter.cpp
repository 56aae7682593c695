#include "valueconverter.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace strata {
namespace {

const char* const lossNaN = "NaN has no SQLite number: stored as the text 'NaN'";
const char* const lossDigits =
    "more significant digits than a REAL (8-byte float) keeps: stored rounded";
const char* const lossDate =
    "a date SQLite's date functions cannot read (infinity, BC or a year past 9999): stored as "
    "PostgreSQL prints it";
const char* const lossMidnight =
    "24:00:00, which SQLite's time functions cannot read: stored as PostgreSQL prints it";
const char* const lossBounds =
    "an array whose lower bound is not 1: the JSON array keeps the elements, not the bounds";

// The array's dimensions when copyExpression() put them in front of its JSON, as PostgreSQL
// writes them: "[0:1]=[\"a\",\"b\"]"; 0 when the value is plain JSON. After "[" a JSON array
// holds a value, never a number followed by ':', so the two cannot be confused.
int boundsPrefixSize(const char* s, int size)
{
    int i = 1;
    if (size < 2 || s[0] != '[')
        return 0;
    if (s[i] == '-')
        ++i;
    const int digitsFrom = i;
    while (i < size && s[i] >= '0' && s[i] <= '9')
        ++i;
    if (i == digitsFrom || i >= size || s[i] != ':')
        return 0;
    const char* equals = static_cast<const char*>(std::memchr(s, '=', size_t(size)));
    return equals ? int(equals - s) + 1 : 0;
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

bool digitsAt(const char* s, int from, int to)
{
    for (int i = from; i < to; ++i)
        if (!isDigit(s[i]))
            return false;
    return true;
}

// "YYYY-MM-DD"
bool isIsoDate(const char* s, int size)
{
    return size >= 10 && digitsAt(s, 0, 4) && s[4] == '-' && digitsAt(s, 5, 7) && s[7] == '-' &&
           digitsAt(s, 8, 10);
}

// "YYYY-MM-DD HH:MM:SS[.ffffff]"
bool isIsoTimestamp(const char* s, int size)
{
    if (size < 19 || !isIsoDate(s, size) || s[10] != ' ' || !digitsAt(s, 11, 13) || s[13] != ':' ||
        !digitsAt(s, 14, 16) || s[16] != ':' || !digitsAt(s, 17, 19))
        return false;
    if (size == 19)
        return true;
    return s[19] == '.' && size > 20 && digitsAt(s, 20, size);
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// A decimal number's value as (sign, significant digits, exponent of the first digit).
struct Decimal
{
    bool negative = false;
    std::string digits; // no leading or trailing zeros; empty for zero
    long exponent = 0;
    bool valid = true;
};

Decimal parseDecimal(const char* s, int size)
{
    Decimal d;
    int i = 0;
    if (i < size && (s[i] == '-' || s[i] == '+'))
        d.negative = s[i++] == '-';
    long pointPosition = -1;
    long count = 0; // digits read, leading zeros included
    long firstNonZero = -1;
    std::string all;
    for (; i < size; ++i) {
        if (isDigit(s[i])) {
            if (firstNonZero < 0 && s[i] != '0')
                firstNonZero = count;
            all.push_back(s[i]);
            ++count;
        } else if (s[i] == '.' && pointPosition < 0) {
            pointPosition = count;
        } else {
            break;
        }
    }
    long exponent = 0;
    if (i < size && (s[i] == 'e' || s[i] == 'E')) {
        char* end = nullptr;
        const std::string rest(s + i + 1, s + size);
        exponent = std::strtol(rest.c_str(), &end, 10);
        i = size - int(rest.size() - (end - rest.c_str()));
    }
    d.valid = i == size && count > 0;
    if (pointPosition < 0)
        pointPosition = count;
    if (firstNonZero < 0) // zero
        return d;
    size_t last = all.find_last_not_of('0');
    d.digits = all.substr(size_t(firstNonZero), last + 1 - size_t(firstNonZero));
    d.exponent = pointPosition - firstNonZero - 1 + exponent;
    return d;
}

} // namespace

ValueKind valueKindOf(const QString& typeName, char typtype, char category)
{
    if (category == 'A')
        return ValueKind::Array;
    if (typtype == 'e')
        return ValueKind::Enum;
    static const struct
    {
        const char* name;
        ValueKind kind;
    } names[] = {
        {"bool", ValueKind::Boolean},        {"int2", ValueKind::Integer},
        {"int4", ValueKind::Integer},        {"int8", ValueKind::Integer},
        {"oid", ValueKind::Integer},         {"float4", ValueKind::Float},
        {"float8", ValueKind::Float},        {"numeric", ValueKind::Numeric},
        {"money", ValueKind::Money},         {"timestamptz", ValueKind::TimestampTz},
        {"timestamp", ValueKind::Timestamp}, {"date", ValueKind::Date},
        {"time", ValueKind::Time},           {"timetz", ValueKind::TimeTz},
        {"interval", ValueKind::Interval},   {"uuid", ValueKind::Uuid},
        {"json", ValueKind::Json},           {"jsonb", ValueKind::Jsonb},
        {"bytea", ValueKind::Bytea},         {"text", ValueKind::Text},
        {"varchar", ValueKind::Text},        {"bpchar", ValueKind::Text},
        {"char", ValueKind::Text},           {"name", ValueKind::Text},
        {"citext", ValueKind::Text},
    };
    for (const auto& n : names)
        if (typeName == QLatin1String(n.name))
            return n.kind;
    return ValueKind::Other;
}

QString valueKindName(ValueKind kind)
{
    switch (kind) {
    case ValueKind::Boolean:
        return QStringLiteral("boolean");
    case ValueKind::Integer:
        return QStringLiteral("integer");
    case ValueKind::Float:
        return QStringLiteral("float");
    case ValueKind::Numeric:
        return QStringLiteral("numeric");
    case ValueKind::Money:
        return QStringLiteral("money");
    case ValueKind::TimestampTz:
        return QStringLiteral("timestamptz");
    case ValueKind::Timestamp:
        return QStringLiteral("timestamp");
    case ValueKind::Date:
        return QStringLiteral("date");
    case ValueKind::Time:
        return QStringLiteral("time");
    case ValueKind::TimeTz:
        return QStringLiteral("timetz");
    case ValueKind::Interval:
        return QStringLiteral("interval");
    case ValueKind::Uuid:
        return QStringLiteral("uuid");
    case ValueKind::Json:
        return QStringLiteral("json");
    case ValueKind::Jsonb:
        return QStringLiteral("jsonb");
    case ValueKind::Bytea:
        return QStringLiteral("bytea");
    case ValueKind::Array:
        return QStringLiteral("array");
    case ValueKind::Enum:
        return QStringLiteral("enum");
    case ValueKind::Text:
        return QStringLiteral("text");
    case ValueKind::Other:
        return QStringLiteral("other");
    }
    return {};
}

QString copyExpression(ValueKind kind, const QString& column)
{
    switch (kind) {
    case ValueKind::Money:
        return column + QStringLiteral("::numeric"); // no currency format
    case ValueKind::Array:
        // to_json drops the bounds of an array that does not start at 1 ('[0:1]={a,b}'): such
        // a value comes with its dimensions in front, so that the loss can be reported.
        return QStringLiteral("CASE WHEN array_dims(%1) ~ '\\[(?!1:)' THEN array_dims(%1) || "
                              "'=' || to_json(%1)::text ELSE to_json(%1)::text END")
            .arg(column);
    default:
        return column;
    }
}

Affinity affinityFromName(const QString& affinity)
{
    if (affinity == QLatin1String("INTEGER"))
        return Affinity::Integer;
    if (affinity == QLatin1String("REAL"))
        return Affinity::Real;
    if (affinity == QLatin1String("TEXT"))
        return Affinity::Text;
    if (affinity == QLatin1String("BLOB"))
        return Affinity::Blob;
    return Affinity::Numeric;
}

bool ValueConverter::convert(char* data, int size, SqlValue& out, const char** lossReason,
                             QString* error)
{
    auto text = [&](const char* p, int n) {
        out.type = SqlValue::Type::Text;
        out.data = p;
        out.size = n;
        return true;
    };
    switch (m_kind) {
    case ValueKind::Boolean:
        if (size == 1 && (data[0] == 't' || data[0] == 'f')) {
            out.type = SqlValue::Type::Integer;
            out.integer = data[0] == 't' ? 1 : 0;
            return true;
        }
        *error = QStringLiteral("not a boolean: %1").arg(exampleText(data, size));
        return false;
    case ValueKind::Integer:
    case ValueKind::Float:
    case ValueKind::Numeric:
    case ValueKind::Money:
        if (m_target == Affinity::Text)
            return text(data, size); // exact as PostgreSQL prints it
        return convertNumber(data, size, out, lossReason, error);
    case ValueKind::TimestampTz:
        // In UTC (the session's time zone) PostgreSQL appends "+00": SQLite's own format has
        // no suffix, and CURRENT_TIMESTAMP defaults write that format, so rows sort together.
        if (size > 3 && std::memcmp(data + size - 3, "+00", 3) == 0 &&
            isIsoTimestamp(data, size - 3))
            return text(data, size - 3);
        *lossReason = lossDate;
        return text(data, size);
    case ValueKind::Timestamp:
        if (!isIsoTimestamp(data, size))
            *lossReason = lossDate;
        return text(data, size);
    case ValueKind::Date:
        if (size != 10 || !isIsoDate(data, size))
            *lossReason = lossDate;
        return text(data, size);
    case ValueKind::Time:
        if (size >= 3 && std::memcmp(data, "24:", 3) == 0)
            *lossReason = lossMidnight;
        return text(data, size);
    case ValueKind::Array:
        if (const int prefix = boundsPrefixSize(data, size)) {
            *lossReason = lossBounds;
            return text(data + prefix, size - prefix);
        }
        return text(data, size);
    case ValueKind::TimeTz: {
        if (size >= 3 && std::memcmp(data, "24:", 3) == 0)
            *lossReason = lossMidnight;
        // "04:05:06+02" → "04:05:06+02:00": SQLite reads an offset only as ±HH:MM.
        const char* sign = nullptr;
        for (int i = size - 1; i > 0; --i)
            if (data[i] == '+' || data[i] == '-') {
                sign = data + i;
                break;
            }
        if (sign && data + size - sign == 3) {
            m_scratch.assign(data, size_t(size));
            m_scratch.append(":00");
            return text(m_scratch.data(), int(m_scratch.size()));
        }
        return text(data, size);
    }
    case ValueKind::Bytea: {
        if (size < 2 || data[0] != '\\' || data[1] != 'x' || (size - 2) % 2 != 0) {
            *error = QStringLiteral("bytea not in hex format");
            return false;
        }
        const int n = (size - 2) / 2;
        for (int i = 0; i < n; ++i) {
            const int hi = hexValue(data[2 + 2 * i]), lo = hexValue(data[3 + 2 * i]);
            if (hi < 0 || lo < 0) {
                *error = QStringLiteral("bytea with a character that is not hexadecimal");
                return false;
            }
            data[i] = char(hi * 16 + lo);
        }
        out.type = SqlValue::Type::Blob;
        out.data = data;
        out.size = n;
        return true;
    }
    case ValueKind::Interval:
    case ValueKind::Uuid:
    case ValueKind::Json:
    case ValueKind::Jsonb:
    case ValueKind::Enum:
    case ValueKind::Text:
    case ValueKind::Other:
        return text(data, size);
    }
    return text(data, size);
}

bool ValueConverter::convertNumber(char* data, int size, SqlValue& out, const char** lossReason,
                                   QString* error)
{
    // Integers: exact in SQLite's 64-bit INTEGER.
    if (m_kind == ValueKind::Integer || m_kind == ValueKind::Numeric ||
        m_kind == ValueKind::Money) {
        std::int64_t v = 0;
        const auto [end, ec] = std::from_chars(data, data + size, v);
        if (ec == std::errc() && end == data + size) {
            out.type = SqlValue::Type::Integer;
            out.integer = v;
            return true;
        }
        if (m_kind == ValueKind::Integer) {
            *error = QStringLiteral("not an integer: %1").arg(exampleText(data, size));
            return false;
        }
    }
    if (size == 3 && std::memcmp(data, "NaN", 3) == 0) {
        *lossReason = lossNaN;
        out.type = SqlValue::Type::Text;
        out.data = data;
        out.size = size;
        return true;
    }
    char* end = nullptr;
    const double d = std::strtod(data, &end); // data[size] is the field's terminating NUL
    if (end != data + size) {
        *error = QStringLiteral("not a number: %1").arg(exampleText(data, size));
        return false;
    }
    out.type = SqlValue::Type::Real;
    out.real = d;
    // float4 / float8 print the shortest text that reads back as the same value: exact. A
    // numeric can hold more digits than a double: check that the double says the same number.
    if ((m_kind == ValueKind::Numeric || m_kind == ValueKind::Money) && std::isfinite(d)) {
        char buffer[32];
        const auto r = std::to_chars(buffer, buffer + sizeof buffer, d);
        if (!sameDecimal(data, size, buffer, int(r.ptr - buffer)))
            *lossReason = lossDigits;
    }
    return true;
}

bool sameDecimal(const char* a, int aSize, const char* b, int bSize)
{
    const Decimal x = parseDecimal(a, aSize), y = parseDecimal(b, bSize);
    if (!x.valid || !y.valid)
        return false;
    if (x.digits.empty() || y.digits.empty())
        return x.digits.empty() && y.digits.empty();
    return x.negative == y.negative && x.digits == y.digits && x.exponent == y.exponent;
}

QString exampleText(const QString& text)
{
    if (text.size() <= maxExampleChars)
        return text;
    // Not between the two halves of a surrogate pair.
    const int cut =
        text.at(maxExampleChars - 1).isHighSurrogate() ? maxExampleChars - 1 : maxExampleChars;
    return text.left(cut) + QStringLiteral("…");
}

QString exampleText(const char* data, int size)
{
    // Enough bytes for maxExampleChars characters of any UTF-8: no need to decode a huge value.
    return exampleText(QString::fromUtf8(data, std::min(size, 4 * maxExampleChars + 4)) +
                       (size > 4 * maxExampleChars + 4 ? QStringLiteral("…") : QString()));
}

QString describeSqlValue(const SqlValue& v)
{
    switch (v.type) {
    case SqlValue::Type::Null:
        return QStringLiteral("NULL");
    case SqlValue::Type::Integer:
        return QString::number(v.integer);
    case SqlValue::Type::Real: {
        char buffer[32];
        // Large values in scientific notation, as SQLite shows them.
        const auto r = std::fabs(v.real) >= 1e15
                           ? std::to_chars(buffer, buffer + sizeof buffer, v.real,
                                           std::chars_format::scientific)
                           : std::to_chars(buffer, buffer + sizeof buffer, v.real);
        return QString::fromLatin1(buffer, int(r.ptr - buffer));
    }
    case SqlValue::Type::Text:
        return QLatin1Char('\'') + exampleText(v.data, v.size) + QLatin1Char('\'');
    case SqlValue::Type::Blob:
        return QStringLiteral("x'%1'%2").arg(
            QString::fromLatin1(QByteArray(v.data, std::min(v.size, maxExampleChars / 2)).toHex()),
            v.size > maxExampleChars / 2 ? QStringLiteral("…") : QString());
    }
    return {};
}

int unescapeCopyText(char* data, int size)
{
    int out = 0;
    for (int i = 0; i < size; ++i) {
        char c = data[i];
        if (c != '\\' || i + 1 >= size) {
            data[out++] = c;
            continue;
        }
        c = data[++i];
        switch (c) {
        case 'b':
            data[out++] = '\b';
            break;
        case 'f':
            data[out++] = '\f';
            break;
        case 'n':
            data[out++] = '\n';
            break;
        case 'r':
            data[out++] = '\r';
            break;
        case 't':
            data[out++] = '\t';
            break;
        case 'v':
            data[out++] = '\v';
            break;
        case 'x': {
            int value = 0, digits = 0;
            while (digits < 2 && i + 1 < size && hexValue(data[i + 1]) >= 0) {
                value = value * 16 + hexValue(data[++i]);
                ++digits;
            }
            data[out++] = digits ? char(value) : 'x';
            break;
        }
        default:
            if (c >= '0' && c <= '7') {
                int value = c - '0', digits = 1;
                while (digits < 3 && i + 1 < size && data[i + 1] >= '0' && data[i + 1] <= '7') {
                    value = value * 8 + (data[++i] - '0');
                    ++digits;
                }
                data[out++] = char(value);
            } else {
                data[out++] = c; // "\\" and any other escaped character: itself
            }
        }
    }
    return out;
}

} // namespace strata
