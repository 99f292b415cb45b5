using System.Text;
using System.Text.Json.Nodes;
using CookieSession.Formats;
using CookieSession.Json;
using CookieSession.Session;

namespace CookieSession.Tests.Session;

/// <summary>
/// A written session's JSON comes back from the cache of verified values with where each property lies; a wrong
/// place would make the next request that sends the cookie back read another key's value. Checked against a reading
/// of the written JSON.
/// </summary>
public sealed class SessionContentsIndexTests
{
    public static TheoryData<string, string[]> Cases => new()
    {
        { """{"a":1,"name":"Ada","roles":["x","y"],"nested":{"k":[1,{"z":null}]}}""", ["name"] },
        { """{"a":1,"b":2}""", ["c", "a"] },
        { """{"é":"ü","日本":{"x":"\u2028"}}""", ["日本", "ñ"] },
        { "{}", ["first", "second"] },
        { """{"a":"with \"quotes\" and \\ backslash"}""", ["b"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void WrittenValueHit_Index_IsWherePropertiesWent(string loaded, string[] changed)
    {
        var data = Load(loaded);
        foreach (var key in changed)
        {
            data.Set(key, JsonValue.Create("v\"" + key));
        }

        var buffer = new PooledByteBuffer(256);
        try
        {
            data.Serialize(ref buffer);
            var index = IndexFromTheCache(buffer.WrittenSpan);

            Assert.NotNull(index);
            Assert.Equal(RawJsonObject.Index(buffer.WrittenSpan), index);
        }
        finally
        {
            buffer.Dispose();
        }
    }

    [Theory]
    [InlineData("quote\"d")]
    [InlineData("back\\slash")]
    [InlineData("line\nbreak")]
    public void WrittenValueHit_NameNeedingEscapes_NoIndex(string key)
    {
        var data = Load("""{"a":1}""");
        data.Set(key, JsonValue.Create(2));
        var buffer = new PooledByteBuffer(256);
        try
        {
            data.Serialize(ref buffer);
            var index = IndexFromTheCache(buffer.WrittenSpan);

            Assert.Null(index);
            Assert.Null(RawJsonObject.Index(buffer.WrittenSpan));
        }
        finally
        {
            buffer.Dispose();
        }
    }

    [Fact]
    public void WrittenValueHit_ThroughItsIndex_ReadsEveryValueBack()
    {
        var data = Load("""{"a":1,"b":"two"}""");
        data.Set("c", JsonValue.Create(3));
        var buffer = new PooledByteBuffer(256);
        try
        {
            data.Serialize(ref buffer);
            var json = buffer.WrittenSpan.ToArray();
            var index = IndexFromTheCache(json);

            Assert.True(RawJsonObject.TryGetValue(json, index, "a", out var a));
            Assert.True(RawJsonObject.TryGetValue(json, index, "b", out var b));
            Assert.True(RawJsonObject.TryGetValue(json, index, "c", out var c));
            Assert.False(RawJsonObject.TryGetValue(json, index, "d", out _));
            Assert.Equal("1", Encoding.UTF8.GetString(a));
            Assert.Equal("\"two\"", Encoding.UTF8.GetString(b));
            Assert.Equal("3", Encoding.UTF8.GetString(c));
        }
        finally
        {
            buffer.Dispose();
        }
    }

    /// <summary>Where the properties of a written value's JSON lie, as its first hit in the cache finds them.</summary>
    internal static int[]? IndexFromTheCache(ReadOnlySpan<byte> json)
    {
        var cache = VerifiedCookieCache.Create(4)!;
        cache.AddWritten("written".AsMemory(), default, json, null, null, null);
        Assert.True(cache.TryGet("written", default, null, out var hit));
        Assert.Equal(json.ToArray(), hit.Json.ToArray());
        return hit.Index;
    }

    private static SessionContents Load(string json) => LoadedContents.From(json);
}
