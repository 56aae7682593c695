# PostgreSQL as a bound database: connections (libpqxx), history, applying, the catalog reader.
target_sources(strata_core PRIVATE
)
