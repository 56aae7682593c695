# The table rebuild for the ALTER TABLE forms SQLite lacks.
target_sources(strata_core PRIVATE
  dialect/tablerebuild.h dialect/tablerebuild.cpp
  dialect/sqlitecreatetable.h dialect/sqlitecreatetable.cpp
  dialect/ddlschema.h dialect/ddlschema.cpp
)
