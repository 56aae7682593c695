#include "pgnode.h"

#include <charconv>

namespace strata {

const PgNode& PgNode::null()
{
    static const PgNode n;
    return n;
}

const PgNode& PgNode::operator[](std::string_view key) const
{
    if (m_kind != Kind::Object)
        return null();
    for (int i = 0; i < m_count; ++i)
        if (m_children[i].m_key == key)
            return m_children[i];
    return null();
}

const PgNode& PgNode::at(int i) const
{
    if ((m_kind != Kind::Array && m_kind != Kind::Object) || i < 0 || i >= m_count)
        return null();
    return m_children[i];
}

long long PgNode::integer() const
{
    if (m_kind != Kind::Number)
        return 0;
    long long v = 0;
    std::from_chars(m_text.data(), m_text.data() + m_text.size(), v);
    return v;
}

std::string_view PgNode::tag() const
{
    return m_kind == Kind::Object && m_count == 1 ? m_children[0].m_key : std::string_view();
}

const PgNode& PgNode::body() const
{
    return m_kind == Kind::Object && m_count == 1 ? m_children[0] : null();
}

PgNode* PgTree::allocate(int count)
{
    if (count == 0)
        return nullptr;
    if (m_blockUsed + count > m_blockSize) {
        m_blockSize = std::max(m_nextBlockSize, count);
        m_nextBlockSize = 4096;
        m_blocks.push_back(std::make_unique<PgNode[]>(std::size_t(m_blockSize)));
        m_blockUsed = 0;
    }
    PgNode* p = m_blocks.back().get() + m_blockUsed;
    m_blockUsed += count;
    return p;
}

// A recursive-descent reader of the JSON libpg_query writes (no exotic forms; \u escapes are
// decoded, surrogate pairs included). Children of one object or array are gathered on a shared
// stack and then moved into one contiguous block.
struct PgTree::Parser
{
    PgTree& tree;
    const char* p;
    const char* end;
    std::vector<PgNode> stack;
    bool ok = true;

    void skipSpace()
    {
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
            n.m_kind = object ? Kind::Object : Kind::Array;
            ++p;
            const std::size_t base = stack.size();
            skipSpace();
            while (ok && p < end && *p != (object ? '}' : ']')) {
                PgNode child;
                if (object) {
                    skipSpace();
                    if (p >= end || *p != '"') {
                        ok = false;
                        return;
                    }
                    child.m_key = string();
                    skipSpace();
                    if (p >= end || *p != ':') {
                        ok = false;
                        return;
                    }
                    ++p;
                }
                value(child);
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
            const int count = int(stack.size() - base);
            PgNode* children = tree.allocate(count);
            for (int i = 0; i < count; ++i)
                children[i] = stack[base + std::size_t(i)];
            stack.resize(base);
            n.m_children = children;
            n.m_count = count;
        } else if (c == '"') {
            n.m_kind = Kind::String;
            n.m_text = string();
        } else if (c == 't' || c == 'f') {
            n.m_kind = Kind::Bool;
            n.m_text = c == 't' ? "t" : "f";
            p += c == 't' ? 4 : 5;
        } else if (c == 'n') {
            n.m_kind = Kind::Null;
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
            n.m_kind = Kind::Number;
            n.m_text = std::string_view(start, std::size_t(p - start));
        }
    }

    using Kind = PgNode::Kind;
};

bool PgTree::parse(const char* json, std::size_t length)
{
    m_json.assign(json, length);
    // Every value but the root follows a ':', a ',' or a '[': their count (strings may add some)
    // bounds the nodes, so one block of that size holds the whole tree.
    std::size_t bound = 1;
    for (const char c : m_json)
        bound += c == ':' || c == ',' || c == '[';
    m_nextBlockSize = int(std::min<std::size_t>(bound, 1 << 20));
    Parser parser{*this, m_json.data(), m_json.data() + m_json.size(), {}, true};
    parser.stack.reserve(256);
    m_root = PgNode();
    parser.value(m_root);
    return parser.ok;
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
