#pragma once

// How a migration state looks everywhere in the window: a word, an icon and a colour together,
// so that no state is told by colour alone. Also the one place that knows the icon resources.

#include "migrationstatus.h"

#include <QColor>
#include <QIcon>
#include <QString>

namespace strata {

// "Applied", "Pending", "Edited (drift)", "File missing (drift)", "Out of order (drift)".
QString stateLabel(MigrationState state);
// One sentence for a tooltip: what the state means for the user.
QString stateExplanation(MigrationState state);
QIcon stateIcon(MigrationState state);
QColor stateColor(MigrationState state);

// An icon from resources/icons by its base name ("applied", "protected", "remote", …). Each
// call makes a new QIcon with its own render cache: views keep the ones they paint often.
QIcon themeIcon(const QString& name);

} // namespace strata
