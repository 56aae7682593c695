#include "expressiontranslator.h"

#include <charconv>

namespace strata {
namespace {

// SQLite's binding strengths, weakest first.
enum Precedence {
    POr = 1,
    PAnd = 2,
    PNot = 3,
    PEquality = 4, // = <> IS IN LIKE BETWEEN
    PRelational = 5,
    PBitwise = 6,
    PAdditive = 7,
    PMultiplicative = 8,
    PConcat = 9, // || -> ->>
    PUnary = 10,
    PPrimary = 100
};

int precedenceOf(const QString& op)
{
    if (op == QLatin1String("=") || op == QLatin1String("<>") || op == QLatin1String("!="))
        return PEquality;
    if (op == QLatin1String("<") || op == QLatin1String("<=") || op == QLatin1String(">") ||
        op == QLatin1String(">="))
        return PRelational;
    if (op == QLatin1String("+") || op == QLatin1String("-"))
        return PAdditive;
    if (op == QLatin1String("*") || op == QLatin1String("/") || op == QLatin1String("%"))
        return PMultiplicative;
    if (op == QLatin1String("||") || op == QLatin1String("->") || op == QLatin1String("->>"))
        return PConcat;
    if (op == QLatin1String("&") || op == QLatin1String("|") || op == QLatin1String("<<") ||
        op == QLatin1String(">>"))
        return PBitwise;
    return -1;
}

bool isTimestampFunction(const QString& name)
{
    return name == QLatin1String("now") || name == QLatin1String("transaction_timestamp") ||
           name == QLatin1String("statement_timestamp") ||
           name == QLatin1String("clock_timestamp") || name == QLatin1String("localtimestamp");
}

} // namespace

QString jsonFromArrayLiteral(const QString& literal)
{
    // '{a,b}' / '{1,2}' → '["a","b"]' / '[1,2]'; nested or quoted forms are kept as written.
    const QString t = literal.trimmed();
    if (!t.startsWith(QLatin1Char('{')) || !t.endsWith(QLatin1Char('}')))
        return literal;
    const QString inner = t.mid(1, t.size() - 2).trimmed();
    if (inner.isEmpty())
        return QStringLiteral("[]");
    if (inner.contains(QLatin1Char('{')) || inner.contains(QLatin1Char('"')))
        return literal;
    QStringList items;
    for (const QString& raw : inner.split(QLatin1Char(','))) {
        const QString item = raw.trimmed();
        bool number = false;
        item.toDouble(&number);
        if (number || item == QLatin1String("true") || item == QLatin1String("false"))
            items << item;
        else if (item.compare(QLatin1String("NULL"), Qt::CaseInsensitive) == 0)
            items << QStringLiteral("null");
        else
            items << QLatin1Char('"') + QString(item).replace(QLatin1Char('\\'), QLatin1String("\\\\")) +
                         QLatin1Char('"');
    }
    return QLatin1Char('[') + items.join(QLatin1Char(',')) + QLatin1Char(']');
}

QString sqliteUuidV4Expression()
{
    return QStringLiteral(
        "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || "
        "substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || "
        "substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))");
}

QString ExpressionTranslator::operand(const PgNode& node, int precedence)
{
    const Text t = translate(node);
    return t.precedence < precedence ? QLatin1Char('(') + t.text + QLatin1Char(')') : t.text;
}

QString ExpressionTranslator::list(const PgNode& items)
{
    QStringList parts;
    for (const PgNode& n : items)
        parts << expr(n);
    return parts.join(QLatin1String(", "));
}

QString ExpressionTranslator::columnList(const PgNode& stringList)
{
    QStringList parts;
    for (const PgNode& n : stringList)
        parts << quoteIdent(n["String"]["sval"].qstr());
    return parts.join(QLatin1String(", "));
}

ExpressionTranslator::Text ExpressionTranslator::unsupported(int location, const QString& message)
{
    m_ctx.error(location, message);
    return {QStringLiteral("NULL"), PPrimary};
}

QString ExpressionTranslator::defaultValue(const PgNode& node, bool boolean, bool array)
{
    if (array) {
        const PgNode& n = node.is("TypeCast") ? node.body()["arg"] : node;
        if (!n["A_Const"]["sval"].isNull())
            return quoteString(jsonFromArrayLiteral(n["A_Const"]["sval"]["sval"].qstr()));
    }
    if (boolean) {
        const PgNode* n = &node;
        if (n->is("TypeCast"))
            n = &n->body()["arg"];
        const PgNode& c = (*n)["A_Const"];
        if (!c["boolval"].isNull())
            return c["boolval"]["boolval"].boolean() ? QStringLiteral("1") : QStringLiteral("0");
        if (!c["sval"].isNull()) {
            const QString v = c["sval"]["sval"].qstr().toLower();
            if (v == QLatin1String("t") || v == QLatin1String("true") || v == QLatin1String("yes") ||
                v == QLatin1String("on") || v == QLatin1String("1"))
                return QStringLiteral("1");
            return QStringLiteral("0");
        }
    }
    const Text t = translate(node);
    const QString& s = t.text;
    const bool literal = t.precedence == PPrimary &&
                         (s.startsWith(QLatin1Char('\'')) || s == QLatin1String("NULL") ||
                          s.startsWith(QLatin1String("CURRENT_")) || s.startsWith(QLatin1Char('X')) ||
                          (!s.isEmpty() && (s[0].isDigit() || s[0] == QLatin1Char('.'))));
    const bool signedNumber = t.precedence == PUnary && s.size() > 1 &&
                              (s[0] == QLatin1Char('-') || s[0] == QLatin1Char('+')) && s[1].isDigit();
    if (literal || signedNumber)
        return s;
    return QLatin1Char('(') + s + QLatin1Char(')');
}

ExpressionTranslator::Text ExpressionTranslator::translate(const PgNode& node)
{
    const std::string_view tag = node.tag();
    const PgNode& b = node.body();
    if (tag == "A_Const")
        return constant(b);
    if (tag == "ColumnRef")
        return columnRef(b);
    if (tag == "A_Expr")
        return aExpr(b);
    if (tag == "BoolExpr")
        return boolExpr(b);
    if (tag == "FuncCall")
        return funcCall(b);
    if (tag == "TypeCast")
        return typeCast(b);
    if (tag == "CaseExpr")
        return caseExpr(b);
    if (tag == "SubLink")
        return subLink(b);
    if (tag == "NullTest") {
        const bool isNull = b["nulltesttype"].str() == "IS_NULL";
        return {operand(b["arg"], PEquality + 1) +
                    (isNull ? QStringLiteral(" IS NULL") : QStringLiteral(" IS NOT NULL")),
                PEquality};
    }
    if (tag == "BooleanTest") {
        static const QHash<QString, QString> tests = {
            {QStringLiteral("IS_TRUE"), QStringLiteral(" IS 1")},
            {QStringLiteral("IS_NOT_TRUE"), QStringLiteral(" IS NOT 1")},
            {QStringLiteral("IS_FALSE"), QStringLiteral(" IS 0")},
            {QStringLiteral("IS_NOT_FALSE"), QStringLiteral(" IS NOT 0")},
            {QStringLiteral("IS_UNKNOWN"), QStringLiteral(" IS NULL")},
            {QStringLiteral("IS_NOT_UNKNOWN"), QStringLiteral(" IS NOT NULL")}};
        return {operand(b["arg"], PEquality + 1) + tests.value(b["booltesttype"].qstr()), PEquality};
    }
    if (tag == "CoalesceExpr")
        return {QStringLiteral("coalesce(") + list(b["args"]) + QLatin1Char(')'), PPrimary};
    if (tag == "MinMaxExpr") {
        // SQLite's multi-argument max() / min() return NULL if any argument is NULL; PostgreSQL's
        // GREATEST / LEAST ignore NULLs.
        const bool greatest = b["op"].str() == "IS_GREATEST";
        m_ctx.note(int(b["location"].integer()),
                   QStringLiteral("%1 becomes %2(): NULL arguments make the result NULL")
                       .arg(greatest ? QStringLiteral("GREATEST") : QStringLiteral("LEAST"),
                            greatest ? QStringLiteral("max") : QStringLiteral("min")));
        return {(greatest ? QStringLiteral("max(") : QStringLiteral("min(")) + list(b["args"]) +
                    QLatin1Char(')'),
                PPrimary};
    }
    if (tag == "SQLValueFunction") {
        const std::string_view op = b["op"].str();
        if (op.find("CURRENT_DATE") != std::string_view::npos)
            return {QStringLiteral("CURRENT_DATE"), PPrimary};
        if (op.find("TIMESTAMP") != std::string_view::npos)
            return {QStringLiteral("CURRENT_TIMESTAMP"), PPrimary};
        if (op.find("TIME") != std::string_view::npos)
            return {QStringLiteral("CURRENT_TIME"), PPrimary};
        return unsupported(int(b["location"].integer()),
                           QStringLiteral("SQLite has no users or roles: CURRENT_USER and "
                                          "friends cannot be translated"));
    }
    if (tag == "ParamRef")
        return {QStringLiteral("?") + QString::number(b["number"].integer()), PPrimary};
    if (tag == "RowExpr")
        return {QLatin1Char('(') + list(b["args"]) + QLatin1Char(')'), PPrimary};
    if (tag == "A_ArrayExpr") {
        m_ctx.warning(int(b["location"].integer()),
                      QStringLiteral("an ARRAY[…] value becomes a JSON array (json_array)"));
        return {QStringLiteral("json_array(") + list(b["elements"]) + QLatin1Char(')'), PPrimary};
    }
    if (tag == "CollateClause") {
        const QString collation = pgLastString(b["collname"]);
        QString sqlite = collation == QLatin1String("C") || collation == QLatin1String("POSIX")
                             ? QStringLiteral("BINARY")
                             : QString();
        if (sqlite.isEmpty()) {
            m_ctx.warning(int(b["location"].integer()),
                          QStringLiteral("collation \"%1\" has no SQLite equivalent: dropped")
                              .arg(collation));
            return translate(b["arg"]);
        }
        return {operand(b["arg"], PUnary) + QStringLiteral(" COLLATE ") + sqlite, PUnary};
    }
    if (tag == "SetToDefault")
        return unsupported(int(b["location"].integer()),
                           QStringLiteral("SQLite has no DEFAULT in a VALUES list: leave the "
                                          "column out instead"));
    if (tag == "A_Indirection")
        return unsupported(locationOf(b["arg"]),
                           QStringLiteral("array subscripts and field selection have no SQLite "
                                          "equivalent"));
    if (tag == "SelectStmt")
        return {QLatin1Char('(') + select(b) + QLatin1Char(')'), PPrimary};
    return unsupported(locationOf(node), QStringLiteral("the expression %1 has no SQLite "
                                                        "translation")
                                             .arg(QString::fromUtf8(tag.data(), qsizetype(tag.size()))));
}

// libpg_query 15-4.0.0's JSON output drops the value of a negative integer constant (`-1` comes
// out as "ival":{}, the same as 0): a zero is read back from the source text at its location.
long long ExpressionTranslator::integerConstant(const PgNode& b) const
{
    const long long v = b["ival"]["ival"].integer();
    if (v != 0 || !m_ctx.source)
        return v;
    const QByteArray& text = m_ctx.source->utf8();
    qsizetype i = qsizetype(b["location"].integer()) + m_ctx.baseOffset;
    bool negative = false;
    while (i >= 0 && i < text.size() &&
           (text[i] == '-' || text[i] == '+' || text[i] == '(' || QChar::isSpace(uchar(text[i])))) {
        if (text[i] == '-')
            negative = !negative;
        ++i;
    }
    long long digits = 0;
    if (i >= 0 && i < text.size())
        std::from_chars(text.constData() + i, text.constData() + text.size(), digits);
    return negative ? -digits : digits;
}

ExpressionTranslator::Text ExpressionTranslator::constant(const PgNode& b)
{
    if (b["isnull"].boolean())
        return {QStringLiteral("NULL"), PPrimary};
    if (!b["ival"].isNull()) {
        const long long v = integerConstant(b);
        return {QString::number(v), v < 0 ? int(PUnary) : int(PPrimary)};
    }
    if (!b["fval"].isNull()) {
        const QString v = b["fval"]["fval"].qstr();
        return {v, v.startsWith(QLatin1Char('-')) ? int(PUnary) : int(PPrimary)};
    }
    if (!b["boolval"].isNull())
        return {b["boolval"]["boolval"].boolean() ? QStringLiteral("1") : QStringLiteral("0"),
                PPrimary};
    if (!b["sval"].isNull())
        return {quoteString(b["sval"]["sval"].qstr()), PPrimary};
    if (!b["bsval"].isNull()) {
        m_ctx.warning(int(b["location"].integer()),
                      QStringLiteral("a bit-string constant becomes text"));
        return {quoteString(b["bsval"]["bsval"].qstr()), PPrimary};
    }
    return {QStringLiteral("NULL"), PPrimary};
}

ExpressionTranslator::Text ExpressionTranslator::columnRef(const PgNode& b)
{
    QStringList parts;
    for (const PgNode& f : b["fields"]) {
        if (f.is("A_Star"))
            parts << QStringLiteral("*");
        else
            parts << f["String"]["sval"].qstr();
    }
    if (parts.size() == 1 && !m_valueName.isNull() && parts[0] == QLatin1String("value"))
        return {m_valueName, PPrimary};
    if (parts.size() == 3 && parts[0] == QLatin1String("public"))
        parts.removeFirst();
    for (QString& p : parts)
        if (p != QLatin1String("*"))
            p = quoteIdent(p);
    return {parts.join(QLatin1Char('.')), PPrimary};
}

ExpressionTranslator::Text ExpressionTranslator::binary(const QString& op, const PgNode& b,
                                                        int precedence)
{
    // Left-associative: the right operand of the same strength needs parentheses.
    return {operand(b["lexpr"], precedence) + QLatin1Char(' ') + op + QLatin1Char(' ') +
                operand(b["rexpr"], precedence + 1),
            precedence};
}

ExpressionTranslator::Text ExpressionTranslator::aExpr(const PgNode& b)
{
    const std::string_view kind = b["kind"].str();
    const QString op = pgLastString(b["name"]);
    const int location = int(b["location"].integer());
    if (kind == "AEXPR_OP") {
        if (b["lexpr"].isNull()) { // prefix
            if (op == QLatin1String("-") || op == QLatin1String("+") || op == QLatin1String("~"))
                return {op + operand(b["rexpr"], PUnary), PUnary};
            return unsupported(location, QStringLiteral("the prefix operator %1 has no SQLite "
                                                        "equivalent")
                                             .arg(op));
        }
        if (op == QLatin1String("~~") || op == QLatin1String("!~~"))
            return binary(op.size() == 2 ? QStringLiteral("LIKE") : QStringLiteral("NOT LIKE"), b,
                          PEquality);
        if (op == QLatin1String("~~*") || op == QLatin1String("!~~*")) {
            m_ctx.note(location, QStringLiteral("ILIKE becomes LIKE, which SQLite compares "
                                                "case-insensitively for ASCII letters only"));
            return binary(op.size() == 3 ? QStringLiteral("LIKE") : QStringLiteral("NOT LIKE"), b,
                          PEquality);
        }
        if (op == QLatin1String("->") || op == QLatin1String("->>"))
            return binary(op, b, PConcat);
        if ((op == QLatin1String("+") || op == QLatin1String("-")) &&
            isIntervalConstant(b["rexpr"]))
            return intervalArithmetic(b, op == QLatin1String("-"));
        const int p = precedenceOf(op);
        if (p > 0)
            return binary(op, b, p);
        if (op == QLatin1String("~") || op == QLatin1String("~*") || op == QLatin1String("!~") ||
            op == QLatin1String("!~*"))
            return unsupported(location, QStringLiteral("SQLite has no regular-expression "
                                                        "operator (%1)")
                                             .arg(op));
        return unsupported(location, QStringLiteral("the operator %1 (arrays, JSON containment, "
                                                    "ranges …) has no SQLite equivalent")
                                         .arg(op));
    }
    if (kind == "AEXPR_LIKE" || kind == "AEXPR_ILIKE") {
        if (kind == "AEXPR_ILIKE")
            m_ctx.note(location, QStringLiteral("ILIKE becomes LIKE, which SQLite compares "
                                                "case-insensitively for ASCII letters only"));
        const bool negated = op.startsWith(QLatin1Char('!'));
        return binary(negated ? QStringLiteral("NOT LIKE") : QStringLiteral("LIKE"), b, PEquality);
    }
    if (kind == "AEXPR_IN") {
        const bool negated = op == QLatin1String("<>");
        return {operand(b["lexpr"], PEquality + 1) +
                    (negated ? QStringLiteral(" NOT IN (") : QStringLiteral(" IN (")) +
                    list(b["rexpr"]["List"]["items"]) + QLatin1Char(')'),
                PEquality};
    }
    if (kind == "AEXPR_BETWEEN" || kind == "AEXPR_NOT_BETWEEN") {
        const PgNode& items = b["rexpr"]["List"]["items"];
        return {operand(b["lexpr"], PEquality + 1) +
                    (kind == "AEXPR_BETWEEN" ? QStringLiteral(" BETWEEN ")
                                             : QStringLiteral(" NOT BETWEEN ")) +
                    operand(items.at(0), PEquality + 1) + QStringLiteral(" AND ") +
                    operand(items.at(1), PEquality + 1),
                PEquality};
    }
    if (kind == "AEXPR_DISTINCT")
        return binary(QStringLiteral("IS NOT"), b, PEquality);
    if (kind == "AEXPR_NOT_DISTINCT")
        return binary(QStringLiteral("IS"), b, PEquality);
    if (kind == "AEXPR_NULLIF")
        return {QStringLiteral("nullif(") + expr(b["lexpr"]) + QStringLiteral(", ") +
                    expr(b["rexpr"]) + QLatin1Char(')'),
                PPrimary};
    if ((kind == "AEXPR_OP_ANY" || kind == "AEXPR_OP_ALL") && b["rexpr"].is("A_ArrayExpr") &&
        (op == QLatin1String("=") || op == QLatin1String("<>"))) {
        const bool in = (kind == "AEXPR_OP_ANY") == (op == QLatin1String("="));
        return {operand(b["lexpr"], PEquality + 1) +
                    (in ? QStringLiteral(" IN (") : QStringLiteral(" NOT IN (")) +
                    list(b["rexpr"].body()["elements"]) + QLatin1Char(')'),
                PEquality};
    }
    return unsupported(location, QStringLiteral("this operator form (%1) has no SQLite "
                                                "equivalent")
                                     .arg(QString::fromUtf8(kind.data(), qsizetype(kind.size()))));
}

bool ExpressionTranslator::isIntervalConstant(const PgNode& node)
{
    return node.is("TypeCast") &&
           pgLastString(node.body()["typeName"]["names"]) == QLatin1String("interval") &&
           node.body()["arg"].is("A_Const") && !node.body()["arg"].body()["sval"].isNull();
}

ExpressionTranslator::Text ExpressionTranslator::intervalArithmetic(const PgNode& b, bool minus)
{
    // timestamp ± interval '…' → datetime(timestamp, '±N unit', …): SQLite's date modifiers.
    const QString interval = b["rexpr"].body()["arg"].body()["sval"]["sval"].qstr();
    const QStringList words = interval.simplified().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    QStringList modifiers;
    bool ok = words.size() % 2 == 0 && !words.isEmpty();
    for (qsizetype i = 0; ok && i + 1 < words.size(); i += 2) {
        bool number = false;
        const double n = words[i].toDouble(&number);
        QString unit = words[i + 1].toLower();
        if (unit.endsWith(QLatin1Char('s')))
            unit.chop(1);
        static const QSet<QString> units = {QStringLiteral("year"), QStringLiteral("month"),
                                            QStringLiteral("day"), QStringLiteral("hour"),
                                            QStringLiteral("minute"), QStringLiteral("second")};
        if (!number || !units.contains(unit)) {
            ok = false;
            break;
        }
        const double signedN = minus ? -n : n;
        modifiers << quoteString((signedN >= 0 ? QStringLiteral("+") : QString()) +
                                 QString::number(signedN) + QLatin1Char(' ') + unit + QLatin1Char('s'));
    }
    const int location = int(b["location"].integer());
    if (!ok)
        return unsupported(location, QStringLiteral("the interval '%1' has no SQLite date "
                                                    "modifier form")
                                         .arg(interval));
    m_ctx.note(location, QStringLiteral("interval arithmetic becomes datetime(…, modifiers): the "
                                        "result is UTC text 'YYYY-MM-DD HH:MM:SS'"));
    return {QStringLiteral("datetime(") + expr(b["lexpr"]) + QStringLiteral(", ") +
                modifiers.join(QLatin1String(", ")) + QLatin1Char(')'),
            PPrimary};
}

ExpressionTranslator::Text ExpressionTranslator::boolExpr(const PgNode& b)
{
    const std::string_view op = b["boolop"].str();
    if (op == "NOT_EXPR")
        return {QStringLiteral("NOT ") + operand(b["args"].at(0), PNot), PNot};
    const int p = op == "AND_EXPR" ? PAnd : POr;
    QStringList parts;
    for (const PgNode& a : b["args"])
        parts << operand(a, p);
    return {parts.join(op == "AND_EXPR" ? QStringLiteral(" AND ") : QStringLiteral(" OR ")), p};
}

ExpressionTranslator::Text ExpressionTranslator::caseExpr(const PgNode& b)
{
    QString s = QStringLiteral("CASE");
    if (!b["arg"].isNull())
        s += QLatin1Char(' ') + expr(b["arg"]);
    for (const PgNode& w : b["args"]) {
        const PgNode& cw = w["CaseWhen"];
        s += QStringLiteral(" WHEN ") + expr(cw["expr"]) + QStringLiteral(" THEN ") +
             expr(cw["result"]);
    }
    if (!b["defresult"].isNull())
        s += QStringLiteral(" ELSE ") + expr(b["defresult"]);
    return {s + QStringLiteral(" END"), PPrimary};
}

ExpressionTranslator::Text ExpressionTranslator::subLink(const PgNode& b)
{
    const std::string_view type = b["subLinkType"].str();
    const QString query = select(b["subselect"]["SelectStmt"]);
    if (type == "EXISTS_SUBLINK")
        return {QStringLiteral("EXISTS (") + query + QLatin1Char(')'), PPrimary};
    if (type == "EXPR_SUBLINK")
        return {QLatin1Char('(') + query + QLatin1Char(')'), PPrimary};
    if (type == "ANY_SUBLINK" &&
        (b["operName"].size() == 0 || pgLastString(b["operName"]) == QLatin1String("=")))
        return {operand(b["testexpr"], PEquality + 1) + QStringLiteral(" IN (") + query +
                    QLatin1Char(')'),
                PEquality};
    return unsupported(int(b["location"].integer()),
                       QStringLiteral("this sub-query form (ALL / ANY with an operator / ARRAY) "
                                      "has no SQLite equivalent"));
}

ExpressionTranslator::Text ExpressionTranslator::typeCast(const PgNode& b)
{
    const PgNode& typeName = b["typeName"];
    QString pgName;
    const QString target = m_types.castTarget(typeName, &pgName);
    const QString name = pgLastString(typeName["names"]);
    const PgNode& arg = b["arg"];
    const int location = int(b["location"].integer());
    if (name == QLatin1String("regclass") || name == QLatin1String("regtype") ||
        name == QLatin1String("oid"))
        return unsupported(location, QStringLiteral("casts to %1 refer to PostgreSQL's catalog "
                                                    "and have no SQLite equivalent")
                                         .arg(name));
    if (name == QLatin1String("bool") && arg.is("A_Const")) {
        const PgNode& c = arg.body();
        QString v = c["sval"]["sval"].qstr().toLower();
        if (!c["ival"].isNull() || c["ival"].isObject())
            v = QString::number(integerConstant(c));
        const bool truth = v == QLatin1String("t") || v == QLatin1String("true") ||
                           v == QLatin1String("yes") || v == QLatin1String("on") ||
                           v == QLatin1String("1") || v == QLatin1String("y");
        return {truth ? QStringLiteral("1") : QStringLiteral("0"), PPrimary};
    }
    // A bytea literal becomes a blob literal: '\x00ff' (hex) or the escape format ('a\000').
    if (name == QLatin1String("bytea") && arg.is("A_Const") && !arg.body()["sval"].isNull()) {
        const QByteArray text = arg.body()["sval"]["sval"].qstr().toUtf8();
        QByteArray bytes;
        if (text.startsWith("\\x")) {
            bytes = QByteArray::fromHex(text.mid(2));
            if (bytes.toHex() != text.mid(2).toLower())
                return unsupported(location, QStringLiteral("this bytea literal is not valid "
                                                            "hex"));
        } else {
            for (qsizetype i = 0; i < text.size(); ++i) {
                if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '\\') {
                    bytes += '\\';
                    ++i;
                } else if (text[i] == '\\' && i + 3 < text.size()) {
                    bytes += char(text.mid(i + 1, 3).toInt(nullptr, 8));
                    i += 3;
                } else {
                    bytes += text[i];
                }
            }
        }
        return {QStringLiteral("X'") + QString::fromLatin1(bytes.toHex().toUpper()) +
                    QLatin1Char('\''),
                PPrimary};
    }
    // A constant keeps its text (SQLite's column affinity converts on storing); a number
    // written as a string for a numeric type is written as the number.
    if (arg.is("A_Const")) {
        const QString text = arg.body()["sval"]["sval"].qstr();
        bool number = false;
        text.toDouble(&number);
        if (number && !text.isEmpty() && text.trimmed() == text &&
            (target == QLatin1String("INTEGER") || target == QLatin1String("REAL") ||
             target == QLatin1String("NUMERIC")))
            return {text, text.startsWith(QLatin1Char('-')) ? int(PUnary) : int(PPrimary)};
        if (typeName["arrayBounds"].size() > 0 && !arg.body()["sval"].isNull())
            return {quoteString(jsonFromArrayLiteral(text)), PPrimary};
        return constant(arg.body());
    }
    if (name == QLatin1String("date") && arg.tag() != "A_Const") {
        m_ctx.note(location, QStringLiteral("::date becomes SQLite's date() (text YYYY-MM-DD)"));
        return {QStringLiteral("date(") + expr(arg) + QLatin1Char(')'), PPrimary};
    }
    if (target.isEmpty() || (target == QLatin1String("TEXT") && name != QLatin1String("text") &&
                             name != QLatin1String("varchar")))
        return translate(arg); // stored as text already: the cast changes nothing in SQLite
    return {QStringLiteral("CAST(") + expr(arg) + QStringLiteral(" AS ") + target +
                QLatin1Char(')'),
            PPrimary};
}

ExpressionTranslator::Text ExpressionTranslator::funcCall(const PgNode& b)
{
    const PgNode& names = b["funcname"];
    QString name = pgLastString(names).toLower();
    const int location = int(b["location"].integer());
    const PgNode& args = b["args"];
    if (b["agg_star"].boolean())
        return {name + QStringLiteral("(*)"), PPrimary};
    if (!b["over"].isNull() || b["agg_filter"].isObject() || b["agg_order"].size() > 0)
        return unsupported(location, QStringLiteral("window functions, aggregate FILTER and "
                                                    "ORDER BY inside an aggregate are not "
                                                    "translated"));
    if (isTimestampFunction(name)) {
        m_ctx.note(location, QStringLiteral("%1() becomes CURRENT_TIMESTAMP: UTC text "
                                            "'YYYY-MM-DD HH:MM:SS', whole seconds")
                                 .arg(name));
        return {QStringLiteral("CURRENT_TIMESTAMP"), PPrimary};
    }
    if (name == QLatin1String("gen_random_uuid") || name == QLatin1String("uuid_generate_v4")) {
        m_ctx.note(location, QStringLiteral("%1() becomes an SQLite expression that makes a "
                                            "random version-4 UUID as lower-case text")
                                 .arg(name));
        return {sqliteUuidV4Expression(), PPrimary};
    }
    if (name == QLatin1String("nextval") || name == QLatin1String("currval") ||
        name == QLatin1String("setval"))
        return unsupported(location, QStringLiteral("SQLite has no sequences: %1() cannot be "
                                                    "translated")
                                         .arg(name));
    const QString distinct =
        b["agg_distinct"].boolean() ? QStringLiteral("DISTINCT ") : QString();
    static const QSet<QString> same = {
        QStringLiteral("lower"),    QStringLiteral("upper"),    QStringLiteral("length"),
        QStringLiteral("abs"),      QStringLiteral("round"),    QStringLiteral("coalesce"),
        QStringLiteral("replace"),  QStringLiteral("ltrim"),    QStringLiteral("rtrim"),
        QStringLiteral("trim"),     QStringLiteral("count"),    QStringLiteral("sum"),
        QStringLiteral("avg"),      QStringLiteral("min"),      QStringLiteral("max"),
        QStringLiteral("nullif"),   QStringLiteral("substr"),   QStringLiteral("json_array"),
        QStringLiteral("instr"),    QStringLiteral("hex"),      QStringLiteral("json_extract"),
        QStringLiteral("ceil"),     QStringLiteral("floor"),    QStringLiteral("sign"),
        QStringLiteral("sqrt"),     QStringLiteral("exp"),      QStringLiteral("ln"),
        QStringLiteral("mod"),      QStringLiteral("power"),    QStringLiteral("pi"),
        QStringLiteral("random"),   QStringLiteral("date"),     QStringLiteral("datetime"),
        QStringLiteral("strftime"), QStringLiteral("json_object"), QStringLiteral("group_concat")};
    static const QHash<QString, QString> renamed = {
        {QStringLiteral("char_length"), QStringLiteral("length")},
        {QStringLiteral("character_length"), QStringLiteral("length")},
        {QStringLiteral("btrim"), QStringLiteral("trim")},
        {QStringLiteral("substring"), QStringLiteral("substr")},
        {QStringLiteral("strpos"), QStringLiteral("instr")},
        {QStringLiteral("json_build_object"), QStringLiteral("json_object")},
        {QStringLiteral("jsonb_build_object"), QStringLiteral("json_object")},
        {QStringLiteral("json_build_array"), QStringLiteral("json_array")},
        {QStringLiteral("jsonb_build_array"), QStringLiteral("json_array")},
        {QStringLiteral("string_agg"), QStringLiteral("group_concat")},
        {QStringLiteral("ceiling"), QStringLiteral("ceil")},
        {QStringLiteral("pow"), QStringLiteral("power")}};
    if (name == QLatin1String("random"))
        m_ctx.warning(location, QStringLiteral("random() becomes SQLite's random(), a 64-bit "
                                               "integer rather than a float in [0, 1)"));
    if (name == QLatin1String("concat")) {
        QStringList parts;
        for (const PgNode& a : args)
            parts << QStringLiteral("coalesce(") + expr(a) + QStringLiteral(", '')");
        return {parts.join(QLatin1String(" || ")), PConcat};
    }
    if (names.size() == 2 && pgStringAt(names, 0) == QLatin1String("pg_catalog") &&
        name == QLatin1String("date_part") && args.size() == 2) {
        // EXTRACT(field FROM x)
        static const QHash<QString, QString> fields = {
            {QStringLiteral("year"), QStringLiteral("%Y")},
            {QStringLiteral("month"), QStringLiteral("%m")},
            {QStringLiteral("day"), QStringLiteral("%d")},
            {QStringLiteral("hour"), QStringLiteral("%H")},
            {QStringLiteral("minute"), QStringLiteral("%M")},
            {QStringLiteral("epoch"), QStringLiteral("%s")}};
        const QString field = args.at(0)["A_Const"]["sval"]["sval"].qstr().toLower();
        if (fields.contains(field))
            return {QStringLiteral("CAST(strftime('%1', %2) AS INTEGER)")
                        .arg(fields.value(field), expr(args.at(1))),
                    PPrimary};
    }
    if (renamed.contains(name)) {
        name = renamed.value(name);
    } else if (!same.contains(name)) {
        m_ctx.warning(location, QStringLiteral("the function %1() is kept as written: SQLite "
                                               "may not have it")
                                    .arg(name));
    }
    return {name + QLatin1Char('(') + distinct + list(args) + QLatin1Char(')'), PPrimary};
}

} // namespace strata
