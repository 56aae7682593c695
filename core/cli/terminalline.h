#pragma once

// One line of progress on a terminal, rewritten in place whenever its text changes and cleared
// when the work is over, so that what the command prints next starts on a clean line.

#include <QString>
#include <QTextStream>

namespace strata {

class TerminalLine final
{
public:
    TerminalLine(QTextStream& err, bool enabled) : m_err(err), m_enabled(enabled) {}
    ~TerminalLine() { clear(); }
    TerminalLine(const TerminalLine&) = delete;
    TerminalLine& operator=(const TerminalLine&) = delete;

    void show(const QString& text)
    {
        if (!m_enabled || text == m_last)
            return;
        m_err << "\r\x1b[2K  " << text;
        m_err.flush();
        m_last = text;
    }
    void clear()
    {
        if (!m_last.isEmpty())
            m_err << "\r\x1b[2K";
        m_err.flush();
        m_last.clear();
    }

private:
    QTextStream& m_err;
    bool m_enabled;
    QString m_last;
};

} // namespace strata
