#include "tst_diagramsupport.h"

#include "demoproject.h"
#include "projectlocator.h"
#include "schemasource.h"

#include <QRandomGenerator>

namespace strata::test {
namespace {

const char* const words[] = {"customer", "order", "invoice", "payment", "product", "warehouse",
                             "shipment", "account", "session", "audit", "ticket", "project",
                             "task", "comment", "tag", "vendor", "contract", "region",
                             "employee", "device"};

Column column(const QString& name, const QString& type, bool notNull, int pk = 0)
{
    Column c;
    c.name = name;
    c.declaredType = type;
    c.affinity = type == QLatin1String("INTEGER") ? QStringLiteral("INTEGER") : QStringLiteral("TEXT");
    c.notNull = notNull;
    c.primaryKeyPosition = pk;
    return c;
}

} // namespace

Schema generatedSchema(int tables, int foreignKeys, quint32 seed)
{
    QRandomGenerator random(seed);
    Schema schema;
    for (int i = 0; i < tables; ++i) {
        Table t;
        t.name = QStringLiteral("%1_%2").arg(QLatin1String(words[i % 20])).arg(i, 3, 10, QLatin1Char('0'));
        t.columns << column(QStringLiteral("id"), QStringLiteral("INTEGER"), true, 1);
        const int extra = 2 + int(random.bounded(9));
        for (int c = 0; c < extra; ++c)
            t.columns << column(QStringLiteral("%1_%2").arg(QLatin1String(words[(i + c * 7) % 20]),
                                                            c % 2 ? QStringLiteral("code") : QStringLiteral("note")),
                                c % 3 ? QStringLiteral("TEXT") : QStringLiteral("VARCHAR(64)"), c % 2 == 1);
        t.sql = QStringLiteral("CREATE TABLE %1 (id INTEGER PRIMARY KEY, …)").arg(t.name);
        schema.tables << t;
    }
    // Foreign keys: 40 % point at one of the hubs (every 25th table), the rest anywhere; every
    // tenth table has none.
    int made = 0;
    for (int k = 0; made < foreignKeys && k < foreignKeys * 4; ++k) {
        const int from = int(random.bounded(tables));
        if (from % 10 == 9)
            continue;
        const int to = random.bounded(10) < 4 ? int(random.bounded((tables + 24) / 25)) * 25
                                              : int(random.bounded(tables));
        if (to == from)
            continue;
        Table& t = schema.tables[from];
        const QString name = schema.tables[to].name + QStringLiteral("_id");
        if (t.column(name))
            continue;
        t.columns << column(name, QStringLiteral("INTEGER"), random.bounded(2) == 0);
        t.foreignKeys << ForeignKey{{name}, schema.tables[to].name, {QStringLiteral("id")},
                                    QStringLiteral("CASCADE"), QStringLiteral("NO ACTION")};
        ++made;
    }
    return schema;
}

std::optional<DemoDatabase> demoDatabase(const QString& binding)
{
    auto dir = ensureDemoProject();
    if (!dir)
        return std::nullopt;
    auto project = openProject(dir.value());
    if (!project || !project->database(binding))
        return std::nullopt;
    auto history = fileSchemaHistory(project.value(), *project->database(binding));
    if (!history)
        return std::nullopt;
    return DemoDatabase{project.value(), binding, history.value()};
}

} // namespace strata::test
