using System.Text.Json;
using Dockerman.Http;

namespace Dockerman.Jobs;

/// <summary>
/// Appends a job's progress (the daemon's NDJSON) to its file in whole lines, and remembers the
/// last error a line reported: pulls and pushes fail inside a 200 reply, as
/// <c>{"errorDetail":{…},"error":"…"}</c>. Past <see cref="Limits.MaxJobProgressBytes"/> pure
/// progress-bar lines are dropped; past the hard limit nothing more is written.
/// </summary>
internal sealed class ProgressWriter(Stream file)
{
    private readonly byte[] _line = new byte[Limits.MaxProgressLineBytes];
    private int _lineLength;
    private bool _overlong;
    private long _written;

    public string? LastError { get; private set; }

    /// <summary>The file could not be written (jobs_dir full, say): nothing more is written, and
    /// <see cref="LastError"/> says why, whatever the daemon reports after.</summary>
    public bool Broken { get; private set; }

    public void Write(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            int lf = data.IndexOf((byte)'\n');
            ReadOnlySpan<byte> piece = lf < 0 ? data : data[..(lf + 1)];
            data = lf < 0 ? default : data[(lf + 1)..];
            if (_overlong || _lineLength + piece.Length > _line.Length)
            {
                // Too long to examine: pass it on as it is.
                if (!_overlong)
                {
                    Append(_line.AsSpan(0, _lineLength));
                    _lineLength = 0;
                }

                Append(piece);
                _overlong = lf < 0;
                continue;
            }

            piece.CopyTo(_line.AsSpan(_lineLength));
            _lineLength += piece.Length;
            if (lf >= 0)
            {
                CompleteLine();
            }
        }
    }

    /// <summary>Writes a last line without its newline, if the daemon ended without one.</summary>
    public void Finish()
    {
        if (_lineLength > 0)
        {
            _line[_lineLength++] = (byte)'\n';
            CompleteLine();
        }
    }

    /// <summary>A line of our own, such as the daemon's error reply.</summary>
    public void WriteError(string message)
    {
        if (Broken)
        {
            return;
        }

        LastError = message;
        Append(CgiIo.Json.Document(w =>
        {
            w.WriteStartObject();
            w.WriteString("error", message);
            w.WriteEndObject();
        }), force: true);
    }

    private void CompleteLine()
    {
        ReadOnlySpan<byte> line = _line.AsSpan(0, _lineLength);
        _lineLength = 0;
        if (line.IndexOf("\"error\""u8) >= 0 && ErrorOf(line) is string error)
        {
            if (!Broken)
            {
                LastError = error;
            }

            Append(line, force: true);
            return;
        }

        if (_written > Limits.MaxJobProgressBytes && line.IndexOf("\"progressDetail\":{\""u8) >= 0)
        {
            return; // a progress bar update: the status lines around it tell the story
        }

        Append(line);
    }

    private void Append(ReadOnlySpan<byte> bytes, bool force = false)
    {
        if (Broken || (_written + bytes.Length > Limits.MaxJobProgressHardBytes && !force))
        {
            return;
        }

        long end = file.Position;
        try
        {
            file.Write(bytes);
            file.Flush();
        }
        catch (IOException e)
        {
            // A full file system may take part of the write: cut back to the last whole line.
            try
            {
                file.SetLength(end);
            }
            catch (IOException)
            {
            }

            Broken = true;
            LastError = $"the job's progress could not be written to jobs_dir ({e.Message}); the job was abandoned";
            return;
        }

        _written += bytes.Length;
    }

    internal static string? ErrorOf(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = Limits.MaxJsonDepth });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isError = reader.ValueTextEquals("error"u8);
                reader.Read();
                if (isError && reader.TokenType == JsonTokenType.String)
                {
                    return reader.GetString();
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }
}
