using Dockerman.Auth;
using Dockerman.Auth.Ubus;
using Xunit;

namespace Dockerman.Tests.Auth;

/// <summary>The ubus framing byte for byte, from the wire format: be32 attribute headers with the
/// extended bit, blobmsg names padded to 4, payloads padded to 4, nests covering padded children.</summary>
public sealed class UbusWireTests
{
    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    [Fact]
    public void BlobmsgString_OneCharNameAndValue_IsPaddedToTwelveBytes()
    {
        var w = new BlobWriter();
        w.MsgString("a", "b");
        // 0x83 = extended | STRING; length 10 = 4 header + 4 name ("\0\x01a\0") + "b\0"; 2 bytes padding.
        Assert.Equal(Hex("8300000a 00016100 62000000"), w.Written.ToArray());
    }

    [Fact]
    public void BlobmsgTable_WithBool_LengthCoversPaddedChild()
    {
        var w = new BlobWriter();
        int t = w.Begin((int)BlobMsgType.Table, "t");
        w.Bool("x", true);
        w.End(t);
        Assert.Equal(Hex("82000014 00017400 87000009 00017800 01000000"), w.Written.ToArray());
    }

    [Fact]
    public void BlobmsgName_LongerName_PadsHeaderToFour()
    {
        var w = new BlobWriter();
        w.MsgString("scope", "access-group");
        // name header: 00 05 "scope" 00 = 8 bytes; value "access-group\0" = 13 → length 4+8+13 = 25 (0x19), 3 bytes padding.
        Assert.Equal(Hex("83000019 0005" + "73636f7065" + "00" + "6163636573732d67726f7570" + "00" + "000000"), w.Written.ToArray());
    }

    [Fact]
    public void Message_Lookup_HasBigEndianHeaderAndRootBlob()
    {
        byte[] m = BlobWriter.Message(UbusMessageType.Lookup, 0x0102, 0x0a0b0c0d, w => w.String((int)UbusAttr.ObjPath, "session"));
        // version 0, type 4, seq be16, peer be32; root id 0 length 4+12; OBJPATH (id 2) "session\0" = 4+8 = 12.
        Assert.Equal(Hex("00040102 0a0b0c0d 00000010 0200000c 73657373696f6e00"), m);
    }

    [Fact]
    public void Message_Int32Attribute_IsBigEndian()
    {
        byte[] m = BlobWriter.Message(UbusMessageType.Status, 7, 0, w => w.Int32((int)UbusAttr.Status, 4));
        Assert.Equal(Hex("00010007 00000000 0000000c 01000008 00000004"), m);
    }

    [Fact]
    public void Reader_NestedTable_ReadsNamesTypesAndValues_NothingLeft()
    {
        byte[] table = Hex("82000014 00017400 87000009 00017800 01000000");
        var outer = new BlobReader(table);
        Assert.True(outer.Next(out BlobAttr t));
        Assert.True(t.Extended);
        Assert.Equal((int)BlobMsgType.Table, t.Id);
        Assert.Equal("t"u8.ToArray(), t.Name.ToArray());
        var inner = new BlobReader(t.Value);
        Assert.True(inner.Next(out BlobAttr x));
        Assert.Equal((int)BlobMsgType.Bool, x.Id);
        Assert.True(x.AsBool());
        Assert.False(inner.Next(out _));
        Assert.False(outer.Next(out _));
    }

    [Theory]
    [InlineData("830000")] // header cut short
    [InlineData("83000020 00016100")] // length past the end
    [InlineData("83000002")] // length below the header size
    [InlineData("83000008 00106100")] // name length past the payload
    [InlineData("8300000c 00016162 63000000")] // name not NUL-terminated
    public void Reader_MalformedAttribute_Throws(string hex)
    {
        byte[] bytes = Hex(hex);
        Assert.Throws<UbusException>(() =>
        {
            var r = new BlobReader(bytes);
            while (r.Next(out _))
            {
            }
        });
    }

    [Fact]
    public void AccessGranted_ReplyTable_ReadsTheBool()
    {
        var yes = new BlobWriter();
        yes.Bool("access", true);
        var no = new BlobWriter();
        no.Bool("access", false);
        Assert.True(LuciSessionProvider.AccessGranted(yes.Written.ToArray()));
        Assert.False(LuciSessionProvider.AccessGranted(no.Written.ToArray()));
        Assert.False(LuciSessionProvider.AccessGranted([]));
    }

    [Fact]
    public void FindToken_SessionGetReply_ReturnsValuesToken()
    {
        var w = new BlobWriter();
        int values = w.Begin((int)BlobMsgType.Table, "values");
        w.MsgString("username", "root");
        w.MsgString("token", "0123456789abcdef0123456789abcdef");
        w.End(values);
        Assert.Equal("0123456789abcdef0123456789abcdef", LuciSessionProvider.FindToken(w.Written.ToArray()));
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef", true)]
    [InlineData("0123456789ABCDEF0123456789ABCDEF", true)]
    [InlineData("00000000000000000000000000000000", false)] // rpcd's anonymous session
    [InlineData("0123456789abcdef0123456789abcde", false)]
    [InlineData("0123456789abcdef0123456789abcdef0", false)]
    [InlineData("0123456789abcdef0123456789abcdeg", false)]
    [InlineData("0123456789abcdef0123456789abcd\n", false)]
    [InlineData("", false)]
    public void SessionId_Grammar_ThirtyTwoHexNotZero(string id, bool ok) =>
        Assert.Equal(ok, SessionCredentials.IsWellFormed(id));

    [Theory]
    [InlineData("sysauth_https=abc; other=1", "sysauth_https", "abc")]
    [InlineData("a=1;sysauth_http=\"q\"", "sysauth_http", "q")]
    [InlineData("sysauth=zzz", "sysauth_http", null)]
    [InlineData("xsysauth_http=1", "sysauth_http", null)]
    public void Cookie_Header_FindsExactName(string header, string name, string? expected) =>
        Assert.Equal(expected, SessionCredentials.Cookie(header, name));
}
