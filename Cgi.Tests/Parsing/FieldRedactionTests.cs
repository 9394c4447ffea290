using System.Text;
using Dockerman.Relay;
using Xunit;

namespace Dockerman.Tests.Parsing;

public sealed class FieldRedactionTests
{
    private static string? Remove(string json, string name = "JoinTokens")
    {
        byte[]? result = FieldRedaction.Remove(Encoding.UTF8.GetBytes(json), Encoding.UTF8.GetBytes(name));
        return result == null ? null : Encoding.UTF8.GetString(result);
    }

    [Theory]
    [InlineData("""{"ID":"x","JoinTokens":{"Worker":"W","Manager":"M"}}""", """{"ID":"x"}""")]
    [InlineData("""{"JoinTokens":{"Worker":"W"},"ID":"x"}""", """{"ID":"x"}""")]
    [InlineData("""{"A":1,"JoinTokens":"t","B":[1,{"JoinTokens":"nested stays"}]}""", """{"A":1,"B":[1,{"JoinTokens":"nested stays"}]}""")]
    [InlineData("""{"JoinTokens":null}""", "{}")]
    [InlineData("""{"A":1,"JoinTokens":1,"JoinTokens":2}""", """{"A":1}""")]
    [InlineData("""{"Join\u0054okens":"escaped name","A":true}""", """{"A":true}""")]
    [InlineData(" {\n \"A\" : \"x\" ,\n \"JoinTokens\" : {} \n}\n", """{"A" : "x"}""")]
    [InlineData("""{"A":"JoinTokens"}""", """{"A":"JoinTokens"}""")]
    [InlineData("{}", "{}")]
    public void Remove_Object_FieldGoneRestKept(string json, string expected)
    {
        Assert.Equal(expected + "\n", Remove(json));
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("\"JoinTokens\"")]
    [InlineData("""{"ID":"x","JoinTokens":{"Worker":"W"}""")]
    [InlineData("""{"ID":"x"} {"JoinTokens":"second document"}""")]
    [InlineData("""{"ID":"x"}]""")]
    [InlineData("""{"ID":"x",}""")]
    public void Remove_NotOneObject_Null(string json)
    {
        Assert.Null(Remove(json));
    }

    [Fact]
    public void Remove_EveryPrefixOfAnObject_NullUntilComplete()
    {
        string json = """{"ID":"x","JoinTokens":{"Worker":"W"},"B":1}""";
        for (int i = 0; i < json.Length; i++)
        {
            Assert.Null(Remove(json[..i]));
        }

        Assert.Equal("""{"ID":"x","B":1}""" + "\n", Remove(json));
    }
}
