using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Dockerman.StandIns.Rpcd;

/// <summary>rpcd's sessions by id; an expired one is gone the moment it is looked for.</summary>
internal sealed class SessionStore(Func<long> clock)
{
    /// <summary>The session the login page uses before anyone has logged in.</summary>
    public const string AnonymousId = "00000000000000000000000000000000";

    /// <summary>RPC_DEFAULT_SESSION_TIMEOUT: seconds a login lasts unless it asks for another timeout.</summary>
    public const int DefaultTimeout = 300;

    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);

    public long Now => clock();

    public Session Create(int timeoutSeconds, string? id = null)
    {
        var session = new Session(id ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), timeoutSeconds, clock());
        _sessions[session.Id] = session;
        return session;
    }

    /// <summary>The live session <paramref name="id"/>, its timeout started again; null when there is none.</summary>
    public Session? Use(string? id)
    {
        if (id == null || !_sessions.TryGetValue(id, out Session? s))
        {
            return null;
        }

        long now = clock();
        if (s.Expired(now))
        {
            _sessions.TryRemove(id, out _);
            return null;
        }

        s.Touch(now);
        return s;
    }

    public bool Remove(string id) => _sessions.TryRemove(id, out _);
}
