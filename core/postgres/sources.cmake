# The PostgreSQL parser's statement splitter (libpg_query), shared by the applier and the
# dialect engine.
target_sources(strata_core PRIVATE
  postgres/pgsplitter.h postgres/pgsplitter.cpp
)
