using System.Buffers;

namespace Dockerman.Http;

/// <summary>
/// De-chunks an HTTP/1.1 chunked body: size line → data → CRLF → … → last chunk → trailers.
/// Pure: it sees only the bytes it is given, so a caller keeps what was not consumed and
/// offers it again with more. Malformed framing throws <see cref="HttpParseException"/>.
/// </summary>
internal struct ChunkedDecoder
{
    private enum State { Size, Data, DataEnd, Trailer, Done }

    private State _state;
    private long _remaining;
    private int _trailerBytes;

    public readonly bool IsDone => _state == State.Done;

    /// <summary>True between chunks: no part of a size line, chunk data or terminator consumed.</summary>
    public readonly bool AtChunkBoundary => _state is State.Size or State.Done;

    /// <summary>
    /// Decodes from <paramref name="input"/> into <paramref name="output"/>. Returns
    /// <see cref="OperationStatus.Done"/> after the trailers, <see cref="OperationStatus.NeedMoreData"/>
    /// when the input ran out (an incomplete line stays unconsumed), or
    /// <see cref="OperationStatus.DestinationTooSmall"/> when the output is full.
    /// </summary>
    public OperationStatus Decode(ReadOnlySpan<byte> input, Span<byte> output, out int consumed, out int written)
    {
        consumed = 0;
        written = 0;
        while (true)
        {
            ReadOnlySpan<byte> rest = input[consumed..];
            switch (_state)
            {
                case State.Size:
                    {
                        int lineEnd = FindLineEnd(rest, Limits.MaxChunkSizeLineBytes, HttpParseError.ChunkSizeLineTooLong);
                        if (lineEnd < 0)
                        {
                            return OperationStatus.NeedMoreData;
                        }

                        _remaining = ParseSize(rest[..lineEnd]);
                        consumed += lineEnd + 2;
                        _state = _remaining == 0 ? State.Trailer : State.Data;
                        break;
                    }

                case State.Data:
                    {
                        if (rest.IsEmpty)
                        {
                            return OperationStatus.NeedMoreData;
                        }

                        if (written == output.Length)
                        {
                            return OperationStatus.DestinationTooSmall;
                        }

                        int n = (int)Math.Min(_remaining, Math.Min(rest.Length, output.Length - written));
                        rest[..n].CopyTo(output[written..]);
                        consumed += n;
                        written += n;
                        _remaining -= n;
                        if (_remaining == 0)
                        {
                            _state = State.DataEnd;
                        }

                        break;
                    }

                case State.DataEnd:
                    if (rest.Length < 2)
                    {
                        if (rest.Length == 1 && rest[0] != (byte)'\r')
                        {
                            ThrowHelper.Throw(HttpParseError.BadChunkTerminator);
                        }

                        return OperationStatus.NeedMoreData;
                    }

                    if (rest[0] != (byte)'\r' || rest[1] != (byte)'\n')
                    {
                        ThrowHelper.Throw(HttpParseError.BadChunkTerminator);
                    }

                    consumed += 2;
                    _state = State.Size;
                    break;

                case State.Trailer:
                    {
                        int lineEnd = FindLineEnd(rest, Limits.MaxTrailerBytes - _trailerBytes, HttpParseError.TrailerTooLarge);
                        if (lineEnd < 0)
                        {
                            return OperationStatus.NeedMoreData;
                        }

                        consumed += lineEnd + 2;
                        _trailerBytes += lineEnd + 2;
                        if (lineEnd == 0)
                        {
                            _state = State.Done;
                        }

                        break;
                    }

                default:
                    return OperationStatus.Done;
            }
        }
    }

    /// <summary>Index of the CRLF ending the first line, or -1 if it has not arrived yet.</summary>
    private static int FindLineEnd(ReadOnlySpan<byte> input, int maxLine, HttpParseError tooLong)
    {
        int lf = input.IndexOf((byte)'\n');
        if (lf < 0)
        {
            if (input.Length > maxLine)
            {
                ThrowHelper.Throw(tooLong);
            }

            return -1;
        }

        if (lf > maxLine)
        {
            ThrowHelper.Throw(tooLong);
        }

        if (lf == 0 || input[lf - 1] != (byte)'\r')
        {
            ThrowHelper.Throw(HttpParseError.BadChunkSize);
        }

        return lf - 1;
    }

    private static long ParseSize(ReadOnlySpan<byte> line)
    {
        long size = 0;
        int i = 0;
        for (; i < line.Length; i++)
        {
            int digit = HexValue(line[i]);
            if (digit < 0)
            {
                break;
            }

            if (size > (long.MaxValue >> 4))
            {
                ThrowHelper.Throw(HttpParseError.BadChunkSize);
            }

            size = (size << 4) | (uint)digit;
        }

        if (i == 0)
        {
            ThrowHelper.Throw(HttpParseError.BadChunkSize);
        }

        // What may follow the digits: whitespace and chunk extensions, which are ignored.
        ReadOnlySpan<byte> rest = line[i..].TrimStart(" \t"u8);
        if (!rest.IsEmpty && rest[0] != (byte)';')
        {
            ThrowHelper.Throw(HttpParseError.BadChunkSize);
        }

        foreach (byte b in rest)
        {
            if (b is (byte)'\r' or (byte)'\n' or 0)
            {
                ThrowHelper.Throw(HttpParseError.BadChunkSize);
            }
        }

        return size;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
