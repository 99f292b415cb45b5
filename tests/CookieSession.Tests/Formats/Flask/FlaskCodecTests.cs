using System.IO.Compression;
using System.Text;
using System.Text.Json;
using CookieSession.Cookies;
using CookieSession.Formats;
using CookieSession.Formats.Flask;
using CookieSession.Json;
using Microsoft.Extensions.Time.Testing;

namespace CookieSession.Tests.Formats.Flask;

/// <summary>The Flask codec against the cookies the real Flask made and the verdicts it gave (<see cref="FlaskVectors"/>).</summary>
public sealed class FlaskCodecTests
{
    private const string Secret = "flask-secret-key of the vectors";
    private const string OldSecret = "the secret before rotation";
    private static readonly TimeSpan FlaskLifetime = TimeSpan.FromDays(31);
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1796526245);

    public static TheoryData<string, string> Loaded() => FlaskVectors.All(v => v.GetProperty("loaded").GetBoolean() && v.GetProperty("json").GetString()!.StartsWith('{'));

    public static TheoryData<string, string> Refused() => FlaskVectors.All(v => !v.GetProperty("loaded").GetBoolean() || !v.GetProperty("json").GetString()!.StartsWith('{'));

    public static TheoryData<string, string> WrittenByNewestSecret()
        => FlaskVectors.All(v => v.GetProperty("loaded").GetBoolean() && v.GetProperty("json").GetString()!.StartsWith('{') && v.GetProperty("name").GetString() != "old-secret-read-with-fallback" && !v.GetProperty("name").GetString()!.StartsWith("signed-", StringComparison.Ordinal));

    [Theory]
    [MemberData(nameof(Loaded))]
    public void Decode_CookieFlaskLoads_IsItsTaggedJsonUntouched(string file, string name)
    {
        var vector = FlaskVectors.Find(file, name);

        var result = CodecFor(vector).Decode(vector.GetProperty("cookie").GetString());

        Assert.True(result.IsLoaded, $"{name} ({FlaskVectors.Flask(file)}): {result.Rejection}");
        Assert.Equal(vector.GetProperty("json").GetString(), Encoding.UTF8.GetString(result.Json));
        var signedAt = DateTimeOffset.FromUnixTimeSeconds(vector.GetProperty("signedAt").GetInt64());
        Assert.Equal(new SessionTimes(signedAt, signedAt), result.Times);
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void Decode_CookieFlaskRefuses_IsRejectedWithItsReason(string file, string name)
    {
        var vector = FlaskVectors.Find(file, name);
        var expected = name switch
        {
            "past-the-lifetime" or "short-lifetime-past" => SessionCookieRejection.Expired,
            "signed-in-the-future" => SessionCookieRejection.None, // one second ahead: within our clock skew, see below
            "no-separator" => SessionCookieRejection.Unsigned,
            "signed-json-array" or "signed-not-json" or "signed-compressed-not-json" => SessionCookieRejection.NotJsonObject,
            "signed-bad-zlib" or "signed-invalid-utf8" or "signed-empty-timestamp" or "signed-nine-byte-timestamp" => SessionCookieRejection.MalformedEncoding,
            _ => SessionCookieRejection.BadSignature,
        };

        var result = CodecFor(vector).Decode(vector.GetProperty("cookie").GetString());

        Assert.Equal(expected, result.Rejection);
        Assert.Equal(expected == SessionCookieRejection.None, result.IsLoaded);
    }

    [Fact]
    public void Decode_SignedBeyondTheClockSkew_IsNotYetValid()
    {
        var vector = FlaskVectors.Find(FirstFile(), "simple");
        var withinSkew = new FlaskCodec(FlaskKeys.Ring([Secret]), FlaskLifetime, new FakeTimeProvider(Now - TimeSpan.FromMinutes(5)));
        var beyondSkew = new FlaskCodec(FlaskKeys.Ring([Secret]), FlaskLifetime, new FakeTimeProvider(Now - TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1)));

        Assert.True(withinSkew.Decode(vector.GetProperty("cookie").GetString()).IsLoaded);
        Assert.Equal(SessionCookieRejection.NotYetValid, beyondSkew.Decode(vector.GetProperty("cookie").GetString()).Rejection);
    }

    [Theory]
    [MemberData(nameof(WrittenByNewestSecret))]
    public void Encode_SameJsonAndTime_IsFlasksCookieOrReadsAlike(string file, string name)
    {
        var vector = FlaskVectors.Find(file, name);
        var json = Encoding.UTF8.GetBytes(vector.GetProperty("json").GetString()!);
        var signedAt = DateTimeOffset.FromUnixTimeSeconds(vector.GetProperty("signedAt").GetInt64());
        var codec = CodecFor(vector);

        var cookie = Encode(codec, json, signedAt);

        if (!vector.GetProperty("compressed").GetBoolean())
        {
            // HMAC and base64 are deterministic: byte for byte Flask's.
            Assert.Equal(vector.GetProperty("cookie").GetString(), cookie);
        }
        else
        {
            // zlib implementations differ in bytes (and so, near the edge, in whether compressing saves space), not in
            // what they inflate to.
            Assert.Equal(json, CodecFor(vector).Decode(cookie).Json.ToArray());
        }
    }

    [Fact]
    public void Decode_OldSecretAmongSecrets_LoadsAndAsksForRenewalUnderTheNewest()
    {
        var old = FlaskVectors.Find(FirstFile(), "old-secret-read-with-fallback");
        var rotated = new FlaskCodec(FlaskKeys.Ring([Secret, OldSecret]), FlaskLifetime, new FakeTimeProvider(Now));
        var newOnly = new FlaskCodec(FlaskKeys.Ring([Secret]), FlaskLifetime, new FakeTimeProvider(Now));

        var loaded = rotated.Decode(old.GetProperty("cookie").GetString());
        Assert.True(loaded.IsLoaded);
        Assert.True(loaded.NeedsRenewal);
        Assert.Equal(SessionCookieRejection.BadSignature, newOnly.Decode(old.GetProperty("cookie").GetString()).Rejection);

        var renewed = Encode(rotated, loaded.Json, Now);
        var reread = newOnly.Decode(renewed);
        Assert.True(reread.IsLoaded);
        Assert.False(reread.NeedsRenewal);
        Assert.Equal(loaded.Json.ToArray(), reread.Json.ToArray());
    }

    [Fact]
    public void Decode_NewestSecret_DoesNotAskForRenewal()
    {
        var vector = FlaskVectors.Find(FirstFile(), "simple");
        var codec = new FlaskCodec(FlaskKeys.Ring([Secret, OldSecret]), FlaskLifetime, new FakeTimeProvider(Now));

        Assert.False(codec.Decode(vector.GetProperty("cookie").GetString()).NeedsRenewal);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(60, false)]
    [InlineData(61, true)]
    [InlineData(120, true)]
    public void Decode_SignedLongerAgoThanHalfTheLifetime_AsksForRenewal(int age, bool renewal)
    {
        var vector = FlaskVectors.Find(FirstFile(), "simple");
        var codec = new FlaskCodec(FlaskKeys.Ring([Secret]), TimeSpan.FromMinutes(2), new FakeTimeProvider(Now + TimeSpan.FromSeconds(age)));

        var result = codec.Decode(vector.GetProperty("cookie").GetString());

        Assert.True(result.IsLoaded);
        Assert.Equal(renewal, result.NeedsRenewal);
    }

    [Theory]
    [InlineData("{}", false)]
    [InlineData("{\"a\":1}", false)]
    [InlineData("{\"a\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}", false)] // compressible, but too small to be worth it
    [InlineData("{\"a\":\"" + Repeated1024 + "\"}", true)]
    public void Encode_CompressesOnlyLongSessionsThatItShortens(string json, bool compressed)
    {
        var codec = new FlaskCodec(FlaskKeys.Ring([Secret]), FlaskLifetime, new FakeTimeProvider(Now));

        var cookie = Encode(codec, Encoding.UTF8.GetBytes(json), Now);

        Assert.Equal(compressed, cookie.StartsWith('.'));
        Assert.Equal(json, Encoding.UTF8.GetString(codec.Decode(cookie).Json));
    }

    private const string Repeated1024 = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    [Fact]
    public void Decode_CompressedPayloadInflatingPastItsBound_IsTooLargeWithoutInflatingIt()
    {
        // A zip bomb the secret's holder could sign: a few hundred bytes that inflate to a megabyte.
        var bomb = new MemoryStream();
        using (var zlib = new ZLibStream(bomb, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            zlib.Write("{\"a\":\""u8);
            zlib.Write(new byte[1024 * 1024].Select(_ => (byte)'a').ToArray());
            zlib.Write("\"}"u8);
        }

        var cookie = Sign("." + Base64Url(bomb.ToArray()), Now);
        var codec = new FlaskCodec(FlaskKeys.Ring([Secret]), FlaskLifetime, new FakeTimeProvider(Now));

        Assert.True(cookie.Length < CookieSessionDefaults.MaxCookieSize);
        Assert.Equal(SessionCookieRejection.TooLarge, codec.Decode(cookie).Rejection);
    }

    [Fact]
    public void Decode_CompressedPayloadAtItsBound_Loads()
    {
        var json = "{\"a\":\"" + new string('a', FlaskPayload.MaxInflatedLength - 8) + "\"}";
        var codec = new FlaskCodec(FlaskKeys.Ring([Secret]), FlaskLifetime, new FakeTimeProvider(Now));

        var cookie = Encode(codec, Encoding.UTF8.GetBytes(json), Now);

        Assert.Equal(FlaskPayload.MaxInflatedLength, json.Length);
        Assert.True(codec.Decode(cookie).IsLoaded);
    }

    [Fact]
    public void Decode_LargerThanACookie_IsTooLarge()
    {
        var codec = new FlaskCodec(FlaskKeys.Ring([Secret]), FlaskLifetime, new FakeTimeProvider(Now));

        Assert.Equal(SessionCookieRejection.TooLarge, codec.Decode(new string('a', CookieSessionDefaults.MaxCookieSize + 1)).Rejection);
    }

    [Fact]
    public void Decode_EveryTruncationAndOneCharacterChange_IsRejectedNeverThrown()
    {
        var vector = FlaskVectors.Find(FirstFile(), "compressed");
        var cookie = vector.GetProperty("cookie").GetString()!;
        var codec = CodecFor(vector);
        var alphabet = "AZaz09-_.=+/ \u00e9\0";

        for (var length = 0; length < cookie.Length; length++)
        {
            Assert.False(codec.Decode(cookie.AsSpan(0, length)).IsLoaded);
        }

        for (var i = 0; i < cookie.Length; i++)
        {
            foreach (var c in alphabet)
            {
                if (c != cookie[i])
                {
                    var changed = string.Concat(cookie.AsSpan(0, i), c.ToString(), cookie.AsSpan(i + 1));
                    Assert.False(codec.Decode(changed).IsLoaded, $"{i}: {c}");
                }
            }
        }
    }

    [Theory]
    [InlineData("{\"a\":1}", "")]
    [InlineData("{\"a\":1}", "AAAAAAAAAAAA")]
    [InlineData("{\"a\":1}", "a*b")]
    public void Decode_SignedWithABadTimestamp_IsMalformed(string json, string timestamp)
    {
        var codec = new FlaskCodec(FlaskKeys.Ring([Secret]), FlaskLifetime, new FakeTimeProvider(Now));

        var cookie = SignRaw(Base64Url(Encoding.UTF8.GetBytes(json)) + "." + timestamp);

        Assert.Equal(SessionCookieRejection.MalformedEncoding, codec.Decode(cookie).Rejection);
    }

    [Fact]
    public void Decode_SignedWithoutTimestamp_IsMalformed()
    {
        // itsdangerous's untimed URLSafeSerializer under the same secret and salt: no timestamp to check the age of.
        var codec = new FlaskCodec(FlaskKeys.Ring([Secret]), FlaskLifetime, new FakeTimeProvider(Now));

        Assert.Equal(SessionCookieRejection.MalformedEncoding, codec.Decode(SignRaw(Base64Url("{\"a\":1}"u8.ToArray()))).Rejection);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(1796526245)]
    [InlineData(long.MaxValue)]
    public void Timestamp_WrittenThenRead_IsTheSameSeconds(long seconds)
    {
        Span<byte> text = stackalloc byte[FlaskTimestamp.MaxLength];
        var length = FlaskTimestamp.Write(seconds, text);

        var read = FlaskTimestamp.TryRead(Encoding.ASCII.GetString(text[..length]), out var back);

        Assert.Equal(seconds != 0, read);
        Assert.Equal(seconds != 0 ? seconds : 0, back);
    }

    [Theory]
    [InlineData(3600, 3600)]             // a sooner Max-Age is kept
    [InlineData(40 * 86400, 31 * 86400)] // a later one is cut to PERMANENT_SESSION_LIFETIME
    public void LimitLifetime_MaxAge_NoLongerThanPermanentSessionLifetime(int maxAgeSeconds, int expectedSeconds)
    {
        var codec = new FlaskCodec(FlaskKeys.Ring([Secret]), FlaskLifetime, new FakeTimeProvider(Now));

        var limited = codec.LimitLifetime(new CookieLifetime(TimeSpan.FromSeconds(maxAgeSeconds), null), new SessionTimes(Now, Now));

        Assert.Equal(new CookieLifetime(TimeSpan.FromSeconds(expectedSeconds), null), limited);
    }

    [Theory]
    [InlineData(3600, 3600)]             // a sooner Expires is kept
    [InlineData(40 * 86400, 31 * 86400)] // a later one is brought back to when the signature stops being accepted
    public void LimitLifetime_Expires_NoLaterThanPermanentSessionLifetimeAfterSigning(int expiresInSeconds, int expectedSeconds)
    {
        var codec = new FlaskCodec(FlaskKeys.Ring([Secret]), FlaskLifetime, new FakeTimeProvider(Now));
        var signedAt = Now - TimeSpan.FromMinutes(1);

        var limited = codec.LimitLifetime(new CookieLifetime(null, signedAt.AddSeconds(expiresInSeconds)), new SessionTimes(signedAt, signedAt));

        Assert.Equal(new CookieLifetime(null, signedAt.AddSeconds(expectedSeconds)), limited);
    }

    private static FlaskCodec CodecFor(JsonElement vector)
        => new(
            FlaskKeys.Ring(vector.GetProperty("secrets").EnumerateArray().Select(s => s.GetString()!).ToArray()),
            TimeSpan.FromSeconds(vector.GetProperty("lifetimeSeconds").GetInt64()),
            new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(vector.GetProperty("now").GetInt64())));

    private static string FirstFile() => FlaskVectors.Files[0];

    private static string Encode(FlaskCodec codec, ReadOnlySpan<byte> json, DateTimeOffset issuedAt)
    {
        var buffer = new PooledByteBuffer(256);
        try
        {
            codec.Encode(json, new SessionTimes(issuedAt, issuedAt), ref buffer);
            return Encoding.ASCII.GetString(buffer.WrittenSpan);
        }
        finally
        {
            buffer.Dispose();
        }
    }

    private static string Sign(string payload, DateTimeOffset at)
    {
        Span<byte> timestamp = stackalloc byte[FlaskTimestamp.MaxLength];
        var length = FlaskTimestamp.Write(at.ToUnixTimeSeconds(), timestamp);
        return SignRaw(payload + "." + Encoding.ASCII.GetString(timestamp[..length]));
    }

    private static string SignRaw(string signed)
    {
        Span<byte> signature = stackalloc byte[FlaskKeys.SignatureLength];
        new FlaskKeys([Secret]).Sign(Encoding.ASCII.GetBytes(signed), signature);
        return signed + "." + Encoding.ASCII.GetString(signature);
    }

    private static string Base64Url(byte[] data) => System.Buffers.Text.Base64Url.EncodeToString(data);
}
