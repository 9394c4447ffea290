namespace Dockerman.Relay;

/// <summary>
/// Turns Docker's multiplexed log stream (frames of an 8-byte header — stream type 0/1/2/3,
/// three zero bytes, big-endian payload size — and the payload) into the payloads alone.
/// Frames may span reads and reads may span frames: the header is gathered across calls.
/// </summary>
internal struct LogDemultiplexer
{
    public const int HeaderSize = 8;

    private long _payloadLeft;
    private int _headerHave;
    private ulong _header;

    /// <summary>True when the first bytes of a log reply look like a frame header: type 0–3 then
    /// three zero bytes. A TTY container's raw output practically never starts that way.</summary>
    public static bool LooksMultiplexed(ReadOnlySpan<byte> first) =>
        first.Length >= 4 && first[0] <= 3 && first[1] == 0 && first[2] == 0 && first[3] == 0;

    /// <summary>Decodes <paramref name="input"/> whole (it keeps partial headers itself) into
    /// <paramref name="output"/>, which must be at least as long as the input and may be the input
    /// itself: a payload byte is never written ahead of where it was read. Returns bytes written,
    /// or throws <see cref="InvalidDataException"/> on a header that is not a frame header.</summary>
    public int Decode(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int written = 0;
        while (!input.IsEmpty)
        {
            if (_payloadLeft > 0)
            {
                int n = (int)Math.Min(_payloadLeft, input.Length);
                input[..n].CopyTo(output[written..]);
                written += n;
                _payloadLeft -= n;
                input = input[n..];
                continue;
            }

            _header = (_header << 8) | input[0];
            input = input[1..];
            if (++_headerHave < HeaderSize)
            {
                continue;
            }

            // Big-endian as gathered: type in the top byte, then three zero bytes, then the size.
            if ((_header >> 56) > 3 || ((_header >> 32) & 0xFFFFFF) != 0)
            {
                throw new InvalidDataException("log stream: malformed frame header");
            }

            _payloadLeft = (uint)_header;
            _headerHave = 0;
            _header = 0;
        }

        return written;
    }

    /// <summary>True between frames: the stream may end here without losing part of one.</summary>
    public readonly bool AtFrameBoundary => _payloadLeft == 0 && _headerHave == 0;
}
