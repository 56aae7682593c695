#pragma once

// Opens a Cloudflare project straight from its wrangler.toml / wrangler.jsonc / wrangler.json:
// every [[d1_databases]] entry becomes a D1 database whose `local` environment is wrangler's own
// local state file, and every [env.<name>] section that binds it adds a (remote) environment.

#include "project.h"
#include "result.h"

namespace strata {

Result<Project> loadWranglerConfig(const QString& filePath);

// JSONC → JSON: comments blanked out (newlines kept, so offsets keep their line) and trailing
// commas removed. Exposed for tests.
QByteArray jsoncToJson(const QByteArray& text);

} // namespace strata
