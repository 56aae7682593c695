#include "testsupport.h"

#include "projectfile.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QTest>

namespace strata::test {
namespace {

void reportFailure(const QString& what)
{
    QTest::qFail(qPrintable(what), __FILE__, __LINE__);
}

} // namespace

bool writeFile(const QString& path, const QByteArray& content)
{
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return false;
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    return f.write(content) == content.size();
}

QByteArray readFile(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

bool copyTree(const QString& from, const QString& to)
{
    const QDir source(from);
    if (!source.exists())
        return false;
    QDirIterator it(from, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString file = it.next();
        const QString target = QDir(to).filePath(source.relativeFilePath(file));
        if (!QDir().mkpath(QFileInfo(target).absolutePath()))
            return false;
        QFile::remove(target);
        if (!QFile::copy(file, target))
            return false;
        // Fixture files may be read-only in the source tree; the copy is for writing.
        QFile::setPermissions(target, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup |
                                          QFile::ReadOther);
    }
    return true;
}

QStringList listTree(const QString& dir)
{
    QStringList out;
    QDirIterator it(dir, QDir::Files | QDir::Dirs | QDir::Hidden | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        out << QDir(dir).relativeFilePath(it.next());
    out.sort();
    return out;
}

QList<QStringList> queryRows(const QString& dbPath, const QString& sql)
{
    QList<QStringList> rows;
    try {
        SQLite::Database db(dbPath.toStdString(), SQLite::OPEN_READONLY);
        SQLite::Statement q(db, sql.toStdString());
        while (q.executeStep()) {
            QStringList row;
            for (int i = 0; i < q.getColumnCount(); ++i) {
                const SQLite::Column c = q.getColumn(i);
                row << (c.isNull() ? QString() : QString::fromUtf8(c.getText()));
            }
            rows << row;
        }
    } catch (const SQLite::Exception& e) {
        reportFailure(QStringLiteral("query failed on %1: %2 (%3)")
                          .arg(dbPath, QString::fromUtf8(e.what()), sql));
        return {};
    }
    return rows;
}

QStringList queryColumn(const QString& dbPath, const QString& sql)
{
    QStringList out;
    for (const QStringList& row : queryRows(dbPath, sql))
        out << row.value(0);
    return out;
}

QString queryValue(const QString& dbPath, const QString& sql)
{
    const QList<QStringList> rows = queryRows(dbPath, sql);
    return rows.isEmpty() ? QString() : rows.first().value(0);
}

bool execSql(const QString& dbPath, const QString& sql)
{
    try {
        QDir().mkpath(QFileInfo(dbPath).absolutePath());
        SQLite::Database db(dbPath.toStdString(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db.exec(sql.toStdString());
    } catch (const SQLite::Exception& e) {
        qWarning("execSql failed on %s: %s", qPrintable(dbPath), e.what());
        return false;
    }
    return true;
}

bool tableExists(const QString& dbPath, const QString& table)
{
    if (!QFileInfo::exists(dbPath))
        return false;
    const QString escaped = QString(table).replace(QLatin1Char('\''), QStringLiteral("''"));
    return queryValue(dbPath, QStringLiteral("SELECT count(*) FROM sqlite_schema WHERE "
                                             "type = 'table' AND name = '%1'")
                                  .arg(escaped)) == QLatin1String("1");
}

QStringList schemaDump(const QString& dbPath)
{
    QStringList out;
    for (const QStringList& row :
         queryRows(dbPath, QStringLiteral("SELECT type, name, tbl_name, sql FROM "
                                          "sqlite_schema ORDER BY name")))
        out << row.join(QLatin1Char('|'));
    return out;
}

QString fixturePath(const QString& name)
{
    return QStringLiteral(STRATA_FIXTURES_DIR) + QLatin1Char('/') + name;
}

TempProject::TempProject(const QString& dialect, const QString& history)
{
    if (!m_dir.isValid())
        return;
    QByteArray toml = "[project]\nname = \"temp\"\n\n[[database]]\nbinding = \"APP\"\n"
                      "dialect = \"" +
                      dialect.toUtf8() + "\"\n";
    if (!history.isEmpty())
        toml += "history = \"" + history.toUtf8() + "\"\n";
    toml += "migrations = \"migrations\"\n\n[database.env.local]\npath = \"data/app.sqlite\"\n";
    m_written = writeFile(m_dir.filePath(QStringLiteral("strata.toml")), toml) &&
                QDir().mkpath(migrationsDir());
}

QString TempProject::migrationPath(const QString& fileName) const
{
    return QDir(migrationsDir()).filePath(fileName);
}

QString TempProject::addMigration(const QString& fileName, const QByteArray& content)
{
    const QString path = migrationPath(fileName);
    return writeFile(path, content) ? path : QString();
}

Project loadProjectIn(const QString& folder, QString* error)
{
    auto project = loadStrataToml(QDir(folder).filePath(QStringLiteral("strata.toml")));
    if (project)
        return project.value();
    if (error)
        *error = project.error().toString();
    else
        qWarning("%s", qPrintable(project.error().toString()));
    return {};
}

Project TempProject::load() const
{
    QString error;
    Project project = loadProjectIn(m_dir.path(), &error);
    if (!error.isEmpty())
        reportFailure(QStringLiteral("cannot load the temporary project: ") + error);
    return project;
}

QByteArray tableMigration(int n)
{
    const QByteArray t = "t" + QByteArray::number(n);
    return "-- migrate:up\nCREATE TABLE " + t + " (id INTEGER PRIMARY KEY, v TEXT);\nINSERT INTO " +
           t + " (v) VALUES ('row of " + t + "');\n\n-- migrate:down\nDROP TABLE " + t + ";\n";
}

QString tableMigrationName(int n)
{
    return QStringLiteral("%1_create_t%2.sql").arg(n, 4, 10, QLatin1Char('0')).arg(n);
}

} // namespace strata::test
