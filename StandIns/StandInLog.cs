using System.Text;

namespace Dockerman.StandIns;

/// <summary>What the stand-ins have to say (and what exec plugins write to stderr), kept for a
/// test's failure message and, run as a program, written to stderr as it comes.</summary>
internal sealed class StandInLog(bool echo)
{
    private readonly StringBuilder _text = new();

    public void Line(string line)
    {
        lock (_text)
        {
            _text.Append(line).Append('\n');
        }

        if (echo)
        {
            Console.Error.WriteLine(line);
        }
    }

    public override string ToString()
    {
        lock (_text)
        {
            return _text.ToString();
        }
    }
}
