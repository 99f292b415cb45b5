using System.Text;
using CookieSession.Json;

namespace CookieSession.Tests.Json;

/// <summary>A key looked up straight through an object's index finds what reading the object finds.</summary>
public sealed class RawJsonObjectIndexLookupTests
{
    [Fact]
    public void TryGetValue_ThroughTheIndex_AsByReading()
    {
        var random = new Random(64);
        string[] names = ["a", "b", "é", "😀", "0", "7", "ab", "a\u0000", "\ud800", "\udc00x", "n\"q", "long" + new string('k', 200), ""];
        for (var round = 0; round < 3000; round++)
        {
            var obj = new System.Text.Json.Nodes.JsonObject();
            foreach (var name in names.OrderBy(_ => random.Next()).Take(random.Next(0, names.Length)))
            {
                obj[name] = random.Next(3) switch { 0 => random.Next(), 1 => "v" + name, _ => null };
            }

            var buffer = new PooledByteBuffer(256);
            try
            {
                JsJsonWriter.WriteObject(obj, ref buffer, 32);
                var json = buffer.WrittenSpan.ToArray();
                var index = RawJsonObject.Index(json);
                foreach (var key in names.Append("missing").Append("\ud800\udc00"))
                {
                    var byReading = RawJsonObject.TryGetValue(json, null, key, out var expected);
                    var byIndex = RawJsonObject.TryGetValue(json, index, key, out var actual);
                    Assert.True(byReading == byIndex, $"{Encoding.UTF8.GetString(json)} [{key}] index={(index is null ? "none" : "some")}");
                    Assert.Equal(expected.ToArray(), actual.ToArray());
                }
            }
            finally
            {
                buffer.Dispose();
            }
        }
    }
}
