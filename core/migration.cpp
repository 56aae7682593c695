#include "migration.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

namespace strata {
namespace {

enum class Marker { None, Up, Down };

// Recognises the section markers of dbmate (`-- migrate:up [transaction:false]`) and the
// `-- Up migration` / `-- Down migration` style.
Marker markerOf(const QString& line, bool* noTransaction)
{
    static const QRegularExpression dbmate(
        QStringLiteral(R"(^\s*--\s*migrate:(up|down)\b(.*)$)"),
        QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression words(
        QStringLiteral(R"(^\s*--\s*(up|down)\s+migration\s*:?\s*$)"),
        QRegularExpression::CaseInsensitiveOption);
    QRegularExpressionMatch m = dbmate.match(line);
    if (m.hasMatch()) {
        const bool up = m.captured(1).compare(QLatin1String("up"), Qt::CaseInsensitive) == 0;
        if (up && m.captured(2).contains(QLatin1String("transaction:false")))
            *noTransaction = true;
        return up ? Marker::Up : Marker::Down;
    }
    m = words.match(line);
    if (m.hasMatch())
        return m.captured(1).compare(QLatin1String("up"), Qt::CaseInsensitive) == 0 ? Marker::Up
                                                                                     : Marker::Down;
    return Marker::None;
}

bool isCommentOrBlank(const QString& line)
{
    const QString t = line.trimmed();
    return t.isEmpty() || t.startsWith(QLatin1String("--"));
}

} // namespace

QByteArray normalizedText(const QByteArray& content)
{
    QByteArray text = content;
    if (text.startsWith("\xEF\xBB\xBF"))
        text.remove(0, 3);
    text.replace("\r\n", "\n");
    text.replace('\r', '\n');
    return text;
}

QString checksumOf(const QByteArray& content)
{
    return QString::fromLatin1(
        QCryptographicHash::hash(normalizedText(content), QCryptographicHash::Sha256).toHex());
}

bool splitMigrationName(const QString& fileName, QString* versionText, QString* description)
{
    static const QRegularExpression re(QStringLiteral(R"(^(\d{1,18})_(.+)\.sql$)"),
                                       QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch m = re.match(fileName);
    if (!m.hasMatch())
        return false;
    if (versionText)
        *versionText = m.captured(1);
    if (description)
        *description = m.captured(2);
    return true;
}

Result<Migration> parseMigration(const QString& filePath, const QByteArray& content)
{
    Migration mig;
    mig.filePath = filePath;
    mig.fileName = QFileInfo(filePath).fileName();
    if (!splitMigrationName(mig.fileName, &mig.versionText, &mig.description))
        return Error{QStringLiteral("not a migration file name: expected digits, '_', a name and "
                                    ".sql (e.g. 0001_create_users.sql)"),
                     filePath, 0, 0, {}};
    mig.version = mig.versionText.toLongLong();
    mig.checksum = checksumOf(content);

    const QByteArray normalized = normalizedText(content);
    const QString text = QString::fromUtf8(normalized);
    if (text.toUtf8() != normalized)
        return Error{QStringLiteral("the file is not valid UTF-8"), filePath, 0, 0, {}};
    const QStringList lines = text.split(QLatin1Char('\n'));

    // Anything that looks like a directive is read as one, so a mistyped one (capitals, a space
    // after the colon) is reported instead of being taken for a plain comment.
    static const QRegularExpression directive(
        QStringLiteral(R"(^\s*--\s*strata\s*:\s*([A-Za-z_-]+)\s*(.*?)\s*$)"),
        QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression canonical(QStringLiteral(R"(^\s*--\s*strata:[a-z-]+(\s|$))"));

    bool hasMarkers = false;
    for (const QString& line : lines) {
        bool ignored = false;
        if (markerOf(line, &ignored) != Marker::None) {
            hasMarkers = true;
            break;
        }
    }

    // Without markers the whole file is "up"; with them, only comments and directives may
    // stand above the first marker.
    Marker section = hasMarkers ? Marker::None : Marker::Up;
    bool sawUp = !hasMarkers;
    bool sawSql = false;
    QStringList up, down;
    for (int i = 0; i < lines.size(); ++i) {
        const QString& line = lines[i];
        const int lineNo = i + 1;
        bool noTx = false;
        const Marker m = markerOf(line, &noTx);
        if (m == Marker::Up) {
            if (sawUp)
                return Error{QStringLiteral("a second up marker"), filePath, lineNo, 0, {}};
            sawUp = true;
            mig.transactional = mig.transactional && !noTx;
            mig.upLine = lineNo + 1;
            section = m;
            continue;
        }
        if (m == Marker::Down) {
            if (mig.hasDown)
                return Error{QStringLiteral("a second down marker"), filePath, lineNo, 0, {}};
            mig.hasDown = true;
            mig.downLine = lineNo + 1;
            section = m;
            continue;
        }

        const QRegularExpressionMatch d = directive.match(line);
        if (d.hasMatch()) {
            const QString key = d.captured(1);
            const QString value = d.captured(2);
            if (!canonical.match(line).hasMatch())
                return Error{QStringLiteral("directive written as '%1': write it in lower case "
                                            "with no space after the colon, e.g. -- strata:%2")
                                 .arg(line.trimmed(), key.toLower()),
                             filePath, lineNo, 0, {}};
            if (sawSql || section == Marker::Down)
                return Error{QStringLiteral("directive strata:%1 must stand in the header, above "
                                            "the first SQL statement")
                                 .arg(key),
                             filePath, lineNo, 0, {}};
            if (key == QLatin1String("targets")) {
                mig.targets = value.split(QRegularExpression(QStringLiteral("[,\\s]+")),
                                          Qt::SkipEmptyParts);
                if (mig.targets.isEmpty())
                    return Error{QStringLiteral("strata:targets names no binding"), filePath,
                                 lineNo, 0, {}};
            } else if (key == QLatin1String("owner")) {
                mig.owner = value;
            } else if (key == QLatin1String("no-transaction")) {
                mig.transactional = false;
            } else if (key == QLatin1String("dialect")) {
                if (value != QLatin1String("postgres") && value != QLatin1String("sqlite"))
                    return Error{QStringLiteral("strata:dialect must be postgres or sqlite, not "
                                                "'%1'")
                                     .arg(value),
                                 filePath, lineNo, 0, {}};
                mig.sqlDialect = value;
            } else {
                return Error{QStringLiteral("unknown directive strata:%1 (known: targets, owner, "
                                            "no-transaction, dialect)")
                                 .arg(key),
                             filePath, lineNo, 0, {}};
            }
        }

        if (section == Marker::None) {
            if (!isCommentOrBlank(line))
                return Error{QStringLiteral("SQL stands above the first section marker; put it "
                                            "under -- migrate:up"),
                             filePath, lineNo, 0, {}};
            continue;
        }
        if (!isCommentOrBlank(line))
            sawSql = true;
        (section == Marker::Up ? up : down) << line;
    }
    if (!sawUp)
        return Error{QStringLiteral("the file has a down section but no up section (-- migrate:up)"),
                     filePath, 0, 0, {}};
    mig.upSql = up.join(QLatin1Char('\n'));
    mig.downSql = down.join(QLatin1Char('\n'));
    return mig;
}

Result<Migration> readMigrationFile(const QString& filePath)
{
    QFile f(filePath);
    if (!f.open(QIODevice::ReadOnly))
        return Error{QStringLiteral("cannot read migration: ") + f.errorString(), filePath, 0, 0,
                     {}};
    return parseMigration(QFileInfo(filePath).absoluteFilePath(), f.readAll());
}

} // namespace strata
