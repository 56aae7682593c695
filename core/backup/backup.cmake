# Backups and restores of SQLite and D1 local databases and of PostgreSQL (pg_dump / pg_restore
# run as programs) (docs/backups.md). SHA-256 comes from
# OpenSSL's libcrypto: with the CPU's SHA extensions it keeps pace with a 1 GB copy, which Qt's
# own implementation does not.
find_package(OpenSSL REQUIRED COMPONENTS Crypto)
target_sources(strata_core PRIVATE
  backup/fileops.h backup/fileops.cpp
  backup/sqlitefilecheck.h backup/sqlitefilecheck.cpp
  backup/backupmanifest.h backup/backupmanifest.cpp
  backup/backupstore.h backup/backupstore.cpp
  backup/sqlitebackup.h backup/sqlitebackup.cpp
  backup/targetswap.h backup/targetswap.cpp
  backup/sqliterestore.h backup/sqliterestore.cpp
  backup/backupmanager.h backup/backupmanager.cpp
  backup/pgtools.h backup/pgtools.cpp
  backup/pgbackup.h backup/pgbackup.cpp
  backup/pgrestore.h backup/pgrestore.cpp
)
target_link_libraries(strata_core PRIVATE OpenSSL::Crypto)
# What a PostgreSQL database is besides its contents, per server version (a restore's scratch
# database is made in its shape).
target_sources(strata_core PRIVATE backup/pgdatabaseshape.h backup/pgdatabaseshape.cpp)
