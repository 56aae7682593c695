// PgTree::parseSql: libpg_query's C parse tree walked into PgNodes (pgrawtree.c reports it in
// the shape of the JSON), or, when that walk is not to be trusted, the JSON written and read.

#include "pgnode.h"
#include "pgrawtree.h"

#include <pg_query.h>

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace strata {

// Receives the walk. Finished nodes wait on `stack` until their container closes; the
// container then takes them as one contiguous run of a block, as the JSON reader does.
struct PgTree::Builder
{
    PgTree& tree;
    std::vector<PgNode> stack;
    std::vector<PgNode> open;            // containers being filled (key and kind set)
    std::vector<std::size_t> bases;      // where each open container's children start on stack
    bool ok = true;

    static PgNode keyed(const char* key, unsigned keyLength, PgNode::Kind kind)
    {
        PgNode n{};
        n.m_key = key;
        n.m_keySize = keyLength;
        n.m_kind = kind;
        return n;
    }

    void push(const PgNode& n)
    {
        if (open.empty())
            tree.m_root = n;
        else
            stack.push_back(n);
    }

    static Builder& of(void* self) { return *static_cast<Builder*>(self); }

    static void onOpen(void* self, const char* key, unsigned keyLength, int array)
    {
        Builder& b = of(self);
        b.open.push_back(keyed(key, keyLength, array ? PgNode::Kind::Array : PgNode::Kind::Object));
        b.bases.push_back(b.stack.size());
    }

    static void onClose(void* self)
    {
        Builder& b = of(self);
        PgNode n = b.open.back();
        const std::size_t base = b.bases.back();
        b.open.pop_back();
        b.bases.pop_back();
        const auto count = std::uint32_t(b.stack.size() - base);
        PgNode* children = b.tree.allocate(count);
        if (count > 0)
            std::memcpy(static_cast<void*>(children), b.stack.data() + base, count * sizeof(PgNode));
        b.stack.resize(base);
        n.m_children = children;
        n.m_size = count;
        b.push(n);
    }

    static void onString(void* self, const char* key, unsigned keyLength, const char* text,
                         unsigned length, int lasting)
    {
        Builder& b = of(self);
        PgNode n = keyed(key, keyLength, PgNode::Kind::String);
        n.m_text = lasting ? text : b.tree.keep(text, length);
        n.m_size = length;
        b.push(n);
    }

    static void onInteger(void* self, const char* key, unsigned keyLength, long long value)
    {
        Builder& b = of(self);
        char digits[24];
        const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
        PgNode n = keyed(key, keyLength, PgNode::Kind::Number);
        n.m_size = std::uint32_t(end - digits);
        n.m_text = b.tree.keep(digits, n.m_size);
        b.push(n);
    }

    static void onBoolean(void* self, const char* key, unsigned keyLength)
    {
        PgNode n = keyed(key, keyLength, PgNode::Kind::Bool);
        n.m_text = nullptr;
        n.m_size = 1;
        of(self).push(n);
    }

    // libpg_query's JSON for one node; it lives in the parser's memory, so it is kept first.
    static void onJson(void* self, const char* key, unsigned keyLength, const char* json,
                       int unwrap)
    {
        Builder& b = of(self);
        const std::string& kept = b.tree.m_decoded.emplace_back(json);
        PgNode n{};
        if (!b.tree.decodeValue(kept.data(), kept.size(), n))
            b.ok = false;
        if (unwrap)
            n = n.body();
        n.m_key = key;
        n.m_keySize = keyLength;
        b.push(n);
    }
};

bool PgTree::parseCTree(const char* sql, std::string* message, int* cursorpos, bool* walked)
{
    reset();
    Builder builder{*this, {}, {}, {}, true};
    builder.stack.reserve(256);
    const StrataPgSink sink{&builder,        &Builder::onOpen,    &Builder::onClose,
                            &Builder::onString, &Builder::onInteger, &Builder::onBoolean,
                            &Builder::onJson};
    char* error = nullptr;
    int position = 0;
    const int outcome = strata_pg_raw_parse(sql, &sink, &error, &position);
    *walked = outcome != 2 && builder.ok;
    if (outcome == 1) {
        if (message)
            *message = error ? error : "";
        if (cursorpos)
            *cursorpos = position;
    }
    std::free(error);
    if (outcome != 0)
        m_root = PgNode{};
    return outcome == 0 && builder.ok;
}

bool PgTree::parseJson(const char* sql, std::string* message, int* cursorpos)
{
    reset();
    PgQueryParseResult parsed = pg_query_parse(sql);
    bool ok = false;
    if (parsed.error) {
        if (message)
            *message = parsed.error->message ? parsed.error->message : "";
        if (cursorpos)
            *cursorpos = parsed.error->cursorpos;
    } else {
        const std::string& json = m_decoded.emplace_back(parsed.parse_tree);
        ok = decodeValue(json.data(), json.size(), m_root);
    }
    pg_query_free_parse_result(parsed);
    return ok;
}

bool PgTree::parseSql(const char* sql, std::string* message, int* cursorpos)
{
    if (readsCTree()) {
        bool walked = false;
        const bool ok = parseCTree(sql, message, cursorpos, &walked);
        if (walked)
            return ok;
    }
    return parseJson(sql, message, cursorpos);
}

namespace {

bool sameNode(const PgNode& a, const PgNode& b, std::string& path)
{
    // `path` is built from the leaf up: each caller puts its step in front.
    if (a.kind() != b.kind() || a.key() != b.key()) {
        path = a.kind() != b.kind() ? " (kind)" : " (key)";
        return false;
    }
    if (a.str() != b.str() || a.numberText() != b.numberText() || a.boolean() != b.boolean() ||
        a.size() != b.size()) {
        path = " (value)";
        return false;
    }
    for (int i = 0; i < a.size(); ++i) {
        const std::string_view step = a.isArray() ? std::string_view("[]") : a.at(i).key();
        if (!sameNode(a.at(i), b.at(i), path)) {
            path.insert(0, std::string("/") + std::string(step) +
                               (a.isArray() ? std::to_string(i) : std::string()));
            return false;
        }
    }
    return true;
}

// One statement of every kind the C walk writes itself, each with the fields it can carry.
constexpr const char* kSample =
    "CREATE TYPE s.mood AS ENUM ('sad', 'ok');"
    "CREATE UNLOGGED TABLE IF NOT EXISTS s.t (id bigserial PRIMARY KEY, "
    "a varchar(12) NOT NULL DEFAULT 'x'::text COLLATE \"C\", b int[3] UNIQUE NULLS NOT DISTINCT, "
    "c numeric(12,-2) CHECK (c > -1.5 AND NOT (c IS NULL OR c BETWEEN 0 AND 1)), "
    "d boolean DEFAULT false, e bit(3) DEFAULT B'101', f int GENERATED ALWAYS AS IDENTITY, "
    "g text GENERATED ALWAYS AS (upper(a)) STORED, "
    "p bigint REFERENCES s.p (id) MATCH FULL ON DELETE SET NULL ON UPDATE CASCADE DEFERRABLE "
    "INITIALLY DEFERRED, CONSTRAINT k UNIQUE (a, b) INCLUDE (c), "
    "FOREIGN KEY (a, b) REFERENCES q (x, y) ON DELETE CASCADE) WITH (fillfactor = 70);"
    "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON ONLY s.t USING btree "
    "(lower(a) DESC NULLS LAST, b text_pattern_ops, count(*), coalesce(a, 'z')) "
    "INCLUDE (c) WHERE d AND e IS NOT NULL;"
    "ALTER TABLE IF EXISTS ONLY s.t ADD COLUMN IF NOT EXISTS n varchar(200) NOT NULL, "
    "ALTER COLUMN a TYPE text USING a::text, ALTER COLUMN a SET DEFAULT now(), "
    "ALTER COLUMN a DROP NOT NULL, DROP COLUMN q CASCADE, ADD CONSTRAINT c2 CHECK (c >= 0) "
    "NOT VALID, DROP CONSTRAINT IF EXISTS c3, ALTER COLUMN b SET STATISTICS -1, "
    "OWNER TO someone;"
    "SELECT *, t.a, 1, 0, true, NULL FROM t AS x(a) WHERE a = ANY (ARRAY[1, 2])";

} // namespace

bool PgTree::sameBothWays(const char* sql, std::string* difference)
{
    PgTree fromC;
    PgTree fromJson;
    std::string cMessage;
    std::string jsonMessage;
    int cPosition = 0;
    int jsonPosition = 0;
    bool walked = false;
    const bool cOk = fromC.parseCTree(sql, &cMessage, &cPosition, &walked);
    const bool jsonOk = fromJson.parseJson(sql, &jsonMessage, &jsonPosition);
    std::string path;
    if (!walked)
        path = "(the C tree held a value the walk cannot name)";
    else if (cOk != jsonOk || cMessage != jsonMessage || cPosition != jsonPosition)
        path = "(the parse outcome differs)";
    else if (cOk)
        sameNode(fromC.root()["stmts"], fromJson.root()["stmts"], path);
    if (difference)
        *difference = path;
    return path.empty();
}

bool PgTree::readsCTree()
{
    static std::once_flag checked;
    static bool usable = false;
    std::call_once(checked, [] { usable = sameBothWays(kSample, nullptr); });
    return usable;
}

} // namespace strata
