# The PostgreSQL → SQLite / D1 dialect engine, on the real PostgreSQL parser (libpg_query).
target_sources(strata_core PRIVATE
)
