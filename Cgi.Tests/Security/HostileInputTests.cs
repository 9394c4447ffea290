using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Security;

/// <summary>
/// Crafted requests against the published binary, run as a CGI process with DOCKER_HOST on a
/// recording proxy in front of the real test daemon. Every refusal must be a 4xx with a JSON
/// <c>{"message"}</c> naming what was wrong, and the daemon must have received nothing; every
/// unusual but valid value must reach the daemon as exactly one correctly encoded request line.
/// The process must never crash, hang or print a stack trace.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class HostileInputTests : IDisposable
{
    private const string ReadOnlySid = "11111111111111111111111111111111";
    private const string WriterSid = "2222222222222222222222222222aaaa";
    private const string UnknownSid = "44444444444444444444444444444444";
    private const string CsrfToken = "5555555555555555555555555555ffff";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly DockerDaemon _daemon;
    private readonly RecordingProxy _proxy;
    private readonly FakeUbusd _ubus = new();
    private readonly string _config = Paths.TempDir("hostile");
    private readonly List<string> _containers = [];
    private readonly List<string> _volumes = [];

    public HostileInputTests(DockerDaemon daemon)
    {
        _daemon = daemon;
        _proxy = new RecordingProxy(daemon.Socket);
        _ubus.Sessions[ReadOnlySid] = new FakeSession("luci-app-dockerman", Read: true, Write: false, Token: null);
        _ubus.Sessions[WriterSid] = new FakeSession("luci-app-dockerman", Read: true, Write: true, Token: CsrfToken);
        File.WriteAllText(Path.Combine(_config, "dockerman"),
            $"config dockerman 'main'\n\toption ubus_socket '{_ubus.SocketPath}'\n");
    }

    // ---- running and asserting ------------------------------------------------------------

    /// <summary>From a shell: no GATEWAY_INTERFACE, so no credentials are needed.</summary>
    private CgiReply Run(string method, string path, string query = "", byte[]? body = null,
        Dictionary<string, string>? env = null, string? contentType = null, bool contentLength = true) =>
        new CgiRunner(_proxy.Host, _config).Run(method, path, query, body, env, contentType, contentLength, Timeout);

    /// <summary>Under a web server (GATEWAY_INTERFACE=CGI/1.1): LuCI sessions checked with the fake ubusd.</summary>
    private CgiReply Web(string method, string path, string query = "", Dictionary<string, string>? headers = null,
        byte[]? body = null, string? contentType = null)
    {
        var env = new Dictionary<string, string> { ["GATEWAY_INTERFACE"] = "CGI/1.1", ["SERVER_SOFTWARE"] = "uhttpd" };
        foreach ((string k, string v) in headers ?? [])
        {
            env[k] = v;
        }

        return Run(method, path, query, body, env, contentType);
    }

    /// <summary>Sets one variable to exact bytes (not necessarily UTF-8) through a shell that then execs the binary.</summary>
    private CgiReply RunWithRawVariable(string method, string path, string query, string name, byte[] value)
    {
        string file = Path.Combine(_config, "raw-value");
        File.WriteAllBytes(file, value);
        var vars = new Dictionary<string, string>(new CgiRunner(_proxy.Host, _config).BaseEnvironment, StringComparer.Ordinal)
        {
            ["REQUEST_METHOD"] = method,
            ["PATH_INFO"] = "/admin/docker/" + path,
            ["QUERY_STRING"] = query,
        };
        return CgiRunner.ExecProgram("/bin/bash", vars, null, Timeout,
            "-c", $"export {name}=\"$(cat \"$1\")\"; exec \"$2\"", "bash", file, Paths.Binary);
    }

    private static void AssertNoCrash(CgiReply r)
    {
        Assert.DoesNotContain("   at ", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", r.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.True(r.Status != 0, $"no CGI head: {r}");
        Assert.True(r.ExitCode is 0 or 1, r.ToString());
    }

    private static string Message(CgiReply r)
    {
        Assert.StartsWith("application/json", r.Header("Content-Type"), StringComparison.Ordinal);
        using JsonDocument doc = JsonDocument.Parse(r.Body);
        Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
        return doc.RootElement.GetProperty("message").GetString()!;
    }

    /// <summary>Our own refusal: the status, a JSON message that names <paramref name="names"/>, and
    /// not one byte to the daemon.</summary>
    private string Refused(CgiReply r, int status, string? names)
    {
        AssertNoCrash(r);
        Assert.True(r.Status == status, $"expected {status}: {r}");
        Assert.Equal(1, r.ExitCode);
        string message = Message(r);
        if (names != null)
        {
            Assert.Contains(names, message, StringComparison.Ordinal);
        }

        _proxy.Settle();
        Assert.Empty(_proxy.Requests);
        return message;
    }

    /// <summary>Exactly one request reached the daemon, with this request line; returns all it sent.</summary>
    private string Forwarded(CgiReply r, string requestLine)
    {
        AssertNoCrash(r);
        _proxy.Settle();
        Assert.Equal(requestLine, Assert.Single(_proxy.RequestLines));
        return _proxy.Requests[0];
    }

    /// <summary>A container that exists but is not running; removed at the end.</summary>
    private string Container()
    {
        string name = "hostile-" + Guid.NewGuid().ToString("N")[..10];
        _daemon.CreateContainer(name, ["true"]);
        _containers.Add(name);
        return name;
    }

    private static byte[] Latin1(string s) => Encoding.Latin1.GetBytes(s);

    private static Dictionary<string, string> Env(string name, string value) => new() { [name] = value };

    // ---- traversal in ids and paths --------------------------------------------------------

    [Theory]
    [InlineData("container/inspect/..", 400, "id or name")]
    [InlineData("container/inspect/.", 400, "id or name")]
    [InlineData("container/inspect/..%2f..%2fversion", 400, "id or name")]
    [InlineData("container/inspect/%2e%2e", 400, "id or name")]
    [InlineData("container/inspect/%252e%252e", 400, "id or name")]
    [InlineData("container/inspect/..\\..\\etc", 400, "id or name")]
    [InlineData("container/inspect/....", 400, "id or name")]
    [InlineData("container/inspect/．．／", 400, "id or name")]
    [InlineData("container/inspect/%C0%AE%C0%AE", 400, "id or name")]
    [InlineData("container/inspect/a%00b", 400, "id or name")]
    [InlineData("container/inspect/a\r\nX-Evil: 1", 400, "id or name")]
    [InlineData("container/inspect/\tabc", 400, "id or name")]
    [InlineData("container/inspect/../../version", 404, "no such route")]
    [InlineData("container/inspect/....//version", 404, "no such route")]
    [InlineData("container/inspect/./abc", 404, "no such route")]
    [InlineData("container/stop/abc/../../../version", 404, "no such route")]
    [InlineData("volume/inspect/..", 400, "id or name")]
    [InlineData("network/inspect/..%2F", 400, "id or name")]
    [InlineData("exec/inspect/../../version", 404, "no such route")]
    [InlineData("exec/inspect/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 400, "exec id")]
    [InlineData("image/inspect/../../etc/passwd", 400, "image reference")]
    [InlineData("image/inspect/testbox/../../version", 400, "image reference")]
    [InlineData("image/inspect/testbox:1/../..", 400, "image reference")]
    [InlineData("image/inspect/./testbox", 400, "image reference")]
    [InlineData("image/inspect/testbox/.", 400, "image reference")]
    [InlineData("image/inspect/testbox//x", 400, "image reference")]
    [InlineData("image/inspect/..%2fversion", 400, "image reference")]
    [InlineData("image/inspect/%2e%2e/version", 400, "image reference")]
    [InlineData("image/inspect/testbox%3a1", 400, "image reference")]
    [InlineData("image/inspect/testbox..", 400, "image reference")]
    [InlineData("images/get/..\\..\\containers\\json", 400, "image reference")]
    [InlineData("image/push/../../../build", 400, "image reference")]
    public void PathId_TraversalAndEncodings_RefusedBeforeTheDaemon(string path, int status, string names)
    {
        Refused(Run(path.StartsWith("image/push", StringComparison.Ordinal) ? "POST" : "GET", path), status, names);
    }

    [Theory]
    [InlineData("/admin/docker//version")]
    [InlineData("/admin//docker/version")]
    [InlineData("//admin/docker/version")]
    [InlineData("/admin/docker/../docker/version")]
    [InlineData("/admin/docker/./version")]
    [InlineData("/admin/docker/version/")]
    [InlineData("/admin/docker/version/..")]
    [InlineData("/admin/docker/version%00")]
    [InlineData("/admin/docker/container/list/../../version")]
    [InlineData("/ADMIN/DOCKER/version")]
    [InlineData("/admin/docker")]
    [InlineData("/admin/docker/")]
    [InlineData("/version")]
    [InlineData("/_ping")]
    [InlineData("/v1.41/version")]
    [InlineData("/admin/docker/v1.41/version")]
    public void PathInfo_NotExactlyARoute_404(string pathInfo)
    {
        Refused(Run("GET", pathInfo), 404, "no such route");
    }

    [Fact]
    public void PathInfo_Missing_404()
    {
        var vars = new Dictionary<string, string>(new CgiRunner(_proxy.Host, _config).BaseEnvironment, StringComparer.Ordinal)
        {
            ["REQUEST_METHOD"] = "GET",
            ["QUERY_STRING"] = "",
        };
        Refused(CgiRunner.Exec(vars, null, Timeout), 404, "no such route");
    }

    [Theory]
    [InlineData("a..")]
    [InlineData("abc.")]
    [InlineData("a.-_")]
    public void ContainerId_TrailingDots_ForwardedAsOneSegment(string id)
    {
        // Docker's own name grammar allows dots after the first character: "a.." is a name, not a
        // dot segment, and goes to the daemon as it is (which then has no such container).
        CgiReply r = Run("GET", "container/inspect/" + id);
        Forwarded(r, $"GET /containers/{id}/json HTTP/1.1");
        Assert.Equal(404, r.Status);
        Assert.Contains(id, Message(r), StringComparison.Ordinal);
    }

    [Fact]
    public void PathId_RawNonUtf8Byte_Refused()
    {
        // uhttpd percent-decodes PATH_INFO, so "%ff" in a URL arrives as the raw byte.
        CgiReply r = RunWithRawVariable("GET", "version", "", "PATH_INFO", Latin1("/admin/docker/container/inspect/abc\u00ff"));
        Refused(r, 400, "id or name");
    }

    [Fact]
    public void PathInfo_100KB_414()
    {
        Refused(Run("GET", "container/inspect/" + new string('a', 100 * 1024)), 414, "path");
    }

    [Fact]
    public void ContainerId_LongerThanLimit_400()
    {
        Refused(Run("GET", "container/inspect/" + new string('a', 513)), 400, "id or name");
    }

    // ---- archive paths ---------------------------------------------------------------------

    [Fact]
    public void ArchivePath_DotDotOutOfRoot_ForwardedEncoded_DaemonStaysInsideContainer()
    {
        // path= is a path inside the container, where ".." is the daemon's to resolve (it cannot
        // climb above the container's root); dockerman only refuses what cannot be a path.
        Assert.True(File.Exists("/etc/shadow"));
        string c = Container();
        CgiReply r = Run("GET", "container/get_archive/" + c, "path=../../../../etc/shadow");
        Forwarded(r, $"GET /containers/{c}/archive?path=..%2F..%2F..%2F..%2Fetc%2Fshadow HTTP/1.1");
        Assert.Equal(404, r.Status);
        Assert.Contains("Could not find the file", Message(r), StringComparison.Ordinal);
    }

    [Fact]
    public void ArchivePath_DotDotToPasswd_StatIsTheContainersFile()
    {
        string c = Container();
        CgiReply r = Run("HEAD", "container/info_archive/" + c, "path=%2F..%2F..%2F.%2Fetc%2F%2Fpasswd");
        Forwarded(r, $"HEAD /containers/{c}/archive?path=%2F..%2F..%2F.%2Fetc%2F%2Fpasswd HTTP/1.1");
        Assert.Equal(200, r.Status);
        Assert.Empty(r.Body);
        using JsonDocument stat = JsonDocument.Parse(Convert.FromBase64String(r.Header("X-Docker-Container-Path-Stat")!));
        // The test image's /etc/passwd holds one line (build/testdaemon.sh), the host's many more.
        Assert.Equal("root:x:0:0:root:/root:/bin/sh\n".Length, stat.RootElement.GetProperty("size").GetInt32());
    }

    [Theory]
    [InlineData("path=")]
    [InlineData("path=%00")]
    [InlineData("path=/etc%00.tar")]
    [InlineData("path=/tmp%0d%0aX-Evil:%201")]
    [InlineData("path=/tmp%0a")]
    [InlineData("path=%7f")]
    [InlineData("path=%C0%AE%C0%AE/etc")]
    [InlineData("path=/tmp&path=/etc")]
    public void ArchivePath_ControlOrEmptyOrRepeated_400NamingPath(string query)
    {
        Refused(Run("GET", "container/get_archive/abc", query), 400, "'path'");
    }

    // ---- query values: encodings, control characters, NUL ------------------------------------

    [Theory]
    [InlineData("container/top/abc", "ps_args=%C0%AE%C0%AE", "'ps_args'")]
    [InlineData("container/top/abc", "ps_args=%ED%A0%80", "'ps_args'")]
    [InlineData("container/top/abc", "ps_args=%FF", "'ps_args'")]
    [InlineData("container/top/abc", "ps_args=%", "'ps_args'")]
    [InlineData("container/top/abc", "ps_args=%4", "'ps_args'")]
    [InlineData("container/top/abc", "ps_args=%zz", "'ps_args'")]
    [InlineData("container/top/abc", "ps_args=a%0d%0aX-Evil:%201", "'ps_args'")]
    [InlineData("container/top/abc", "ps_args=a%00b", "'ps_args'")]
    [InlineData("container/top/abc", "ps_args=%1b[31m", "'ps_args'")]
    [InlineData("container/rename/abc", "name=a%0d%0aX-Evil:%201", "'name'")]
    [InlineData("container/rename/abc", "name=．．／etc", "'name'")]
    [InlineData("container/rename/abc", "name=../x", "'name'")]
    [InlineData("container/rename/abc", "name=a%00", "'name'")]
    [InlineData("container/start/abc", "detachKeys=%0d%0a", "'detachKeys'")]
    [InlineData("image/tag/testbox:1", "repo=../../x", "'repo'")]
    [InlineData("image/tag/testbox:1", "repo=a%0d%0aX:1", "'repo'")]
    [InlineData("image/tag/testbox:1", "repo=x&tag=1%0d%0aX-Evil:%201", "'tag'")]
    [InlineData("container/list", "all=%2531", "'all'")]
    [InlineData("container/list", "all=1&all=0", "'all'")]
    [InlineData("container/list", "%61ll=1&all=1", "'all'")]
    public void QueryValue_BadEncodingOrControl_400NamingParameter(string path, string query, string names)
    {
        string method = path.StartsWith("container/top", StringComparison.Ordinal) || path == "container/list" ? "GET" : "POST";
        Refused(Run(method, path, query), 400, names);
    }

    [Fact]
    public void QueryValue_RawNonUtf8Byte_400NotSilentlyReplaced()
    {
        // A client may send raw bytes in the query (uhttpd passes QUERY_STRING as it came); the
        // runtime would turn them into U+FFFD and the daemon would get a value nobody sent.
        CgiReply r = RunWithRawVariable("GET", "container/top/abc", "", "QUERY_STRING", Latin1("ps_args=a\u00ffb"));
        Refused(r, 400, "'ps_args'");
    }

    [Fact]
    public void QueryName_PercentEncoded_DecodedAndReencodedCanonically()
    {
        CgiReply r = Run("GET", "container/list", "%61%6Cl=%74rue&li%6dit=1");
        Forwarded(r, "GET /containers/json?all=true&limit=1 HTTP/1.1");
        Assert.Equal(200, r.Status);
    }

    [Fact]
    public void QueryValue_UnknownParameterWithCrLf_DroppedNotForwarded()
    {
        CgiReply r = Run("GET", "version", "x=a%0d%0aX-Evil:%201&Host=evil&X-Evil=1&sessionid=" + ReadOnlySid);
        string sent = Forwarded(r, "GET /version HTTP/1.1");
        Assert.Equal(200, r.Status);
        Assert.DoesNotContain("Evil", sent, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(ReadOnlySid, sent, StringComparison.Ordinal);
    }

    [Fact]
    public void QueryString_130KB_414()
    {
        // A variable of 1 MiB cannot be passed at all: Linux caps one environment string at
        // 128 KiB (MAX_ARG_STRLEN), so execve would fail in the web server before we run. Just
        // under that cap is the largest a server can hand over.
        Refused(Run("GET", "version", "a=" + new string('b', 130_000)), 414, "query");
    }

    [Fact]
    public void QueryString_1000Parameters_400()
    {
        string query = string.Join('&', Enumerable.Range(0, 1000).Select(i => $"p{i}=1"));
        Refused(Run("GET", "version", query), 400, "parameters");
    }

    // ---- header variables --------------------------------------------------------------------

    [Theory]
    [InlineData("CONTENT_TYPE", "application/json\r\nX-Evil: 1")]
    [InlineData("CONTENT_TYPE", "application/json\0")]
    [InlineData("HTTP_AUTHORIZATION", "Bearer abc\r\nX-Evil: 1")]
    [InlineData("HTTP_AUTHORIZATION", "Bearer abc\u007f")]
    [InlineData("HTTP_COOKIE", "sysauth_https=abc\nX-Evil: 1")]
    [InlineData("HTTP_COOKIE", "sysauth_https=abc\r")]
    public void HeaderVariable_ControlCharacters_400NamingVariable(string name, string value)
    {
        // An environment variable cannot hold a real NUL: "\0" ends the value there, which leaves
        // a harmless "application/json" (this case then proves NUL never gets further).
        CgiReply r = Run("POST", "volume/create", "", Encoding.UTF8.GetBytes("{}"), Env(name, value));
        if (value.EndsWith('\0'))
        {
            AssertNoCrash(r);
            Assert.DoesNotContain("\0", Forwarded(r, "POST /volumes/create HTTP/1.1"), StringComparison.Ordinal);
            _volumes.Add(JsonDocument.Parse(r.Body).RootElement.GetProperty("Name").GetString()!);
            return;
        }

        Refused(r, 400, name);
    }

    [Fact]
    public void HeaderVariable_Cookie9KB_431()
    {
        Refused(Run("GET", "version", env: Env("HTTP_COOKIE", "a=" + new string('b', 9000))), 431, "HTTP_COOKIE");
    }

    [Theory]
    [InlineData("X-Registry-Auth=e30%0d%0aX-Evil:%201")]
    [InlineData("X-Registry-Auth=e30%00")]
    [InlineData("X-Registry-Auth=W10")] // base64url of "[]": not an object
    [InlineData("X-Registry-Auth=bm90IGpzb24")] // "not json"
    [InlineData("X-Registry-Auth=e30+")] // '+' decodes to a space
    [InlineData("X-Registry-Auth=")]
    public void RegistryAuth_NotBase64UrlJson_400(string query)
    {
        Refused(Run("POST", "image/push/127.0.0.1:1/hostile", "tag=x&" + query), 400, "X-Registry-Auth");
    }

    [Fact]
    public void RegistryAuth_OnARouteThatTalksToNoRegistry_NotForwarded()
    {
        string auth = Convert.ToBase64String("{\"username\":\"a b\",\"password\":\"p&=?\"}"u8)
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
        CgiReply r = Run("GET", "image/inspect/testbox:1", "X-Registry-Auth=" + auth);
        string sent = Forwarded(r, "GET /images/testbox:1/json HTTP/1.1");
        Assert.Equal(200, r.Status);
        Assert.DoesNotContain("X-Registry-Auth", sent, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(auth, sent, StringComparison.Ordinal);
    }

    [Fact]
    public void RegistryAuth_OnAPush_ForwardedAsExactHeaderByTheJob()
    {
        string auth = Convert.ToBase64String("{\"username\":\"a b\",\"password\":\"p&=?\"}"u8)
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
        CgiReply r = Run("POST", "image/push/127.0.0.1:1/hostile", "tag=x&X-Registry-Auth=" + auth);
        AssertNoCrash(r);
        Assert.Equal(200, r.Status);
        Assert.NotNull(r.Header("X-Dockerman-Job"));
        string sent = Forwarded(r, "POST /images/127.0.0.1:1/hostile/push?tag=x HTTP/1.1");
        Assert.Contains($"\r\nX-Registry-Auth: {auth}\r\n", sent, StringComparison.Ordinal);
    }

    // ---- methods -------------------------------------------------------------------------------

    [Theory]
    [InlineData("get", "version", "GET")]
    [InlineData("Get", "version", "GET")]
    [InlineData("GETS", "version", "GET")]
    [InlineData("TRACE", "version", "GET")]
    [InlineData("CONNECT", "version", "GET")]
    [InlineData("OPTIONS", "version", "GET")]
    [InlineData("HEAD", "version", "GET")]
    [InlineData("GET ", "version", "GET")]
    [InlineData("GET\r\nX-Evil: 1", "version", "GET")]
    [InlineData("HEAD", "container/kill/abc", "POST")]
    [InlineData("post", "network/prune", "POST")]
    [InlineData("PUT", "container/create", "POST")]
    [InlineData("DELETE", "container/kill/abc", "POST")]
    [InlineData("PUT", "container/remove/abc", "POST, DELETE")]
    [InlineData("DELETE", "volume/update/abc", "POST, PUT")]
    [InlineData("PATCH", "volume/update/abc", "POST, PUT")]
    [InlineData("GET", "network/prune", "POST")]
    public void Method_NotTakenByRoute_405WithAllow(string method, string path, string allow)
    {
        CgiReply r = Run(method, path);
        string message = Refused(r, 405, path.Split('/')[0]);
        Assert.Equal(allow, r.Header("Allow"));
        Assert.DoesNotContain("\r", message, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("container/kill/abc", "POST", "POST")]
    [InlineData("container/remove/abc", "DELETE", "POST, DELETE")]
    [InlineData("image/remove/testbox:1", "POST", "POST, DELETE")]
    [InlineData("network/prune", "POST", "POST")]
    public void MethodOverride_OnGetOfWriteRoute_NeverAWrite(string path, string overrideTo, string allow)
    {
        CgiReply r = Run("GET", path, env: Env("HTTP_X_HTTP_METHOD_OVERRIDE", overrideTo));
        Refused(r, 405, path.Split('/')[0]);
        Assert.Equal(allow, r.Header("Allow"));
    }

    // ---- bodies: sizes and lengths ---------------------------------------------------------------

    [Theory]
    [InlineData("-1")]
    [InlineData("1e3")]
    [InlineData("0x10")]
    [InlineData("99999999999999999999999")]
    [InlineData("99999999999999999999")]
    [InlineData(" 5")]
    [InlineData("5 ")]
    [InlineData("+5")]
    [InlineData("5;6")]
    [InlineData("٥")]
    public void ContentLength_NotAByteCount_400(string value)
    {
        Refused(Run("POST", "volume/create", "", Encoding.UTF8.GetBytes("{}"), Env("CONTENT_LENGTH", value)), 400,
            "CONTENT_LENGTH");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void JsonBody_10MB_413Promptly(bool withLength)
    {
        byte[] body = new byte[10 * 1024 * 1024];
        body.AsSpan().Fill((byte)' ');
        body[0] = (byte)'{';
        body[^1] = (byte)'}';
        var clock = Stopwatch.StartNew();
        CgiReply r = Run("POST", "container/create", "", body, contentType: "application/json", contentLength: withLength);
        Refused(r, 413, "max_json_body");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
    }

    [Fact]
    public void JsonBody_ShorterThanContentLength_400AndNothingSent()
    {
        byte[] body = Encoding.UTF8.GetBytes("{\"Image\":\"testbox:1\"}");
        Refused(Run("POST", "container/create", "", body, Env("CONTENT_LENGTH", "100")), 400, "100 bytes");
    }

    [Fact]
    public void Upload_ShorterThanContentLength_400AndDaemonNeverGetsACompleteRequest()
    {
        string c = Container();
        byte[] tar = TarWithOneFile("marker.txt", "hello\n");
        CgiReply r = Run("PUT", "container/put_archive/" + c, "path=/tmp", tar, Env("CONTENT_LENGTH", "20000"));
        AssertNoCrash(r);
        Assert.Equal(400, r.Status);
        string message = Message(r);
        Assert.Contains("20000", message, StringComparison.Ordinal);
        // An archive is applied as it streams in: what arrived may already be on disk, so the
        // message must not promise otherwise.
        Assert.DoesNotContain("not applied", message, StringComparison.Ordinal);
        string sent = Forwarded(r, $"PUT /containers/{c}/archive?path=%2Ftmp HTTP/1.1");
        Assert.Contains("\r\nContent-Length: 20000\r\n", sent, StringComparison.Ordinal);
        int bodyStart = sent.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
        Assert.Equal(tar.Length, Encoding.UTF8.GetByteCount(sent.AsSpan(bodyStart)));
    }

    private static byte[] TarWithOneFile(string name, string content)
    {
        using var ms = new MemoryStream();
        using (var writer = new System.Formats.Tar.TarWriter(ms, System.Formats.Tar.TarEntryFormat.Ustar, leaveOpen: true))
        {
            var entry = new System.Formats.Tar.UstarTarEntry(System.Formats.Tar.TarEntryType.RegularFile, name)
            {
                DataStream = new MemoryStream(Encoding.ASCII.GetBytes(content)),
            };
            writer.WriteEntry(entry);
        }

        return ms.ToArray();
    }

    [Fact]
    public void FormBody_LargerThanLimit_413()
    {
        byte[] form = Encoding.ASCII.GetBytes("token=" + new string('a', 70 * 1024));
        Refused(Run("POST", "network/prune", "", form, contentType: "application/x-www-form-urlencoded"), 413, "form body");
    }

    [Theory]
    [InlineData("token=%ZZ")]
    [InlineData("token=%C0%AE")]
    [InlineData("token=\u00e9")]
    public void FormBody_BadEncoding_400(string form)
    {
        Refused(Run("POST", "network/prune", "", Encoding.UTF8.GetBytes(form), contentType: "application/x-www-form-urlencoded"),
            400, "form body");
    }

    // ---- malformed JSON bodies -----------------------------------------------------------------

    [Theory]
    [InlineData("{\"Name\":\"x\"", "not well-formed")]
    [InlineData("{\"Name\":\"x\"} x", "not well-formed")]
    [InlineData("{}{}", "not well-formed")]
    [InlineData("{},", "not well-formed")]
    [InlineData("[]", "expected a JSON object")]
    [InlineData("\"x\"", "expected a JSON object")]
    [InlineData("1", "expected a JSON object")]
    [InlineData("null", "expected a JSON object")]
    [InlineData("{\"Name\":NaN}", "not well-formed")]
    [InlineData("{\"Name\":Infinity}", "not well-formed")]
    [InlineData("{\"Name\":-Infinity}", "not well-formed")]
    [InlineData("{\"Name\":1e999999}", null)] // well-formed JSON: the daemon refuses it
    [InlineData("{'Name':'x'}", "not well-formed")]
    [InlineData("{\"Name\":\"x\",}", "not well-formed")]
    [InlineData("{/*c*/}", "not well-formed")]
    [InlineData("{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}", "nested deeper")]
    [InlineData("\u00ef\u00bb\u00bf{}", "not well-formed")]
    [InlineData("{\"Name\":\"\u00ff\"}", "UTF-8")]
    [InlineData("{\"Na\u00ffme\":\"x\"}", "UTF-8")]
    [InlineData("{\"Name\":\"\u00c0\u00ae\"}", "UTF-8")]
    [InlineData("{\"Name\":\"\u00ed\u00a0\u0080\"}", "UTF-8")]
    [InlineData("   ", "request body")]
    [InlineData("DEEP[", "expected a JSON object")]
    [InlineData("DEEP{", "nested deeper")]
    public void JsonBody_Malformed_400AndNothingSent(string body, string? names)
    {
        byte[] bytes = body switch
        {
            "DEEP[" => Encoding.ASCII.GetBytes(new string('[', 10_000) + new string(']', 10_000)),
            "DEEP{" => Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_000)),
            _ => Latin1(body),
        };
        CgiReply r = Run("POST", "network/create", "", bytes, contentType: "application/json");
        if (names == null)
        {
            Forwarded(r, "POST /networks/create HTTP/1.1");
            Assert.Equal(400, r.Status);
            return;
        }

        Refused(r, 400, names);
    }

    [Fact]
    public void JsonBody_DuplicateKeys_PassedUnchanged_DaemonTakesTheLast()
    {
        // The body is forwarded byte for byte: a duplicate key is well-formed JSON, and Docker
        // (Go's encoding/json) keeps the last value, so that is the one that takes effect.
        string first = "hostile-a-" + Guid.NewGuid().ToString("N")[..8];
        string last = "hostile-b-" + Guid.NewGuid().ToString("N")[..8];
        _volumes.Add(first);
        _volumes.Add(last);
        string json = $"{{\"Name\":\"{first}\",\"Name\":\"{last}\"}}";
        CgiReply r = Run("POST", "volume/create", "", Encoding.UTF8.GetBytes(json), contentType: "application/json");
        string sent = Forwarded(r, "POST /volumes/create HTTP/1.1");
        Assert.Equal(201, r.Status);
        Assert.EndsWith("\r\n\r\n" + json, sent, StringComparison.Ordinal);
        Assert.Equal(last, JsonDocument.Parse(r.Body).RootElement.GetProperty("Name").GetString());
        Assert.Equal(404, _daemon.Status("GET", "/volumes/" + first));
    }

    // ---- multipart ----------------------------------------------------------------------------

    [Theory]
    [InlineData("PUT", "container/put_archive/abc", "path=/tmp", "multipart/form-data", "no boundary")]
    [InlineData("PUT", "container/put_archive/abc", "path=/tmp", "multipart/form-data; boundary=", "no boundary")]
    [InlineData("PUT", "container/put_archive/abc", "path=/tmp", "multipart/form-data; boundary=a; boundary=b", "more than once")]
    [InlineData("POST", "images/load", "", "Multipart/Form-Data; boundary=\"", "no boundary")]
    [InlineData("POST", "image/load", "", "multipart/form-data; boundary=" + "0123456789012345678901234567890123456789012345678901234567890123456789x", "70")]
    public void Multipart_BadBoundary_400AndNothingSent(string method, string path, string query, string contentType, string names) =>
        Refused(Run(method, path, query, "--x\r\n"u8.ToArray(), contentType: contentType), 400, names);

    [Theory]
    [InlineData("POST", "container/archive/put/abc", "path=/tmp", "multipart/form-data; boundary=x")]
    [InlineData("POST", "image/load", "", "multipart/mixed; boundary=x")]
    [InlineData("POST", "image/create", "fromSrc=-&repo=hostile", "multipart/form-data; boundary=x")]
    [InlineData("POST", "image/build", "t=hostile", "multipart/form-data; boundary=--")]
    [InlineData("POST", "image/create", "fromSrc=-&repo=hostile", " multipart/form-data; boundary=x")]
    public void Multipart_MalformedBeforeTheFile_400AndNothingSent(string method, string path, string query, string contentType)
    {
        byte[][] bodies =
        [
            [],
            "no boundary line at all"u8.ToArray(),
            "--x\r\n"u8.ToArray(),
            "--x\r\nContent-Disposition: form-data\r\n\r\nabc\r\n--x--\r\n"u8.ToArray(),
            "--x\r\nContent-Disposition: form-data; name=\"path\"\r\n\r\n/tmp\r\n--x--\r\n"u8.ToArray(),
        ];
        foreach (byte[] body in bodies)
        {
            Refused(Run(method, path, query, body, contentType: contentType), 400, "multipart");
        }
    }

    [Fact]
    public void Multipart_FileCutShort_400AndTheDaemonRequestNeverCompleted()
    {
        byte[] body = "--x\r\nContent-Disposition: form-data; name=\"upload-archive\"; filename=\"a.tar\"\r\n\r\nabc"u8.ToArray();
        CgiReply r = Run("POST", "container/archive/put/abc", "path=/tmp", body, contentType: "multipart/form-data; boundary=x");
        AssertNoCrash(r);
        Assert.Equal(400, r.Status);
        Assert.Contains("multipart", Message(r), StringComparison.Ordinal);
        _proxy.Settle();
        foreach (string sent in _proxy.Requests)
        {
            Assert.False(sent.EndsWith("0\r\n\r\n", StringComparison.Ordinal), "the daemon got a complete chunked body");
        }
    }

    // ---- authentication under a web server ------------------------------------------------------

    [Theory]
    [InlineData("Bearer 1111 1111111111111111111111111111")]
    [InlineData("Bearer 11111111-1111-1111-1111-111111111111")]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    [InlineData("Bearer \t")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Basic 11111111111111111111111111111111")]
    [InlineData("Token 11111111111111111111111111111111")]
    [InlineData("11111111111111111111111111111111")]
    [InlineData("Bearer 11111111111111111111111111111111 11111111111111111111111111111111")]
    [InlineData("Bearer ００００００００００００００００００００００００００００００００")]
    public void Auth_MalformedAuthorization_401WithoutAskingUbus(string authorization)
    {
        CgiReply r = Web("GET", "version", headers: Env("HTTP_AUTHORIZATION", authorization));
        Refused(r, 401, "session");
        Assert.Equal(0, _ubus.Connections);
    }

    [Fact]
    public void Auth_SessionIdWithNewline_400WithoutAskingUbus()
    {
        CgiReply r = Web("GET", "version", headers: Env("HTTP_AUTHORIZATION", "Bearer " + ReadOnlySid + "\n"));
        Refused(r, 400, "HTTP_AUTHORIZATION");
        Assert.Equal(0, _ubus.Connections);
    }

    [Theory]
    [InlineData("bearer " + ReadOnlySid)]
    [InlineData("BEARER " + ReadOnlySid)]
    [InlineData("Bearer   " + ReadOnlySid + "  ")]
    public void Auth_SchemeCaseAndSpaces_Accepted(string authorization)
    {
        // RFC 9110: the scheme is case-insensitive; surrounding spaces are not part of the id.
        CgiReply r = Web("GET", "version", headers: Env("HTTP_AUTHORIZATION", authorization));
        Forwarded(r, "GET /version HTTP/1.1");
        Assert.Equal(200, r.Status);
        Assert.Contains($"access {ReadOnlySid} read", _ubus.Calls);
    }

    [Fact]
    public void Auth_SessionIdCaseChanged_AskedAsGiven_UnknownSession401()
    {
        // rpcd compares session ids exactly; an upper-cased id is another (unknown) session.
        string upper = WriterSid.ToUpperInvariant();
        CgiReply r = Web("GET", "version", headers: Env("HTTP_AUTHORIZATION", "Bearer " + upper));
        Refused(r, 401, "expired");
        Assert.Equal(new[] { $"access {upper} read" }, _ubus.Calls);
    }

    [Fact]
    public void Auth_TwoSysauthCookies_FirstIsUsed()
    {
        CgiReply r = Web("GET", "version", headers: Env("HTTP_COOKIE", $"sysauth_https={UnknownSid}; sysauth_https={ReadOnlySid}"));
        Refused(r, 401, "expired");
        Assert.Equal(new[] { $"access {UnknownSid} read" }, _ubus.Calls);
    }

    [Fact]
    public void Auth_HttpsCookieWinsOverHttpCookie_ReadOnlyCannotWrite()
    {
        CgiReply r = Web("POST", "network/prune", "token=" + CsrfToken,
            Env("HTTP_COOKIE", $"sysauth_http={WriterSid}; sysauth_https={ReadOnlySid}"));
        Refused(r, 403, "write");
        Assert.Equal(new[] { $"access {ReadOnlySid} write" }, _ubus.Calls);
    }

    [Theory]
    [InlineData("Bearer 1234")]
    [InlineData("Bearer " + UnknownSid)]
    public void Auth_BadBearerWithGoodCookie_RefusedNoFallback(string authorization)
    {
        var headers = new Dictionary<string, string>
        {
            ["HTTP_AUTHORIZATION"] = authorization,
            ["HTTP_COOKIE"] = "sysauth_https=" + WriterSid,
        };
        Refused(Web("GET", "version", headers: headers), 401, "session");
        Assert.DoesNotContain(_ubus.Calls, c => c.Contains(WriterSid, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("xsysauth_https=" + ReadOnlySid)]
    [InlineData("sysauth_https =" + ReadOnlySid)]
    [InlineData("sysauth=" + ReadOnlySid)]
    [InlineData("sysauth_https=" + ReadOnlySid + "0")]
    [InlineData("sysauth_https=%31111111111111111111111111111111")]
    public void Auth_CookieNotExactlyASysauthSession_401(string cookie)
    {
        Refused(Web("GET", "version", headers: Env("HTTP_COOKIE", cookie)), 401, "session");
        Assert.Equal(0, _ubus.Connections);
    }

    [Theory]
    [InlineData("GET", "version")]
    [InlineData("GET", "container/list")]
    [InlineData("POST", "network/prune")]
    [InlineData("HEAD", "container/info_archive/abc")]
    public void Auth_SessionIdInQueryOffGetDownloads_401(string method, string path)
    {
        Refused(Web(method, path, "path=/tmp&sessionid=" + WriterSid), 401, "session");
        Assert.Equal(0, _ubus.Connections);
    }

    [Theory]
    [InlineData("")]
    [InlineData("token=")]
    [InlineData("token=5555555555555555555555555555FFFF")]
    [InlineData("token=" + CsrfToken + "%0a")]
    [InlineData("token=" + CsrfToken + "%00")]
    [InlineData("token=wrong&token=" + CsrfToken)]
    [InlineData("Token=" + CsrfToken)]
    public void Auth_CookieWriteWithoutTheRightToken_403(string query)
    {
        Refused(Web("POST", "network/prune", query, Env("HTTP_COOKIE", "sysauth_https=" + WriterSid)), 403, "token");
    }

    [Fact]
    public void Auth_CsrfTokenInCookie_NotAccepted403()
    {
        CgiReply r = Web("POST", "network/prune", headers: Env("HTTP_COOKIE", $"sysauth_https={WriterSid}; token={CsrfToken}"));
        Refused(r, 403, "token");
    }

    [Fact]
    public void Auth_CookieWriteWithRightToken_ServedTokenNotForwarded()
    {
        CgiReply r = Web("POST", "network/prune", "token=" + CsrfToken + "&sessionid=" + ReadOnlySid,
            Env("HTTP_COOKIE", "sysauth_https=\"" + WriterSid + "\""));
        string sent = Forwarded(r, "POST /networks/prune HTTP/1.1");
        Assert.Equal(200, r.Status);
        Assert.DoesNotContain(CsrfToken, sent, StringComparison.Ordinal);
        Assert.DoesNotContain(WriterSid, sent, StringComparison.Ordinal);
    }

    // ---- typed query values ---------------------------------------------------------------------

    [Theory]
    [InlineData("container/list", "filters={", "'filters'")]
    [InlineData("container/list", "filters=", "'filters'")]
    [InlineData("container/list", "filters=[1]", "'filters'")]
    [InlineData("container/list", "filters=%22x%22", "'filters'")]
    [InlineData("container/list", "filters=1", "'filters'")]
    [InlineData("container/list", "filters=null", "'filters'")]
    [InlineData("container/list", "filters={\"label\":1}", "'filters'")]
    [InlineData("container/list", "filters={\"label\":[1]}", "'filters'")]
    [InlineData("container/list", "filters={\"label\":{\"a\":1}}", "'filters'")]
    [InlineData("container/list", "filters={\"label\":[\"a\"],\"name\":{\"b\":true}}", "'filters'")]
    [InlineData("container/list", "filters={\"label\":[\"a\"]}x", "'filters'")]
    [InlineData("network/list", "filters=[]", "'filters'")]
    [InlineData("image/list", "filters={\"dangling\":[[\"true\"]]}", "'filters'")]
    [InlineData("events", "filters={\"type\":\"container\"}", "'filters'")]
    [InlineData("container/list", "all=yes", "'all'")]
    [InlineData("container/list", "all=2", "'all'")]
    [InlineData("container/list", "all=", "'all'")]
    [InlineData("container/list", "limit=1e3", "'limit'")]
    [InlineData("container/list", "limit=0x10", "'limit'")]
    [InlineData("container/list", "limit=99999999999999999999", "'limit'")]
    [InlineData("container/list", "limit=1%20", "'limit'")]
    [InlineData("container/stop/abc", "signal=KILL;rm", "'signal'")]
    [InlineData("container/stop/abc", "signal=kill", "'signal'")]
    [InlineData("container/kill/abc", "signal=0", "'signal'")]
    [InlineData("container/kill/abc", "signal=65", "'signal'")]
    [InlineData("container/kill/abc", "signal=-9", "'signal'")]
    [InlineData("container/kill/abc", "signal=SIG", "'signal'")]
    [InlineData("container/stop/abc", "t=-1", "'t'")]
    [InlineData("container/stop/abc", "t=1.5", "'t'")]
    [InlineData("container/resize/abc", "h=-1&w=80", "'h'")]
    [InlineData("container/logs/abc", "tail=-1", "'tail'")]
    [InlineData("container/logs/abc", "since=now;rm", "'since'")]
    [InlineData("container/logs/abc", "follow=on", "'follow'")]
    [InlineData("container/logs/abc", "format=html", "'format'")]
    public void QueryValue_WrongType_400NamingParameter(string path, string query, string names)
    {
        string method = path is "container/list" or "network/list" or "image/list" or "events" || path.StartsWith("container/logs", StringComparison.Ordinal)
            ? "GET"
            : "POST";
        Refused(Run(method, path, query), 400, names);
    }

    [Theory]
    [InlineData("%7B%22label%22%3A%5B%22a%20b%3D%5C%22c%26d%2Be%25f%20%C3%BC%5C%22%22%5D%7D")]
    [InlineData("{\"label\":[\"a+b=\\\"c%26d%2Be%25f+ü\\\"\"]}")]
    public void LabelFilter_UnusualButValid_ExactEncodedRequestLine(string filters)
    {
        // {"label":["a b=\"c&d+e%f ü\""]}: spaces, quotes, '&', '=', '+', '%' and non-ASCII,
        // whether the client encoded all of it or sent some raw and '+' for space.
        CgiReply r = Run("GET", "container/list", "filters=" + filters);
        Forwarded(r, "GET /containers/json?filters=%7B%22label%22%3A%5B%22a%20b%3D%5C%22c%26d%2Be%25f%20%C3%BC%5C%22%22%5D%7D HTTP/1.1");
        Assert.Equal(200, r.Status);
        Assert.Equal("[]", r.Text.Trim());
    }

    [Fact]
    public void LabelFilter_LegacyMapForm_Forwarded()
    {
        CgiReply r = Run("GET", "container/list", "filters={\"label\":{\"x=y\":true}}");
        Forwarded(r, "GET /containers/json?filters=%7B%22label%22%3A%7B%22x%3Dy%22%3Atrue%7D%7D HTTP/1.1");
        Assert.Equal(200, r.Status);
    }

    [Theory]
    [InlineData("ps_args=a+b", "ps_args=a%20b")]
    [InlineData("ps_args=a%2Bb", "ps_args=a%2Bb")]
    [InlineData("ps_args=-o%20pid,args", "ps_args=-o%20pid%2Cargs")]
    [InlineData("ps_args=%22%27%3B%60$(x)", "ps_args=%22%27%3B%60%24%28x%29")]
    [InlineData("ps_args=%E2%80%AE%F0%9F%90%B3", "ps_args=%E2%80%AE%F0%9F%90%B3")]
    public void TextValue_Unusual_ExactEncodedRequestLine(string query, string encoded)
    {
        string c = Container();
        CgiReply r = Run("GET", "container/top/" + c, query);
        Forwarded(r, $"GET /containers/{c}/top?{encoded} HTTP/1.1");
        Assert.Equal(409, r.Status); // the container is not running: the daemon's own refusal
    }

    [Theory]
    [InlineData("testbox@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("127.0.0.1:5000/org/app:1.2-rc_1")]
    [InlineData("localhost/a__b/c-d:_x")]
    [InlineData("testbox:1.")]
    [InlineData("sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void ImageReference_Unusual_ExactRequestLine(string reference)
    {
        CgiReply r = Run("GET", "image/inspect/" + reference);
        Forwarded(r, $"GET /images/{reference}/json HTTP/1.1");
        Assert.Equal(404, r.Status);
    }

    public void Dispose()
    {
        foreach (string c in _containers)
        {
            _daemon.RemoveContainer(c);
        }

        foreach (string v in _volumes)
        {
            _daemon.Client.DeleteAsync("/volumes/" + v).Result.Dispose();
        }

        _ubus.Dispose();
        _proxy.Dispose();
        Directory.Delete(_config, true);
    }
}
