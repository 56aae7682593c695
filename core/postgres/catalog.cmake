# PostgreSQL as a bound database: the schema model read from pg_catalog, and the schema history
# of postgres migrations replayed into a scratch database on the server.
target_sources(strata_core PRIVATE
  postgres/pgschemareader.h postgres/pgschemareader.cpp
  postgres/pgschemahistory.h postgres/pgschemahistory.cpp
)
