# PostgreSQL as a bound database: connections (libpqxx), history, applying.
target_sources(strata_core PRIVATE
)
