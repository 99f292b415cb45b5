using System.Security.Cryptography;
using System.Text;
using CookieSession.Tests.Formats.Iron;
using CookieSession.Tests.Formats.Protected;
using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace CookieSession.Tests.Properties;

/// <summary>One cookie of a request: its name and its value exactly as it travels.</summary>
internal readonly record struct CookiePair(string Name, string Value)
{
    public override string ToString() => Name + "=" + Value;
}

/// <summary>
/// What the property tests need to know of a wire format: how to configure it, which cookies it reads, how a
/// peer signs a session's JSON into those cookies, and how to verify and decode the cookies it writes. Signing
/// and decoding are written here from each format's specification, not through the library, so that the
/// library is not checked against itself. A new format is one more row in <see cref="FuzzFormats.All"/>.
/// </summary>
internal sealed class FuzzFormat
{
    public required string Name { get; init; }

    public required Action<CookieSessionOptions> Configure { get; init; }

    /// <summary>Services the format needs beside the options (a key ring the test shares), if any.</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }

    /// <summary>The cookies the format reads. A request carries a session cookie when it has the first one.</summary>
    public required IReadOnlyList<string> CookieNames { get; init; }

    /// <summary>The cookies a peer holding <c>secret</c> sends for this JSON (any bytes, even invalid UTF-8).</summary>
    public required Func<byte[], string, IReadOnlyList<CookiePair>> Sign { get; init; }

    /// <summary>The JSON carried by the Set-Cookie headers of a response, if they are validly signed with <c>secret</c>; else null.</summary>
    public required Func<IReadOnlyList<string>, string, byte[]?> ReadJson { get; init; }

    /// <summary>The reason a cookie whose seal was broken is rejected with.</summary>
    public string TamperedReason { get; init; } = "BadSignature";

    public string PrimaryCookie => CookieNames[0];

    public override string ToString() => Name;
}

internal static class FuzzFormats
{
    /// <summary>The key ring the Protected row and its middleware share.</summary>
    private static readonly IDataProtectionProvider KeyRing = new EphemeralDataProtectionProvider();

    /// <summary>The middleware's key ring for the test's secret; another secret stands for another application's ring.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, IDataProtectionProvider> s_keyRings = new();

    /// <summary>Connect's <c>connect.sess=s:j:&lt;JSON&gt;.&lt;HMAC-SHA256 base64 unpadded&gt;</c>, percent-encoded.</summary>
    public static readonly FuzzFormat Connect = new()
    {
        Name = nameof(CookieSessionFormat.Connect),
        Configure = o => o.Format = CookieSessionFormat.Connect,
        CookieNames = [CookieSessionDefaults.CookieName],
        Sign = (json, secret) =>
        {
            var payload = Concat("j:"u8, json);
            var mac = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), payload)).TrimEnd('=');
            return [new(CookieSessionDefaults.CookieName, PercentEncode(Concat(Concat("s:"u8, payload), Encoding.ASCII.GetBytes("." + mac))))];
        },
        ReadJson = (setCookies, secret) =>
        {
            if (ValueOf(setCookies, CookieSessionDefaults.CookieName) is not { } value || PercentDecode(value) is not { } bytes)
            {
                return null;
            }

            var dot = bytes.AsSpan().LastIndexOf((byte)'.');
            if (!bytes.AsSpan().StartsWith("s:j:"u8) || dot < 4)
            {
                return null;
            }

            var payload = bytes[2..dot];
            var mac = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), payload)).TrimEnd('=');
            return Encoding.ASCII.GetString(bytes, dot + 1, bytes.Length - dot - 1) == mac ? payload[2..] : null;
        },
    };

    /// <summary>cookie-session@2: <c>session=&lt;base64 JSON&gt;</c> and <c>session.sig=&lt;keygrip HMAC-SHA1 of "session=value", url-safe, unpadded&gt;</c>.</summary>
    public static readonly FuzzFormat Express = new()
    {
        Name = nameof(CookieSessionFormat.ExpressCookieSession),
        Configure = o => o.Format = CookieSessionFormat.ExpressCookieSession,
        CookieNames = [CookieSessionDefaults.ExpressCookieName, CookieSessionDefaults.ExpressCookieName + ".sig"],
        Sign = (json, secret) =>
        {
            var value = Convert.ToBase64String(json);
            return [new(CookieSessionDefaults.ExpressCookieName, value), new(CookieSessionDefaults.ExpressCookieName + ".sig", Keygrip(CookieSessionDefaults.ExpressCookieName + "=" + value, secret))];
        },
        ReadJson = (setCookies, secret) =>
        {
            var name = CookieSessionDefaults.ExpressCookieName;
            if (ValueOf(setCookies, name) is not { } value || ValueOf(setCookies, name + ".sig") is not { } signature
                || signature != Keygrip(name + "=" + value, secret))
            {
                return null;
            }

            try
            {
                return Convert.FromBase64String(value);
            }
            catch (FormatException)
            {
                return null;
            }
        },
    };

    /// <summary>
    /// Protected: <c>.CookieSession=base64url(version, data key wrapped by Data Protection, AES-GCM of times and JSON)</c>
    /// (see <see cref="ProtectedCookie"/>), split as <c>chunks-N</c> and <c>nameC1..</c> when long.
    /// The test and the middleware share one in-memory key ring.
    /// </summary>
    public static readonly FuzzFormat Protected = new()
    {
        Name = nameof(CookieSessionFormat.Protected),
        Configure = o => o.Format = CookieSessionFormat.Protected,
        ConfigureServices = s => s.AddSingleton(KeyRing),
        TamperedReason = "Undecryptable",
        CookieNames = [CookieSessionDefaults.ProtectedCookieName],
        Sign = (json, secret) =>
        {
            var now = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
            return [new(CookieSessionDefaults.ProtectedCookieName, ProtectedCookie.Seal(KeyRingFor(secret), CookieSessionDefaults.ProtectedCookieName, json, now, now))];
        },
        ReadJson = (setCookies, secret) =>
        {
            var name = CookieSessionDefaults.ProtectedCookieName;
            if (ValueOf(setCookies, name) is not { } value)
            {
                return null;
            }

            if (value.StartsWith("chunks-", StringComparison.Ordinal))
            {
                var count = int.Parse(value.AsSpan(7), System.Globalization.CultureInfo.InvariantCulture);
                value = string.Concat(Enumerable.Range(1, count).Select(i => ValueOf(setCookies, name + "C" + i)));
            }

            try
            {
                return ProtectedCookie.Open(KeyRingFor(secret), name, value).Json;
            }
            catch (Exception e) when (e is CryptographicException or FormatException)
            {
                return null;
            }
        },
    };

    /// <summary>
    /// iron-session: <c>iron-session=Fe26.2*1*...~2</c> (see <see cref="IronTestSeal"/>), split as <c>name.0</c> ...
    /// <c>name.3</c> when long. The test's secret stands for a password of 32 characters or more.
    /// </summary>
    public static readonly FuzzFormat Iron = new()
    {
        Name = nameof(CookieSessionFormat.IronSession),
        Configure = o =>
        {
            o.Format = CookieSessionFormat.IronSession;
            o.Secret = IronPassword(SessionTestHost.Secret);
        },
        CookieNames = [CookieSessionDefaults.IronSessionCookieName],
        TamperedReason = "BadSignature",
        Sign = (json, secret) => [new(CookieSessionDefaults.IronSessionCookieName, IronTestSeal.Seal(json, IronPassword(secret)))],
        ReadJson = (setCookies, secret) =>
        {
            var name = CookieSessionDefaults.IronSessionCookieName;
            var value = ValueOf(setCookies, name);
            if (string.IsNullOrEmpty(value))
            {
                value = string.Concat(Enumerable.Range(0, 4).Select(i => ValueOf(setCookies, name + "." + i)).TakeWhile(v => !string.IsNullOrEmpty(v)));
            }

            try
            {
                return value.Length == 0 ? null : IronTestSeal.Unseal(value, IronPassword(secret));
            }
            catch (Exception e) when (e is CryptographicException or FormatException)
            {
                return null;
            }
        },
    };

    /// <summary>Every format the property tests run against.</summary>
    public static IReadOnlyList<FuzzFormat> All { get; } = [Connect, Express, Protected, Iron];

    private static string IronPassword(string secret) => secret + " stretched to the 32 characters iron-session needs";

    private static IDataProtectionProvider KeyRingFor(string secret)
        => s_keyRings.GetOrAdd(secret, static s => s == SessionTestHost.Secret ? KeyRing : new EphemeralDataProtectionProvider());

    public static FuzzFormat Named(string name) => All.Single(f => f.Name == name);

    /// <summary>The names of <see cref="All"/>, for a theory that runs through every format.</summary>
    public static TheoryData<string> Names() => new(All.Select(f => f.Name));

    /// <summary>Every byte outside A-Z a-z 0-9 - . _ ~ as %XX, as <see cref="Uri.EscapeDataString(string)"/> does, but over bytes.</summary>
    public static string PercentEncode(ReadOnlySpan<byte> bytes)
    {
        var builder = new StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            if (b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    private static byte[]? PercentDecode(string value)
    {
        var bytes = new List<byte>(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '%')
            {
                if (i + 2 >= value.Length || !byte.TryParse(value.AsSpan(i + 1, 2), System.Globalization.NumberStyles.HexNumber, null, out var b))
                {
                    return null;
                }

                bytes.Add(b);
                i += 2;
            }
            else if (value[i] < 0x80)
            {
                bytes.Add((byte)value[i]);
            }
            else
            {
                return null;
            }
        }

        return [.. bytes];
    }

    private static string Keygrip(string data, string secret)
        => Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(data)))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string? ValueOf(IReadOnlyList<string> setCookies, string name)
    {
        foreach (var header in setCookies)
        {
            var pair = header.Split(';')[0];
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && pair[..eq] == name)
            {
                return pair[(eq + 1)..];
            }
        }

        return null;
    }

    private static byte[] Concat(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => [.. a, .. b];
}
