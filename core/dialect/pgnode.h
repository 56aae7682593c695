#pragma once

// libpg_query's JSON parse tree, read once into a compact read-only tree. The JSON omits every
// zero-valued field (a false boolean, a 0 integer, an empty list), so every accessor returns the
// zero value for a field that is absent: callers never need to tell "missing" from "zero".
// Decoding is a single pass that points into the JSON text instead of copying it and puts nodes
// in blocks that the tree keeps for its next parse, which keeps translation close to the cost
// of the parse itself.

#include <QString>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace strata {

// 32 bytes, trivially constructible: blocks of nodes are not zeroed before the parser fills them.
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
    int size() const { return hasChildren() ? int(m_size) : 0; }
    std::string_view key() const { return std::string_view(m_key, m_keySize); }

    const PgNode* begin() const { return hasChildren() ? m_children : nullptr; }
    const PgNode* end() const { return hasChildren() ? m_children + m_size : nullptr; }

    std::string_view str() const { return m_kind == Kind::String ? text() : std::string_view(); }
    QString qstr() const { return QString::fromUtf8(str().data(), qsizetype(str().size())); }
    long long integer() const;
    bool boolean() const { return m_kind == Kind::Bool && m_size != 0; }
    // A number's text as written (e.g. "-1").
    std::string_view numberText() const { return m_kind == Kind::Number ? text() : std::string_view(); }

    // libpg_query wraps each node in an object with one member named after its type:
    // {"ColumnDef": {...}}. tag() is that name ("" for anything else), body() its value.
    std::string_view tag() const
    {
        return m_kind == Kind::Object && m_size == 1 ? m_children[0].key() : std::string_view();
    }
    const PgNode& body() const { return m_kind == Kind::Object && m_size == 1 ? m_children[0] : null(); }
    bool is(std::string_view tag) const { return this->tag() == tag; }

    static const PgNode& null();

private:
    friend class PgTree;
    bool hasChildren() const { return m_kind == Kind::Object || m_kind == Kind::Array; }
    std::string_view text() const { return std::string_view(m_text, m_size); }

    const char* m_key;
    union {
        const PgNode* m_children; // Object, Array
        const char* m_text;       // String, Number
    };
    std::uint32_t m_keySize;
    std::uint32_t m_size;         // children, text length, or a Bool's value
    Kind m_kind;
};

// Owns a decoded tree. The JSON text it was parsed from must outlive the tree's use (strings
// point into it). A tree can parse again: the previous tree is gone then, its blocks reused.
class PgTree final
{
public:
    PgTree() = default;
    PgTree(const PgTree&) = delete;
    PgTree& operator=(const PgTree&) = delete;

    // Decodes `json` (not copied). False on malformed input.
    bool parse(const char* json, std::size_t length);
    const PgNode& root() const { return m_root; }

private:
    struct Parser;
    PgNode* allocate(std::uint32_t count);

    std::deque<std::string> m_decoded; // strings that had escapes
    std::vector<std::unique_ptr<PgNode[]>> m_blocks;
    std::vector<std::uint32_t> m_blockSizes;
    std::size_t m_block = 0;     // the block being filled
    std::uint32_t m_blockUsed = 0;
    PgNode m_root{};
};

// A list of String nodes (names, qualified names) as text: ["public","users"].
QString pgStringAt(const PgNode& list, int index);
QString pgLastString(const PgNode& list);

} // namespace strata
