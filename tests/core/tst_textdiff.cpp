// The line diff: hunks and counts for the usual shapes of change (data-driven, compared as
// unified-diff text), line endings ignored, and the script checked against a plain LCS on
// random texts: it must rebuild both sides and be as short as the longest common subsequence
// allows.

#include "textdiff.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTest>

#include <vector>

using namespace strata;

namespace {

// Length of the longest common subsequence, by the textbook table: the yardstick.
int lcsLength(const QStringList& a, const QStringList& b)
{
    std::vector<std::vector<int>> t(size_t(a.size() + 1), std::vector<int>(size_t(b.size() + 1)));
    for (qsizetype i = a.size() - 1; i >= 0; --i)
        for (qsizetype j = b.size() - 1; j >= 0; --j)
            t[size_t(i)][size_t(j)] = a.at(i) == b.at(j) ? t[size_t(i + 1)][size_t(j + 1)] + 1
                                                         : std::max(t[size_t(i + 1)][size_t(j)],
                                                                    t[size_t(i)][size_t(j + 1)]);
    return t[0][0];
}

QString lines(std::initializer_list<const char*> list)
{
    QString out;
    for (const char* l : list)
        out += QString::fromUtf8(l) + QLatin1Char('\n');
    return out;
}

} // namespace

class TestTextDiff final : public QObject
{
    Q_OBJECT

private slots:
    void hunks_data();
    void hunks();
    void splitsLines_data();
    void splitsLines();
    void lineNumbers();
    void farApartChangesMakeTwoHunks();
    void matchesLcsOnRandomTexts();
    void largeTextsStayFast();
};

void TestTextDiff::hunks_data()
{
    QTest::addColumn<QString>("oldText");
    QTest::addColumn<QString>("newText");
    QTest::addColumn<QString>("unified");
    QTest::addColumn<int>("added");
    QTest::addColumn<int>("removed");

    const QString sql =
        lines({"CREATE TABLE users (", "  id INTEGER PRIMARY KEY,", "  email TEXT NOT NULL", ");"});
    QTest::newRow("identical") << sql << sql << QString() << 0 << 0;
    QTest::newRow("both empty") << QString() << QString() << QString() << 0 << 0;
    QTest::newRow("insert") << sql
                            << lines({"CREATE TABLE users (", "  id INTEGER PRIMARY KEY,",
                                      "  name TEXT,", "  email TEXT NOT NULL", ");"})
                            << lines({"@@ -1,4 +1,5 @@", " CREATE TABLE users (",
                                      "   id INTEGER PRIMARY KEY,", "+  name TEXT,",
                                      "   email TEXT NOT NULL", " );"})
                            << 1 << 0;
    QTest::newRow("delete") << sql << lines({"CREATE TABLE users (", "  email TEXT NOT NULL", ");"})
                            << lines({"@@ -1,4 +1,3 @@", " CREATE TABLE users (",
                                      "-  id INTEGER PRIMARY KEY,", "   email TEXT NOT NULL",
                                      " );"})
                            << 0 << 1;
    QTest::newRow("replace") << sql
                             << lines({"CREATE TABLE users (", "  id INTEGER PRIMARY KEY,",
                                       "  email TEXT NOT NULL UNIQUE", ");"})
                             << lines({"@@ -1,4 +1,4 @@", " CREATE TABLE users (",
                                       "   id INTEGER PRIMARY KEY,", "-  email TEXT NOT NULL",
                                       "+  email TEXT NOT NULL UNIQUE", " );"})
                             << 1 << 1;
    QTest::newRow("old side empty")
        << QString() << lines({"a", "b"}) << lines({"@@ -0,0 +1,2 @@", "+a", "+b"}) << 2 << 0;
    QTest::newRow("new side empty")
        << lines({"a", "b"}) << QString() << lines({"@@ -1,2 +0,0 @@", "-a", "-b"}) << 0 << 2;
    QString crlf = sql;
    crlf.replace(QStringLiteral("\n"), QStringLiteral("\r\n"));
    QTest::newRow("CRLF against LF") << crlf << sql << QString() << 0 << 0;
    QString cr = sql;
    cr.replace(QStringLiteral("\n"), QStringLiteral("\r"));
    QTest::newRow("lone CR against LF") << cr << sql << QString() << 0 << 0;
    QTest::newRow("CRLF with a change")
        << QStringLiteral("a\r\nb\r\nc\r\n") << QStringLiteral("a\nB\nc")
        << lines({"@@ -1,3 +1,3 @@", " a", "-b", "+B", " c"}) << 1 << 1;
    QTest::newRow("missing final newline is no change")
        << QStringLiteral("a\nb") << QStringLiteral("a\nb\n") << QString() << 0 << 0;
    QTest::newRow("a blank line added at the end")
        << QStringLiteral("a\nb\n") << QStringLiteral("a\nb\n\n")
        << lines({"@@ -1,2 +1,3 @@", " a", " b", "+"}) << 1 << 0;
    QTest::newRow("context is cut to three lines")
        << lines({"1", "2", "3", "4", "5", "6", "7", "8", "9"})
        << lines({"1", "2", "3", "4", "five", "6", "7", "8", "9"})
        << lines({"@@ -2,7 +2,7 @@", " 2", " 3", " 4", "-5", "+five", " 6", " 7", " 8"}) << 1 << 1;
}

void TestTextDiff::hunks()
{
    QFETCH(QString, oldText);
    QFETCH(QString, newText);
    QFETCH(QString, unified);
    QFETCH(int, added);
    QFETCH(int, removed);

    const TextDiff diff = diffTexts(oldText, newText);
    QCOMPARE(diff.toUnifiedText(), unified);
    QCOMPARE(diff.isIdentical(), unified.isEmpty());
    QCOMPARE(diff.added, added);
    QCOMPARE(diff.removed, removed);
}

void TestTextDiff::splitsLines_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("empty") << QString() << QStringList();
    QTest::newRow("one newline") << QStringLiteral("\n") << QStringList{QString()};
    QTest::newRow("no final newline") << QStringLiteral("a\nb") << QStringList{"a", "b"};
    QTest::newRow("final newline") << QStringLiteral("a\nb\n") << QStringList{"a", "b"};
    QTest::newRow("CRLF") << QStringLiteral("a\r\nb\r\n") << QStringList{"a", "b"};
    QTest::newRow("lone CR") << QStringLiteral("a\rb") << QStringList{"a", "b"};
    QTest::newRow("blank lines kept")
        << QStringLiteral("a\n\n\nb") << QStringList{"a", "", "", "b"};
}

void TestTextDiff::splitsLines()
{
    QFETCH(QString, text);
    QFETCH(QStringList, expected);
    QCOMPARE(strata::splitLines(text), expected);
}

void TestTextDiff::lineNumbers()
{
    const QList<DiffLine> script = diffLines(
        {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")},
        {QStringLiteral("a"), QStringLiteral("x"), QStringLiteral("c"), QStringLiteral("d")});
    const QList<DiffLine> expected{
        {DiffLine::Kind::Kept, QStringLiteral("a"), 1, 1},
        {DiffLine::Kind::Removed, QStringLiteral("b"), 2, 0},
        {DiffLine::Kind::Added, QStringLiteral("x"), 0, 2},
        {DiffLine::Kind::Kept, QStringLiteral("c"), 3, 3},
        {DiffLine::Kind::Added, QStringLiteral("d"), 0, 4},
    };
    QCOMPARE(script, expected);
}

void TestTextDiff::farApartChangesMakeTwoHunks()
{
    QStringList before;
    for (int i = 1; i <= 30; ++i)
        before << QStringLiteral("line %1").arg(i);
    QStringList after = before;
    after[1] = QStringLiteral("changed 2");
    after[27] = QStringLiteral("changed 28");
    const TextDiff diff =
        diffTexts(before.join(QLatin1Char('\n')), after.join(QLatin1Char('\n')), 3);
    QCOMPARE(diff.hunks.size(), 2);
    QCOMPARE(diff.hunks.at(0).header(), QStringLiteral("@@ -1,5 +1,5 @@"));
    QCOMPARE(diff.hunks.at(1).header(), QStringLiteral("@@ -25,6 +25,6 @@"));

    // Closer than twice the context: one hunk.
    after = before;
    after[9] = QStringLiteral("changed 10");
    after[15] = QStringLiteral("changed 16");
    const TextDiff joined =
        diffTexts(before.join(QLatin1Char('\n')), after.join(QLatin1Char('\n')), 3);
    QCOMPARE(joined.hunks.size(), 1);
    QCOMPARE(joined.hunks.at(0).header(), QStringLiteral("@@ -7,13 +7,13 @@"));
}

void TestTextDiff::matchesLcsOnRandomTexts()
{
    QRandomGenerator rng(20240607);
    for (int round = 0; round < 300; ++round) {
        // A small alphabet makes many equal lines, which is where diffs go wrong.
        auto randomLines = [&rng] {
            QStringList out;
            const int n = int(rng.bounded(0, 25));
            for (int i = 0; i < n; ++i)
                out << QString(QChar(u'a' + char16_t(rng.bounded(0, 5))));
            return out;
        };
        const QStringList a = randomLines();
        const QStringList b = randomLines();
        const QList<DiffLine> script = diffLines(a, b);

        QStringList rebuiltOld, rebuiltNew;
        int kept = 0;
        for (const DiffLine& line : script) {
            if (line.kind != DiffLine::Kind::Added) {
                rebuiltOld << line.text;
                QCOMPARE(line.oldLine, int(rebuiltOld.size()));
            }
            if (line.kind != DiffLine::Kind::Removed) {
                rebuiltNew << line.text;
                QCOMPARE(line.newLine, int(rebuiltNew.size()));
            }
            if (line.kind == DiffLine::Kind::Kept)
                ++kept;
        }
        QCOMPARE(rebuiltOld, a);
        QCOMPARE(rebuiltNew, b);
        QCOMPARE(kept, lcsLength(a, b));
    }
}

void TestTextDiff::largeTextsStayFast()
{
    // 20,000 lines with a change every 100: a diff the inspector must show at once.
    QStringList before, after;
    for (int i = 0; i < 20000; ++i) {
        before << QStringLiteral("INSERT INTO t VALUES (%1);").arg(i);
        after << (i % 100 == 50 ? QStringLiteral("-- changed %1").arg(i) : before.last());
    }
    QElapsedTimer timer;
    timer.start();
    const TextDiff diff = diffTexts(before.join(QLatin1Char('\n')), after.join(QLatin1Char('\n')));
    QCOMPARE(diff.added, 200);
    QCOMPARE(diff.removed, 200);
    QVERIFY2(timer.elapsed() < 2000, qPrintable(QString::number(timer.elapsed())));

    // Texts with nothing in common fall back to remove-all / add-all, still a valid script.
    QStringList other;
    for (int i = 0; i < 5000; ++i)
        other << QStringLiteral("x%1").arg(i);
    const TextDiff disjoint =
        diffTexts(before.mid(0, 5000).join(QLatin1Char('\n')), other.join(QLatin1Char('\n')));
    QCOMPARE(disjoint.added, 5000);
    QCOMPARE(disjoint.removed, 5000);
}

QTEST_GUILESS_MAIN(TestTextDiff)
#include "tst_textdiff.moc"
