# PostgreSQL as a bound database: the schema model read from pg_catalog.
target_sources(strata_core PRIVATE
)
