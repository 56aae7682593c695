#ifndef STRATA_PGRAWTREE_H
#define STRATA_PGRAWTREE_H

/* The walk of libpg_query's C parse tree, in C because it needs PostgreSQL 15's own node headers
 * (postgresql-server-dev-15), which do not mix with Qt's. It reports the tree to a sink in the
 * shape libpg_query's JSON output has, field for field and in the same order, so that PgTree
 * reads the same tree without the JSON being written and read back. Node kinds the walk does
 * not know are handed over as libpg_query's own JSON for that node (pg_query_node_to_json). */

#ifdef __cplusplus
extern "C" {
#endif

typedef struct StrataPgSink
{
    void* self;
    /* An object ({) or, when `array`, an array ([) under `key` (NULL inside an array). */
    void (*open)(void* self, const char* key, unsigned keyLength, int array);
    void (*close)(void* self);
    /* `text` is copied unless `lasting` (a literal that lives as long as the program). */
    void (*string)(void* self, const char* key, unsigned keyLength, const char* text,
                   unsigned length, int lasting);
    void (*integer)(void* self, const char* key, unsigned keyLength, long long value);
    void (*boolean)(void* self, const char* key, unsigned keyLength);
    /* libpg_query's JSON of one node: {"Tag":{...}}; `unwrap` wants only the {...}. */
    void (*json)(void* self, const char* key, unsigned keyLength, const char* json, int unwrap);
} StrataPgSink;

/* Parses `sql` and walks every statement into `sink` as {"version":…,"stmts":[…]}. Returns 0
 * on success; on a syntax error returns 1 and, when `message` is given, a malloc'ed copy of
 * the parser's message (free it) and the 1-based cursor position (0 when unknown); returns 2
 * when the tree held a value the walk cannot name (the sink's tree is then incomplete). With
 * no sink the tree is only parsed and dropped (the benchmark's measure of the bare parser). */
int strata_pg_raw_parse(const char* sql, const StrataPgSink* sink, char** message,
                        int* cursorpos);

#ifdef __cplusplus
}
#endif

#endif
