# PostgreSQL as a bound database: connections (libpqxx, and libpq for applying), history, applying.
target_sources(strata_core PRIVATE
  postgres/pgconnection.h postgres/pgconnection.cpp
  postgres/pgsession.h postgres/pgsession.cpp
)
# libpq directly: the applier needs the server's error fields (pgsession.h).
find_package(PkgConfig REQUIRED)
pkg_check_modules(PQ REQUIRED IMPORTED_TARGET GLOBAL libpq)
target_link_libraries(strata_core PRIVATE PkgConfig::PQ)
target_sources(strata_core PRIVATE
  postgres/pghistory.h postgres/pghistory.cpp
  postgres/pgapplier.h postgres/pgapplier.cpp
)
