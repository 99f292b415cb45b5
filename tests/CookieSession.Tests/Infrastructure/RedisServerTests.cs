using System.Net;
using StackExchange.Redis;

namespace CookieSession.Tests.Infrastructure;

/// <summary>The Redis fixture starts what it promises: a loopback-only server that persists nothing.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisServerTests(RedisServer redis)
{
    [Fact]
    public async Task RedisServer_Started_AnswersOnLoopbackOnly()
    {
        Assert.True(IPAddress.IsLoopback(redis.EndPoint.Address));
        await using var connection = await redis.ConnectAsync();

        var database = connection.GetDatabase();
        var key = "fixture-" + Guid.NewGuid().ToString("N");
        await database.StringSetAsync(key, "value", expiry: TimeSpan.FromMinutes(1));

        Assert.Equal("value", await database.StringGetAsync(key));
        var config = await ConfigAsync();
        Assert.Equal("127.0.0.1", config["bind"]);
        Assert.Equal("yes", config["protected-mode"]);
        Assert.Equal(redis.EndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), config["port"]);
    }

    [Fact]
    public async Task RedisServer_Started_PersistsNothing()
    {
        var config = await ConfigAsync();

        Assert.Equal("", config["save"]);
        Assert.Equal("no", config["appendonly"]);
        Assert.Contains("cookiesession-redis-", config["dir"], StringComparison.Ordinal); // its own temporary directory
    }

    private async Task<Dictionary<string, string>> ConfigAsync()
    {
        // CONFIG GET needs an admin connection; the fixture's plain ones are enough for everything else.
        await using var admin = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { redis.EndPoint },
            AllowAdmin = true,
        });
        var pairs = await admin.GetServer(redis.EndPoint).ConfigGetAsync("*");
        return pairs.ToDictionary(p => p.Key, p => p.Value);
    }
}
