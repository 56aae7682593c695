#include "pgnode.h"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace strata {

const PgNode& PgNode::null()
{
    static const PgNode n{};
    return n;
}

const PgNode& PgNode::operator[](std::string_view key) const
{
    if (m_kind != Kind::Object)
        return null();
    const std::size_t size = key.size();
    if (size == 0)
        return null();
    // The first character rules out most keys of the same length without a call.
    for (const PgNode* c = m_children; c != m_children + m_size; ++c)
        if (c->m_keySize == size && c->m_key[0] == key[0] &&
            std::memcmp(c->m_key, key.data(), size) == 0)
            return *c;
    return null();
}

const PgNode& PgNode::at(int i) const
{
    if (!hasChildren() || i < 0 || std::uint32_t(i) >= m_size)
        return null();
    return m_children[i];
}

long long PgNode::integer() const
{
    if (m_kind != Kind::Number)
        return 0;
    long long v = 0;
    std::from_chars(m_text, m_text + m_size, v);
    return v;
}

PgNode* PgTree::allocate(std::uint32_t count)
{
    if (count == 0)
        return nullptr;
    constexpr std::uint32_t blockSize = 8192;
    while (m_block < m_blocks.size() && m_blockUsed + count > m_blockSizes[m_block]) {
        ++m_block;
        m_blockUsed = 0;
    }
    if (m_block == m_blocks.size()) {
        const std::uint32_t size = std::max(blockSize, count);
        m_blocks.push_back(std::make_unique_for_overwrite<PgNode[]>(size));
        m_blockSizes.push_back(size);
        m_blockUsed = 0;
    }
    PgNode* p = m_blocks[m_block].get() + m_blockUsed;
    m_blockUsed += count;
    return p;
}

// A recursive-descent reader of the JSON libpg_query writes (no exotic forms; \u escapes are
// decoded, surrogate pairs included). Children of one object or array are gathered on a shared
// stack and then copied into one contiguous run of a block.
struct PgTree::Parser
{
    using Kind = PgNode::Kind;

    PgTree& tree;
    const char* p;
    const char* end;
    std::vector<PgNode> stack;
    bool ok = true;

    void skipSpace()
    {
        if (p < end && *p > ' ') // libpg_query writes no whitespace
            return;
        while (p < end && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r'))
            ++p;
    }

    static void appendUtf8(std::string& out, unsigned cp)
    {
        if (cp < 0x80) {
            out += char(cp);
        } else if (cp < 0x800) {
            out += char(0xC0 | (cp >> 6));
            out += char(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += char(0xE0 | (cp >> 12));
            out += char(0x80 | ((cp >> 6) & 0x3F));
            out += char(0x80 | (cp & 0x3F));
        } else {
            out += char(0xF0 | (cp >> 18));
            out += char(0x80 | ((cp >> 12) & 0x3F));
            out += char(0x80 | ((cp >> 6) & 0x3F));
            out += char(0x80 | (cp & 0x3F));
        }
    }

    unsigned hex4()
    {
        if (end - p < 4) {
            ok = false;
            return 0;
        }
        unsigned v = 0;
        for (int i = 0; i < 4; ++i) {
            const char c = *p++;
            v <<= 4;
            if (c >= '0' && c <= '9')
                v |= unsigned(c - '0');
            else if (c >= 'a' && c <= 'f')
                v |= unsigned(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                v |= unsigned(c - 'A' + 10);
            else
                ok = false;
        }
        return v;
    }

    std::string_view string()
    {
        ++p; // opening quote
        const char* start = p;
        while (p < end && *p != '"' && *p != '\\')
            ++p;
        if (p < end && *p == '"')
            return std::string_view(start, std::size_t(p++ - start));
        std::string out(start, std::size_t(p - start));
        while (p < end && *p != '"') {
            if (*p != '\\') {
                out += *p++;
                continue;
            }
            ++p;
            if (p >= end)
                break;
            const char c = *p++;
            switch (c) {
            case 'n': out += '\n'; break;
            case 't': out += '\t'; break;
            case 'r': out += '\r'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'u': {
                unsigned cp = hex4();
                if (cp >= 0xD800 && cp < 0xDC00 && end - p >= 6 && p[0] == '\\' && p[1] == 'u') {
                    p += 2;
                    const unsigned low = hex4();
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                }
                appendUtf8(out, cp);
                break;
            }
            default: out += c; break;
            }
        }
        if (p >= end) {
            ok = false;
            return {};
        }
        ++p;
        tree.m_decoded.push_back(std::move(out));
        return tree.m_decoded.back();
    }

    static void setText(PgNode& n, Kind kind, std::string_view text)
    {
        n.m_kind = kind;
        n.m_text = text.data();
        n.m_size = std::uint32_t(text.size());
    }

    // Fills every member of `n` but its key.
    void value(PgNode& n)
    {
        skipSpace();
        if (p >= end) {
            ok = false;
            return;
        }
        const char c = *p;
        if (c == '{' || c == '[') {
            const bool object = c == '{';
            const char close = object ? '}' : ']';
            n.m_kind = object ? Kind::Object : Kind::Array;
            n.m_children = nullptr;
            n.m_size = 0;
            ++p;
            const std::size_t base = stack.size();
            skipSpace();
            while (ok && p < end && *p != close) {
                std::string_view key;
                if (object) {
                    skipSpace();
                    if (p >= end || *p != '"') {
                        ok = false;
                        return;
                    }
                    key = string();
                    skipSpace();
                    if (p >= end || *p != ':') {
                        ok = false;
                        return;
                    }
                    ++p;
                }
                PgNode child;
                value(child);
                child.m_key = key.data();
                child.m_keySize = std::uint32_t(key.size());
                stack.push_back(child);
                skipSpace();
                if (p < end && *p == ',')
                    ++p;
                skipSpace();
            }
            if (p >= end) {
                ok = false;
                return;
            }
            ++p;
            const auto count = std::uint32_t(stack.size() - base);
            PgNode* children = tree.allocate(count);
            if (count > 0)
                std::memcpy(static_cast<void*>(children), stack.data() + base, count * sizeof(PgNode));
            stack.resize(base);
            n.m_children = children;
            n.m_size = count;
        } else if (c == '"') {
            setText(n, Kind::String, string());
        } else if (c == 't' || c == 'f') {
            n.m_kind = Kind::Bool;
            n.m_text = nullptr;
            n.m_size = c == 't' ? 1 : 0;
            p += c == 't' ? 4 : 5;
        } else if (c == 'n') {
            n.m_kind = Kind::Null;
            n.m_text = nullptr;
            n.m_size = 0;
            p += 4;
        } else {
            const char* start = p;
            while (p < end && (*p == '-' || *p == '+' || *p == '.' || *p == 'e' || *p == 'E' ||
                               (*p >= '0' && *p <= '9')))
                ++p;
            if (p == start) {
                ok = false;
                return;
            }
            setText(n, Kind::Number, std::string_view(start, std::size_t(p - start)));
        }
    }
};

void PgTree::reset()
{
    m_decoded.clear();
    m_block = 0;
    m_blockUsed = 0;
    m_textBlock = 0;
    m_textUsed = 0;
    m_root = PgNode{};
}

const char* PgTree::keep(const char* text, std::size_t length)
{
    constexpr std::size_t blockSize = 64 * 1024;
    if (length > blockSize / 4) {
        m_decoded.emplace_back(text, length);
        return m_decoded.back().data();
    }
    if (m_textBlock < m_text.size() && m_textUsed + length > blockSize) {
        ++m_textBlock;
        m_textUsed = 0;
    }
    if (m_textBlock == m_text.size())
        m_text.push_back(std::make_unique_for_overwrite<char[]>(blockSize));
    char* p = m_text[m_textBlock].get() + m_textUsed;
    std::memcpy(p, text, length);
    m_textUsed += length;
    return p;
}

bool PgTree::decodeValue(const char* json, std::size_t length, PgNode& out)
{
    Parser parser{*this, json, json + length, {}, true};
    parser.stack.reserve(64);
    out = PgNode{};
    parser.value(out);
    out.m_key = nullptr;
    out.m_keySize = 0;
    return parser.ok;
}

bool PgTree::parse(const char* json, std::size_t length)
{
    reset();
    if (!decodeValue(json, length, m_root)) {
        m_root = PgNode{};
        return false;
    }
    return true;
}

QString pgStringAt(const PgNode& list, int index)
{
    const PgNode& n = list.at(index);
    return n["String"]["sval"].qstr();
}

QString pgLastString(const PgNode& list)
{
    return list.size() > 0 ? pgStringAt(list, list.size() - 1) : QString();
}

} // namespace strata
