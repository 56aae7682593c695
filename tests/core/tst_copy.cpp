// The data copy (core/copy/, docs/copy.md): a scratch PostgreSQL database on the test server
// copied into a real SQLite file. Every converted type compared value by value with what SQLite
// stored (typeof and quote()), lossy conversions reported per column, foreign-key order and
// cycles, the AUTOINCREMENT counter, and the guarantees: a failure (a table the dialect engine
// refuses, a row SQLite refuses, a target held open) leaves the target as it was and no file
// behind; a success keeps the old target beside the new one.

#include "datacopy.h"
#include "pgtestsupport.h"
#include "testsupport.h"

#include <QDateTime>
#include <QDir>
#include <QMap>
#include <QTemporaryDir>
#include <QTest>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <memory>

#include <sys/stat.h>

using namespace strata;
using namespace strata::test;

namespace {

Environment pgEnvironment(const PgScratchDatabase& db)
{
    Environment e;
    e.name = QStringLiteral("production");
    e.kind = Environment::Kind::Postgres;
    e.url = db.url();
    return e;
}

Environment fileEnvironment(const QString& path)
{
    Environment e;
    e.name = QStringLiteral("local");
    e.kind = Environment::Kind::SqliteFile;
    e.path = path;
    return e;
}

// Each row: [typeof(col), quote(col)] for `sql` in the SQLite file.
QList<QStringList> sqliteRows(const QString& path, const QString& sql)
{
    SQLite::Database db(path.toStdString(), SQLite::OPEN_READONLY);
    SQLite::Statement q(db, sql.toStdString());
    QList<QStringList> rows;
    while (q.executeStep()) {
        QStringList row;
        for (int i = 0; i < q.getColumnCount(); ++i)
            row << QString::fromStdString(q.getColumn(i).getString());
        rows << row;
    }
    return rows;
}

QStringList filesIn(const QString& dir)
{
    return QDir(dir).entryList(QDir::Files, QDir::Name);
}

const LossyConversion* lossFor(const CopyReport& r, const QString& column)
{
    for (const LossyConversion& l : r.lossy)
        if (l.column == column)
            return &l;
    return nullptr;
}

} // namespace

class TestCopy : public QObject
{
    Q_OBJECT

private slots:
    void init();

    void everyConvertedType_data();
    void everyConvertedType();
    void wholeSchemaValueByValue();
    void foreignKeyOrderCyclesAndSequences();
    void replacesKeepingTheOldTarget();
    void d1TargetIsWal();
    void untranslatableTableWritesNothing();
    void refusedRowLeavesTargetAsItWas();
    void targetHeldOpenIsBusy();
    void partitionedTableCopiedOnce();
    void targetKeepsItsMode_data();
    void targetKeepsItsMode();
    void leftoversOfKilledCopiesSwept();
    void examplesAreCut();

private:
    CopyReport copy(Dialect dialect = Dialect::Sqlite);

    std::unique_ptr<QTemporaryDir> m_tmp;
    std::unique_ptr<PgScratchDatabase> m_db;
    QString m_target;
};

void TestCopy::init()
{
    m_tmp = std::make_unique<QTemporaryDir>();
    QVERIFY(m_tmp->isValid());
    m_db = std::make_unique<PgScratchDatabase>(QStringLiteral("copy"));
    QVERIFY2(m_db->isValid(), qPrintable(m_db->error()));
    m_target = m_tmp->filePath(QStringLiteral("data/target.sqlite"));
}

CopyReport TestCopy::copy(Dialect dialect)
{
    DataCopy job(pgEnvironment(*m_db), fileEnvironment(m_target), dialect);
    CopyOptions options;
    options.batchRows = 2; // several transactions even for small tables
    return job.run(options);
}

void TestCopy::everyConvertedType_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("literal");
    QTest::addColumn<QString>("storedType"); // typeof() in SQLite
    QTest::addColumn<QString>("stored");     // quote() in SQLite
    QTest::addColumn<QString>("loss");       // a word of the lossy reason; empty: none

    auto row = [](const char* name, const char* type, const char* literal, const char* storedType,
                  const char* stored, const char* loss = "") {
        QTest::newRow(name) << QString::fromUtf8(type) << QString::fromUtf8(literal)
                            << QString::fromUtf8(storedType) << QString::fromUtf8(stored)
                            << QString::fromUtf8(loss);
    };
    row("bool true", "boolean", "true", "integer", "1");
    row("bool false", "boolean", "false", "integer", "0");
    row("smallint", "smallint", "-32768", "integer", "-32768");
    row("bigint max", "bigint", "9223372036854775807", "integer", "9223372036854775807");
    row("real", "real", "1.1", "real", "1.1");
    row("double", "double precision", "3.141592653589793", "real", "3.141592653589793");
    row("double -inf", "double precision", "'-Infinity'", "real", "-inf");
    row("double NaN", "double precision", "'NaN'", "text", "'NaN'", "NaN");
    row("numeric scale", "numeric(12,2)", "1234.50", "real", "1234.5");
    row("numeric whole", "numeric(12,2)", "42.00", "integer", "42");
    row("numeric integer", "numeric", "12345678901234", "integer", "12345678901234");
    row("numeric rounded", "numeric", "12345678901234567890.123456789", "real",
        "1.2345678901234567e+19", "digits");
    row("numeric NaN", "numeric", "'NaN'", "text", "'NaN'", "NaN");
    row("money", "money", "'12.34'", "real", "12.34");
    row("timestamptz", "timestamptz", "'2024-03-01 10:00:00.123456+02'", "text",
        "'2024-03-01 08:00:00.123456'");
    row("timestamptz whole", "timestamptz", "'2024-03-01 00:00:00-05'", "text",
        "'2024-03-01 05:00:00'");
    row("timestamptz infinity", "timestamptz", "'infinity'", "text", "'infinity'", "date");
    row("timestamp", "timestamp", "'2024-02-29 23:59:59.5'", "text", "'2024-02-29 23:59:59.5'");
    row("date", "date", "'1990-05-17'", "text", "'1990-05-17'");
    row("date BC", "date", "'0044-03-15 BC'", "text", "'0044-03-15 BC'", "date");
    row("time", "time", "'07:30:00.25'", "text", "'07:30:00.25'");
    row("timetz", "timetz", "'07:30:00+02'", "text", "'07:30:00+02:00'");
    row("timetz minutes", "timetz", "'07:30:00-05:30'", "text", "'07:30:00-05:30'");
    row("interval", "interval", "'1 year 2 mons 3 days 04:05:06'", "text", "'P1Y2M3DT4H5M6S'");
    row("uuid", "uuid", "'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'", "text",
        "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'");
    row("json kept as written", "json", "'{\"b\": 1,  \"a\": [1,2]}'", "text",
        "'{\"b\": 1,  \"a\": [1,2]}'");
    row("jsonb normalized", "jsonb", "'{\"b\": 1,  \"a\": [1,2]}'", "text",
        "'{\"a\": [1, 2], \"b\": 1}'");
    row("bytea", "bytea", "'\\x00ff10'", "blob", "X'00FF10'");
    row("bytea empty", "bytea", "''", "blob", "X''");
    row("text array", "text[]", "'{x,\"y z\",\"q\\\"t\",NULL}'", "text",
        "'[\"x\",\"y z\",\"q\\\"t\",null]'");
    row("int array 2d", "int[]", "'{{1,2},{3,4}}'", "text", "'[[1,2],[3,4]]'");
    row("enum", "mood", "'happy'", "text", "'happy'");
    row("domain", "positive", "7", "integer", "7");
    row("text escapes", "text", "E'tab\\tnew\\nline\\\\back'", "text", "'tab\tnew\nline\\back'");
    row("varchar unicode", "varchar(20)", "'żółw ✓'", "text", "'żółw ✓'");
    row("inet", "inet", "'192.168.0.1/24'", "text", "'192.168.0.1/24'");
    row("null", "integer", "NULL", "null", "NULL");
    // to_json keeps the elements of an array, not its bounds; SQLite cannot read 24:00:00.
    row("array from 0", "int[]", "'[0:1]={1,2}'", "text", "'[1,2]'", "bound");
    row("array 2d second bound", "text[]", "'[1:1][-1:0]={{a,b}}'", "text", "'[[\"a\",\"b\"]]'",
        "bound");
    row("array bounds from 1", "int[]", "'[1:2]={1,2}'", "text", "'[1,2]'");
    row("array empty", "int[]", "'{}'", "text", "'[]'");
    row("time 24:00", "time", "'24:00:00'", "text", "'24:00:00'", "24:00:00");
    row("timetz 24:00", "timetz", "'24:00:00+02'", "text", "'24:00:00+02:00'", "24:00:00");
}

void TestCopy::everyConvertedType()
{
    QFETCH(QString, type);
    QFETCH(QString, literal);
    QFETCH(QString, storedType);
    QFETCH(QString, stored);
    QFETCH(QString, loss);

    QVERIFY(m_db->exec(
        QStringLiteral("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy'); "
                       "CREATE DOMAIN positive AS integer CHECK (VALUE > 0); "
                       "CREATE TABLE t (id int PRIMARY KEY, v %1); INSERT INTO t VALUES (1, %2)")
            .arg(type, literal)));
    const CopyReport r = copy();
    QVERIFY2(r.ok(), qPrintable(r.failure ? r.failure->toString() : QString()));
    const auto rows = sqliteRows(m_target, QStringLiteral("SELECT typeof(v), quote(v) FROM t"));
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows[0][0], storedType);
    if (storedType == QLatin1String("real")) {
        // quote() prints 20 digits: compare the doubles themselves.
        SQLite::Database db(m_target.toStdString(), SQLite::OPEN_READONLY);
        const double got = db.execAndGet("SELECT v FROM t").getDouble();
        const double want = stored == QLatin1String("-inf") ? -qInf() : stored.toDouble();
        QVERIFY2(got == want, qPrintable(QString::number(got, 'g', 17)));
    } else {
        QCOMPARE(rows[0][1], stored);
    }
    const LossyConversion* l = lossFor(r, QStringLiteral("v"));
    if (loss.isEmpty()) {
        QVERIFY2(!l, l ? qPrintable(l->reason) : "");
    } else {
        QVERIFY(l);
        QVERIFY2(l->reason.contains(loss), qPrintable(l->reason));
        QCOMPARE(l->count, 1);
        QCOMPARE(l->firstRow, 1);
        QCOMPARE(l->table, QStringLiteral("t"));
    }
}

void TestCopy::wholeSchemaValueByValue()
{
    // Many rows of many types at once: each stored value compared with what PostgreSQL says the
    // conversion must give, computed on the server from the same rows.
    QVERIFY(m_db->exec(QStringLiteral(
        "CREATE TABLE items (id bigserial PRIMARY KEY, flag boolean NOT NULL, "
        "  amount numeric(10,2), seen timestamptz, tags text[], doc jsonb, raw bytea, "
        "  label varchar(40)); "
        "INSERT INTO items (flag, amount, seen, tags, doc, raw, label) "
        "SELECT i % 2 = 0, i * 1.25, timestamptz '2024-01-01 00:00:00+00' + i * interval "
        "  '1 minute 1.5 seconds', ARRAY['a' || i, NULL], jsonb_build_object('n', i), "
        "  decode(lpad(to_hex(i), 8, '0'), 'hex'), CASE WHEN i % 7 = 0 THEN NULL ELSE "
        "  'row ' || i || E'\\t!' END FROM generate_series(1, 500) i")));
    const QList<QStringList> expected = m_db->query(QStringLiteral(
        "SELECT id::text, CASE WHEN flag THEN '1' ELSE '0' END, "
        "  CASE WHEN amount = trunc(amount) THEN trunc(amount)::text ELSE amount::float8::text "
        "  END, to_char(seen AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || "
        "  CASE WHEN extract(microseconds FROM seen)::int % 1000000 = 0 THEN '' ELSE '.5' END, "
        "  to_json(tags)::text, doc::text, upper(encode(raw, 'hex')), coalesce(label, 'NULL') "
        "FROM items ORDER BY items.id"));
    QCOMPARE(expected.size(), 500);
    const CopyReport r = copy();
    QVERIFY2(r.ok(), qPrintable(r.failure ? r.failure->toString() : QString()));
    QVERIFY(r.lossy.isEmpty());
    QCOMPARE(r.tables.size(), 1);
    QCOMPARE(r.tables[0].sourceRows, 500);
    QCOMPARE(r.tables[0].targetRows, 500);
    QCOMPARE(r.tables[0].status, TableCopyResult::Status::Ok);
    const auto got =
        sqliteRows(m_target, QStringLiteral("SELECT id, flag, amount, seen, tags, doc, hex(raw), "
                                            "coalesce(label, 'NULL') FROM items ORDER BY id"));
    QCOMPARE(got.size(), expected.size());
    for (int i = 0; i < got.size(); ++i)
        for (int c = 0; c < got[i].size(); ++c)
            QVERIFY2(got[i][c] == expected[i][c],
                     qPrintable(QStringLiteral("row %1 column %2: %3 != %4")
                                    .arg(i + 1)
                                    .arg(c)
                                    .arg(got[i][c], expected[i][c])));
}

void TestCopy::foreignKeyOrderCyclesAndSequences()
{
    QVERIFY(m_db->exec(QStringLiteral(
        "CREATE TABLE orders (id serial PRIMARY KEY, customer_id int); "
        "CREATE TABLE customers (id int PRIMARY KEY, best_order int REFERENCES orders(id)); "
        "ALTER TABLE orders ADD FOREIGN KEY (customer_id) REFERENCES customers(id); "
        "CREATE TABLE lines (id int PRIMARY KEY, order_id int NOT NULL REFERENCES orders(id), "
        "  parent int REFERENCES lines(id)); "
        "CREATE TABLE tags (id int PRIMARY KEY); "
        "CREATE TABLE line_tags (line_id int REFERENCES lines(id), tag_id int REFERENCES "
        "  tags(id), PRIMARY KEY (line_id, tag_id)); "
        "INSERT INTO customers VALUES (1, NULL); "
        "INSERT INTO orders (customer_id) VALUES (1), (1); "
        "UPDATE customers SET best_order = 2; "
        "INSERT INTO lines VALUES (1, 1, NULL), (2, 1, 1), (3, 2, 2); "
        "INSERT INTO tags VALUES (1), (2); INSERT INTO line_tags VALUES (1, 1), (3, 2); "
        "SELECT setval('orders_id_seq', 40); "
        "CREATE VIEW big_orders AS SELECT o.id FROM orders o JOIN lines l ON l.order_id = o.id")));
    const CopyReport r = copy();
    QVERIFY2(r.ok(), qPrintable(r.failure ? r.failure->toString() : QString()));
    QStringList order;
    for (const TableCopyResult& t : r.tables) {
        order << t.source;
        QCOMPARE(t.status, TableCopyResult::Status::Ok);
        QCOMPARE(t.targetRows, t.sourceRows);
    }
    // Referenced tables first; in the customers/orders cycle the first by name goes first.
    QCOMPARE(order, (QStringList{QStringLiteral("tags"), QStringLiteral("customers"),
                                 QStringLiteral("orders"), QStringLiteral("lines"),
                                 QStringLiteral("line_tags")}));
    QCOMPARE(sqliteRows(m_target, QStringLiteral("SELECT count(*) FROM pragma_foreign_key_check")),
             (QList<QStringList>{{QStringLiteral("0")}}));
    // New rows continue after the last value the sequence handed out, as they would in PostgreSQL.
    QCOMPARE(sqliteRows(m_target,
                        QStringLiteral("SELECT seq FROM sqlite_sequence WHERE name = 'orders'")),
             (QList<QStringList>{{QStringLiteral("40")}}));
    QCOMPARE(sqliteRows(m_target, QStringLiteral("SELECT count(*) FROM big_orders")),
             (QList<QStringList>{{QStringLiteral("3")}}));
    bool cycleNoted = false;
    for (const CopyNote& n : r.notes)
        cycleNoted |= n.object == QLatin1String("table customers") &&
                      n.message.contains(QLatin1String("cycle"));
    QVERIFY(cycleNoted);
}

void TestCopy::replacesKeepingTheOldTarget()
{
    QVERIFY(QDir().mkpath(QFileInfo(m_target).absolutePath()));
    {
        SQLite::Database old(m_target.toStdString(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        old.exec("CREATE TABLE old_data (x); INSERT INTO old_data VALUES (42)");
    }
    QVERIFY(m_db->exec(QStringLiteral("CREATE TABLE fresh (id int PRIMARY KEY); "
                                      "INSERT INTO fresh VALUES (1), (2)")));
    const CopyReport r = copy();
    QVERIFY2(r.ok(), qPrintable(r.failure ? r.failure->toString() : QString()));
    QVERIFY(!r.safetyCopy.isEmpty());
    QVERIFY(r.safetyCopy.contains(QLatin1String(".strata-before-copy-")));
    QCOMPARE(sqliteRows(r.safetyCopy, QStringLiteral("SELECT x FROM old_data")),
             (QList<QStringList>{{QStringLiteral("42")}}));
    QCOMPARE(sqliteRows(m_target, QStringLiteral("SELECT name FROM sqlite_schema WHERE type = "
                                                 "'table'")),
             (QList<QStringList>{{QStringLiteral("fresh")}}));
    // Nothing else beside them: no temporary file, no journal.
    const QStringList files = filesIn(QFileInfo(m_target).absolutePath());
    for (const QString& f : files)
        QVERIFY2(f == QLatin1String("target.sqlite") ||
                     f.startsWith(QLatin1String("target.sqlite.strata-before-copy-")),
                 qPrintable(f));
    QCOMPARE(files.size(), 2);
}

void TestCopy::d1TargetIsWal()
{
    QVERIFY(m_db->exec(QStringLiteral("CREATE TABLE t (id int PRIMARY KEY); "
                                      "INSERT INTO t VALUES (1)")));
    const CopyReport r = copy(Dialect::D1);
    QVERIFY2(r.ok(), qPrintable(r.failure ? r.failure->toString() : QString()));
    QCOMPARE(sqliteRows(m_target, QStringLiteral("PRAGMA journal_mode")),
             (QList<QStringList>{{QStringLiteral("wal")}}));
    QVERIFY(!QFileInfo::exists(m_target + QStringLiteral("-wal")) ||
            QFileInfo(m_target + QStringLiteral("-wal")).size() == 0);
}

void TestCopy::untranslatableTableWritesNothing()
{
    // An exclusion constraint has no SQLite form: the engine refuses the table.
    QVERIFY(m_db->exec(QStringLiteral(
        "CREATE EXTENSION IF NOT EXISTS btree_gist; "
        "CREATE TABLE ok (id int PRIMARY KEY); "
        "CREATE TABLE rooms (id int, during tsrange, EXCLUDE USING gist (id WITH =, during WITH "
        "&&))")));
    const CopyReport r = copy();
    QVERIFY(!r.ok());
    QCOMPARE(r.failureKind, CopyFailureKind::Failed);
    QVERIFY2(r.failure->message.contains(QLatin1String("rooms")), qPrintable(r.failure->message));
    bool blocking = false;
    for (const CopyNote& n : r.notes)
        blocking |= n.blocking && n.object == QLatin1String("table rooms");
    QVERIFY(blocking);
    QVERIFY(!QFileInfo::exists(m_target));
    QVERIFY(filesIn(QFileInfo(m_target).absolutePath()).isEmpty());
}

void TestCopy::refusedRowLeavesTargetAsItWas()
{
    // Two numerics PostgreSQL tells apart become the same REAL: the UNIQUE constraint refuses
    // the second row.
    QVERIFY(QDir().mkpath(QFileInfo(m_target).absolutePath()));
    {
        SQLite::Database old(m_target.toStdString(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        old.exec("CREATE TABLE keep (x); INSERT INTO keep VALUES ('before')");
    }
    const QByteArray before = readFile(m_target);
    QVERIFY(m_db->exec(
        QStringLiteral("CREATE TABLE prices (id int PRIMARY KEY, p numeric UNIQUE); "
                       "INSERT INTO prices VALUES (1, 0.1), (2, 0.10000000000000000001)")));
    const CopyReport r = copy();
    QVERIFY(!r.ok());
    QCOMPARE(r.failureKind, CopyFailureKind::Failed);
    QVERIFY2(r.failure->message.contains(QLatin1String("table prices, row 2 (id = 2)")),
             qPrintable(r.failure->message));
    QVERIFY2(r.failure->message.contains(QLatin1String("UNIQUE")), qPrintable(r.failure->message));
    QCOMPARE(r.tables[0].status, TableCopyResult::Status::Failed);
    QCOMPARE(readFile(m_target), before);
    QCOMPARE(filesIn(QFileInfo(m_target).absolutePath()),
             (QStringList{QStringLiteral("target.sqlite")}));
}

void TestCopy::targetHeldOpenIsBusy()
{
    QVERIFY(QDir().mkpath(QFileInfo(m_target).absolutePath()));
    SQLite::Database holder(m_target.toStdString(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    holder.exec("PRAGMA journal_mode = WAL; CREATE TABLE keep (x); INSERT INTO keep VALUES (1)");
    holder.exec("BEGIN; SELECT * FROM keep"); // an open reader: no checkpoint can finish
    SQLite::Statement reading(holder, "SELECT x FROM keep");
    QVERIFY(reading.executeStep());
    QVERIFY(m_db->exec(QStringLiteral("CREATE TABLE t (id int PRIMARY KEY)")));
    DataCopy job(pgEnvironment(*m_db), fileEnvironment(m_target), Dialect::Sqlite);
    CopyOptions options;
    options.busyTimeoutMs = 100;
    const CopyReport r = job.run(options);
    QVERIFY(!r.ok());
    QCOMPARE(r.failureKind, CopyFailureKind::Busy);
    QVERIFY2(r.failure->message.contains(QLatin1String("another program")),
             qPrintable(r.failure->message));
    reading.reset();
    holder.exec("COMMIT");
    QCOMPARE(sqliteRows(m_target, QStringLiteral("SELECT name FROM sqlite_schema")),
             (QList<QStringList>{{QStringLiteral("keep")}}));
    for (const QString& f : filesIn(QFileInfo(m_target).absolutePath()))
        QVERIFY2(!f.contains(QLatin1String("strata-copy")) &&
                     !f.contains(QLatin1String("before-copy")),
                 qPrintable(f));
}

void TestCopy::partitionedTableCopiedOnce()
{
    // Reading a partitioned table reads its partitions: one SQLite table with every row, the
    // partitions not copied again. Reading a table others inherit from reads only its own rows.
    QVERIFY(m_db->exec(QStringLiteral(
        "CREATE TABLE m (id int, region text, v text, PRIMARY KEY (id, region)) "
        "  PARTITION BY LIST (region); "
        "CREATE TABLE m_eu PARTITION OF m FOR VALUES IN ('eu'); "
        "CREATE TABLE m_us PARTITION OF m FOR VALUES IN ('us') PARTITION BY RANGE (id); "
        "CREATE TABLE m_us_low PARTITION OF m_us FOR VALUES FROM (0) TO (100); "
        "CREATE INDEX m_v ON m (v); "
        "INSERT INTO m VALUES (1, 'eu', 'a'), (2, 'us', 'b'), (3, 'eu', 'c'); "
        "CREATE TABLE base (id int PRIMARY KEY, v text); "
        "CREATE TABLE child (extra int) INHERITS (base); "
        "INSERT INTO base VALUES (1, 'base'); "
        "INSERT INTO child VALUES (2, 'child', 0), (3, 'child', 0)")));
    const CopyReport r = copy();
    QVERIFY2(r.ok(), qPrintable(r.failure ? r.failure->toString() : QString()));
    QMap<QString, qint64> rows;
    for (const TableCopyResult& t : r.tables) {
        QCOMPARE(t.status, TableCopyResult::Status::Ok);
        QCOMPARE(t.targetRows, t.sourceRows);
        rows.insert(t.source, t.targetRows);
    }
    QCOMPARE(rows, (QMap<QString, qint64>{{QStringLiteral("base"), 1},
                                          {QStringLiteral("child"), 2},
                                          {QStringLiteral("m"), 3}}));
    QCOMPARE(r.rowsCopied, 6);
    QCOMPARE(sqliteRows(m_target, QStringLiteral("SELECT name FROM sqlite_schema WHERE type = "
                                                 "'table' ORDER BY name")),
             (QList<QStringList>{
                 {QStringLiteral("base")}, {QStringLiteral("child")}, {QStringLiteral("m")}}));
    QCOMPARE(sqliteRows(m_target, QStringLiteral("SELECT id, region FROM m ORDER BY id")),
             (QList<QStringList>{{QStringLiteral("1"), QStringLiteral("eu")},
                                 {QStringLiteral("2"), QStringLiteral("us")},
                                 {QStringLiteral("3"), QStringLiteral("eu")}}));
    // The partitioned table's own index, none of its partitions'.
    QCOMPARE(sqliteRows(m_target, QStringLiteral("SELECT name FROM sqlite_schema WHERE type = "
                                                 "'index' AND sql IS NOT NULL")),
             (QList<QStringList>{{QStringLiteral("m_v")}}));
    bool noted = false;
    for (const CopyNote& n : r.notes) {
        QVERIFY2(!n.message.contains(QLatin1String("history")), qPrintable(n.object));
        noted |= n.object == QLatin1String("table m") &&
                 n.message.contains(QLatin1String("m_eu, m_us, m_us_low"));
    }
    QVERIFY(noted);
}

void TestCopy::targetKeepsItsMode_data()
{
    QTest::addColumn<int>("mode");
    QTest::newRow("0600") << 0600;
    QTest::newRow("0664 (more than the umask gives)") << 0664;
}

void TestCopy::targetKeepsItsMode()
{
    QFETCH(int, mode);
    const mode_t umaskWas = ::umask(022);
    QVERIFY(QDir().mkpath(QFileInfo(m_target).absolutePath()));
    {
        SQLite::Database old(m_target.toStdString(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        old.exec("CREATE TABLE old_data (x)");
    }
    QVERIFY(::chmod(QFile::encodeName(m_target).constData(), mode_t(mode)) == 0);
    QVERIFY(m_db->exec(QStringLiteral("CREATE TABLE t (id int PRIMARY KEY); "
                                      "INSERT INTO t VALUES (1)")));
    const CopyReport r = copy();
    ::umask(umaskWas);
    QVERIFY2(r.ok(), qPrintable(r.failure ? r.failure->toString() : QString()));
    struct stat st = {};
    QVERIFY(::stat(QFile::encodeName(m_target).constData(), &st) == 0);
    QCOMPARE(QString::number(st.st_mode & 0777, 8), QString::number(mode, 8));
    QCOMPARE(sqliteRows(m_target, QStringLiteral("SELECT id FROM t")),
             (QList<QStringList>{{QStringLiteral("1")}}));
}

void TestCopy::leftoversOfKilledCopiesSwept()
{
    const QString dir = QFileInfo(m_target).absolutePath();
    QVERIFY(QDir().mkpath(dir));
    const QDateTime twoDaysAgo = QDateTime::currentDateTimeUtc().addDays(-2);
    auto make = [&](const QString& name, bool old) {
        QFile f(QDir(dir).filePath(name));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("leftover");
        QVERIFY(f.flush()); // before the time is set: a later write would change it
        if (old)
            QVERIFY(f.setFileTime(twoDaysAgo, QFileDevice::FileModificationTime));
    };
    make(QStringLiteral("target.sqlite.strata-copy-0123456789"), true);
    make(QStringLiteral("target.sqlite.strata-copy-0123456789-journal"), true);
    make(QStringLiteral("target.sqlite.strata-copy-abcdef0123"), false); // perhaps running
    make(QStringLiteral("other.sqlite.strata-copy-0123456789"), true);   // another target's
    make(QStringLiteral("target.sqlite.strata-copy-notes.txt"), true);   // not a name we make
    QVERIFY(m_db->exec(QStringLiteral("CREATE TABLE t (id int PRIMARY KEY)")));
    const CopyReport r = copy();
    QVERIFY2(r.ok(), qPrintable(r.failure ? r.failure->toString() : QString()));
    QCOMPARE(filesIn(dir), (QStringList{QStringLiteral("other.sqlite.strata-copy-0123456789"),
                                        QStringLiteral("target.sqlite"),
                                        QStringLiteral("target.sqlite.strata-copy-abcdef0123"),
                                        QStringLiteral("target.sqlite.strata-copy-notes.txt")}));
    QStringList removed;
    for (const CopyNote& n : r.notes)
        if (n.message.startsWith(QLatin1String("removed")))
            removed << QFileInfo(n.object.mid(5)).fileName();
    QCOMPARE(removed,
             (QStringList{QStringLiteral("target.sqlite.strata-copy-0123456789"),
                          QStringLiteral("target.sqlite.strata-copy-0123456789-journal")}));
}

void TestCopy::examplesAreCut()
{
    // Reports show row values; a long one is cut to 80 characters, in a row's key as in a lossy
    // conversion's example.
    const QString key = QString(300, QLatin1Char('k'));
    const QString digits = QString(200, QLatin1Char('7'));
    QVERIFY(m_db->exec(
        QStringLiteral("CREATE TABLE amounts (k text PRIMARY KEY, big numeric); "
                       "INSERT INTO amounts VALUES ('a', %1.5); "
                       "CREATE TABLE prices (k text PRIMARY KEY, p numeric UNIQUE); "
                       "INSERT INTO prices VALUES ('1', 0.1), ('%2', 0.10000000000000000001)")
            .arg(digits, key)));
    const CopyReport r = copy();
    QVERIFY(!r.ok());
    const QString cutKey = QString(80, QLatin1Char('k')) + QStringLiteral("…");
    QVERIFY2(r.failure->message.contains(QStringLiteral("row 2 (k = ") + cutKey + QLatin1Char(')')),
             qPrintable(r.failure->message));
    QVERIFY(!r.failure->message.contains(QString(81, QLatin1Char('k'))));
    const LossyConversion* l = lossFor(r, QStringLiteral("big"));
    QVERIFY(l);
    QCOMPARE(l->firstSource, QString(80, QLatin1Char('7')) + QStringLiteral("…"));
    QVERIFY2(l->firstStored.size() <= 81, qPrintable(l->firstStored));
}

QTEST_GUILESS_MAIN(TestCopy)
#include "tst_copy.moc"
