// The window's smaller parts on their own, headless: the typed confirmation for protected
// environments, Open Recent's list in the settings, and the project file dialog's folder rule.

#include "confirmapplydialog.h"
#include "mainactions.h"
#include "mainwindow.h"
#include "projectfiledialog.h"
#include "recentprojects.h"
#include "uitestsupport.h"

#include <QAction>
#include <QDir>
#include <QFileInfo>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace strata;
using strata::test::copyTree;

class TestMainWindowDialogs final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void typedConfirmationEnablesApply();
    void recentProjectsKeepEightNewestFirst();
    void openDialogAcceptsAProjectFolder();
};

void TestMainWindowDialogs::init()
{
    openUserSettings()->clear();
}

void TestMainWindowDialogs::typedConfirmationEnablesApply()
{
    ConfirmRequest request;
    request.binding = QStringLiteral("BILLING_DB");
    request.environment = QStringLiteral("production");
    request.location = QStringLiteral("/tmp/billing.sqlite");
    request.isProtected = true;
    request.migrations = {QStringLiteral("006_x.sql"), QStringLiteral("007_y.sql")};

    ConfirmApplyDialog dialog(request);
    dialog.show();
    QLineEdit* edit = dialog.nameEdit();
    QVERIFY(edit);
    QVERIFY(!dialog.applyButton()->isEnabled());
    QTest::keyClicks(edit, QStringLiteral("prod"));
    QVERIFY(!dialog.applyButton()->isEnabled());
    QTest::keyClicks(edit, QStringLiteral("uction"));
    QVERIFY(dialog.applyButton()->isEnabled());
    QTest::keyClick(edit, Qt::Key_Backspace);
    QVERIFY(!dialog.applyButton()->isEnabled());
    // Enter while the name does not match does not apply.
    QTest::keyClick(edit, Qt::Key_Return);
    QCOMPARE(dialog.result(), int(QDialog::Rejected));
    QVERIFY(!dialog.applyButton()->isEnabled());

    dialog.show();
    edit->clear();
    QTest::keyClicks(edit, QStringLiteral("Production")); // case matters
    QVERIFY(!dialog.applyButton()->isEnabled());
    edit->clear();
    QTest::keyClicks(edit, QStringLiteral("production"));
    QTest::keyClick(edit, Qt::Key_Return);
    QCOMPARE(dialog.result(), int(QDialog::Accepted));

    request.isProtected = false;
    ConfirmApplyDialog plain(request);
    QVERIFY(!plain.nameEdit());
    QVERIFY(plain.applyButton()->isEnabled());
}

void TestMainWindowDialogs::recentProjectsKeepEightNewestFirst()
{
    auto settings = openUserSettings();
    RecentProjects recent(*settings);
    QVERIFY(recent.paths().isEmpty());
    for (int i = 1; i <= 10; ++i)
        recent.add(QStringLiteral("/projects/p%1/strata.toml").arg(i));
    QCOMPARE(recent.paths().size(), RecentProjects::MaxCount);
    QCOMPARE(recent.last(), QStringLiteral("/projects/p10/strata.toml"));
    QCOMPARE(recent.paths().constLast(), QStringLiteral("/projects/p3/strata.toml"));
    recent.add(QStringLiteral("/projects/p5/strata.toml")); // again: moves to the front, once
    QCOMPARE(recent.paths().size(), RecentProjects::MaxCount);
    QCOMPARE(recent.paths().count(QStringLiteral("/projects/p5/strata.toml")), 1);
    QCOMPARE(recent.last(), QStringLiteral("/projects/p5/strata.toml"));
    recent.remove(QStringLiteral("/projects/p5/strata.toml"));
    QCOMPARE(recent.last(), QStringLiteral("/projects/p10/strata.toml"));

    // Persisted: a new settings object (as the next start) reads the same list, and the window's
    // Open Recent menu shows it.
    QCOMPARE(RecentProjects(*openUserSettings()).paths(), recent.paths());
    MainWindow w;
    QStringList shown;
    for (QAction* a : w.actions()->recentMenu()->actions())
        if (!a->data().toString().isEmpty())
            shown << a->data().toString();
    QCOMPARE(shown, recent.paths());
}

void TestMainWindowDialogs::openDialogAcceptsAProjectFolder()
{
    QTemporaryDir dir;
    const QString project = dir.filePath(QStringLiteral("shop"));
    QVERIFY(copyTree(QStringLiteral(STRATA_FIXTURES_DIR "/wrangler-project"), project));
    QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("not-a-project"))));

    // Open on a folder holding a project: accepted as that folder.
    ProjectFileDialog dialog(nullptr, dir.path());
    QSignalSpy accepted(&dialog, &QDialog::accepted);
    dialog.selectFile(project);
    dialog.accept();
    QCOMPARE(accepted.size(), 1);
    QCOMPARE(dialog.chosenPath(), project);

    // Open on any other folder enters it, as a file dialog does; nothing is chosen yet.
    ProjectFileDialog other(nullptr, dir.path());
    QSignalSpy otherAccepted(&other, &QDialog::accepted);
    other.selectFile(dir.filePath(QStringLiteral("not-a-project")));
    other.accept();
    QCOMPARE(otherAccepted.size(), 0);

    // Entering a project folder preselects its project file.
    ProjectFileDialog inside(nullptr, project);
    QSignalSpy insideAccepted(&inside, &QDialog::accepted);
    inside.accept();
    QCOMPARE(insideAccepted.size(), 1);
    QCOMPARE(QFileInfo(inside.chosenPath()).fileName(), QStringLiteral("wrangler.toml"));
}

int main(int argc, char* argv[])
{
    TestMainWindowDialogs test;
    return strata::test::runUiTest(argc, argv, &test);
}

#include "tst_mainwindow_dialogs.moc"
