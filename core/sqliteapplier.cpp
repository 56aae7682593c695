#include "sqliteapplier.h"

#include "sqlsplitter.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>

#include <sqlite3.h>

#include <algorithm>

namespace strata {
namespace {

bool isTransactionControl(const QString& keyword)
{
    static const QStringList words = {QStringLiteral("BEGIN"),    QStringLiteral("COMMIT"),
                                      QStringLiteral("END"),      QStringLiteral("ROLLBACK"),
                                      QStringLiteral("SAVEPOINT"), QStringLiteral("RELEASE")};
    return words.contains(keyword);
}

} // namespace

SqliteApplier::SqliteApplier(const Database& db, const Environment& env, const RunOptions& options)
    : m_db(db), m_env(env), m_options(options), m_history(db.history, db.historyTable)
{
}

Error SqliteApplier::fail(ErrorKind kind, Error error)
{
    m_kind = kind;
    return error;
}

QList<MigrationEntry> SqliteApplier::plan(Direction direction, const QList<MigrationEntry>& entries,
                                          std::optional<Error>* refusal) const
{
    QList<MigrationEntry> out;
    const auto to = m_options.toVersion;
    switch (direction) {
    case Direction::Up:
        for (const MigrationEntry& e : entries) {
            const bool wanted = e.state == MigrationState::Pending ||
                                (e.state == MigrationState::OutOfOrder && m_options.allowDrift);
            if (wanted && (!to || e.version <= *to))
                out << e;
        }
        break;
    case Direction::Baseline:
        for (const MigrationEntry& e : entries)
            if (!e.isApplied() && e.version <= *to)
                out << e;
        break;
    case Direction::Down: {
        for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
            if (!it->isApplied())
                continue;
            if (to ? it->version <= *to : out.size() >= m_options.steps)
                break;
            out << *it;
        }
        for (const MigrationEntry& e : out) {
            if (!e.file) {
                *refusal = Error{QStringLiteral("cannot revert %1: it is recorded as applied but "
                                                "its file is gone, so there is no down section")
                                     .arg(e.fileName),
                                 m_db.migrationsDir, 0, 0, {}};
                return {};
            }
            if (!e.file->hasDown) {
                *refusal = Error{QStringLiteral("cannot revert %1: it has no down section "
                                                "(-- migrate:down); nothing was reverted")
                                     .arg(e.fileName),
                                 e.file->filePath, 0, 0, {}};
                return {};
            }
            if (e.state == MigrationState::Edited && !m_options.allowDrift) {
                *refusal = Error{QStringLiteral("cannot revert %1: it was edited after it was "
                                                "applied, so its down section may not undo what "
                                                "ran (use --allow-drift to revert anyway)")
                                     .arg(e.fileName),
                                 e.file->filePath, 0, 0, {}};
                return {};
            }
        }
        break;
    }
    }
    return out;
}

std::optional<Error> SqliteApplier::checkD1Limits(const QList<MigrationEntry>& plan,
                                                  Direction direction) const
{
    if (m_db.dialect != Dialect::D1 || direction == Direction::Baseline)
        return std::nullopt;
    for (const MigrationEntry& e : plan) {
        const Migration& mig = *e.file;
        const bool up = direction == Direction::Up;
        for (const SqlStatement& s : splitSqliteStatements(up ? mig.upSql : mig.downSql,
                                                           up ? mig.upLine : mig.downLine)) {
            const QString kw = leadingKeyword(s.sql);
            if (isTransactionControl(kw))
                return Error{QStringLiteral("%1 statements are not allowed in a D1 migration: D1 "
                                            "rejects them remotely, and each migration already "
                                            "runs in a transaction of its own")
                                 .arg(kw),
                             mig.filePath, s.line, 0, s.sql};
        }
    }
    return std::nullopt;
}

std::optional<Error> SqliteApplier::runStatements(const Migration& mig, Direction direction,
                                                  int* count)
{
    const bool up = direction == Direction::Up;
    const QList<SqlStatement> statements =
        splitSqliteStatements(up ? mig.upSql : mig.downSql, up ? mig.upLine : mig.downLine);
    *count = int(statements.size());
    for (const SqlStatement& s : statements) {
        QString message;
        int code = 0;
        if (!m_session->exec(s.sql.toUtf8(), &message, &code))
            return Error{QStringLiteral("%1 failed: %2").arg(up ? u"migration" : u"down section",
                                                             message),
                         mig.filePath, s.line, 0, s.sql};
    }
    return std::nullopt;
}

std::optional<Error> SqliteApplier::commitChecked(const Migration& mig)
{
    QString message;
    int code = 0;
    if (m_session->exec("COMMIT", &message, &code))
        return std::nullopt;
    // Deferred foreign keys are checked at COMMIT: say which table holds the orphans.
    QString detail;
    if ((code & 0xff) == SQLITE_CONSTRAINT) {
        try {
            SQLite::Statement q(m_session->db(), "PRAGMA foreign_key_check");
            if (q.executeStep())
                detail = QStringLiteral("a row of %1 (rowid %2) references a missing row of %3")
                             .arg(QString::fromUtf8(q.getColumn(0).getText()))
                             .arg(q.getColumn(1).getInt64())
                             .arg(QString::fromUtf8(q.getColumn(2).getText()));
        } catch (const SQLite::Exception&) {
        }
    }
    m_session->exec("ROLLBACK");
    return Error{QStringLiteral("the migration could not be committed: %1%2")
                     .arg(message, detail.isEmpty() ? QString() : QStringLiteral(" — ") + detail),
                 mig.filePath, 0, 0, detail};
}

std::optional<Error> SqliteApplier::runOne(const MigrationEntry& entry, Direction direction,
                                           bool inOuterTx, StepResult* step)
{
    const Migration& mig = *entry.file;
    step->fileName = mig.fileName;
    step->version = mig.version;
    QElapsedTimer timer;
    timer.start();

    AppliedMigration record;
    record.version = mig.version;
    record.versionText = mig.versionText;
    record.fileName = mig.fileName;
    record.checksum = mig.checksum;
    record.appliedBy = currentApplier();
    record.baseline = direction == Direction::Baseline;
    if (direction == Direction::Down && entry.applied)
        record = *entry.applied;
    if (direction == Direction::Down && record.versionText.isEmpty())
        record.versionText = mig.versionText;

    // A file marked no-transaction runs statement by statement outside one (outside a dry run).
    const bool ownTx = !inOuterTx && (mig.transactional || direction == Direction::Baseline);
    if (ownTx) {
        QString message;
        int code = 0;
        if (!m_session->exec("BEGIN IMMEDIATE", &message, &code)) {
            m_kind = (code & 0xff) == SQLITE_BUSY ? ErrorKind::Busy : ErrorKind::Failed;
            return Error{QStringLiteral("cannot start the migration's transaction: ") + message,
                         m_env.path, 0, 0, {}};
        }
        if (m_db.dialect == Dialect::D1)
            m_session->exec("PRAGMA defer_foreign_keys = ON");
    }
    auto abort = [&](Error e) -> std::optional<Error> {
        if (ownTx)
            m_session->exec("ROLLBACK");
        m_kind = ErrorKind::Failed;
        return e;
    };

    try {
        if (direction != Direction::Baseline) {
            if (auto err = runStatements(mig, direction, &step->statements)) {
                if (!mig.transactional && !inOuterTx)
                    err->message += QStringLiteral(" (this file runs without a transaction: the "
                                                   "statements before this one stay applied)");
                return abort(*err);
            }
        }
        record.durationMs = timer.elapsed();
        record.sql = direction == Direction::Up ? mig.upSql : QString();
        if (!ownTx && !inOuterTx)
            m_session->exec("BEGIN IMMEDIATE");
        if (direction == Direction::Down)
            m_history.remove(m_session->db(), record);
        else
            m_history.record(m_session->db(), record);
    } catch (const SQLite::Exception& e) {
        return abort(Error{QStringLiteral("cannot record the migration in the history: ") +
                               QString::fromUtf8(e.what()),
                           mig.filePath, 0, 0, {}});
    }
    if (!inOuterTx) {
        if (auto err = commitChecked(mig)) {
            m_kind = ErrorKind::Failed;
            return err;
        }
    }
    step->durationMs = timer.elapsed();
    return std::nullopt;
}

Result<RunReport> SqliteApplier::run(Direction direction, const QList<Migration>& files,
                                     const ProgressFn& progress)
{
    m_kind = ErrorKind::Project;
    RunReport report;
    report.dryRun = m_options.dryRun;
    report.down = direction == Direction::Down;

    const bool exists = QFileInfo::exists(m_env.path);
    if (!exists && direction == Direction::Down)
        return fail(ErrorKind::Project, Error{QStringLiteral("the database does not exist yet: "
                                                             "nothing to revert"),
                                              m_env.path, 0, 0, {}});

    // A dry run on a database that does not exist yet runs on an empty in-memory one, so that
    // not even an empty file is left behind.
    const bool scratch = m_options.dryRun && !exists;
    std::optional<ApplyLock> lock;
    if (!scratch) {
        if (!QDir().mkpath(QFileInfo(m_env.path).absolutePath()))
            return fail(ErrorKind::Project,
                        Error{QStringLiteral("cannot create the database's folder"), m_env.path, 0,
                              0, {}});
        lock.emplace(m_env.path);
        if (Status st = lock->acquire(m_options.lockTimeoutMs); !st)
            return fail(ErrorKind::Busy, st.error());
    }
    auto session = SqliteSession::open(m_env.path,
                                       scratch ? SqliteSession::Mode::Memory
                                               : SqliteSession::Mode::ReadWriteCreate,
                                       m_options.lockTimeoutMs);
    if (!session)
        return fail(ErrorKind::Project, session.error());
    m_session = std::move(session).value();

    // D1 enforces foreign keys; a plain SQLite migration runs as the sqlite3 shell runs it.
    m_session->exec(m_db.dialect == Dialect::D1 ? "PRAGMA foreign_keys = ON"
                                                : "PRAGMA foreign_keys = OFF");

    auto applied = m_session->readHistory(m_history);
    if (!applied)
        return fail(ErrorKind::Project, applied.error());
    const QList<MigrationEntry> entries =
        matchMigrations(files, applied.value(), m_history.keyedByFileName());

    if (direction == Direction::Up && !m_options.allowDrift) {
        QStringList reasons;
        for (const MigrationEntry& e : entries)
            if (e.isDrift())
                reasons << e.fileName + QStringLiteral(": ") + stateName(e.state);
        if (!reasons.isEmpty()) {
            DatabaseStatus st;
            st.entries = entries;
            return fail(ErrorKind::Drift,
                        Error{QStringLiteral("refusing to apply: the database has drifted from the "
                                             "files.\n  ") +
                                  st.driftReasons().join(QStringLiteral("\n  ")) +
                                  QStringLiteral("\nFix the files, or pass --allow-drift to apply "
                                                 "the pending migrations anyway."),
                              m_db.migrationsDir, 0, 0, {}});
        }
    }
    if (direction == Direction::Baseline &&
        std::none_of(files.begin(), files.end(),
                     [&](const Migration& m) { return m.version == *m_options.toVersion; }))
        return fail(ErrorKind::Project,
                    Error{QStringLiteral("no migration has version %1").arg(*m_options.toVersion),
                          m_db.migrationsDir, 0, 0, {}});

    std::optional<Error> refusal;
    const QList<MigrationEntry> steps = plan(direction, entries, &refusal);
    if (refusal)
        return fail(ErrorKind::Failed, *refusal);
    if (auto err = checkD1Limits(steps, direction))
        return fail(ErrorKind::Failed, *err);
    if (steps.isEmpty())
        return report;

    const bool outerTx = m_options.dryRun;
    try {
        if (outerTx)
            m_session->exec("BEGIN IMMEDIATE");
        else if (direction != Direction::Down)
            m_history.ensureTables(m_session->db());
        if (outerTx)
            m_history.ensureTables(m_session->db());
    } catch (const SQLite::Exception& e) {
        return fail(ErrorKind::Failed,
                    Error{QStringLiteral("cannot create the history table: ") +
                              QString::fromUtf8(e.what()),
                          m_env.path, 0, 0, {}});
    }

    for (int i = 0; i < steps.size(); ++i) {
        const MigrationEntry& entry = steps[i];
        if (progress)
            progress(i, int(steps.size()), entry.fileName);
        // Another tool (wrangler, dbmate) may have applied it since the plan was made.
        if (!outerTx && direction != Direction::Down &&
            m_history.contains(m_session->db(),
                               m_history.keyOf(entry.fileName, entry.file->versionText)))
            continue;
        StepResult step;
        if (auto err = runOne(entry, direction, outerTx, &step)) {
            report.failure = *err;
            break;
        }
        report.steps << step;
    }
    if (outerTx)
        m_session->exec("ROLLBACK");
    if (progress)
        progress(int(steps.size()), int(steps.size()), QString());
    if (report.failure)
        m_kind = m_kind == ErrorKind::Busy ? ErrorKind::Busy : ErrorKind::Failed;
    return report;
}

} // namespace strata
