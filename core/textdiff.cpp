#include "textdiff.h"

#include <QHash>

#include <algorithm>
#include <vector>

namespace strata {
namespace {

// The trace Myers' backtracking needs grows with the square of the edit distance. Past this
// many stored entries (16 MB) the middle of the texts is reported as removed and re-added whole:
// still a correct script, only not the shortest, and only for texts that share almost nothing.
constexpr qsizetype MaxTraceEntries = 4 * 1024 * 1024;

// Every distinct line gets a small integer, so the inner loop compares ints, not strings.
void numberLines(const QStringList& a, const QStringList& b, std::vector<int>& na,
                 std::vector<int>& nb)
{
    QHash<QString, int> ids;
    auto idOf = [&ids](const QString& line) {
        auto it = ids.find(line);
        if (it == ids.end())
            it = ids.insert(line, int(ids.size()));
        return it.value();
    };
    na.reserve(size_t(a.size()));
    nb.reserve(size_t(b.size()));
    for (const QString& line : a)
        na.push_back(idOf(line));
    for (const QString& line : b)
        nb.push_back(idOf(line));
}

// An edit script over the index ranges a[aBegin, aEnd) and b[bBegin, bEnd), appended to `out`
// as (kind, old index, new index) steps.
struct Step
{
    DiffLine::Kind kind;
    int oldIndex; // -1 for an addition
    int newIndex; // -1 for a removal
};

void replaceWhole(int aBegin, int aEnd, int bBegin, int bEnd, std::vector<Step>& out)
{
    for (int i = aBegin; i < aEnd; ++i)
        out.push_back({DiffLine::Kind::Removed, i, -1});
    for (int j = bBegin; j < bEnd; ++j)
        out.push_back({DiffLine::Kind::Added, -1, j});
}

// Myers' greedy shortest edit script with a per-round snapshot of V for the backtrack.
void myers(const std::vector<int>& a, int aBegin, int aEnd, const std::vector<int>& b, int bBegin,
           int bEnd, std::vector<Step>& out)
{
    const int n = aEnd - aBegin;
    const int m = bEnd - bBegin;
    if (n == 0 || m == 0) {
        replaceWhole(aBegin, aEnd, bBegin, bEnd, out);
        return;
    }
    const int max = n + m;
    const int off = max + 1;
    std::vector<int> v(size_t(2 * max + 3), 0);
    // trace[d][k + d] is the furthest x reached on diagonal k after d edits.
    std::vector<std::vector<int>> trace;
    qsizetype stored = 0;
    int found = -1;
    for (int d = 0; d <= max && found < 0; ++d) {
        for (int k = -d; k <= d; k += 2) {
            const bool down =
                k == -d || (k != d && v[size_t(off + k - 1)] < v[size_t(off + k + 1)]);
            int x = down ? v[size_t(off + k + 1)] : v[size_t(off + k - 1)] + 1;
            int y = x - k;
            while (x < n && y < m && a[size_t(aBegin + x)] == b[size_t(bBegin + y)]) {
                ++x;
                ++y;
            }
            v[size_t(off + k)] = x;
            if (x >= n && y >= m) {
                found = d;
                break;
            }
        }
        trace.emplace_back(v.begin() + (off - d), v.begin() + (off + d + 1));
        stored += 2 * d + 1;
        if (found < 0 && stored > MaxTraceEntries) {
            replaceWhole(aBegin, aEnd, bBegin, bEnd, out);
            return;
        }
    }

    // Walk back from (n, m): each round undoes one edit and the snake of equal lines after it.
    std::vector<Step> reversed;
    int x = n;
    int y = m;
    for (int d = found; d > 0; --d) {
        const std::vector<int>& prev = trace[size_t(d - 1)];
        const int k = x - y;
        const bool down =
            k == -d || (k != d && prev[size_t(k - 1 + d - 1)] < prev[size_t(k + 1 + d - 1)]);
        const int prevK = down ? k + 1 : k - 1;
        const int prevX = prev[size_t(prevK + d - 1)];
        const int prevY = prevX - prevK;
        const int snakeX = down ? prevX : prevX + 1; // where the snake after the edit starts
        while (x > snakeX) {
            --x;
            --y;
            reversed.push_back({DiffLine::Kind::Kept, aBegin + x, bBegin + y});
        }
        if (down)
            reversed.push_back({DiffLine::Kind::Added, -1, bBegin + prevY});
        else
            reversed.push_back({DiffLine::Kind::Removed, aBegin + prevX, -1});
        x = prevX;
        y = prevY;
    }
    while (x > 0) { // the opening snake, before the first edit (x == y here)
        --x;
        --y;
        reversed.push_back({DiffLine::Kind::Kept, aBegin + x, bBegin + y});
    }
    out.insert(out.end(), reversed.rbegin(), reversed.rend());
}

} // namespace

QString DiffHunk::header() const
{
    return QStringLiteral("@@ -%1,%2 +%3,%4 @@")
        .arg(oldStart)
        .arg(oldCount)
        .arg(newStart)
        .arg(newCount);
}

QString TextDiff::toUnifiedText() const
{
    QString out;
    for (const DiffHunk& hunk : hunks) {
        out += hunk.header() + QLatin1Char('\n');
        for (const DiffLine& line : hunk.lines) {
            switch (line.kind) {
            case DiffLine::Kind::Kept:
                out += QLatin1Char(' ');
                break;
            case DiffLine::Kind::Removed:
                out += QLatin1Char('-');
                break;
            case DiffLine::Kind::Added:
                out += QLatin1Char('+');
                break;
            }
            out += line.text + QLatin1Char('\n');
        }
    }
    return out;
}

QStringList splitLines(const QString& text)
{
    if (text.isEmpty())
        return {};
    QString normalised = text;
    normalised.replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
    normalised.replace(QLatin1Char('\r'), QLatin1Char('\n'));
    QStringList lines = normalised.split(QLatin1Char('\n'));
    if (normalised.endsWith(QLatin1Char('\n')))
        lines.removeLast();
    return lines;
}

QList<DiffLine> diffLines(const QStringList& oldLines, const QStringList& newLines)
{
    std::vector<int> a, b;
    numberLines(oldLines, newLines, a, b);
    const int n = int(a.size());
    const int m = int(b.size());

    // Equal lines at both ends cost nothing to find and shrink what Myers has to search.
    int prefix = 0;
    while (prefix < n && prefix < m && a[size_t(prefix)] == b[size_t(prefix)])
        ++prefix;
    int suffix = 0;
    while (suffix < n - prefix && suffix < m - prefix &&
           a[size_t(n - 1 - suffix)] == b[size_t(m - 1 - suffix)])
        ++suffix;

    std::vector<Step> steps;
    steps.reserve(size_t(std::max(n, m)));
    for (int i = 0; i < prefix; ++i)
        steps.push_back({DiffLine::Kind::Kept, i, i});
    myers(a, prefix, n - suffix, b, prefix, m - suffix, steps);
    for (int i = suffix; i > 0; --i)
        steps.push_back({DiffLine::Kind::Kept, n - i, m - i});

    QList<DiffLine> out;
    out.reserve(qsizetype(steps.size()));
    for (const Step& s : steps) {
        DiffLine line;
        line.kind = s.kind;
        line.text = s.oldIndex >= 0 ? oldLines.at(s.oldIndex) : newLines.at(s.newIndex);
        line.oldLine = s.oldIndex + 1;
        line.newLine = s.newIndex + 1;
        out << line;
    }
    return out;
}

TextDiff diffTexts(const QString& oldText, const QString& newText, int context)
{
    context = std::max(0, context);
    const QList<DiffLine> script = diffLines(splitLines(oldText), splitLines(newText));
    TextDiff diff;
    const qsizetype count = script.size();
    qsizetype i = 0;
    // Old and new lines consumed before script[i]: a hunk that covers no old (or new) line
    // starts, as in diff -u, at the line before it.
    int oldSeen = 0;
    int newSeen = 0;
    auto advance = [&](qsizetype to) {
        for (; i < to; ++i) {
            if (script.at(i).kind != DiffLine::Kind::Added)
                ++oldSeen;
            if (script.at(i).kind != DiffLine::Kind::Removed)
                ++newSeen;
        }
    };
    while (i < count) {
        qsizetype change = i;
        while (change < count && script.at(change).kind == DiffLine::Kind::Kept)
            ++change;
        if (change == count)
            break;
        advance(std::max(i, change - context));

        // Extend the hunk while the next change is within 2 × context kept lines.
        qsizetype end = change;
        for (;;) {
            while (end < count && script.at(end).kind != DiffLine::Kind::Kept)
                ++end;
            qsizetype next = end;
            while (next < count && script.at(next).kind == DiffLine::Kind::Kept)
                ++next;
            if (next < count && next - end <= 2 * context) {
                end = next;
                continue;
            }
            end = std::min(count, end + context);
            break;
        }

        DiffHunk hunk;
        const int oldBefore = oldSeen;
        const int newBefore = newSeen;
        for (qsizetype j = i; j < end; ++j) {
            const DiffLine& line = script.at(j);
            hunk.lines << line;
            if (line.kind != DiffLine::Kind::Added)
                ++hunk.oldCount;
            if (line.kind != DiffLine::Kind::Removed)
                ++hunk.newCount;
            if (line.kind == DiffLine::Kind::Added)
                ++diff.added;
            else if (line.kind == DiffLine::Kind::Removed)
                ++diff.removed;
        }
        hunk.oldStart = hunk.oldCount > 0 ? oldBefore + 1 : oldBefore;
        hunk.newStart = hunk.newCount > 0 ? newBefore + 1 : newBefore;
        diff.hunks << hunk;
        advance(end);
    }
    return diff;
}

} // namespace strata
