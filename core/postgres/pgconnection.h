#pragma once

// Connections to a PostgreSQL environment. The URL comes from the project file (never with a
// password); the password from an environment variable or the OS keychain, and it lives only in
// memory: it is never written to disk, to a log or into an error message. Every message that
// leaves this layer goes through maskConnectionText().

#include "project.h"
#include "result.h"

#include <QString>

#include <memory>
#include <string>

#include <pqxx/connection>

namespace strata {

// A libpq connection string (keyword = 'value' pairs) for `env`: the URL's parts, the password
// when the environment names one, application_name=strata and connect_timeout. It holds the
// password: keep it in memory only. Errors: a password variable that is not set, a keychain entry
// that cannot be read, a URL libpq cannot parse.
Result<std::string> postgresConnectionString(const Environment& env, int connectTimeoutMs = 10000);

// A libpqxx connection to `env`. A failure is an Error whose message names the masked location
// and the server's (masked) reason.
Result<std::unique_ptr<pqxx::connection>> connectPostgres(const Environment& env,
                                                          int connectTimeoutMs = 10000);

// The password `env` names: from the environment variable `passwordEnv`, else the keychain entry
// `passwordKeychain` ("service/key"; a name without '/' is a key of the service "strata"). An
// empty string when the environment names neither (libpq then looks at PGPASSWORD and .pgpass).
Result<QString> postgresPassword(const Environment& env);

// Removes secrets from a text that may show a connection: `password=…` pairs, the password part
// of URLs (`postgresql://user:secret@` → `postgresql://user:***@`), and any password this process
// has read with postgresPassword().
QString maskConnectionText(QString text);

// The database a URL names: "postgresql://u@h:5432/app?sslmode=require" → "app"; empty if none.
QString pgUrlDatabaseName(const QString& url);

// True when a connection failure means "the server is there but this database does not exist"
// (SQLSTATE 3D000), judged from libpq's message.
bool isMissingDatabaseMessage(const QString& message);

} // namespace strata
