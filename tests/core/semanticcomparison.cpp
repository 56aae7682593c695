#include "semanticcomparison.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>

#include <SQLiteCpp/SQLiteCpp.h>
#include <pqxx/pqxx>

#include <cmath>
#include <optional>

namespace strata::test {
namespace {

// How far a now() / CURRENT_TIMESTAMP default may be from the test's clock.
constexpr qint64 kNowToleranceSecs = 30;

QString quoteIdent(const QString& name)
{
    QString q = name;
    q.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + q + QLatin1Char('"');
}

QString quoteText(const QString& value)
{
    QString q = value;
    q.replace(QLatin1Char('\''), QStringLiteral("''"));
    return QLatin1Char('\'') + q + QLatin1Char('\'');
}

QString orNone(const QString& s)
{
    return s.isNull() ? QStringLiteral("(none)") : s;
}

// A date, a date-time or a time of day (then on today's date), with an optional UTC offset;
// without one it is taken as UTC, which is what both sides write here.
std::optional<QDateTime> parseDateTime(const QString& text)
{
    static const QRegularExpression re(QStringLiteral(
        "^(?:(\\d{4})-(\\d{2})-(\\d{2}))?[ T]?(?:(\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d+))?)?)?"
        "\\s*(Z|[+-]\\d{2}(?::?\\d{2})?)?$"));
    const QString t = text.trimmed();
    const auto m = re.match(t);
    if (t.isEmpty() || !m.hasMatch() || (m.captured(1).isEmpty() && m.captured(4).isEmpty()))
        return std::nullopt;
    const QDate date = m.captured(1).isEmpty() ? QDateTime::currentDateTimeUtc().date()
                                               : QDate(m.captured(1).toInt(), m.captured(2).toInt(),
                                                       m.captured(3).toInt());
    const int msecs =
        m.captured(7).isEmpty() ? 0 : QString(m.captured(7) + QStringLiteral("00")).left(3).toInt();
    const QTime time(m.captured(4).toInt(), m.captured(5).toInt(), m.captured(6).toInt(), msecs);
    if (!date.isValid() || !time.isValid())
        return std::nullopt;
    int offset = 0;
    if (const QString z = m.captured(8); !z.isEmpty() && z != QLatin1String("Z")) {
        const QString digits = QString(z).remove(QLatin1Char(':'));
        offset = (digits.mid(1, 2).toInt() * 3600 + digits.mid(3, 2).toInt() * 60) *
                 (z.startsWith(QLatin1Char('-')) ? -1 : 1);
    }
    return QDateTime(date, time, Qt::UTC).addSecs(-offset);
}

std::optional<QJsonValue> parseJson(const QString& text)
{
    QJsonParseError error;
    const QJsonDocument doc =
        QJsonDocument::fromJson((QLatin1Char('[') + text + QLatin1Char(']')).toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isArray() || doc.array().size() != 1)
        return std::nullopt;
    return doc.array().first();
}

bool isUuidV4(const QString& s)
{
    static const QRegularExpression re(
        QStringLiteral("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"));
    return re.match(s).hasMatch();
}

// A value of the column's type that satisfies nothing but the type itself: {PostgreSQL literal,
// SQLite literal}, or nothing when there is no obvious one.
std::optional<std::pair<QString, QString>> sampleValue(const SemanticColumn& c, int n)
{
    const QString& t = c.baseType;
    if (!c.enumLabels.isEmpty())
        return std::pair{quoteText(c.enumLabels.first()), quoteText(c.enumLabels.first())};
    if (c.category == QLatin1String("B"))
        return std::pair{QStringLiteral("true"), QStringLiteral("1")};
    if (c.category == QLatin1String("N") && t != QLatin1String("money"))
        return std::pair{QString::number(424242 + n), QString::number(424242 + n)};
    if (c.category == QLatin1String("S"))
        return std::pair{QStringLiteral("'q'"), QStringLiteral("'q'")};
    if (t == QLatin1String("date"))
        return std::pair{QStringLiteral("'2000-01-01'"), QStringLiteral("'2000-01-01'")};
    if (t == QLatin1String("time") || t == QLatin1String("timetz"))
        return std::pair{QStringLiteral("'12:00:00'"), QStringLiteral("'12:00:00'")};
    if (t == QLatin1String("timestamp") || t == QLatin1String("timestamptz"))
        return std::pair{QStringLiteral("'2000-01-01 00:00:00'"),
                         QStringLiteral("'2000-01-01 00:00:00'")};
    if (t == QLatin1String("uuid")) {
        const QString u =
            QStringLiteral("'00000000-0000-4000-8000-%1'").arg(n, 12, 10, QLatin1Char('0'));
        return std::pair{u, u};
    }
    if (t == QLatin1String("json") || t == QLatin1String("jsonb"))
        return std::pair{QStringLiteral("'{}'"), QStringLiteral("'{}'")};
    if (t == QLatin1String("bytea"))
        return std::pair{QStringLiteral("'\\x00'"), QStringLiteral("X'00'")};
    if (c.category == QLatin1String("A"))
        return std::pair{QStringLiteral("'{}'"), QStringLiteral("'[]'")};
    return std::nullopt;
}

QString sqliteValue(SQLite::Database& db, const QString& sql)
{
    SQLite::Statement st(db, sql.toStdString());
    if (!st.executeStep() || st.isColumnNull(0))
        return {};
    return QString::fromUtf8(st.getColumn(0).getText());
}

} // namespace

SemanticComparison::SemanticComparison(QString label, pqxx::connection_base& pg,
                                       SQLite::Database& lite, QStringList refusedSources,
                                       QStringList warnings)
    : m_label(std::move(label)), m_pg(pg), m_lite(lite),
      m_refusedSources(std::move(refusedSources)), m_warnings(std::move(warnings))
{
}

void SemanticComparison::mismatch(const QString& table, const QString& column, const QString& what,
                                  const QString& pgValue, const QString& sqliteValue)
{
    const QString where = column.isEmpty()
                              ? QStringLiteral("table %1").arg(table)
                              : QStringLiteral("table %1, column %2").arg(table, column);
    const QString line = QStringLiteral("%1: %2: %3: PostgreSQL %4 vs SQLite %5")
                             .arg(m_label, where, what, pgValue, sqliteValue);
    const QRegularExpression mentionsTable(
        QStringLiteral("\\b%1\\b").arg(QRegularExpression::escape(table)),
        QRegularExpression::CaseInsensitiveOption);
    for (const QString& src : m_refusedSources)
        if (src.contains(mentionsTable)) {
            m_notes << line + QStringLiteral(" [the translator refused a statement on this table]");
            return;
        }
    if (!column.isEmpty())
        for (const QString& w : m_warnings)
            if (w.contains(QLatin1Char('"') + column + QLatin1Char('"'))) {
                m_notes << line + QStringLiteral(" [documented by the warning: ") + w +
                               QLatin1Char(']');
                return;
            }
    m_failures << line;
}

void SemanticComparison::run()
{
    SemanticSchema pg;
    SemanticSchema lite;
    try {
        pg = readPostgresSchema(m_pg);
    } catch (const std::exception& e) {
        m_failures << m_label + QStringLiteral(": reading PostgreSQL's catalogs failed: ") +
                          QString::fromUtf8(e.what());
        return;
    }
    try {
        lite = readSqliteSchema(m_lite);
    } catch (const std::exception& e) {
        m_failures << m_label + QStringLiteral(": reading SQLite's schema failed: ") +
                          QString::fromUtf8(e.what());
        return;
    }
    for (const SemanticTable& t : pg)
        if (!lite.contains(t.name))
            mismatch(t.name, {}, QStringLiteral("table exists"), QStringLiteral("yes"),
                     QStringLiteral("no"));
    for (const SemanticTable& t : lite)
        if (!pg.contains(t.name))
            mismatch(t.name, {}, QStringLiteral("table exists"), QStringLiteral("no"),
                     QStringLiteral("yes"));
    for (const SemanticTable& t : pg)
        if (lite.contains(t.name)) {
            ++m_comparedTables;
            compareTable(t, lite.value(t.name));
        }
}

void SemanticComparison::compareTable(const SemanticTable& pg, const SemanticTable& lite)
{
    QStringList pgCols, liteCols;
    for (const SemanticColumn& c : pg.columns)
        pgCols << c.name;
    for (const SemanticColumn& c : lite.columns)
        liteCols << c.name;
    if (pgCols != liteCols)
        mismatch(pg.name, {}, QStringLiteral("columns in order"), pgCols.join(QLatin1Char(',')),
                 liteCols.join(QLatin1Char(',')));
    for (const SemanticColumn& c : pg.columns)
        if (const SemanticColumn* l = lite.column(c.name))
            compareColumn(pg, c, *l);

    if (pg.primaryKey != lite.primaryKey)
        mismatch(pg.name, {}, QStringLiteral("primary key"), pg.primaryKey.join(QLatin1Char(',')),
                 lite.primaryKey.join(QLatin1Char(',')));
    if (pg.uniqueKeys() != lite.uniqueKeys())
        mismatch(pg.name, {}, QStringLiteral("unique keys"),
                 QLatin1Char('{') + pg.uniqueKeys().join(QStringLiteral("} {")) + QLatin1Char('}'),
                 QLatin1Char('{') + lite.uniqueKeys().join(QStringLiteral("} {")) +
                     QLatin1Char('}'));

    QStringList pgFks, liteFks;
    for (const SemanticForeignKey& f : pg.foreignKeys)
        pgFks << f.text();
    for (const SemanticForeignKey& f : lite.foreignKeys)
        liteFks << f.text();
    pgFks.sort();
    liteFks.sort();
    if (pgFks != liteFks)
        mismatch(pg.name, {}, QStringLiteral("foreign keys"), pgFks.join(QStringLiteral("; ")),
                 liteFks.join(QStringLiteral("; ")));

    QMap<QString, SemanticIndex> pgIdx, liteIdx;
    for (const SemanticIndex& i : pg.indexes)
        if (i.fromCreateIndex)
            pgIdx.insert(i.name, i);
    for (const SemanticIndex& i : lite.indexes)
        if (i.fromCreateIndex)
            liteIdx.insert(i.name, i);
    auto describe = [](const SemanticIndex& i) {
        return QStringLiteral("%1%2(%3)")
            .arg(i.unique ? QStringLiteral("UNIQUE ") : QString(),
                 i.partial ? QStringLiteral("partial ") : QString(),
                 i.columns.join(QLatin1Char(',')));
    };
    QStringList names = pgIdx.keys() + liteIdx.keys();
    names.removeDuplicates();
    for (const QString& n : names) {
        const QString p = pgIdx.contains(n) ? describe(pgIdx.value(n)) : QStringLiteral("(none)");
        const QString l =
            liteIdx.contains(n) ? describe(liteIdx.value(n)) : QStringLiteral("(none)");
        if (p != l)
            mismatch(pg.name, {}, QStringLiteral("index %1").arg(n), p, l);
    }

    for (const SemanticColumn& c : pg.columns)
        if (!c.enumLabels.isEmpty() && lite.column(c.name))
            checkEnumColumn(pg, lite, c);
}

void SemanticComparison::compareColumn(const SemanticTable& table, const SemanticColumn& pg,
                                       const SemanticColumn& lite)
{
    const auto yesNo = [](bool b) {
        return b ? QStringLiteral("NOT NULL") : QStringLiteral("nullable");
    };
    if (pg.notNull != lite.notNull)
        mismatch(table.name, pg.name, QStringLiteral("nullability"), yesNo(pg.notNull),
                 yesNo(lite.notNull) + (lite.primaryKey ? QStringLiteral(" (a primary key column "
                                                                         "that is not the rowid)")
                                                        : QString()));
    if (pg.generated != lite.generated)
        mismatch(table.name, pg.name, QStringLiteral("generated column"),
                 pg.generated ? QStringLiteral("yes") : QStringLiteral("no"),
                 lite.generated ? QStringLiteral("yes") : QStringLiteral("no"));

    const bool pgHas = !pg.defaultExpr.isNull() || pg.generatedKey;
    // The rowid fills itself in: it stands for a serial / identity default, and only for one.
    const bool liteHas = !lite.defaultExpr.isNull() || (lite.generatedKey && pg.generatedKey);
    if (pgHas != liteHas) {
        mismatch(table.name, pg.name, QStringLiteral("default"),
                 pg.generatedKey && pg.defaultExpr.isNull() ? QStringLiteral("identity")
                                                            : orNone(pg.defaultExpr),
                 orNone(lite.defaultExpr));
        return;
    }
    if (pg.generatedKey) {
        if (!lite.generatedKey || !lite.defaultExpr.isNull())
            mismatch(table.name, pg.name, QStringLiteral("generated key"),
                     orNone(pg.defaultExpr) + QStringLiteral(" (serial / identity)"),
                     QStringLiteral("DEFAULT ") + orNone(lite.defaultExpr) +
                         QStringLiteral(", not an INTEGER PRIMARY KEY rowid alias"));
        return;
    }
    if (pgHas)
        compareDefaultValue(table.name, pg, lite);
}

void SemanticComparison::compareDefaultValue(const QString& table, const SemanticColumn& pg,
                                             const SemanticColumn& lite)
{
    const bool bytea = pg.baseType == QLatin1String("bytea");
    const QString pgSql =
        pg.category == QLatin1String("A")
            ? QStringLiteral("SELECT array_to_json(%1)::text").arg(pg.defaultExpr)
        : bytea ? QStringLiteral("SELECT encode((%1)::bytea, 'hex')").arg(pg.defaultExpr)
                : QStringLiteral("SELECT (%1)::text").arg(pg.defaultExpr);
    const QString liteSql = bytea ? QStringLiteral("SELECT lower(hex(%1))").arg(lite.defaultExpr)
                                  : QStringLiteral("SELECT %1").arg(lite.defaultExpr);
    // Each side twice, in separate transactions: a value that changes is volatile (random).
    QString p[2], l[2];
    for (int i = 0; i < 2; ++i) {
        try {
            pqxx::nontransaction tx(m_pg);
            const pqxx::result r = tx.exec(pgSql.toStdString());
            p[i] = r[0][0].is_null() ? QString() : QString::fromUtf8(r[0][0].c_str());
        } catch (const std::exception& e) {
            mismatch(table, pg.name, QStringLiteral("default evaluates"),
                     pgSql + QStringLiteral(" fails: ") + QString::fromUtf8(e.what()),
                     lite.defaultExpr);
            return;
        }
        try {
            l[i] = sqliteValue(m_lite, liteSql);
        } catch (const std::exception& e) {
            mismatch(table, pg.name, QStringLiteral("default evaluates"), pg.defaultExpr,
                     liteSql + QStringLiteral(" fails: ") + QString::fromUtf8(e.what()));
            return;
        }
    }
    const QString shown = QStringLiteral("%1 = %2").arg(pg.defaultExpr, orNone(p[0]));
    const QString liteShown = QStringLiteral("%1 = %2").arg(lite.defaultExpr, orNone(l[0]));
    auto fail = [&](const QString& what) { mismatch(table, pg.name, what, shown, liteShown); };

    if (p[0].isNull() || l[0].isNull()) {
        if (p[0].isNull() != l[0].isNull())
            fail(QStringLiteral("default value (NULL)"));
        return;
    }
    const QString& t = pg.baseType;
    if (pg.category == QLatin1String("D")) {
        const auto pd = parseDateTime(p[0]);
        const auto ld = parseDateTime(l[0]);
        if (!pd || !ld) {
            fail(QStringLiteral("default value (not a date-time)"));
            return;
        }
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const bool pgNow =
            std::abs(pd->secsTo(now)) <= kNowToleranceSecs && t != QLatin1String("date");
        if (pgNow ? std::abs(ld->secsTo(now)) > kNowToleranceSecs : *pd != *ld)
            fail(pgNow ? QStringLiteral("default value (now: within %1 s)").arg(kNowToleranceSecs)
                       : QStringLiteral("default value (date-time)"));
        return;
    }
    const bool pgVolatile = p[0] != p[1];
    const bool liteVolatile = l[0] != l[1];
    if (pgVolatile != liteVolatile) {
        fail(pgVolatile
                 ? QStringLiteral("default value (random in PostgreSQL, constant in SQLite)")
                 : QStringLiteral("default value (constant in PostgreSQL, random in SQLite)"));
        return;
    }
    if (t == QLatin1String("uuid")) {
        if (pgVolatile) {
            for (const QString& v : {p[0], p[1], l[0], l[1]})
                if (!isUuidV4(v))
                    fail(QStringLiteral("default value (RFC 4122 version-4 UUID): ") + v);
        } else if (p[0].toLower() != l[0].toLower()) {
            fail(QStringLiteral("default value (uuid)"));
        }
        return;
    }
    if (pgVolatile)
        return; // random either side: no value to compare
    if (pg.category == QLatin1String("B")) {
        // boolean::text is "true" / "false" (the output format "t" / "f" is accepted too).
        const QString pb = p[0] == QLatin1String("true") || p[0] == QLatin1String("t")
                               ? QStringLiteral("1")
                               : QStringLiteral("0");
        if (pb != l[0])
            fail(QStringLiteral("default value (boolean t/f as 1/0)"));
    } else if (pg.category == QLatin1String("N")) {
        const double a =
            QString(p[0]).remove(QRegularExpression(QStringLiteral("[$,]"))).toDouble();
        bool ok = false;
        const double b = l[0].toDouble(&ok);
        if (!ok || std::abs(a - b) > 1e-9 * std::max(1.0, std::abs(a)))
            fail(QStringLiteral("default value (numeric)"));
    } else if (t == QLatin1String("json") || t == QLatin1String("jsonb") ||
               pg.category == QLatin1String("A")) {
        const auto pj = parseJson(p[0]);
        const auto lj = parseJson(l[0]);
        if (!pj || !lj || *pj != *lj)
            fail(QStringLiteral("default value (as parsed JSON)"));
    } else if (bytea) {
        if (p[0].toLower() != l[0])
            fail(QStringLiteral("default value (bytes, hex)"));
    } else if (p[0] != l[0]) {
        fail(QStringLiteral("default value (text)"));
    }
}

QString SemanticComparison::tryPostgresInsert(const QString& sql)
{
    try {
        pqxx::work tx(m_pg);
        tx.exec("SET LOCAL session_replication_role = replica"); // foreign-key triggers off
        tx.exec(sql.toStdString());
        tx.abort();
        return {};
    } catch (const std::exception& e) {
        return QString::fromUtf8(e.what()).trimmed();
    }
}

QString SemanticComparison::trySqliteInsert(const QString& sql)
{
    const bool fk =
        sqliteValue(m_lite, QStringLiteral("PRAGMA foreign_keys")) == QLatin1String("1");
    m_lite.exec("PRAGMA foreign_keys = OFF");
    m_lite.exec("SAVEPOINT semantic_check");
    QString error;
    try {
        m_lite.exec(sql.toStdString());
    } catch (const std::exception& e) {
        error = QString::fromUtf8(e.what()).trimmed();
    }
    m_lite.exec("ROLLBACK TO semantic_check");
    m_lite.exec("RELEASE semantic_check");
    if (fk)
        m_lite.exec("PRAGMA foreign_keys = ON");
    return error;
}

void SemanticComparison::checkEnumColumn(const SemanticTable& pg, const SemanticTable& lite,
                                         const SemanticColumn& column)
{
    // The row: the enum column plus every other NOT NULL column without a default, filled with a
    // plain value of its type. Foreign keys are off on both sides while it is tried.
    QStringList names, pgValues, liteValues;
    bool buildable = true;
    int n = 0;
    for (const SemanticColumn& c : pg.columns) {
        if (c.name == column.name || c.generated || !c.notNull || !c.defaultExpr.isNull() ||
            c.generatedKey)
            continue;
        const auto v = sampleValue(c, ++n);
        if (!v) {
            buildable = false;
            break;
        }
        names << quoteIdent(c.name);
        pgValues << v->first;
        liteValues << v->second;
    }
    auto insertWith = [&](const QStringList& values, const QString& value) {
        return QStringLiteral("INSERT INTO %1 (%2) VALUES (%3)")
            .arg(quoteIdent(pg.name),
                 (names + QStringList{quoteIdent(column.name)}).join(QStringLiteral(", ")),
                 (values + QStringList{quoteText(value)}).join(QStringLiteral(", ")));
    };
    QString why;
    if (buildable) {
        for (const QString& label : column.enumLabels) {
            const QString pgError = tryPostgresInsert(insertWith(pgValues, label));
            if (!pgError.isEmpty()) { // another constraint refuses the plain row
                buildable = false;
                why = pgError;
                break;
            }
            const QString liteError = trySqliteInsert(insertWith(liteValues, label));
            if (!liteError.isEmpty())
                mismatch(pg.name, column.name,
                         QStringLiteral("enum label '%1' inserted").arg(label),
                         QStringLiteral("accepted"), QStringLiteral("rejected: ") + liteError);
        }
    } else {
        why = QStringLiteral("a NOT NULL column has a type without a plain sample value");
    }
    if (buildable) {
        const QString bad = QStringLiteral("semantic-check-not-a-label");
        const QString pgError = tryPostgresInsert(insertWith(pgValues, bad));
        const QString liteError = trySqliteInsert(insertWith(liteValues, bad));
        if (pgError.isEmpty() ||
            !liteError.contains(QLatin1String("CHECK constraint failed"), Qt::CaseInsensitive))
            mismatch(pg.name, column.name, QStringLiteral("non-label value '%1' inserted").arg(bad),
                     pgError.isEmpty() ? QStringLiteral("accepted") : QStringLiteral("rejected"),
                     liteError.isEmpty() ? QStringLiteral("accepted") : liteError);
        return;
    }
    // The row cannot be built automatically: only the CHECK's presence is compared — the
    // CREATE TABLE text must hold a CHECK naming every label.
    const QString sql = lite.checks.value(0);
    QStringList missing;
    for (const QString& label : column.enumLabels)
        if (!sql.contains(quoteText(label)))
            missing << label;
    if (!sql.contains(QLatin1String("CHECK"), Qt::CaseInsensitive) || !missing.isEmpty())
        mismatch(pg.name, column.name,
                 QStringLiteral("enum CHECK present (labels %1 missing)")
                     .arg(missing.join(QLatin1Char(','))),
                 column.enumLabels.join(QLatin1Char(',')), sql);
    else
        m_notes << QStringLiteral(
                       "%1: table %2, column %3: enum CHECK compared by presence only (%4)")
                       .arg(m_label, pg.name, column.name, why);
}

} // namespace strata::test
