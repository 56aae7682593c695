#include "pgapplier.h"

#include "pgconnection.h"
#include "pgsplitter.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QRegularExpression>
#include <QThread>

namespace strata {
namespace {

constexpr int kConnectTimeoutMs = 10000;
constexpr int kLockPollMs = 100;
// The advisory lock's two keys: "STRA", and a hash of the history table, so that two histories
// in one database (two bindings sharing it) do not block each other.
constexpr qint32 kLockClass = 0x53545241;

qint32 lockKey(const PgHistory& history)
{
    return PgSession::lockKey(history.qualifiedTable());
}

// Statements that end or start a transaction would break "the migration and its history row
// commit together": a transactional migration may not hold them.
bool isTransactionControl(const QString& sql)
{
    static const QRegularExpression re(
        QStringLiteral(R"(^(BEGIN|START\s+TRANSACTION|COMMIT|END|ABORT|ROLLBACK(?!\s+(WORK\s+|)"
                       R"(TRANSACTION\s+)?TO\b)|PREPARE\s+TRANSACTION)\b)"),
        QRegularExpression::CaseInsensitiveOption);
    return re.match(sql).hasMatch();
}

// The byte offset in `utf8` of the 1-based character position the server reported.
int byteOfCharacter(const QByteArray& utf8, int position)
{
    int chars = 0;
    for (int i = 0; i < utf8.size(); ++i) {
        if ((quint8(utf8[i]) & 0xC0) == 0x80)
            continue; // a continuation byte: same character
        if (++chars == position)
            return i;
    }
    return -1;
}

// One section of a migration file, split by the PostgreSQL parser.
struct Section
{
    QString text;
    int firstLine = 1;
    QList<PgStatement> statements;
};

Result<Section> splitSection(const Migration& mig, bool up)
{
    Section s;
    s.text = up ? mig.upSql : mig.downSql;
    s.firstLine = up ? mig.upLine : mig.downLine;
    auto split = splitPostgres(s.text, s.firstLine, mig.filePath);
    if (!split)
        return split.error();
    s.statements = std::move(split).value();
    return s;
}

// Where a statement (and the error position inside it, a byte offset in the statement's text
// when >= 0) lies in the file.
void locate(const Section& section, const PgStatement& st, int byteInStatement, Error* error)
{
    const PgSourceText source(section.text, section.firstLine);
    const int start = st.location + int(st.leading.toUtf8().size());
    const int at = start + std::max(0, byteInStatement);
    error->line = source.lineAt(at);
    error->column = source.columnAt(at);
}

// An error raised while a DO block ran names the line in the block ("PL/pgSQL function
// inline_code_block line 3 at RAISE"): the line in the file, counted from the body's first line.
void locateInDoBlock(const PgStatement& st, const QString& context, Error* error)
{
    static const QRegularExpression line(QStringLiteral(R"(inline_code_block line (\d+))"));
    static const QRegularExpression body(QStringLiteral(R"(\$[A-Za-z_0-9]*\$|')"));
    const QString& sql = st.statement.sql;
    if (!sql.startsWith(QLatin1String("DO"), Qt::CaseInsensitive))
        return;
    const QRegularExpressionMatch m = line.match(context);
    const QRegularExpressionMatch b = body.match(sql);
    if (!m.hasMatch() || !b.hasMatch())
        return;
    error->line = st.statement.line + int(sql.left(b.capturedEnd()).count(QLatin1Char('\n'))) +
                  m.captured(1).toInt() - 1;
    error->column = 0;
}

} // namespace

PgApplier::PgApplier(const Database& db, const Environment& env, const RunOptions& options)
    : m_db(db), m_env(env), m_options(options), m_history(db.history, db.historyTable)
{
}

Error PgApplier::fail(ErrorKind kind, Error error)
{
    m_kind = kind;
    return error;
}

Status PgApplier::lock()
{
    const QByteArray sql = "SELECT pg_try_advisory_lock(" + QByteArray::number(kLockClass) + ", " +
                           QByteArray::number(lockKey(m_history)) + ")";
    QElapsedTimer waited;
    waited.start();
    for (;;) {
        auto got = m_session->value(sql);
        if (!got)
            return fail(ErrorKind::Failed, got.error());
        if (got.value() == QLatin1String("t"))
            break;
        if (waited.elapsed() >= m_options.lockTimeoutMs)
            return fail(ErrorKind::Busy, busyError(waited.elapsed()));
        QThread::msleep(kLockPollMs);
    }
    // Whoever waits for us next is told who we are (application_name shows in pg_stat_activity).
    m_session->exec("SET application_name = " +
                    m_session->literal(QStringLiteral("strata apply ") + currentApplier()));
    return success();
}

Error PgApplier::busyError(qint64 waitedMs)
{
    auto rows = m_session->query(
        "SELECT a.pid, a.usename, a.application_name, coalesce(host(a.client_addr), 'local "
        "socket'), to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') FROM "
        "pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND "
        "l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = "
        "current_database()) AND l.classid = $1::bigint::oid AND l.objid = $2::bigint::oid AND "
        "l.objsubid = 2",
        {QString::number(kLockClass), QString::number(lockKey(m_history))});
    QString holder = QStringLiteral("another session (it could not be identified)");
    if (rows && !rows->isEmpty()) {
        const QStringList& r = rows->first();
        holder = QStringLiteral("server process %1 (user %2, application '%3', from %4, "
                                "connected since %5 UTC)")
                     .arg(r[0], r[1], r[2], r[3], r[4]);
    }
    return Error{QStringLiteral("the database is busy: another applier holds Strata's apply lock "
                                "on %1 — %2. Waited %3 s; try again when it has finished, or "
                                "raise --lock-timeout.")
                     .arg(m_env.displayLocation(), holder)
                     .arg(waitedMs / 1000.0, 0, 'f', 1),
                 {},
                 0,
                 0,
                 {}};
}

AppliedMigration PgApplier::historyRow(const MigrationEntry& entry, ApplyDirection direction) const
{
    const Migration& mig = *entry.file;
    AppliedMigration row;
    if (direction == ApplyDirection::Down && entry.applied) {
        row = *entry.applied;
        if (row.versionText.isEmpty())
            row.versionText = mig.versionText;
        return row;
    }
    row.version = mig.version;
    row.versionText = mig.versionText;
    row.fileName = mig.fileName;
    row.checksum = mig.checksum;
    row.appliedBy = currentApplier();
    row.baseline = direction == ApplyDirection::Baseline;
    row.sql = direction == ApplyDirection::Up ? mig.upSql : QString();
    row.transactional = mig.transactional;
    return row;
}

std::optional<Error> PgApplier::runOne(const MigrationEntry& entry, ApplyDirection direction,
                                       StepResult* step, RunReport* report)
{
    const Migration& mig = *entry.file;
    const bool up = direction == ApplyDirection::Up;
    step->fileName = mig.fileName;
    step->version = mig.version;
    auto section = splitSection(mig, up);
    if (!section)
        return section.error();
    const QList<PgStatement>& stmts = section->statements;
    step->statements = int(stmts.size());
    AppliedMigration row = historyRow(entry, direction);
    row.backupId = step->backupId;
    QElapsedTimer timer;
    timer.start();

    if (!mig.transactional) {
        if (m_options.dryRun) {
            report->notes << QStringLiteral("%1 runs without a transaction, so the dry run only "
                                            "parsed its %2 statement(s); it did not run them")
                                 .arg(mig.fileName)
                                 .arg(stmts.size());
            return std::nullopt;
        }
        // Statement by statement in autocommit (CREATE INDEX CONCURRENTLY must), then the row.
        for (const PgStatement& st : stmts) {
            if (auto err = m_session->exec(st.statement.sql.toUtf8())) {
                Error e{err->describe() + QStringLiteral(" (this file runs without a transaction: "
                                                         "the statements before this one stay "
                                                         "applied)"),
                        mig.filePath, 0, 0, st.statement.sql};
                const int byte = err->position > 0
                                     ? byteOfCharacter(st.statement.sql.toUtf8(), err->position)
                                     : -1;
                locate(section.value(), st, byte, &e);
                return e;
            }
        }
        step->durationMs = timer.elapsed();
        const QByteArray record = up ? m_history.recordSql(*m_session, row, step->durationMs)
                                     : m_history.removeSql(*m_session, row);
        if (auto err = m_session->exec("BEGIN;\n" + record + "COMMIT;")) {
            if (!m_session->isIdle())
                m_session->exec("ROLLBACK");
            return Error{QStringLiteral("the migration ran, but it could not be recorded in the "
                                        "history: ") +
                             err->describe(),
                         mig.filePath,
                         0,
                         0,
                         {}};
        }
        return std::nullopt;
    }

    for (const PgStatement& st : stmts)
        if (isTransactionControl(st.statement.sql)) {
            Error e{QStringLiteral("%1 is not allowed in a migration that runs in a transaction: "
                                   "Strata already runs each migration and its history row in "
                                   "one. Remove it, or mark the file `-- strata:no-transaction`.")
                        .arg(st.statement.sql.section(QLatin1Char(' '), 0, 0).toUpper()),
                    mig.filePath, 0, 0, st.statement.sql};
            locate(section.value(), st, -1, &e);
            return e;
        }

    // One query: BEGIN, the statements, the history row, COMMIT — one round trip. In a dry run
    // the outer transaction is already open (and is rolled back at the end).
    const int prefix = m_options.dryRun ? 0 : 1;
    QByteArray query = m_options.dryRun ? QByteArray() : QByteArray("BEGIN;\n");
    QList<int> starts;
    starts.reserve(stmts.size());
    for (const PgStatement& st : stmts) {
        starts << int(query.size());
        query += st.statement.sql.toUtf8();
        query += st.statement.sql.endsWith(QLatin1Char(';')) ? "\n" : "\n;\n";
    }
    const qsizetype historyStart = query.size();
    query += direction == ApplyDirection::Up ? m_history.recordSql(*m_session, row, std::nullopt)
                                             : m_history.removeSql(*m_session, row);
    if (!m_options.dryRun)
        query += "COMMIT;";

    const std::optional<PgServerError> err = m_session->exec(query);
    if (!err) {
        step->durationMs = timer.elapsed();
        return std::nullopt;
    }
    if (!m_options.dryRun && !m_session->isIdle())
        m_session->exec("ROLLBACK");
    const int index = err->statementIndex - prefix;
    int byte = err->position > 0 ? byteOfCharacter(query, err->position) : -1;
    if (index >= 0 && index < stmts.size()) {
        const PgStatement& st = stmts[index];
        QString message = err->describe();
        if (err->sqlstate == QLatin1String("25001"))
            message += QStringLiteral("; mark the file `-- strata:no-transaction` to run it "
                                      "outside a transaction");
        Error e{message, mig.filePath, 0, 0, st.statement.sql};
        const int inStatement = byte >= starts[index] ? byte - starts[index] : -1;
        locate(section.value(), st, inStatement, &e);
        if (inStatement < 0)
            locateInDoBlock(st, err->context, &e);
        return e;
    }
    if (byte >= historyStart || index >= stmts.size()) {
        QString why = err->describe();
        if (err->sqlstate == QLatin1String("23505"))
            why = QStringLiteral("version %1 is already recorded (another tool applied it "
                                 "meanwhile?): ")
                      .arg(row.versionText) +
                  why;
        return Error{QStringLiteral("cannot record the migration in the history: ") + why,
                     mig.filePath,
                     0,
                     0,
                     {}};
    }
    return Error{
        QStringLiteral("cannot run the migration: ") + err->describe(), mig.filePath, 0, 0, {}};
}

std::optional<Error> PgApplier::runBaseline(const QList<MigrationEntry>& steps, RunReport* report)
{
    // Every row in one transaction: a baseline is all or nothing.
    QByteArray query = m_options.dryRun ? QByteArray() : QByteArray("BEGIN;\n");
    for (const MigrationEntry& e : steps) {
        query += m_history.recordSql(*m_session, historyRow(e, ApplyDirection::Baseline), 0);
        StepResult step;
        step.fileName = e.file->fileName;
        step.version = e.file->version;
        report->steps << step;
    }
    if (!m_options.dryRun)
        query += "COMMIT;";
    if (auto err = m_session->exec(query)) {
        if (!m_options.dryRun && !m_session->isIdle())
            m_session->exec("ROLLBACK");
        report->steps.clear();
        return Error{QStringLiteral("cannot record the baseline in the history: ") +
                         err->describe(),
                     m_db.migrationsDir,
                     0,
                     0,
                     {}};
    }
    return std::nullopt;
}

Result<RunReport> PgApplier::run(ApplyDirection direction, const QList<Migration>& files,
                                 const ProgressFn& progress)
{
    m_kind = ErrorKind::Project;
    RunReport report;
    report.dryRun = m_options.dryRun;
    report.down = direction == ApplyDirection::Down;

    auto session = PgSession::open(m_env, kConnectTimeoutMs);
    if (!session)
        return fail(ErrorKind::Project, session.error());
    m_session = std::move(session).value();
    if (Status st = m_history.resolve(*m_session); !st)
        return fail(ErrorKind::Project, st.error());
    if (Status st = lock(); !st)
        return st.error();

    auto applied = m_history.read(*m_session);
    if (!applied)
        return fail(ErrorKind::Project, applied.error());
    ErrorKind refusalKind = ErrorKind::Failed;
    auto plan = planRun(direction, files, applied.value(), m_history.keyedByFileName(), m_db,
                        m_options, &refusalKind);
    if (!plan)
        return fail(refusalKind, plan.error());
    const QList<MigrationEntry>& steps = plan->steps;
    if (steps.isEmpty())
        return report;

    if (m_options.dryRun) {
        if (auto err = m_session->exec("BEGIN")) // the whole plan, rolled back at the end
            return fail(ErrorKind::Failed, Error{err->describe(), {}, 0, 0, {}});
    }
    const bool restorePoints = m_options.restorePoint && direction == ApplyDirection::Up &&
                               !m_options.dryRun;
    if (Status st = m_history.ensureTables(*m_session, restorePoints); !st) {
        if (m_options.dryRun)
            m_session->exec("ROLLBACK");
        return fail(ErrorKind::Failed, st.error());
    }

    if (direction == ApplyDirection::Baseline) {
        report.failure = runBaseline(steps, &report);
    } else {
        for (int i = 0; i < steps.size(); ++i) {
            if (progress)
                progress(i, int(steps.size()), steps[i].fileName);
            StepResult step;
            if (m_options.restorePoint && direction == ApplyDirection::Up &&
                !m_options.dryRun) {
                // Every migration before this one has committed: its round trip did.
                auto taken = m_options.restorePoint(steps[i]);
                if (!taken) {
                    report.failure = taken.error();
                    break;
                }
                step.backupId = taken.value();
            }
            if (auto err = runOne(steps[i], direction, &step, &report)) {
                report.failure = err;
                break;
            }
            report.steps << step;
        }
    }
    if (m_options.dryRun)
        m_session->exec("ROLLBACK");
    if (progress && direction != ApplyDirection::Baseline)
        progress(int(steps.size()), int(steps.size()), QString());
    if (report.failure)
        m_kind = ErrorKind::Failed;
    return report;
}

Result<DatabaseStatus> PgApplier::status(const Database& db, const Environment& env,
                                         const QList<Migration>& files)
{
    DatabaseStatus st;
    st.binding = db.binding;
    st.environment = env.name;
    st.location = env.displayLocation();
    st.isProtected = env.isProtected;
    PgHistory history(db.history, db.historyTable);
    st.history = history.description();

    bool missing = false;
    auto session = PgSession::open(env, kConnectTimeoutMs, &missing);
    QList<AppliedMigration> applied;
    if (session) {
        st.databaseExists = true;
        if (Status resolved = history.resolve(*session.value()); !resolved)
            return resolved.error();
        st.history = history.description();
        auto read = history.read(*session.value());
        if (!read)
            return read.error();
        applied = read.value();
        auto foreign = detectPgForeignHistories(*session.value(), history);
        if (!foreign)
            return foreign.error();
        st.foreign = foreign.value();
    } else if (!missing) {
        return session.error();
    }
    st.entries = matchMigrations(files, applied, history.keyedByFileName());
    return st;
}

} // namespace strata
