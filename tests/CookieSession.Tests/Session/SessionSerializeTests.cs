using System.Text;
using System.Text.Json.Nodes;
using CookieSession.Formats;
using CookieSession.Json;
using CookieSession.Session;

namespace CookieSession.Tests.Session;

/// <summary>
/// What a write serializes without building a tree: unchanged members as the cookie brought them (runs of them copied
/// whole), changed ones in their place under the name as the cookie spells it, new and re-added ones last, as
/// <c>JSON.stringify</c> orders them; separators as <c>JSON.stringify</c> writes them, whatever the cookie had.
/// </summary>
public sealed class SessionSerializeTests
{
    public static TheoryData<string, string, string> Changes => new()
    {
        // loaded, what the test changes ("set k v", "int k n", "remove k"; several separated by '|'), expected
        { """{"a":1,"b":2,"c":3}""", "int b 5", """{"a":1,"b":5,"c":3}""" },
        { """{"a":1,"b":2,"c":3,"d":4,"e":5}""", "int b 7|set d x|int f 6", """{"a":1,"b":7,"c":3,"d":"x","e":5,"f":6}""" },
        { """{"a":1,"b":2,"c":3}""", "remove b", """{"a":1,"c":3}""" },
        { """{"a":1,"b":2,"c":3}""", "remove a|int a 9", """{"b":2,"c":3,"a":9}""" },
        { """{"a":1,"b":2,"c":3}""", "remove c|int d 4", """{"a":1,"b":2,"d":4}""" },
        { """{ "a" : 1 , "b":2,  "c" :[1,2],"d":{"e":"f"} }""", "int b 3", """{"a":1,"b":3,"c":[1,2],"d":{"e":"f"}}""" },
        { "{\"a\":1,\n\"b\":2,\"c\":3}", "int c 4", """{"a":1,"b":2,"c":4}""" },
        { """{"é":1,"日本":"x","z":true}""", "set 日本 y|int é 2", """{"é":2,"日本":"y","z":true}""" },
        { """{"\u0061b":1,"\u0063":2,"d":3}""", "int ab 5", """{"ab":5,"c":2,"d":3}""" },
        { """{"a":"with \"quotes\"","b":2}""", "int b 1", """{"a":"with \"quotes\"","b":1}""" },
        { "{}", "int a 1|set b c", """{"a":1,"b":"c"}""" },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void Serialize_ChangesBesideTheLoadedJson_WritesWhatJsonStringifyWould(string loaded, string changes, string expected)
    {
        var data = Load(loaded);
        foreach (var change in changes.Split('|'))
        {
            var parts = change.Split(' ');
            switch (parts[0])
            {
                case "set":
                    data.Set(parts[1], JsonValue.Create(parts[2]));
                    break;
                case "int":
                    data.SetInteger(parts[1], long.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture), isInt32: true);
                    break;
                default:
                    Assert.True(data.Remove(parts[1]));
                    break;
            }
        }

        Assert.Equal(expected, Serialized(data));
    }

    [Fact]
    public void Serialize_SameKeySetTwice_KeepsItsPlaceAndTheLastValue()
    {
        var data = Load("""{"a":1,"b":2}""");
        data.SetInteger("a", 3, isInt32: true);
        data.Set("a", JsonValue.Create("last"));

        Assert.Equal("""{"a":"last","b":2}""", Serialized(data));
        Assert.Equal("last", data.Get<string>("a", System.Text.Json.JsonSerializerOptions.Default));
    }

    [Fact]
    public void Serialize_ManyKeysAddedAndSomeRemoved_WritesTheRestInTheOrderAdded()
    {
        var data = Load("""{"a":1}""");
        for (var i = 0; i < 20; i++)
        {
            data.SetInteger("k" + i, i, isInt32: true);
        }

        for (var i = 0; i < 20; i += 3)
        {
            Assert.True(data.Remove("k" + i));
        }

        var expected = "{\"a\":1" + string.Concat(Enumerable.Range(0, 20).Where(i => i % 3 != 0).Select(i => $",\"k{i}\":{i}")) + "}";
        Assert.Equal(expected, Serialized(data));
        Assert.Equal(1 + 20 - 7, data.Count);
    }

    private static string Serialized(SessionContents data)
    {
        var buffer = new PooledByteBuffer(256);
        try
        {
            data.Serialize(ref buffer);
            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
        finally
        {
            buffer.Dispose();
        }
    }

    private static SessionContents Load(string json) => LoadedContents.From(json);
}
