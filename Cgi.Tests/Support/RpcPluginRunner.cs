using System.Text;
using System.Text.Json;
using Xunit;

namespace Dockerman.Tests.Support;

/// <summary>What one plugin run printed: the reply as rpcd would read it.</summary>
public sealed class RpcResult
{
    public int ExitCode { get; init; }

    public byte[] Output { get; init; } = [];

    public string Stderr { get; init; } = "";

    public string Text => Encoding.UTF8.GetString(Output);

    /// <summary>The reply parsed; fails the test when it is not one JSON object.</summary>
    public JsonElement Json
    {
        get
        {
            try
            {
                using JsonDocument doc = JsonDocument.Parse(Output);
                Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
                return doc.RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new Xunit.Sdk.XunitException($"not one JSON object ({e.Message}): {this}");
            }
        }
    }

    public int Code => Json.GetProperty("code").GetInt32();

    public JsonElement Body => Json.GetProperty("body");

    public string Message => Body.GetProperty("message").GetString()!;

    public override string ToString() => $"exit {ExitCode}: {Text[..Math.Min(Text.Length, 600)]} stderr: {Stderr}";
}

/// <summary>
/// The published binary as rpcd runs an exec plugin: through a link named after each ubus object in
/// a folder of its own, as <c>&lt;object&gt; list</c> or <c>&lt;object&gt; call &lt;method&gt;</c> with the
/// JSON arguments on stdin, the environment made from scratch.
/// </summary>
public sealed class RpcPluginRunner : IDisposable
{
    public static readonly string[] Objects =
    [
        "docker", "docker.container", "docker.exec", "docker.image", "docker.network", "docker.volume",
        "docker.swarm", "docker.node", "docker.service", "docker.task", "docker.secret", "docker.config",
    ];

    public string Dir { get; } = Paths.TempDir("rpcx");

    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    public RpcPluginRunner(string dockerHost, string? configDir = null)
    {
        foreach (string obj in Objects)
        {
            File.CreateSymbolicLink(Path.Combine(Dir, obj), Paths.Binary);
        }

        Environment["DOCKER_HOST"] = dockerHost;
        Environment["DOCKERMAN_CONFIG_DIR"] = configDir ?? Dir;
    }

    public string Link(string obj) => Path.Combine(Dir, obj);

    public RpcResult List(string obj) => Run(obj, null, TimeSpan.FromSeconds(30), "list");

    public RpcResult Call(string obj, string method, string args = "{}", TimeSpan? timeout = null) =>
        Run(obj, args, timeout ?? TimeSpan.FromSeconds(60), "call", method);

    private RpcResult Run(string obj, string? stdin, TimeSpan timeout, params string[] args)
    {
        CgiReply raw = CgiRunner.Exec(Link(obj), Environment, stdin == null ? null : new MemoryStream(Encoding.UTF8.GetBytes(stdin)),
            timeout, args);
        return new RpcResult { ExitCode = raw.ExitCode, Output = raw.Body, Stderr = raw.Stderr };
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Dir, true);
        }
        catch (IOException)
        {
        }
    }
}
