# `strata copy`: a PostgreSQL database's schema and rows into a SQLite / D1 one (docs/copy.md).
target_include_directories(strata_core PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/copy)
target_sources(strata_core PRIVATE
  copy/valueconverter.h copy/valueconverter.cpp
  copy/pgcopysource.h copy/pgcopysource.cpp
  copy/copyschema.h copy/copyschema.cpp
  copy/sqlitecopytarget.h copy/sqlitecopytarget.cpp
  copy/datacopy.h copy/datacopy.cpp
)
target_sources(strata_cli PRIVATE
  cli/clicopy.cpp
)
