using Dockerman.Config;
using Dockerman.Http;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Parsing;

public sealed class SettingsTests
{
    private static (Settings Settings, string Stderr) Load(string? dockerman, string? uhttpd = null)
    {
        string dir = Paths.TempDir("dmset");
        try
        {
            if (dockerman != null)
            {
                File.WriteAllText(Path.Combine(dir, "dockerman"), dockerman);
            }

            if (uhttpd != null)
            {
                File.WriteAllText(Path.Combine(dir, "uhttpd"), uhttpd);
            }

            var stderr = new StringWriter();
            return (Settings.Load(dir, stderr), stderr.ToString());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Load_NoFiles_Defaults()
    {
        (Settings s, string err) = Load(null);

        Assert.Equal("", err);
        Assert.Equal(AuthMode.Luci, s.Auth);
        Assert.Equal("luci-app-dockerman", s.AclGroup);
        Assert.Equal("/etc/dockerman/token", s.TokenFile);
        Assert.Null(s.UbusSocket);
        Assert.Equal(55, s.StreamDeadline);
        Assert.Equal(20, s.Heartbeat);
        Assert.Equal(Limits.DefaultMaxJsonBody, s.MaxJsonBody);
        Assert.Equal("/tmp/dockerman/jobs", s.JobsDir);
        Assert.Equal("warn", s.LogLevel);
    }

    [Fact]
    public void Load_EveryOption_Applied()
    {
        (Settings s, string err) = Load("""
            config dockerman 'main'
            	option auth 'token'
            	option acl_group 'my-group_1.x'
            	option token_file '/etc/dm/token'
            	option ubus_socket '/var/run/ubus/ubus.sock'
            	option stream_deadline '30'
            	option heartbeat '5'
            	option max_json_body '2048'
            	option jobs_dir '/tmp/jobs'
            	option log_level 'debug'
            """);

        Assert.Equal("", err);
        Assert.Equal(AuthMode.Token, s.Auth);
        Assert.Equal("my-group_1.x", s.AclGroup);
        Assert.Equal("/etc/dm/token", s.TokenFile);
        Assert.Equal("/var/run/ubus/ubus.sock", s.UbusSocket);
        Assert.Equal(30, s.StreamDeadline);
        Assert.Equal(5, s.Heartbeat);
        Assert.Equal(2048, s.MaxJsonBody);
        Assert.Equal("/tmp/jobs", s.JobsDir);
        Assert.Equal("debug", s.LogLevel);
    }

    [Theory]
    [InlineData("auth", "ldap")]
    [InlineData("acl_group", "bad group")]
    [InlineData("acl_group", "")]
    [InlineData("token_file", "relative/token")]
    [InlineData("ubus_socket", "ubus.sock")]
    [InlineData("stream_deadline", "0")]
    [InlineData("stream_deadline", "-5")]
    [InlineData("stream_deadline", "86401")]
    [InlineData("stream_deadline", "ten")]
    [InlineData("stream_deadline", "99999999999")]
    [InlineData("heartbeat", "0")]
    [InlineData("heartbeat", "1.5")]
    [InlineData("heartbeat", " 5")]
    [InlineData("max_json_body", "1023")]
    [InlineData("max_json_body", "1G")]
    [InlineData("jobs_dir", "jobs")]
    [InlineData("log_level", "verbose")]
    public void Load_BadValue_ReportedAndDefaulted(string option, string value)
    {
        (Settings s, string err) = Load($"config dockerman 'main'\n\toption {option} '{value}'\n");
        (Settings defaults, _) = Load(null);

        Assert.Contains($"option {option} '{value}' is not ", err, StringComparison.Ordinal);
        Assert.Equal(Snapshot(defaults), Snapshot(s));
    }

    [Fact]
    public void Load_UnknownOptionAndList_ReportedAndIgnored()
    {
        (Settings s, string err) = Load("config dockerman 'main'\n\toption colour 'blue'\n\tlist hosts 'x'\n\toption heartbeat '7'\n");

        Assert.Contains("unknown option 'colour'", err, StringComparison.Ordinal);
        Assert.Contains("unknown list 'hosts'", err, StringComparison.Ordinal);
        Assert.Equal(7, s.Heartbeat);
    }

    [Fact]
    public void Load_SyntaxError_ReportedWithLineAndRestApplied()
    {
        (Settings s, string err) = Load("config dockerman 'main'\n\toption auth 'token\n\toption heartbeat '9'\n");

        Assert.Contains("line 2: unterminated single quote", err, StringComparison.Ordinal);
        Assert.Equal(AuthMode.Luci, s.Auth);
        Assert.Equal(9, s.Heartbeat);
    }

    [Theory]
    [InlineData("60", 55)]
    [InlineData("30", 25)]
    [InlineData("6", 1)]
    [InlineData("3", 1)]
    [InlineData("0", 55)]
    [InlineData("soon", 55)]
    public void Load_UhttpdScriptTimeout_StreamDeadlineFiveSecondsBefore(string scriptTimeout, int deadline)
    {
        (Settings s, _) = Load(null, $"config uhttpd 'main'\n\tlist listen_http '0.0.0.0:80'\n\toption script_timeout '{scriptTimeout}'\n");

        Assert.Equal(deadline, s.StreamDeadline);
    }

    [Fact]
    public void Load_StreamDeadlineOption_WinsOverUhttpd()
    {
        (Settings s, _) = Load("config dockerman 'main'\n\toption stream_deadline '12'\n", "config uhttpd 'main'\n\toption script_timeout '60'\n");

        Assert.Equal(12, s.StreamDeadline);
    }

    [Fact]
    public void Load_OversizedFile_ReportedAndIgnored()
    {
        string big = "config dockerman 'main'\n\toption heartbeat '3'\n" + new string('#', Limits.MaxConfigFileBytes);

        (Settings s, string err) = Load(big);

        Assert.Contains($"larger than {Limits.MaxConfigFileBytes} bytes", err, StringComparison.Ordinal);
        Assert.Equal(20, s.Heartbeat);
    }

    private static string Snapshot(Settings s) =>
        $"{s.Auth}|{s.AclGroup}|{s.TokenFile}|{s.UbusSocket}|{s.StreamDeadline}|{s.Heartbeat}|{s.MaxJsonBody}|{s.JobsDir}|{s.LogLevel}";
}
