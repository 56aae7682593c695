#include "statestyle.h"

// The icons live in this static library: register them (outside any namespace, as
// Q_INIT_RESOURCE requires) before the first lookup.
static void initIconResources()
{
    Q_INIT_RESOURCE(icons);
}

namespace strata {

QString stateLabel(MigrationState state)
{
    switch (state) {
    case MigrationState::Applied:
        return QStringLiteral("Applied");
    case MigrationState::Pending:
        return QStringLiteral("Pending");
    case MigrationState::Edited:
        return QStringLiteral("Edited (drift)");
    case MigrationState::MissingFile:
        return QStringLiteral("File missing (drift)");
    case MigrationState::OutOfOrder:
        return QStringLiteral("Out of order (drift)");
    }
    return {};
}

QString stateExplanation(MigrationState state)
{
    switch (state) {
    case MigrationState::Applied:
        return QStringLiteral("Recorded as applied, and the file is unchanged since.");
    case MigrationState::Pending:
        return QStringLiteral("Not applied yet; Apply Pending runs it.");
    case MigrationState::Edited:
        return QStringLiteral("Applied, but the file was changed afterwards: what ran is not what "
                              "the file says now.");
    case MigrationState::MissingFile:
        return QStringLiteral("Recorded as applied, but its file is gone from the migrations "
                              "folder.");
    case MigrationState::OutOfOrder:
        return QStringLiteral("Not applied, yet numbered below the last applied migration.");
    }
    return {};
}

QIcon stateIcon(MigrationState state)
{
    switch (state) {
    case MigrationState::Applied:
        return themeIcon(QStringLiteral("applied"));
    case MigrationState::Pending:
        return themeIcon(QStringLiteral("pending"));
    case MigrationState::Edited:
    case MigrationState::OutOfOrder:
        return themeIcon(QStringLiteral("drift"));
    case MigrationState::MissingFile:
        return themeIcon(QStringLiteral("missing"));
    }
    return {};
}

QColor stateColor(MigrationState state)
{
    // Dark enough to read on a light background; the word and icon carry the meaning anyway.
    switch (state) {
    case MigrationState::Applied:
        return QColor(0x2e, 0x7d, 0x32);
    case MigrationState::Pending:
        return QColor(0x15, 0x65, 0xc0);
    case MigrationState::Edited:
    case MigrationState::OutOfOrder:
        return QColor(0x9a, 0x58, 0x00);
    case MigrationState::MissingFile:
        return QColor(0xc6, 0x28, 0x28);
    }
    return {};
}

QIcon themeIcon(const QString& name)
{
    static const bool registered = [] {
        initIconResources();
        return true;
    }();
    Q_UNUSED(registered);
    return QIcon(QStringLiteral(":/strata/icons/") + name + QStringLiteral(".svg"));
}

} // namespace strata
