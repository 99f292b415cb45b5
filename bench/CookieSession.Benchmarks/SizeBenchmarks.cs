using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CookieSession.Benchmarks;

/// <summary>
/// Cost against size: the Connect session of <see cref="SessionPayload"/> at about 200 bytes of JSON, and with a string
/// field added to bring it to 1.2 KB and 3.2 KB, against the floor of one HMAC-SHA256 of the same payload. What grows
/// with the session beyond the HMAC (decoding, validating, escaping, copying) shows here and nowhere else.
/// </summary>
[MemoryDiagnoser]
public class SizeBenchmarks
{
    private IncrementalHash _hmac = null!;
    private byte[] _payload = null!;
    private readonly byte[] _mac = new byte[32];
    private ServiceProvider _cached = null!;
    private ServiceProvider _uncached = null!;
    private RequestHarness _firstSight = null!;
    private RequestHarness _repeatedRead = null!;
    private RequestHarness _readModifyWrite = null!;

    /// <summary>The session's JSON in bytes, about.</summary>
    [Params(200, 1200, 3200)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var json = Json(Size);
        _payload = Encoding.UTF8.GetBytes("j:" + json);
        _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(SessionPayload.Secret));
        var mac = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(SessionPayload.Secret), _payload)).TrimEnd('=');
        // As Node's cookie package writes it: encodeURIComponent of the signed value.
        var cookie = "connect.sess=" + Uri.EscapeDataString("s:j:" + json + "." + mac);
        _cached = Services(CookieSessionDefaults.VerifiedCookieCacheSize);
        _uncached = Services(0);
        _firstSight = Harness(_uncached, ReadName, cookie);
        _repeatedRead = Harness(_cached, ReadName, cookie);
        _readModifyWrite = Harness(_cached, static context =>
        {
            var session = context.GetCookieSession();
            session.Set("counter", session.Get<int>("counter") + 1);
            return Task.CompletedTask;
        }, cookie);

        foreach (var (harness, setCookie) in new[] { (_firstSight, false), (_repeatedRead, false), (_readModifyWrite, true) })
        {
            harness.RunAsync().GetAwaiter().GetResult();
            if ((harness.SetCookie is not null) != setCookie)
            {
                throw new InvalidOperationException($"expected setCookie={setCookie}, got '{harness.SetCookie}'");
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _hmac.Dispose();
        _cached.Dispose();
        _uncached.Dispose();
    }

    [Benchmark(Baseline = true, Description = "floor: one HMAC-SHA256, reused key")]
    public byte[] HmacFloor()
    {
        _hmac.AppendData(_payload);
        _hmac.GetHashAndReset(_mac);
        return _mac;
    }

    [Benchmark(Description = "first sight (no cache)")]
    public Task FirstSight() => _firstSight.RunAsync();

    [Benchmark(Description = "repeated read")]
    public Task RepeatedRead() => _repeatedRead.RunAsync();

    [Benchmark(Description = "read-modify-write")]
    public Task ReadModifyWrite() => _readModifyWrite.RunAsync();

    /// <summary>
    /// The benchmarks' session, with a <c>note</c> of plain ASCII bringing its JSON to <paramref name="size"/> bytes (the
    /// session as it is for 200): letters, digits, <c>-</c>, <c>.</c> and <c>_</c>, as tokens, slugs and ids are, which
    /// percent-encoding leaves as they are, so that 3.2 KB still fits one 4 KB cookie.
    /// </summary>
    internal static string Json(int size)
    {
        const string Text = "remember-to-review.the_quarterly-figures-2026.before-friday_then-send-the-summary.";
        var json = SessionPayload.Json;
        var room = size - json.Length - ",\"note\":\"\"".Length;
        if (room <= 0)
        {
            return json;
        }

        var note = new StringBuilder(room);
        while (note.Length < room)
        {
            note.Append(Text, 0, Math.Min(Text.Length, room - note.Length));
        }

        return json[..^1] + ",\"note\":\"" + note + "\"}";
    }

    private static Task ReadName(HttpContext context)
    {
        _ = context.GetCookieSession().Get<string>("name") ?? throw new InvalidOperationException("session not loaded");
        return Task.CompletedTask;
    }

    private static ServiceProvider Services(int cacheSize)
        => new ServiceCollection()
            .AddLogging()
            .AddCookieSession(o =>
            {
                o.Secret = SessionPayload.Secret;
                o.VerifiedCookieCacheSize = cacheSize;
            })
            .BuildServiceProvider();

    private static RequestHarness Harness(IServiceProvider services, RequestDelegate handler, string cookie)
    {
        var app = new ApplicationBuilder(services);
        app.UseCookieSession();
        app.Run(handler);
        return new RequestHarness(app.Build(), services, cookie);
    }
}
