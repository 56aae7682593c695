#include "historygen.h"

#include <QDir>
#include <QFile>
#include <QTextStream>

#include <algorithm>

namespace strata::bench {
double median(QList<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

void writeTextFile(const QString& path, const QString& text)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write %s", qPrintable(path));
    f.write(text.toUtf8());
}

GeneratedHistory generateHistory(const QString& dir, const HistoryShape& shape)
{
    GeneratedHistory out;
    out.projectDir = dir;
    QDir(dir).mkpath(QStringLiteral("migrations"));
    writeTextFile(dir + QStringLiteral("/strata.toml"),
              QStringLiteral("[project]\nname = \"bench\"\n\n[[database]]\nbinding = \"DB\"\n"
                             "dialect = \"sqlite\"\nmigrations = \"migrations\"\n\n"
                             "[database.env.local]\npath = \"data/bench.sqlite\"\n"));

    QStringList all;
    QList<int> extraColumns(shape.tables + 1, 0);
    int views = 0;
    for (int m = 1; m <= shape.migrations; ++m) {
        QStringList up, down;
        if (m <= shape.tables) {
            const int t = m;
            QString sql = QStringLiteral("CREATE TABLE t%1 (\n  id INTEGER PRIMARY KEY,\n"
                                         "  name TEXT NOT NULL,\n"
                                         "  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP")
                              .arg(t);
            if (t > 1)
                sql += QStringLiteral(",\n  parent_id INTEGER REFERENCES t%1(id) ON DELETE "
                                      "CASCADE")
                           .arg((t * 7) % (t - 1) + 1);
            sql += QStringLiteral("\n);");
            up << sql;
            if (t > 1)
                up << QStringLiteral("CREATE INDEX t%1_parent ON t%1(parent_id);").arg(t);
            down << QStringLiteral("DROP TABLE t%1;").arg(t);
        } else {
            const int t = (m * 37) % shape.tables + 1;
            switch (m % 5) {
            case 0: { // a new column with an index
                const int c = ++extraColumns[t];
                up << QStringLiteral("ALTER TABLE t%1 ADD COLUMN c%2 INTEGER NOT NULL DEFAULT 0;")
                          .arg(t)
                          .arg(c);
                up << QStringLiteral("CREATE INDEX t%1_c%2 ON t%1(c%2);").arg(t).arg(c);
                break;
            }
            case 1: { // a foreign key added as a column
                const int c = ++extraColumns[t];
                const int target = (t * 13) % shape.tables + 1;
                up << QStringLiteral("ALTER TABLE t%1 ADD COLUMN c%2 INTEGER REFERENCES t%3(id);")
                          .arg(t)
                          .arg(c)
                          .arg(target);
                break;
            }
            case 2: // a view joining a child to its parent
                up << QStringLiteral("CREATE VIEW v%1 AS SELECT c.id, c.name, p.name AS parent "
                                     "FROM t%2 c LEFT JOIN t1 p ON p.id = c.parent_id;")
                          .arg(++views)
                          .arg(t);
                break;
            case 3: // some rows
                up << QStringLiteral("INSERT INTO t%1 (name) VALUES ('a%2'), ('b%2'), ('c%2');")
                          .arg(t)
                          .arg(m);
                up << QStringLiteral("UPDATE t%1 SET name = upper(name) WHERE id %% 2 = 0;")
                          .arg(t)
                          .replace(QStringLiteral("%%"), QStringLiteral("%"));
                break;
            default: { // a plain column
                const int c = ++extraColumns[t];
                up << QStringLiteral("ALTER TABLE t%1 ADD COLUMN c%2 TEXT;").arg(t).arg(c);
                break;
            }
            }
        }
        out.statements += int(up.size());
        const QString body = up.join(QLatin1Char('\n'));
        all << body;
        QString file = QStringLiteral("-- migrate:up\n") + body + QStringLiteral("\n");
        if (!down.isEmpty())
            file += QStringLiteral("\n-- migrate:down\n") + down.join(QLatin1Char('\n')) +
                    QStringLiteral("\n");
        writeTextFile(dir + QStringLiteral("/migrations/%1_step.sql").arg(m, 4, 10, QLatin1Char('0')),
                  file);
    }
    out.concatenated = all.join(QLatin1Char('\n')) + QLatin1Char('\n');
    return out;
}

} // namespace strata::bench
