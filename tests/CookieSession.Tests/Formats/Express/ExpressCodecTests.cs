using System.Text;
using CookieSession.Formats;
using CookieSession.Formats.Express;

namespace CookieSession.Tests.Formats.Express;

/// <summary>The Express codec alone: a verified value's base64 to the session's JSON, whichever way it is decoded.</summary>
public sealed class ExpressCodecTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(1527)]
    [InlineData(1528)]
    [InlineData(1529)]
    [InlineData(1530)]
    [InlineData(4000)]
    public void Decode_PaddedBase64_EveryPaddingAndEitherSideOfTheStackLimit_GivesTheJsonInAnArrayOfItsLength(int filler)
    {
        // 1528 fills make a value of 2048 characters, the longest narrowed on the stack; longer ones go through the pool.
        var json = Encoding.UTF8.GetBytes("{\"a\":\"" + new string('x', filler) + "\"}");

        var result = new ExpressCodec().Decode(Convert.ToBase64String(json));

        Assert.True(result.IsLoaded, result.Rejection.ToString());
        Assert.Equal(json, result.JsonArray);
        Assert.False(result.NeedsTree);
        Assert.Equal(CookieSession.Json.RawJsonObject.Index(json), result.Index);
    }

    [Theory]
    [InlineData("/w==", "MalformedEncoding")]
    [InlineData("é30=", "MalformedEncoding")]
    [InlineData("NQ==", "NotJsonObject")]
    [InlineData("", "NotJsonObject")]
    public void Decode_NotABase64JsonObject_IsRefusedWithItsReason(string value, string expected)
    {
        // Bytes that are not UTF-8, a character beyond ASCII, a JSON number, nothing at all.
        var result = new ExpressCodec().Decode(value);

        Assert.False(result.IsLoaded);
        Assert.Equal(expected, result.Rejection.ToString());
    }

    [Theory]
    [InlineData("eyJjb3VudCI6MX1=")]
    [InlineData("eyJjb3Vu dCI6MX0=")]
    public void Decode_Base64OnlyNodeReads_GivesTheSameJsonAsNode(string value)
    {
        // Pad bits that are not zero, a space inside: Buffer.from reads both as {"count":1}.
        var result = new ExpressCodec().Decode(value);

        Assert.True(result.IsLoaded, result.Rejection.ToString());
        Assert.Equal("{\"count\":1}"u8.ToArray(), result.JsonArray);
    }
}
