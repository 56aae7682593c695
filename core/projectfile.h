#pragma once

// Reads strata.toml, the project file. Its format is documented in docs/project-file.md.
// Every error names the file and line; unknown keys are errors (a typo must not be ignored),
// and a password in the file is refused outright.

#include "project.h"
#include "result.h"

namespace strata {

Result<Project> loadStrataToml(const QString& filePath);

} // namespace strata
