using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Dockerman.Tests.Support;

/// <summary>
/// Straight-to-the-socket requests that set up and check what a test did through dockerman,
/// and a list of what it made, removed when the test ends so that tests never depend on each other.
/// </summary>
public sealed class DaemonObjects(DockerDaemon daemon) : IDisposable
{
    private readonly List<string> _containers = [];
    private readonly List<string> _images = [];
    private readonly List<string> _networks = [];
    private readonly List<string> _volumes = [];

    public DockerDaemon Daemon => daemon;

    /// <summary>A name no other test uses: <paramref name="prefix"/> and 12 hex digits.</summary>
    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    public string Container(string name) => Track(_containers, name);

    public string Image(string reference) => Track(_images, reference);

    public string Network(string name) => Track(_networks, name);

    public string Volume(string name) => Track(_volumes, name);

    private static string Track(List<string> list, string name)
    {
        list.Add(name);
        return name;
    }

    /// <summary>Creates (and optionally starts) a tracked container; returns its id.</summary>
    public string CreateContainer(string name, string[] cmd, bool start = false, bool tty = false,
        Dictionary<string, string>? labels = null)
    {
        Container(name);
        var config = new Dictionary<string, object> { ["Image"] = DockerDaemon.Image, ["Cmd"] = cmd, ["Tty"] = tty };
        if (labels != null)
        {
            config["Labels"] = labels;
        }

        (int status, string text) = Send("POST", $"/containers/create?name={name}", config);
        Assert.True(status == 201, text);
        string id = JsonDocument.Parse(text).RootElement.GetProperty("Id").GetString()!;
        if (start)
        {
            (status, text) = Send("POST", $"/containers/{id}/start");
            Assert.True(status == 204, text);
        }

        return id;
    }

    /// <summary>Runs a container to its end and returns its id.</summary>
    public string RunContainer(string name, string[] cmd, bool tty = false)
    {
        string id = CreateContainer(name, cmd, start: true, tty: tty);
        (int status, string text) = Send("POST", $"/containers/{id}/wait");
        Assert.True(status == 200, text);
        return id;
    }

    /// <summary>One request to the daemon; a body object goes as JSON.</summary>
    public (int Status, string Text) Send(string method, string path, object? json = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (json != null)
        {
            request.Content = JsonContent.Create(json);
        }

        using HttpResponseMessage r = daemon.Client.Send(request);
        return ((int)r.StatusCode, r.Content.ReadAsStringAsync().Result);
    }

    /// <summary>One request with a body of this content type as it is.</summary>
    public (int Status, string Text) SendRaw(string method, string path, string body, string contentType)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = new StringContent(body, Encoding.UTF8, contentType),
        };
        using HttpResponseMessage r = daemon.Client.Send(request);
        return ((int)r.StatusCode, r.Content.ReadAsStringAsync().Result);
    }

    /// <summary>A path in a container as the daemon's archive GET gives it, unpacked.</summary>
    public Dictionary<string, byte[]> Archive(string container, string path)
    {
        using HttpResponseMessage r = daemon.Client.GetAsync($"/containers/{container}/archive?path={Uri.EscapeDataString(path)}").Result;
        Assert.True(r.IsSuccessStatusCode, $"{path}: {(int)r.StatusCode}");
        return Tars.Read(r.Content.ReadAsByteArrayAsync().Result);
    }

    /// <summary>The daemon's JSON for a GET; fails the test on an error status.</summary>
    public JsonElement Json(string path)
    {
        (int status, string text) = Send("GET", path);
        Assert.True(status == 200, $"GET {path}: {status} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public bool Exists(string path) => Send("GET", path).Status == 200;

    /// <summary>Polls until <paramref name="condition"/> holds; fails the test after <paramref name="seconds"/>.</summary>
    public static void WaitFor(Func<bool> condition, string what, int seconds = 20)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(seconds), $"timed out waiting for {what}");
            Thread.Sleep(50);
        }
    }

    /// <summary>An image made from a one-file tar, straight through the socket: no tag (dangling)
    /// unless <paramref name="repo"/> is given. Returns its id.</summary>
    public string ImportImage(string? repo = null, string? label = null)
    {
        string query = "fromSrc=-";
        if (repo != null)
        {
            query += $"&repo={Uri.EscapeDataString(repo)}&tag=1";
        }

        if (label != null)
        {
            query += "&changes=" + Uri.EscapeDataString($"LABEL {label}");
        }

        using var content = new ByteArrayContent(Tars.Build(("imported.txt", Guid.NewGuid().ToString())));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-tar");
        using HttpResponseMessage r = daemon.Client.PostAsync($"/images/create?{query}", content).Result;
        string text = r.Content.ReadAsStringAsync().Result;
        Assert.True(r.IsSuccessStatusCode, text);
        string id = JsonDocument.Parse(text.Trim().Split('\n')[^1]).RootElement.GetProperty("status").GetString()!;
        Image(id);
        return id;
    }

    public void Dispose()
    {
        foreach (string c in _containers)
        {
            Send("DELETE", $"/containers/{c}?force=1&v=1");
        }

        foreach (string i in Enumerable.Reverse(_images))
        {
            Send("DELETE", $"/images/{i}?force=1");
        }

        foreach (string n in _networks)
        {
            Send("DELETE", $"/networks/{n}");
        }

        foreach (string v in _volumes)
        {
            Send("DELETE", $"/volumes/{v}?force=1");
        }
    }

    /// <summary>The JSON body of a dockerman reply, with the reply in the failure message.</summary>
    public static JsonElement Parse(CgiReply reply)
    {
        try
        {
            return JsonDocument.Parse(reply.Body).RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new Xunit.Sdk.XunitException($"not JSON ({e.Message}): {reply}");
        }
    }

    /// <summary>The lines of a newline-delimited JSON stream, blank heartbeat lines left out.</summary>
    public static List<JsonElement> Lines(CgiReply reply) =>
        [.. Encoding.UTF8.GetString(reply.Body).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.Clone())];
}
