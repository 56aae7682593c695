#include "sqliteapplier.h"

#include "dialecttranslator.h"
#include "sqlsplitter.h"
#include "translatedmigration.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>

#include <sqlite3.h>

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

std::optional<Error> SqliteApplier::checkDeferredForeignKeys(const Migration& mig)
{
    // A migration may turn on PRAGMA defer_foreign_keys (D1's way to rebuild a table). Its
    // orphans would only surface at COMMIT, far from their cause: check them here, per migration.
    try {
        if (m_session->db().execAndGet("PRAGMA defer_foreign_keys").getInt() == 0)
            return std::nullopt;
        SQLite::Statement q(m_session->db(), "PRAGMA foreign_key_check");
        if (q.executeStep()) {
            const QString detail =
                QStringLiteral("a row of %1 (rowid %2) references a missing row of %3")
                    .arg(QString::fromUtf8(q.getColumn(0).getText()))
                    .arg(q.getColumn(1).getInt64())
                    .arg(QString::fromUtf8(q.getColumn(2).getText()));
            return Error{QStringLiteral("migration leaves a broken foreign key: ") + detail,
                         mig.filePath, 0, 0, {}};
        }
        m_session->exec("PRAGMA defer_foreign_keys = OFF");
    } catch (const SQLite::Exception& e) {
        return Error{QStringLiteral("cannot check foreign keys: ") + QString::fromUtf8(e.what()),
                     mig.filePath, 0, 0, {}};
    }
    return std::nullopt;
}

std::optional<Error> SqliteApplier::execute(const MigrationEntry& entry, Direction direction,
                                             StepResult* step)
{
    const Migration& mig = *entry.file;
    step->fileName = mig.fileName;
    step->version = mig.version;
    if (direction == Direction::Baseline)
        return std::nullopt;
    QElapsedTimer timer;
    timer.start();
    const bool up = direction == Direction::Up;
    // A dry run cannot run a no-transaction file (VACUUM) inside its transaction: it compiles
    // its statements instead, which still finds unknown names and syntax errors.
    const bool prepareOnly = m_options.dryRun && !mig.transactional;
    const QString what = up ? QStringLiteral("migration") : QStringLiteral("down section");
    m_ranSql.clear();
    if (mig.writtenInPostgres()) {
        // Translated against the database as it is now (this batch's migrations included).
        DialectTranslator translator(m_db.dialect == Dialect::D1 ? Dialect::D1 : Dialect::Sqlite);
        if (Status seeded = seedTranslator(translator, m_session->db()); !seeded)
            return Error{seeded.error().message, mig.filePath, 0, 0, {}};
        auto translated = translateSection(translator, mig, up);
        if (!translated)
            return translated.error();
        for (const SqlStatement& s : translated->statements) {
            int count = 0;
            if (auto err = m_session->execScript(s.sql, s.line, mig.filePath, what, &count,
                                                 prepareOnly))
                return err;
            step->statements += count;
        }
        m_notes << translated->notes;
        m_ranSql = translated->sql;
    } else if (auto err = m_session->execScript(up ? mig.upSql : mig.downSql,
                                                up ? mig.upLine : mig.downLine, mig.filePath, what,
                                                &step->statements, prepareOnly)) {
        return err;
    }
    if (auto err = checkDeferredForeignKeys(mig))
        return err;
    step->durationMs = timer.elapsed();
    return std::nullopt;
}

std::optional<Error> SqliteApplier::record(const MigrationEntry& entry, Direction direction,
                                           const StepResult& step)
{
    const Migration& mig = *entry.file;
    AppliedMigration row;
    if (direction == Direction::Down && entry.applied) {
        row = *entry.applied;
        if (row.versionText.isEmpty())
            row.versionText = mig.versionText;
    } else {
        row.version = mig.version;
        row.versionText = mig.versionText;
        row.fileName = mig.fileName;
        row.checksum = mig.checksum;
        row.appliedBy = currentApplier();
        row.baseline = direction == Direction::Baseline;
        row.durationMs = step.durationMs;
        row.backupId = step.backupId;
        // What actually ran: a PostgreSQL-syntax file's translation, else the file's section.
        row.sql = direction != Direction::Up ? QString()
                  : mig.writtenInPostgres()  ? m_ranSql
                                             : mig.upSql;
    }
    try {
        if (direction == Direction::Down)
            m_history.remove(m_session->db(), row);
        else
            m_history.record(m_session->db(), row);
    } catch (const SQLite::Exception& e) {
        return Error{QStringLiteral("cannot record the migration in the history: ") +
                         QString::fromUtf8(e.what()),
                     mig.filePath, 0, 0, {}};
    }
    return std::nullopt;
}

std::optional<Error> SqliteApplier::begin()
{
    QString message;
    int code = 0;
    if (m_session->exec("BEGIN IMMEDIATE", &message, &code)) {
        try {
            m_history.ensureTables(m_session->db());
        } catch (const SQLite::Exception& e) {
            m_session->exec("ROLLBACK");
            return Error{QStringLiteral("cannot create the history table: ") +
                             QString::fromUtf8(e.what()),
                         m_env.path, 0, 0, {}};
        }
        return std::nullopt;
    }
    m_kind = (code & 0xff) == SQLITE_BUSY ? ErrorKind::Busy : ErrorKind::Failed;
    return Error{QStringLiteral("cannot start a transaction: %1%2")
                     .arg(message, m_kind == ErrorKind::Busy
                                       ? QStringLiteral(" (another connection is writing to the "
                                                        "database)")
                                       : QString()),
                 m_env.path, 0, 0, {}};
}

std::optional<Error> SqliteApplier::commit()
{
    QString message;
    if (m_session->exec("COMMIT", &message))
        return std::nullopt;
    m_session->exec("ROLLBACK");
    return Error{QStringLiteral("the transaction could not be committed: ") + message, m_env.path,
                 0, 0, {}};
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
    ErrorKind refusalKind = ErrorKind::Failed;
    auto plan = planRun(direction, files, applied.value(), m_history.keyedByFileName(), m_db,
                        m_options, &refusalKind);
    if (!plan)
        return fail(refusalKind, plan.error());
    const QList<MigrationEntry>& steps = plan->steps;
    if (auto err = checkD1Limits(steps, direction))
        return fail(ErrorKind::Failed, *err);
    if (steps.isEmpty())
        return report;

    // Every migration runs in a savepoint of its own inside a batch transaction: a failing one
    // is rolled back whole and the ones before it stand. Batches commit every
    // kBatchMs, so a crash loses at most that much finished work — always at a migration
    // boundary, history and schema together — while a thousand migrations cost a handful of
    // commits instead of a thousand. A dry run is one batch that is rolled back.
    constexpr qint64 kBatchMs = 250;
    bool inBatch = false;
    qsizetype batchStart = 0; // index in report.steps of the batch's first migration
    QElapsedTimer batchTimer;
    auto closeBatch = [&]() -> std::optional<Error> {
        if (!inBatch)
            return std::nullopt;
        inBatch = false;
        if (m_options.dryRun) {
            m_session->exec("ROLLBACK");
            return std::nullopt;
        }
        if (auto err = commit()) {
            report.steps.remove(batchStart, report.steps.size() - batchStart);
            return err;
        }
        return std::nullopt;
    };

    for (int i = 0; i < steps.size() && !report.failure; ++i) {
        const MigrationEntry& entry = steps[i];
        const Migration& mig = *entry.file;
        if (progress)
            progress(i, int(steps.size()), entry.fileName);
        const bool noTransaction = !mig.transactional && !m_options.dryRun &&
                                   direction != Direction::Baseline;
        QString restorePoint;
        if (m_options.restorePoint && direction == Direction::Up && !m_options.dryRun) {
            // The backup must hold everything before this migration: commit it first.
            if (auto err = closeBatch()) {
                report.failure = err;
                break;
            }
            auto taken = m_options.restorePoint(entry);
            if (!taken) {
                report.failure = taken.error();
                break;
            }
            restorePoint = taken.value();
        }
        if (noTransaction) {
            if (auto err = closeBatch()) {
                report.failure = err;
                break;
            }
        } else if (!inBatch) {
            if (auto err = begin()) {
                report.failure = err;
                break;
            }
            inBatch = true;
            batchStart = report.steps.size();
            batchTimer.start();
        }
        if (!m_options.dryRun && direction != Direction::Down && inBatch) {
            // Another tool (wrangler, dbmate) may have applied it since the plan was made.
            try {
                if (m_history.contains(m_session->db(),
                                       m_history.keyOf(mig.fileName, mig.versionText)))
                    continue;
            } catch (const SQLite::Exception& e) {
                report.failure = Error{QStringLiteral("cannot read the history: ") +
                                           QString::fromUtf8(e.what()),
                                       m_env.path, 0, 0, {}};
                break;
            }
        }

        StepResult step;
        step.backupId = restorePoint;
        if (noTransaction) {
            // Statement by statement outside any transaction (e.g. VACUUM); then its record.
            if (std::optional<Error> err = execute(entry, direction, &step)) {
                err->message += QStringLiteral(" (this file runs without a transaction: the "
                                               "statements before this one stay applied)");
                report.failure = err;
                break;
            }
            std::optional<Error> err = begin();
            if (!err)
                err = record(entry, direction, step);
            if (!err)
                err = commit();
            else
                m_session->exec("ROLLBACK");
            if (err) {
                report.failure = err;
                break;
            }
            report.steps << step;
            continue;
        }
        m_session->exec("SAVEPOINT strata_migration");
        std::optional<Error> err = execute(entry, direction, &step);
        if (!err)
            err = record(entry, direction, step);
        if (err) {
            m_session->exec("ROLLBACK TO strata_migration");
            m_session->exec("RELEASE strata_migration");
            report.failure = err;
            break;
        }
        m_session->exec("RELEASE strata_migration");
        report.steps << step;
        if (batchTimer.elapsed() >= kBatchMs && !m_options.dryRun)
            if (auto err = closeBatch())
                report.failure = err;
    }
    if (auto err = closeBatch(); err && !report.failure)
        report.failure = err;
    if (progress)
        progress(int(steps.size()), int(steps.size()), QString());
    if (report.failure && m_kind != ErrorKind::Busy)
        m_kind = ErrorKind::Failed;
    report.notes << m_notes;
    return report;
}

} // namespace strata
