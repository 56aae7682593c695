# The PostgreSQL → SQLite / D1 dialect engine, on the real PostgreSQL parser (libpg_query).
target_sources(strata_core PRIVATE
  dialect/pgnode.h dialect/pgnode.cpp
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
