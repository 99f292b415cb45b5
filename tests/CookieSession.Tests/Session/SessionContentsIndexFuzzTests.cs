using System.Text;
using System.Text.Json.Nodes;
using CookieSession.Formats;
using CookieSession.Json;
using CookieSession.Session;

namespace CookieSession.Tests.Session;

/// <summary>
/// The property index against a reading of the JSON, over random sessions and random changes: what the cache finds for a
/// written value is where the properties are, and a session read through a cached index behaves as one read without it.
/// </summary>
public sealed class SessionContentsIndexFuzzTests
{
    private static readonly string[] s_keys = ["a", "b", "name", "é", "日本", "😀", "1", "2", "10", "quote\"d", "line\u2028sep", "\u0001", "k\ud800"];

    [Fact]
    public void Serialize_RandomChanges_IndexIsWhereThePropertiesAre_AndLoadingThroughItChangesNothing()
    {
        var random = new Random(20260102);
        for (var round = 0; round < 3000; round++)
        {
            var json = Written(Changed(new SessionContents(), random, random.Next(0, 12)), out _);
            var plain = Load(json, cachedIndex: null);
            int[]? index = null;
            var indexed = RawJsonObject.TryValidate(json, out var needsTree) && !needsTree && (index = RawJsonObject.Index(json)) is not null
                ? Load(json, index)
                : null;

            var seed = random.Next();
            var changes = random.Next(0, 6);
            var written = Written(Changed(plain, new Random(seed), changes), out var recorded);
            if (recorded is not null)
            {
                Assert.Equal(RawJsonObject.Index(written), recorded);
            }

            if (indexed is not null)
            {
                var viaIndex = Written(Changed(indexed, new Random(seed), changes), out var recordedViaIndex);
                Assert.Equal(Encoding.UTF8.GetString(written), Encoding.UTF8.GetString(viaIndex));
                if (recordedViaIndex is not null)
                {
                    Assert.Equal(RawJsonObject.Index(viaIndex), recordedViaIndex);
                }

                Assert.Equal(Load(json, null).Keys(), Load(json, index).Keys());
            }
        }
    }

    /// <summary><paramref name="count"/> random sets and removes.</summary>
    private static SessionContents Changed(SessionContents data, Random random, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var key = s_keys[random.Next(s_keys.Length)];
            switch (random.Next(5))
            {
                case 0:
                    data.Remove(key);
                    break;
                case 1:
                    data.Set(key, new JsonObject { ["x"] = random.Next(100) });
                    break;
                default:
                    data.Set(key, JsonValue.Create("v" + random.Next(100)));
                    break;
            }
        }

        return data;
    }

    private static byte[] Written(SessionContents data, out int[]? index)
    {
        var buffer = new PooledByteBuffer(256);
        try
        {
            data.Serialize(ref buffer);
            var json = buffer.WrittenSpan.ToArray();
            index = SessionContentsIndexTests.IndexFromTheCache(json);
            return json;
        }
        finally
        {
            buffer.Dispose();
        }
    }

    private static SessionContents Load(byte[] json, int[]? cachedIndex)
    {
        var data = new SessionContents();
        if (cachedIndex is not null)
        {
            data.Load(SessionCookieReadResult.Cached(json, needsRenewal: false, times: null, needsTree: false, cachedIndex, expires: null));
            return data;
        }

        var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max(1, json.Length));
        json.CopyTo(rented, 0);
        var result = SessionCookieReadResult.Verified(rented, 0, json.Length, needsRenewal: false);
        Assert.True(result.IsLoaded);
        data.Load(result);
        return data;
    }
}
