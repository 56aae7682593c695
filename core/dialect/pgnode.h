#pragma once

// libpg_query's JSON parse tree, read once into a compact read-only tree. The JSON omits every
// zero-valued field (a false boolean, a 0 integer, an empty list), so every accessor returns the
// zero value for a field that is absent: callers never need to tell "missing" from "zero".
// Decoding is a single pass without per-node heap allocations, which keeps translation close to
// the cost of the parse itself.

#include <QString>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace strata {

class PgNode final
{
public:
    enum class Kind : std::uint8_t { Null, Bool, Number, String, Object, Array };

    Kind kind() const { return m_kind; }
    bool isNull() const { return m_kind == Kind::Null; }
    bool isObject() const { return m_kind == Kind::Object; }
    bool isArray() const { return m_kind == Kind::Array; }

    // An object's member; the shared null node when absent (or when this is not an object).
    const PgNode& operator[](std::string_view key) const;
    const PgNode& operator[](const char* key) const { return (*this)[std::string_view(key)]; }
    // An array's element (or an object's member by position); null node when out of range.
    const PgNode& at(int i) const;
    int size() const { return m_count; }
    std::string_view key() const { return m_key; }

    const PgNode* begin() const { return m_children; }
    const PgNode* end() const { return m_children + m_count; }

    std::string_view str() const { return m_kind == Kind::String ? m_text : std::string_view(); }
    QString qstr() const { return QString::fromUtf8(str().data(), qsizetype(str().size())); }
    long long integer() const;
    bool boolean() const { return m_kind == Kind::Bool && m_text == "t"; }
    // A number's text as written (e.g. "-1").
    std::string_view numberText() const { return m_kind == Kind::Number ? m_text : std::string_view(); }

    // libpg_query wraps each node in an object with one member named after its type:
    // {"ColumnDef": {...}}. tag() is that name ("" for anything else), body() its value.
    std::string_view tag() const;
    const PgNode& body() const;
    bool is(std::string_view tag) const { return this->tag() == tag; }

    static const PgNode& null();

private:
    friend class PgTree;
    Kind m_kind = Kind::Null;
    int m_count = 0;
    const PgNode* m_children = nullptr;
    std::string_view m_key;
    std::string_view m_text;
};

// Owns a decoded tree and the text its strings point into.
class PgTree final
{
public:
    PgTree() = default;
    PgTree(const PgTree&) = delete;
    PgTree& operator=(const PgTree&) = delete;

    // Decodes `json` (copied). False on malformed input.
    bool parse(const char* json, std::size_t length);
    const PgNode& root() const { return m_root; }

private:
    struct Parser;
    PgNode* allocate(int count);

    std::string m_json;
    std::deque<std::string> m_decoded; // strings that had escapes
    std::vector<std::unique_ptr<PgNode[]>> m_blocks;
    int m_blockUsed = 0;
    int m_blockSize = 0;
    int m_nextBlockSize = 4096;
    PgNode m_root;
};

// A list of String nodes (names, qualified names) as text: ["public","users"].
QString pgStringAt(const PgNode& list, int index);
QString pgLastString(const PgNode& list);

} // namespace strata
