#include "tst_timelinesupport.h"

#include "migrator.h"
#include "projectlocator.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace strata::test {
namespace {

QString migration(const QString& up, const QString& down)
{
    return QStringLiteral("-- migrate:up\n") + up + QStringLiteral("\n\n-- migrate:down\n") + down +
           QLatin1Char('\n');
}

QString postsTable(bool edited)
{
    return QStringLiteral("CREATE TABLE posts (\n  id INTEGER PRIMARY KEY,\n") +
           (edited ? EveryStatusProject::addedLine() + QStringLiteral("\n") +
                         EveryStatusProject::secondAddedLine()
                   : EveryStatusProject::removedLine()) +
           QStringLiteral("\n);");
}

} // namespace

bool EveryStatusProject::write(const QString& relativePath, const QString& text)
{
    const QString path = m_dir.filePath(relativePath);
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(text.toUtf8()) < 0) {
        m_error = QStringLiteral("cannot write ") + path;
        return false;
    }
    return true;
}

EveryStatusProject::EveryStatusProject()
{
    if (!m_dir.isValid()) {
        m_error = QStringLiteral("no temporary folder");
        return;
    }
    const bool written =
        write(QStringLiteral("strata.toml"),
              QStringLiteral("[project]\nname = \"every status\"\n\n"
                             "[[database]]\nbinding = \"APP\"\nname = \"every-status\"\n"
                             "dialect = \"sqlite\"\nmigrations = \"migrations\"\n\n"
                             "[database.env.local]\npath = \"data/local.sqlite\"\n\n"
                             "[database.env.staging]\npath = \"data/staging.sqlite\"\n\n"
                             "[[database]]\nbinding = \"LOGS\"\nname = \"logs\"\n"
                             "dialect = \"sqlite\"\nmigrations = \"logs\"\n\n"
                             "[database.env.local]\npath = \"data/logs.sqlite\"\n")) &&
        write(QStringLiteral("migrations/0001_create_users.sql"),
              migration(QStringLiteral("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);"),
                        QStringLiteral("DROP TABLE users;"))) &&
        write(QStringLiteral("logs/01_create_events.sql"),
              migration(QStringLiteral("CREATE TABLE events (id INTEGER PRIMARY KEY, at TEXT);"),
                        QStringLiteral("DROP TABLE events;"))) &&
        write(QStringLiteral("logs/02_index_events.sql"),
              QStringLiteral("CREATE INDEX events_at ON events (at);\n"));
    if (!written)
        return;

    auto load = [this]() -> bool {
        auto project = openProject(m_dir.path());
        if (!project) {
            m_error = project.error().toString();
            return false;
        }
        m_project = project.value();
        return true;
    };
    auto check = [this](const Result<RunReport>& report, const char* what) {
        if (!report)
            m_error = QString::fromUtf8(what) + QStringLiteral(": ") + report.error().toString();
        else if (report->failure)
            m_error = QString::fromUtf8(what) + QStringLiteral(": ") + report->failure->toString();
        return m_error.isEmpty();
    };

    // 0001 is adopted by a baseline locally, then 0002, 0003 and 0005 are applied everywhere.
    if (!load())
        return;
    {
        Migrator local(m_project, QStringLiteral("APP"), QStringLiteral("local"));
        if (!check(local.baseline(1), "baseline"))
            return;
    }
    const bool more =
        write(QStringLiteral("migrations/0002_create_posts.sql"),
              migration(postsTable(false), QStringLiteral("DROP TABLE posts;"))) &&
        write(QStringLiteral("migrations/0003_create_tags.sql"),
              migration(QStringLiteral("CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT);"),
                        QStringLiteral("DROP TABLE tags;"))) &&
        write(QStringLiteral("migrations/0005_create_comments.sql"),
              QStringLiteral("CREATE TABLE comments (id INTEGER PRIMARY KEY, post_id INTEGER);\n"));
    if (!more || !load())
        return;
    for (const QString& env : {QStringLiteral("local"), QStringLiteral("staging")}) {
        Migrator migrator(m_project, QStringLiteral("APP"), env);
        if (!check(migrator.up(RunOptions{}), "up"))
            return;
    }

    // Then, behind the database's back: 0002 edited, 0003 deleted, 0004 slipped in below the
    // last applied, 0006 and 0007 new.
    const bool drift =
        write(QStringLiteral("migrations/0002_create_posts.sql"),
              migration(postsTable(true), QStringLiteral("DROP TABLE posts;"))) &&
        QFile::remove(m_dir.filePath(QStringLiteral("migrations/0003_create_tags.sql"))) &&
        write(QStringLiteral("migrations/0004_add_users_name.sql"),
              migration(QStringLiteral("ALTER TABLE users ADD COLUMN name TEXT;"),
                        QStringLiteral("ALTER TABLE users DROP COLUMN name;"))) &&
        write(QStringLiteral("migrations/0006_create_likes.sql"),
              QStringLiteral("CREATE TABLE likes (post_id INTEGER, user_id INTEGER);\n")) &&
        write(QStringLiteral("migrations/0007_broken.sql"),
              QStringLiteral("CREATE TABLE ok (id INTEGER);\nINSERT INTO nowhere VALUES (1);\n"));
    if (drift)
        load();
}

} // namespace strata::test
