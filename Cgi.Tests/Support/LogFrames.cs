using System.Buffers.Binary;
using System.Text;
using Xunit;

namespace Dockerman.Tests.Support;

/// <summary>Docker's 8-byte-framed stream (logs and exec output of a non-TTY container), read back by tests.</summary>
public static class LogFrames
{
    /// <summary>The frames as (stream type: 1 stdout, 2 stderr; payload) pairs; a cut frame fails the test.</summary>
    public static List<(int Type, string Text)> Parse(byte[] body)
    {
        var frames = new List<(int, string)>();
        int at = 0;
        while (at < body.Length)
        {
            Assert.True(body.Length - at >= 8, "a partial frame header");
            int size = (int)BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(at + 4));
            Assert.True(body.Length - at - 8 >= size, "a partial frame");
            frames.Add((body[at], Encoding.UTF8.GetString(body, at + 8, size)));
            at += 8 + size;
        }

        return frames;
    }
}
