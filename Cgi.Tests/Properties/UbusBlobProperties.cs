using CsCheck;
using Dockerman.Auth.Ubus;
using Xunit;

namespace Dockerman.Tests.Properties;

/// <summary>ubus blob attributes: what BlobWriter writes BlobReader reads back; any other bytes
/// give a <see cref="UbusException"/> and never a read outside the buffer.</summary>
public sealed class UbusBlobProperties
{
    /// <summary>A field: its name, and a string, an int32, a bool or a nested table of strings.</summary>
    private static readonly Gen<(string Name, int Kind, string Text, int Number, string[] Nested)[]> Fields =
        Gen.Select(Gen.Char["abcxyz_-.019é"].Array[0, 12].Select(c => new string(c)), Gen.Int[0, 3],
            Gen.Char["abc \u00ff\u4e2d"].Array[0, 40].Select(c => new string(c)), Gen.Int,
            Gen.Char["xyz"].Array[0, 6].Select(c => new string(c)).Array[0, 4]).Array[0, 8];

    private static byte[] Write((string Name, int Kind, string Text, int Number, string[] Nested)[] fields)
    {
        var w = new BlobWriter();
        int root = w.Begin(0);
        foreach ((string name, int kind, string text, int number, string[] nested) in fields)
        {
            switch (kind)
            {
                case 0: w.MsgString(name, text); break;
                case 1: w.Int32((int)BlobMsgType.Int32, number, name); break;
                case 2: w.Bool(name, number % 2 != 0); break;
                default:
                    int table = w.Begin((int)BlobMsgType.Table, name);
                    foreach (string s in nested)
                    {
                        w.MsgString(s, s);
                    }

                    w.End(table);
                    break;
            }
        }

        w.End(root);
        return w.Written.ToArray();
    }

    [Fact]
    public void BlobReader_WrittenFields_ReadBack()
    {
        Fuzz.Check(Fields, fields =>
        {
            byte[] bytes = Write(fields);
            Assert.Equal(0, bytes.Length % 4);
            var outer = new BlobReader(bytes);
            Assert.True(outer.Next(out BlobAttr root));
            Assert.False(outer.Next(out _));
            var reader = new BlobReader(root.Value);
            foreach ((string name, int kind, string text, int number, string[] nested) in fields)
            {
                Assert.True(reader.Next(out BlobAttr attr));
                Assert.True(attr.Extended);
                Assert.Equal(name, System.Text.Encoding.UTF8.GetString(attr.Name));
                switch (kind)
                {
                    case 0: Assert.Equal(text, attr.AsString()); break;
                    case 1: Assert.Equal(number, attr.AsInt32()); break;
                    case 2: Assert.Equal(number % 2 != 0, attr.AsBool()); break;
                    default:
                        Assert.Equal((int)BlobMsgType.Table, attr.Id);
                        var inner = new BlobReader(attr.Value);
                        foreach (string s in nested)
                        {
                            Assert.True(inner.Next(out BlobAttr item));
                            Assert.Equal(s, item.AsString());
                        }

                        Assert.False(inner.Next(out _));
                        break;
                }
            }

            Assert.False(reader.Next(out _));
        }, f => Fuzz.Show(Write(f)));
    }

    /// <summary>Reads every attribute the way the client does, descending into tables and arrays.</summary>
    private static int Walk(ReadOnlySpan<byte> payload, int depth)
    {
        var reader = new BlobReader(payload);
        int count = 0;
        while (reader.Next(out BlobAttr attr))
        {
            count++;
            Assert.InRange(attr.Value.Length, 0, payload.Length);
            Assert.InRange(attr.Name.Length, 0, payload.Length);
            _ = attr.AsString();
            if (attr.Value.Length >= 4)
            {
                _ = attr.AsInt32();
            }

            if (attr.Id is (int)BlobMsgType.Table or (int)BlobMsgType.Array or 0 && depth < 8)
            {
                count += Walk(attr.Value, depth + 1);
            }
        }

        return count;
    }

    [Fact]
    public void BlobReader_GeneratedBytes_OnlyUbusErrors()
    {
        Gen<byte[]> input = Gen.Frequency((1, Gen.Byte.Array[0, 64]), (4, Fuzz.Mutated(Fields.Select(Write))));
        Fuzz.Check(input, bytes =>
        {
            try
            {
                Assert.InRange(Walk(bytes, 0), 0, bytes.Length);
            }
            catch (UbusException)
            {
            }
        }, Fuzz.Show);
    }
}
