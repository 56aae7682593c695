#pragma once

// Finds and opens a project: a folder holding strata.toml (preferred) or a wrangler
// configuration, or one of those files named directly.

#include "project.h"
#include "result.h"

namespace strata {

// The project file in `dir`, or empty: strata.toml, wrangler.toml, wrangler.jsonc, wrangler.json.
QString findProjectFile(const QString& dir);

Result<Project> openProject(const QString& pathOrDir);

} // namespace strata
