#pragma once

// libpg_query's parse tree in the shape of its JSON output, as a compact read-only tree. The JSON
// omits every zero-valued field (a false boolean, a 0 integer, an empty list), so every accessor
// returns the zero value for a field that is absent: callers never need to tell "missing" from
// "zero". PgTree::parseSql reads the parser's C tree directly (pgrawtree.c) and falls back to
// writing and reading the JSON; both give the same tree. Nodes live in blocks that the tree
// keeps for its next parse, which keeps translation close to the cost of the parse itself.

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

    // Parses `sql` (NUL-terminated UTF-8) with libpg_query into this tree: {"version":…,
    // "stmts":[{"stmt":…,"stmt_location":…,"stmt_len":…}]}. False on a syntax error, with the
    // parser's message and its 1-based cursor position (0 when it has none).
    bool parseSql(const char* sql, std::string* message = nullptr, int* cursorpos = nullptr);
    // Decodes libpg_query's `json` (not copied: it must outlive the tree's use). False on
    // malformed input.
    bool parse(const char* json, std::size_t length);
    const PgNode& root() const { return m_root; }

    // Whether parseSql reads the C tree (false: libpg_query's C tree did not read back as its
    // own JSON on a sample of every kind the walk knows, so parseSql goes through the JSON).
    static bool readsCTree();
    // Parses `sql` both ways; true when the trees are the same, else the path of the first
    // difference in `difference`. For the tests, which hold the two readers to one tree.
    static bool sameBothWays(const char* sql, std::string* difference);

private:
    struct Parser;
    struct Builder;
    PgNode* allocate(std::uint32_t count);
    const char* keep(const char* text, std::size_t length); // a copy in the tree's text blocks
    void reset();
    bool decodeValue(const char* json, std::size_t length, PgNode& out); // one JSON value
    bool parseCTree(const char* sql, std::string* message, int* cursorpos, bool* walked);
    bool parseJson(const char* sql, std::string* message, int* cursorpos);

    std::deque<std::string> m_decoded; // strings that had escapes, JSON kept for the tree
    std::vector<std::unique_ptr<char[]>> m_text; // text copied out of the C tree
    std::size_t m_textBlock = 0;
    std::size_t m_textUsed = 0;
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
