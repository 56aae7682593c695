#pragma once

// A line-based diff between two texts (Myers' O(ND) algorithm), grouped into hunks with a few
// lines of context, as `diff -u` shows them. Line endings are normalised first (CRLF and lone CR
// become LF) so a file re-saved on another system does not look rewritten. Used to show what
// changed in a migration file since it was applied: the SQL that ran against the file now.

#include <QList>
#include <QString>
#include <QStringList>

namespace strata {

struct DiffLine
{
    enum class Kind { Kept, Removed, Added };

    Kind kind = Kind::Kept;
    QString text;    // without its line ending
    int oldLine = 0; // 1-based line in the old text; 0 for an added line
    int newLine = 0; // 1-based line in the new text; 0 for a removed line

    bool operator==(const DiffLine&) const = default;
};

struct DiffHunk
{
    int oldStart = 0; // first old line the hunk covers (1-based; 0 when it covers none)
    int oldCount = 0;
    int newStart = 0;
    int newCount = 0;
    QList<DiffLine> lines;

    // "@@ -3,4 +3,5 @@"
    QString header() const;
};

struct TextDiff
{
    QList<DiffHunk> hunks; // empty when the texts have the same lines
    int added = 0;
    int removed = 0;

    bool isIdentical() const { return hunks.isEmpty(); }
    // The whole diff as unified-diff text: hunk headers, then " ", "-" or "+" before each line.
    QString toUnifiedText() const;
};

// The lines of `text` after normalising line endings. A final line ending does not start
// another line: "a\nb\n" and "a\nb" are both {"a", "b"}; "" is no lines at all.
QStringList splitLines(const QString& text);

// The shortest edit script turning `oldLines` into `newLines`, every line of both in order.
// Where several scripts are equally short, removals come before additions.
QList<DiffLine> diffLines(const QStringList& oldLines, const QStringList& newLines);

// Diffs two texts into hunks with `context` unchanged lines around each change; changes closer
// than twice the context share a hunk.
TextDiff diffTexts(const QString& oldText, const QString& newText, int context = 3);

} // namespace strata
