using CsCheck;
using Dockerman.Docker;
using Dockerman.Docker.Tls;
using Xunit;

namespace Dockerman.Tests.Properties;

/// <summary>The settings that pick a daemon and its TLS: DOCKER_HOST (or a UCI host) and the TLS
/// options of a section. Any text is an endpoint or an <see cref="EndpointException"/>; what is
/// written reads back; the options take any value with at most a warning.</summary>
public sealed class TlsSettingsProperties
{
    private static readonly Gen<string> Text = Gen.Frequency(
            (4, Gen.Char["abc019:/[]@.%-_ "]),
            (1, Gen.Char[(char)0, (char)0x7f]),
            (1, Gen.Char[(char)0xa0, (char)0xd7ff]))
        .Array[0, 24].Select(c => new string(c));

    private static readonly Gen<string> Host = Gen.Frequency(
        (3, Gen.Select(Gen.OneOf("unix://", "tcp://", "http://", "https://", "", "tcp:/", "UNIX://"), Text).Select(t => t.Item1 + t.Item2)),
        (1, Text));

    [Fact]
    public void EndpointParse_AnyHost_AnEndpointOrItsOwnError()
    {
        Fuzz.Check(Gen.Select(Host, Gen.Bool), t =>
        {
            DockerEndpoint e;
            try
            {
                e = DockerEndpoint.Parse(t.Item1, t.Item2, "/v1.41");
            }
            catch (EndpointException ex)
            {
                Assert.Contains(t.Item1, ex.Message, StringComparison.Ordinal); // the message names what was given
                return;
            }

            Assert.NotEqual("", e.Address);
            if (e.Kind == EndpointKind.Tcp)
            {
                Assert.InRange(e.Port, 1, 65535);
                Assert.True(e.Tls || !t.Item2, "TLS asked for, an endpoint without it");
            }
            else
            {
                Assert.StartsWith("/", e.Address, StringComparison.Ordinal);
            }
        }, t => $"{Fuzz.Show(System.Text.Encoding.UTF8.GetBytes(t.Item1))} tls={t.Item2}");
    }

    private static readonly Gen<string> Name = Gen.Char["abcxyz0123456789.-"].Array[1, 20].Select(c => new string(c));

    [Fact]
    public void EndpointParse_WrittenTcpHost_ReadsBack()
    {
        var ipv6 = Gen.Select(Gen.UShort.Array[2, 8], Gen.Int[1, 65535]).Select(t => (string.Join(":", t.Item1.Select(u => u.ToString("x", System.Globalization.CultureInfo.InvariantCulture))), t.Item2, true));
        var named = Gen.Select(Name, Gen.Int[1, 65535]).Select(t => (t.Item1, t.Item2, false));
        Fuzz.Check(Gen.Select(Gen.OneOf(ipv6, named), Gen.OneOf("tcp://", "https://"), Gen.Bool), t =>
        {
            ((string address, int port, bool bracket), string scheme, bool slash) = t;
            string host = $"{scheme}{(bracket ? "[" + address + "]" : address)}:{port}{(slash ? "/" : "")}";

            DockerEndpoint e = DockerEndpoint.Parse(host, false, "/v1.41");

            Assert.Equal(EndpointKind.Tcp, e.Kind);
            Assert.Equal(address, e.Address);
            Assert.Equal(port, e.Port);
            Assert.Equal(scheme == "https://" || port == 2376, e.Tls);
        });
    }

    [Fact]
    public void TlsOptions_AnyOptions_TakenOrWarnedNeverThrown()
    {
        Gen<string> key = Gen.Frequency((4, Gen.Int[0, TlsOptions.Keys.Length - 1].Select(i => TlsOptions.Keys[i])), (1, Text));
        Gen<string> value = Gen.Frequency((2, Gen.OneOf("0", "1", "/etc/docker/ca.pem", "/x")), (1, Text));
        Fuzz.Check(Gen.Select(key, value).Array[0, 8], options =>
        {
            var tls = new TlsOptions("/etc/docker");
            using var stderr = new StringWriter();
            foreach ((string k, string v) in options)
            {
                Assert.Equal(Array.IndexOf(TlsOptions.Keys, k) >= 0, tls.Apply(k, v, "generated", stderr));
            }

            (string? Key, string? Value) lastVerify = options.LastOrDefault(o => o.Item1 == "tlsverify" && o.Item2 is "0" or "1");
            Assert.Equal(lastVerify.Value != "0", tls.Verify);
            foreach (string? path in (string?[])[tls.CertPath, tls.CaCert, tls.Cert, tls.Key])
            {
                Assert.True(path == null || path.StartsWith('/'), $"a relative path was taken: {path}");
            }

            TlsFiles files = tls.Files();
            Assert.Equal(tls.Verify, files.Verify);
        }, o => string.Join(" ", o.Select(x => $"{x.Item1}={Fuzz.Show(System.Text.Encoding.UTF8.GetBytes(x.Item2))}")));
    }
}
