# `strata copy`: a PostgreSQL database's schema and rows into a SQLite / D1 one (docs/copy.md).
target_sources(strata_cli PRIVATE
  cli/clicopy.cpp
)
