using System.Buffers.Binary;
using System.Net.Http.Json;
using System.Security.Cryptography;
using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.KeyManagement.Internal;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace CookieSession.Tests.Formats.Protected;

/// <summary>
/// The ground the Protected format will stand on: separate servers (real Kestrel apps, each with its own services
/// and its own Redis connection) that share one Data Protection key ring in a real Redis read each other's
/// payloads, through key changes, and an app with another application name reads none of them.
/// </summary>
/// <remarks>
/// What these tests rely on about the key ring cache of Data Protection (Microsoft.AspNetCore.DataProtection 10.0):
/// <list type="bullet">
/// <item>Each app caches the key ring it read from Redis for about 24 hours (less a random 0-20%); Redis tells it
/// nothing when another app adds or revokes a key.</item>
/// <item>A payload under a key the cached ring does not know makes the app re-read the ring at once, but only
/// during the first 2 minutes after its key ring provider was created; later such a payload fails until the
/// cache expires. That is why Data Protection activates its own new keys 2 days before they are needed. These
/// tests run well within the 2 minutes.</item>
/// <item>The app that creates or revokes a key drops its own cache, but the next call still gets the old ring
/// while the new one is read in the background. The /keys endpoints below wait, through
/// <see cref="IKeyRingProvider"/>, until the new ring is in place, so that what follows them is deterministic.</item>
/// <item>The default key is the most recently activated one whose activation is not in the future; so a key
/// created with activation "now" replaces the default at once, and one activated in the past does not.</item>
/// </list>
/// </remarks>
[Collection(RedisCollection.Name)]
public sealed class SharedKeyRingTests(RedisServer redis)
{
    private const string Purpose = "CookieSession.Tests.SharedKeyRing";

    // One key list per test, so that no test sees another's keys in the shared server.
    private readonly RedisKey _keys = "shop-keys-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Protect_OnOneServer_UnprotectedByAnother()
    {
        await using var a = await Peer.StartAsync(redis, "shop", _keys);
        await using var b = await Peer.StartAsync(redis, "shop", _keys);

        var fromA = await a.ProtectAsync("cart 42 é");
        var fromB = await b.ProtectAsync("cart 43");

        Assert.Equal("cart 42 é", (await b.UnprotectAsync(fromA)).Plaintext);
        Assert.Equal("cart 43", (await a.UnprotectAsync(fromB)).Plaintext);
        // A created the only key and stored it in Redis; B read it from there instead of making its own.
        Assert.Equal(KeyIdOf(fromA), KeyIdOf(fromB));
        Assert.Equal(1, await a.Database.ListLengthAsync(_keys));
    }

    [Fact]
    public async Task NewDefaultKey_OnOneServer_OldAndNewPayloadsReadByBoth()
    {
        await using var a = await Peer.StartAsync(redis, "shop", _keys);
        await using var b = await Peer.StartAsync(redis, "shop", _keys);
        var old = await a.ProtectAsync("old");
        Assert.Equal("old", (await b.UnprotectAsync(old)).Plaintext); // B has cached the ring with A's key.

        var newKey = await b.CreateDefaultKeyAsync();
        var fresh = await b.ProtectAsync("new");

        Assert.NotEqual(KeyIdOf(old), newKey);
        Assert.Equal(newKey, KeyIdOf(fresh));
        // A has never seen B's key: the unknown key makes it re-read the ring from Redis.
        var freshOnA = await a.UnprotectAsync(fresh);
        Assert.Equal("new", freshOnA.Plaintext);
        Assert.False(freshOnA.RequiresMigration);
        Assert.Equal(newKey, KeyIdOf(await a.ProtectAsync("after"))); // and A now protects with B's key too
        // Old payloads are still read everywhere, flagged as under a key that is no longer the default.
        foreach (var peer in new[] { a, b })
        {
            var oldAgain = await peer.UnprotectAsync(old);
            Assert.Equal("old", oldAgain.Plaintext);
            Assert.True(oldAgain.RequiresMigration);
            Assert.False(oldAgain.WasRevoked);
        }

        Assert.Equal(2, await a.Database.ListLengthAsync(_keys));
    }

    [Fact]
    public async Task OtherApplicationName_SameKeyRing_CannotUnprotect()
    {
        await using var shop = await Peer.StartAsync(redis, "shop", _keys);
        await using var warehouse = await Peer.StartAsync(redis, "warehouse", _keys);
        var payload = await shop.ProtectAsync("cart 42");

        var result = await warehouse.UnprotectAsync(payload);

        Assert.Null(result.Plaintext);
        Assert.Equal(typeof(CryptographicException).FullName, result.Error);
        // The keys are the same: only the application name, which is part of every purpose, tells them apart.
        Assert.Equal(1, await shop.Database.ListLengthAsync(_keys));
        Assert.Equal(KeyIdOf(payload), KeyIdOf(await warehouse.ProtectAsync("pallet 7")));
    }

    [Fact]
    public async Task RevokedKey_RefusedByAServerThatReadsTheRingAfterwards()
    {
        await using var a = await Peer.StartAsync(redis, "shop", _keys);
        await using var b = await Peer.StartAsync(redis, "shop", _keys);
        var payload = await a.ProtectAsync("cart 42");
        Assert.Equal("cart 42", (await b.UnprotectAsync(payload)).Plaintext);

        await b.RevokeAsync(KeyIdOf(payload));
        await using var c = await Peer.StartAsync(redis, "shop", _keys);

        var onB = await b.UnprotectAsync(payload);
        Assert.Equal(typeof(CryptographicException).FullName, onB.Error);
        Assert.Equal(typeof(CryptographicException).FullName, (await c.UnprotectAsync(payload)).Error);
        // IPersistedDataProtector.DangerousUnprotect can still read it when told to ignore the revocation.
        var dangerous = await c.UnprotectAsync(payload, ignoreRevocation: true);
        Assert.Equal("cart 42", dangerous.Plaintext);
        Assert.True(dangerous.WasRevoked);
        Assert.True(dangerous.RequiresMigration);
        // A's cached ring does not know of the revocation yet (see the remarks above): revoking a key is not
        // immediate across servers, which the Protected format will have to say in its documentation.
        Assert.Equal("cart 42", (await a.UnprotectAsync(payload)).Plaintext);
    }

    /// <summary>The key id a Data Protection payload names: after the 4-byte magic header, 16 bytes of key id.</summary>
    private static Guid KeyIdOf(string payload)
    {
        var bytes = WebEncoders.Base64UrlDecode(payload);
        Assert.Equal(0x09F0C9F0u, BinaryPrimitives.ReadUInt32BigEndian(bytes));
        return new Guid(bytes.AsSpan(4, 16));
    }

    public sealed record Unprotected(string? Plaintext, bool RequiresMigration, bool WasRevoked, string? Error);

    /// <summary>One server of the app: Kestrel on loopback, its own services, its own Redis connection.</summary>
    private sealed class Peer : IAsyncDisposable
    {
        private static readonly TimeSpan KeyRingTimeout = TimeSpan.FromSeconds(10);

        private readonly WebApplication _app;
        private readonly ConnectionMultiplexer _connection;
        private readonly HttpClient _client;

        private Peer(WebApplication app, ConnectionMultiplexer connection)
        {
            _app = app;
            _connection = connection;
            _client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        }

        public IDatabase Database => _connection.GetDatabase();

        public static async Task<Peer> StartAsync(RedisServer redis, string applicationName, RedisKey keys)
        {
            var connection = await redis.ConnectAsync();
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            builder.Services.AddDataProtection()
                .SetApplicationName(applicationName)
                .PersistKeysToStackExchangeRedis(connection, keys);
            var app = builder.Build();

            app.MapPost("/protect", async (HttpRequest request, IDataProtectionProvider provider) =>
                provider.CreateProtector(Purpose).Protect(await ReadBodyAsync(request)));

            app.MapPost("/unprotect", async (HttpRequest request, IDataProtectionProvider provider, bool? ignoreRevocation) =>
            {
                var protector = (IPersistedDataProtector)provider.CreateProtector(Purpose);
                try
                {
                    var bytes = protector.DangerousUnprotect(
                        WebEncoders.Base64UrlDecode(await ReadBodyAsync(request)),
                        ignoreRevocationErrors: ignoreRevocation ?? false,
                        out var requiresMigration,
                        out var wasRevoked);
                    return new Unprotected(System.Text.Encoding.UTF8.GetString(bytes), requiresMigration, wasRevoked, null);
                }
                catch (CryptographicException exception)
                {
                    return new Unprotected(null, false, false, exception.GetType().FullName);
                }
            });

            // A new key activated now becomes the default at once; returns when this server protects with it.
            app.MapPost("/keys", async (IKeyManager keyManager, IKeyRingProvider keyRing) =>
            {
                var now = TimeProvider.System.GetUtcNow();
                var key = keyManager.CreateNewKey(activationDate: now, expirationDate: now.AddDays(90));
                await WaitForKeyRingAsync(keyRing, ring => ring.DefaultKeyId == key.KeyId);
                return key.KeyId;
            });

            // Returns when this server refuses the key.
            app.MapPost("/keys/{id:guid}/revoke", async (Guid id, IKeyManager keyManager, IKeyRingProvider keyRing) =>
            {
                keyManager.RevokeKey(id, reason: "test");
                await WaitForKeyRingAsync(keyRing, ring =>
                    ring.GetAuthenticatedEncryptorByKeyId(id, out var isRevoked) is not null && isRevoked);
            });

            await app.StartAsync();
            return new Peer(app, connection);
        }

        public async Task<string> ProtectAsync(string plaintext)
        {
            using var response = await _client.PostAsync("/protect", new StringContent(plaintext));
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadAsStringAsync();
        }

        public async Task<Unprotected> UnprotectAsync(string payload, bool ignoreRevocation = false)
        {
            using var response = await _client.PostAsync($"/unprotect?ignoreRevocation={ignoreRevocation}", new StringContent(payload));
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadFromJsonAsync<Unprotected>())!;
        }

        public async Task<Guid> CreateDefaultKeyAsync()
        {
            using var response = await _client.PostAsync("/keys", content: null);
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadFromJsonAsync<Guid>();
        }

        public async Task RevokeAsync(Guid keyId)
        {
            using var response = await _client.PostAsync($"/keys/{keyId}/revoke", content: null);
            response.EnsureSuccessStatusCode();
        }

        public async ValueTask DisposeAsync()
        {
            _client.Dispose();
            await _app.DisposeAsync();
            await _connection.DisposeAsync();
        }

        private static async Task<string> ReadBodyAsync(HttpRequest request)
        {
            using var reader = new StreamReader(request.Body);
            return await reader.ReadToEndAsync();
        }

        // After a key change the next call still gets the old ring and starts reading the new one in the
        // background; a later call gets the new one. Ask until it is there.
        private static async Task WaitForKeyRingAsync(IKeyRingProvider keyRing, Func<IKeyRing, bool> ready)
        {
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (!ready(keyRing.GetCurrentKeyRing()))
            {
                if (waited.Elapsed > KeyRingTimeout)
                {
                    throw new TimeoutException($"The key ring did not change within {KeyRingTimeout.TotalSeconds:0} s.");
                }

                await Task.Delay(10);
            }
        }
    }
}
