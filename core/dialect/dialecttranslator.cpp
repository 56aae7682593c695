#include "dialecttranslator.h"

#include "altertranslator.h"
#include "dmltranslator.h"
#include "objecttranslator.h"
#include "tabletranslator.h"

#include <pg_query.h>

#include <cstring>

namespace strata {

QString TranslationDiagnostic::levelName(Level level)
{
    switch (level) {
    case Level::Error: return QStringLiteral("error");
    case Level::Warning: return QStringLiteral("warning");
    case Level::Note: return QStringLiteral("note");
    }
    return {};
}

bool TranslatedStatement::hasError() const
{
    for (const TranslationDiagnostic& d : diagnostics)
        if (d.level == TranslationDiagnostic::Level::Error)
            return true;
    return false;
}

bool TranslationResult::hasErrors() const
{
    for (const TranslatedStatement& s : statements)
        if (s.hasError())
            return true;
    return false;
}

QString TranslationResult::sql() const
{
    QStringList blocks;
    for (const TranslatedStatement& s : statements) {
        QStringList lines;
        if (!s.comments.isEmpty())
            lines << s.comments;
        lines << s.output;
        if (!lines.isEmpty())
            blocks << lines.join(QLatin1Char('\n'));
    }
    if (!trailingComments.isEmpty())
        blocks << trailingComments;
    return blocks.isEmpty() ? QString() : blocks.join(QStringLiteral("\n\n")) + QLatin1Char('\n');
}

QStringList TranslationResult::diagnosticLines(const QString& fileName) const
{
    QStringList lines;
    for (const TranslatedStatement& s : statements)
        for (const TranslationDiagnostic& d : s.diagnostics)
            lines << QStringLiteral("%1:%2:%3: %4: %5")
                         .arg(fileName.isEmpty() ? QStringLiteral("-") : fileName)
                         .arg(d.line)
                         .arg(d.column)
                         .arg(TranslationDiagnostic::levelName(d.level), d.message);
    return lines;
}

class DialectTranslator::Impl final
{
public:
    explicit Impl(Dialect target)
        : ctx(target), expressions(ctx), tables(ctx, expressions), objects(ctx, expressions),
          dml(ctx, expressions), alters(ctx, expressions, tables)
    {
    }

    void statement(TranslationResult& result, const PgSourceText& source, const PgNode& stmt,
                   int location, int length, int base);
    void dispatch(const PgNode& stmt);
    void unsupported(const PgNode& stmt);
    void checkD1Limits();

    TranslationContext ctx;
    ExpressionTranslator expressions;
    TableTranslator tables;
    ObjectTranslator objects;
    DmlTranslator dml;
    AlterTranslator alters;
    PgTree tree; // each file's parse tree, in blocks kept from one file to the next
};

namespace {

// The comments before a statement as written, without the blank lines around them.
QString trimmedComments(const QString& leading)
{
    QString s = leading;
    while (!s.isEmpty() && s.front().isSpace())
        s.remove(0, 1);
    while (!s.isEmpty() && s.back().isSpace())
        s.chop(1);
    return s;
}

} // namespace

void DialectTranslator::Impl::statement(TranslationResult& result, const PgSourceText& source,
                                        const PgNode& stmt, int location, int length, int base)
{
    const QByteArray& utf8 = source.utf8();
    const int begin = base + location;
    const int end = std::min(begin + length, int(utf8.size()));
    const int start = skipBlankAndComments(utf8, begin, end);
    if (start >= end)
        return;
    const bool terminated = end < utf8.size() && utf8[end] == ';';
    TranslatedStatement& out = result.statements.emplace_back();
    out.firstLine = source.lineAt(start);
    out.lastLine = source.lineAt(std::max(start, end - 1));
    out.source = source.slice(start, end - start + (terminated ? 1 : 0));
    out.comments = trimmedComments(source.slice(begin, start - begin));
    ctx.begin(&out, &source, base, start);
    dispatch(stmt);
    checkD1Limits();
    ctx.current = nullptr;
}

void DialectTranslator::Impl::checkD1Limits()
{
    if (!ctx.isD1())
        return;
    for (const QString& s : ctx.current->output)
        if (s.toUtf8().size() > 100 * 1000)
            ctx.error(-1, QStringLiteral("this statement is larger than D1's limit of 100 KB per "
                                         "statement: split it"));
}

void DialectTranslator::Impl::dispatch(const PgNode& stmt)
{
    const std::string_view tag = stmt.tag();
    const PgNode& b = stmt.body();
    if (tag == "CreateStmt")
        return tables.createTable(b);
    if (tag == "CreateTableAsStmt")
        return tables.createTableAs(b);
    if (tag == "IndexStmt")
        return objects.createIndex(b);
    if (tag == "ViewStmt")
        return objects.createView(b);
    if (tag == "DropStmt")
        return objects.drop(b);
    if (tag == "CreateEnumStmt")
        return objects.createEnum(b);
    if (tag == "CreateDomainStmt")
        return objects.createDomain(b);
    if (tag == "CreateSeqStmt")
        return objects.createSequence(b);
    if (tag == "CommentStmt")
        return objects.comment(b);
    if (tag == "CreateExtensionStmt")
        return objects.createExtension(b);
    if (tag == "AlterTableStmt")
        return alters.alterTable(b);
    if (tag == "RenameStmt")
        return alters.rename(b);
    if (tag == "AlterEnumStmt")
        return alters.alterEnum(b);
    if (tag == "InsertStmt")
        return dml.insert(b);
    if (tag == "UpdateStmt")
        return dml.update(b);
    if (tag == "DeleteStmt")
        return dml.remove(b);
    if (tag == "TruncateStmt")
        return dml.truncate(b);
    if (tag == "SelectStmt") {
        ctx.add(expressions.select(b) + QLatin1Char(';'));
        return;
    }
    if (tag == "TransactionStmt") {
        ctx.note(-1, ctx.isD1() ? QStringLiteral("transaction control dropped: D1 rejects BEGIN, "
                                                 "COMMIT and SAVEPOINT (each migration runs "
                                                 "as one batch)")
                                : QStringLiteral("transaction control dropped: Strata runs each "
                                                 "migration in one transaction"));
        return;
    }
    if (tag == "AlterSeqStmt") {
        ctx.note(-1, QStringLiteral("SQLite has no sequences: ALTER SEQUENCE dropped"));
        return;
    }
    if (tag == "VariableSetStmt") {
        ctx.note(-1, QStringLiteral("SET %1 dropped: SQLite has no such setting")
                         .arg(b["name"].qstr()));
        return;
    }
    if (tag == "GrantStmt" || tag == "GrantRoleStmt" || tag == "AlterOwnerStmt" ||
        tag == "AlterDefaultPrivilegesStmt" || tag == "CreateRoleStmt" || tag == "AlterRoleStmt") {
        ctx.note(-1, QStringLiteral("SQLite has no users or privileges: GRANT, REVOKE, roles and "
                                    "owners are dropped (access is whoever can open the file%1)")
                         .arg(ctx.isD1() ? QStringLiteral(" or holds the D1 binding")
                                         : QString()));
        return;
    }
    if (tag == "CreateSchemaStmt") {
        ctx.warning(-1, QStringLiteral("SQLite has no schemas: names in schema %1 get it as a "
                                       "prefix (%1_name)")
                            .arg(b["schemaname"].qstr()));
        return;
    }
    if (tag == "VacuumStmt") {
        ctx.note(-1, QStringLiteral("VACUUM / ANALYZE dropped (SQLite's VACUUM cannot run in a "
                                    "transaction)"));
        return;
    }
    unsupported(stmt);
}

void DialectTranslator::Impl::unsupported(const PgNode& stmt)
{
    const std::string_view tag = stmt.tag();
    QString why;
    if (tag == "CreateFunctionStmt")
        why = QStringLiteral("SQLite has no stored functions or procedures: a PL/pgSQL or SQL "
                             "function cannot be translated (compute it in the application, or "
                             "as an expression where it is used)");
    else if (tag == "DoStmt")
        why = QStringLiteral("a DO block is PL/pgSQL code that SQLite cannot run: write its "
                             "effect as plain statements");
    else if (tag == "CreateTrigStmt")
        why = QStringLiteral("PostgreSQL triggers call a PL/pgSQL function, which SQLite cannot "
                             "run: write an SQLite trigger (CREATE TRIGGER … BEGIN … END) by "
                             "hand");
    else if (tag == "CreatePolicyStmt" || tag == "AlterPolicyStmt")
        why = QStringLiteral("SQLite has no row-level security: a policy cannot be translated, "
                             "and dropping it would silently open the rows to everyone");
    else if (tag == "RuleStmt")
        why = QStringLiteral("SQLite has no rules");
    else if (tag == "AlterDomainStmt")
        why = QStringLiteral("ALTER DOMAIN is not translated: the domain's constraints were "
                             "written on each column; change those columns instead");
    else
        why = QStringLiteral("%1 has no SQLite translation")
                  .arg(QString::fromUtf8(tag.data(), qsizetype(tag.size())));
    ctx.error(-1, why);
}

DialectTranslator::DialectTranslator(Dialect target) : m_impl(std::make_unique<Impl>(target)) {}

DialectTranslator::~DialectTranslator() = default;

Dialect DialectTranslator::target() const
{
    return m_impl->ctx.target;
}

TranslationResult DialectTranslator::translate(const QString& sql, const QString& fileName,
                                               int firstLine)
{
    Q_UNUSED(fileName)
    TranslationResult result;
    const PgSourceText source(sql, firstLine);
    const QByteArray& utf8 = source.utf8();
    int consumed = 0; // bytes covered by statements so far

    PgTree& tree = m_impl->tree;
    if (tree.parseSql(utf8.constData())) {
        for (const PgNode& s : tree.root()["stmts"]) {
            const int location = int(s["stmt_location"].integer());
            int length = int(s["stmt_len"].integer());
            if (length == 0) // the last statement without a ';' runs to the end
                length = int(utf8.size()) - location;
            m_impl->statement(result, source, s["stmt"], location, length, 0);
            consumed = location + length;
        }
    } else {
        // A statement does not parse: translate the others one by one. The scanner's split
        // leaves out some malformed statements altogether; the gaps it leaves are chunks too.
        QList<std::pair<int, int>> chunks; // byte location, length
        PgQuerySplitResult split = pg_query_split_with_scanner(utf8.constData());
        int pos = 0;
        auto addGap = [&](int until) {
            if (skipBlankAndComments(utf8, pos, until) < until) {
                int from = pos;
                if (from < until && utf8[from] == ';')
                    ++from;
                chunks.append({from, until - from});
            }
        };
        for (int i = 0; !split.error && i < split.n_stmts; ++i) {
            const PgQuerySplitStmt* st = split.stmts[i];
            addGap(st->stmt_location);
            chunks.append({st->stmt_location, st->stmt_len});
            pos = st->stmt_location + st->stmt_len;
            if (pos < utf8.size() && utf8[pos] == ';')
                ++pos;
        }
        addGap(int(utf8.size()));
        pg_query_free_split_result(split);
        for (const auto& [location, length] : chunks) {
            QByteArray text = utf8.mid(location, length);
            if (text.endsWith(';'))
                text.chop(1);
            std::string message;
            int cursorpos = 0;
            const bool parsed = tree.parseSql(text.constData(), &message, &cursorpos);
            consumed = location + int(text.size());
            if (!parsed) {
                const int start = skipBlankAndComments(utf8, location, consumed);
                if (start < consumed) {
                    TranslatedStatement& out = result.statements.emplace_back();
                    const bool terminated = consumed < utf8.size() && utf8[consumed] == ';';
                    out.firstLine = source.lineAt(start);
                    out.lastLine = source.lineAt(consumed - 1);
                    out.source = source.slice(start, consumed - start + (terminated ? 1 : 0));
                    out.comments = trimmedComments(source.slice(location, start - location));
                    m_impl->ctx.begin(&out, &source, location, start);
                    const int at = cursorpos > 0 ? cursorpos - 1 : -1;
                    m_impl->ctx.error(at, QStringLiteral("PostgreSQL syntax error: ") +
                                              QString::fromStdString(message));
                    m_impl->ctx.current = nullptr;
                }
            } else {
                for (const PgNode& s : tree.root()["stmts"])
                    m_impl->statement(result, source, s["stmt"], 0, int(text.size()), location);
            }
        }
    }
    if (consumed < utf8.size()) {
        const QString tail = trimmedComments(source.slice(consumed, int(utf8.size()) - consumed));
        result.trailingComments = tail.startsWith(QLatin1Char(';')) ? trimmedComments(tail.mid(1))
                                                                      : tail;
    }
    return result;
}

Status DialectTranslator::seedFromSqlite(const QString& databasePath)
{
    return m_impl->ctx.shadow.seedFrom(databasePath);
}

Status DialectTranslator::seedFromSqliteSql(const QString& sql)
{
    m_impl->ctx.shadow.enqueue(sql);
    return success();
}

} // namespace strata
