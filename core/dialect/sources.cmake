# The PostgreSQL → SQLite / D1 dialect engine, on the real PostgreSQL parser (libpg_query).
target_sources(strata_core PRIVATE
  dialect/pgnode.h dialect/pgnode.cpp dialect/pgtreebuild.cpp
  dialect/pgrawtree.h dialect/pgrawtree.c
  dialect/dialecttranslator.h dialect/dialecttranslator.cpp
  dialect/translationcontext.h dialect/translationcontext.cpp
  dialect/shadowdatabase.h dialect/shadowdatabase.cpp
  dialect/typemapper.h dialect/typemapper.cpp
  dialect/expressiontranslator.h dialect/expressiontranslator.cpp
  dialect/selecttranslation.cpp
  dialect/tabletranslator.h dialect/tabletranslator.cpp
  dialect/objecttranslator.h dialect/objecttranslator.cpp
  dialect/dmltranslator.h dialect/dmltranslator.cpp
  dialect/altertranslator.h dialect/altertranslator.cpp
)

# pgrawtree.c reads libpg_query's C parse tree with PostgreSQL 15's own node headers (Debian's
# postgresql-server-dev-15; libpg_query 15 is that parser). Only this one C file sees them.
find_path(PG_SERVER_INCLUDE_DIR postgres.h PATHS /usr/include/postgresql/15/server
          NO_DEFAULT_PATH REQUIRED)
set_source_files_properties(dialect/pgrawtree.c PROPERTIES
  INCLUDE_DIRECTORIES "${PG_SERVER_INCLUDE_DIR}")
