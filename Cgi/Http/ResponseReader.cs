namespace Dockerman.Http;

/// <summary>Reads the daemon's status line and headers from the connection.</summary>
internal static class ResponseReader
{
    /// <param name="beforeFill">Called before each read; it may throw to give up (a deadline).</param>
    public static ResponseHead ReadHead(BufferedInput input, Action? beforeFill = null)
    {
        while (true)
        {
            var head = new ResponseHead();
            int consumed;
            while (!ResponseHeadParser.TryParse(input.Available, head, out consumed))
            {
                beforeFill?.Invoke();
                if (!input.Fill())
                {
                    ThrowHelper.Throw(HttpParseError.UnexpectedEndOfStream);
                }
            }

            input.Consume(consumed);
            if (head.StatusCode != 100)
            {
                return head; // 100 Continue is informational: the real reply follows
            }
        }
    }
}
