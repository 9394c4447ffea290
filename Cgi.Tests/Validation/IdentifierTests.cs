using Dockerman.Http;
using Dockerman.Routing;
using Xunit;

namespace Dockerman.Tests.Validation;

public sealed class IdentifierTests
{
    [Theory]
    [InlineData("testbox")]
    [InlineData("testbox:1")]
    [InlineData("library/busybox:1.36")]
    [InlineData("ghcr.io/org/app:1.2")]
    [InlineData("127.0.0.1:5000/testbox:1")]
    [InlineData("localhost/app")]
    [InlineData("registry.example.com:443/a/b/c")]
    [InlineData("my_app__x/a-b---c.d:latest")]
    [InlineData("app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("app:1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("sha256:929cd887d993e4797ca9a78958d6cfcf433324a4a9ef29a0e5fdf0bcfc110f6c")]
    [InlineData("929cd887d993")]
    [InlineData("[::1]:5000/app")]
    public void ImageReference_Valid_Accepted(string reference) => Assert.True(Identifiers.IsImageReference(reference), reference);

    [Theory]
    [InlineData("")]
    [InlineData("UPPER")]
    [InlineData("../etc/passwd")]
    [InlineData("a/../b")]
    [InlineData("a/./b")]
    [InlineData("a//b")]
    [InlineData("/abs")]
    [InlineData("trailing/")]
    [InlineData("a..b")]
    [InlineData("a_-b")]
    [InlineData("-lead")]
    [InlineData("a:")]
    [InlineData("a:-tag")]
    [InlineData("a:ta g")]
    [InlineData("a@sha256:short")]
    [InlineData("a@:0123456789abcdef0123456789abcdef")]
    [InlineData("host:port/app")]
    [InlineData("registry.local:99999/app")]
    [InlineData("registry.local:0/app")]
    [InlineData("a\nb")]
    [InlineData("a\0b")]
    [InlineData("a%2fb")]
    [InlineData("ａｐｐ")]
    [InlineData("app\u2215x")]
    public void ImageReference_Invalid_Refused(string reference) => Assert.False(Identifiers.IsImageReference(reference), reference);

    [Fact]
    public void ImageReference_NameLongerThan255_Refused() =>
        Assert.False(Identifiers.IsImageReference(new string('a', 256)));

    [Theory]
    [InlineData("web", true)]
    [InlineData("a1b2c3", true)]
    [InlineData("my.app_1-x", true)]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", true)]
    [InlineData("", false)]
    [InlineData(".", false)]
    [InlineData("..", false)]
    [InlineData("-x", false)]
    [InlineData("_x", false)]
    [InlineData("a/b", false)]
    [InlineData("a b", false)]
    [InlineData("a\r\nb", false)]
    [InlineData("é", false)]
    public void Name_Grammar(string name, bool ok) => Assert.Equal(ok, Identifiers.IsName(name));

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", true)]
    [InlineData("0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", false)]
    [InlineData("0123456789abcdef", false)]
    [InlineData("web", false)]
    public void ExecId_SixtyFourLowerHex(string id, bool ok) => Assert.Equal(ok, Identifiers.IsExecId(id));

    [Theory]
    [InlineData("eyJ1c2VybmFtZSI6ImEiLCJwYXNzd29yZCI6ImIifQ", true)] // {"username":"a","password":"b"}
    [InlineData("eyJ1c2VybmFtZSI6ImEiLCJwYXNzd29yZCI6ImIifQ==", true)]
    [InlineData("e30", true)] // {}
    [InlineData("W10", false)] // [] is not an object
    [InlineData("bm90IGpzb24", false)] // "not json"
    [InlineData("eyJ1c2VybmFtZSI6ImEi\r\nfQ", false)]
    [InlineData("e30/", false)] // '/' is not base64url
    [InlineData("", false)]
    public void RegistryAuth_MustBeBase64UrlJsonObject(string value, bool ok) =>
        Assert.Equal(ok, RegistryAuth.Normalize(value) != null);
}
