// `strata copy`: a PostgreSQL database's schema and rows into a SQLite or D1 one (docs/copy.md).

#include "clicommands.h"

namespace strata {

int CliCommands::copy()
{
    return fail(ExitUsage, Error{QStringLiteral("copy is not available in this build yet"), {}, 0,
                                 0, {}});
}

} // namespace strata
