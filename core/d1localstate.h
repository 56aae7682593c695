#pragma once

// Where wrangler (miniflare) keeps a D1 database's local SQLite file, so that Strata and
// `wrangler d1 … --local` open the very same database.

#include <QString>

namespace strata {

// The 64-hex-digit file stem miniflare derives from a D1 database id: HMAC-SHA256 keyed with
// SHA-256("miniflare-D1DatabaseObject") over the id, first 16 bytes, followed by the same HMAC
// over those 16 bytes, first 16 bytes.
QString miniflareObjectName(const QString& databaseId);

// <persistRoot>/v3/d1/miniflare-D1DatabaseObject/<name>.sqlite; persistRoot is usually
// <project>/.wrangler/state.
QString d1LocalDatabasePath(const QString& persistRoot, const QString& databaseId);

} // namespace strata
