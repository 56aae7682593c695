#pragma once

// The demo project shipped inside Strata (migrations/ of the source tree, compiled in as a
// resource). On first use it is copied to a writable per-user folder — the shipped files stay
// pristine — and its local and production databases are brought to a state where some
// migrations are applied and some pending, so every view has something real to show.

#include "result.h"

namespace strata {

// The per-user demo folder: <AppDataLocation>/demo.
QString demoProjectDir();

// Copies and prepares the demo unless it is there already; returns the folder.
Result<QString> ensureDemoProject();

} // namespace strata
