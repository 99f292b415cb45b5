using System.Buffers.Text;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CookieSession.Cookies;
using CookieSession.Formats;
using CookieSession.Formats.Django;
using CookieSession.Json;
using Microsoft.Extensions.Time.Testing;

namespace CookieSession.Tests.Formats.Django;

/// <summary>The Django codec against the cookies Django itself signed, and every way a cookie can be wrong.</summary>
public sealed class DjangoCodecTests
{
    private static readonly TimeSpan TwoWeeks = TimeSpan.FromSeconds(1209600);
    private const string Secret = "django-insecure-7w$k!q@x3r9#vectors-only-never-deploy-this-key";
    private const string OldSecret = "the SECRET_KEY before rotation, now in SECRET_KEY_FALLBACKS";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1767225600);

    public static TheoryData<string> Verified => DjangoVectors.Names(v => v.Expected() == "Verified");

    public static TheoryData<string> Refused => DjangoVectors.Names(v => v.Expected() != "Verified");

    // What Django's own code wrote, uncompressed (compressed bytes depend on the zlib build, not on the format).
    public static TheoryData<string> WrittenByDjango => DjangoVectors.Names(v => v.Expected() == "Verified"
        && !v.GetProperty("compressed").GetBoolean() && v.GetProperty("name").GetString() is not ("latin-1 bytes" or "signed under a fallback secret"));

    [Theory]
    [MemberData(nameof(Verified))]
    public void Decode_CookieDjangoSigned_VerifiedWithTheSessionDjangoReads(string name)
    {
        var vector = DjangoVectors.Find(name);
        var codec = Codec(vector.Timestamp(), vector.Secret());

        var result = codec.Decode(vector.Value());

        Assert.True(result.IsLoaded, result.Rejection.ToString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(vector.GetProperty("session").GetString()!), JsonNode.Parse(result.Json)));
        Assert.Equal(vector.Timestamp(), result.Times!.Value.IssuedAt);
        Assert.False(result.NeedsRenewal);
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void Decode_CookieSignedButNotADjangoJsonSession_Rejected(string name)
    {
        var vector = DjangoVectors.Find(name);
        var codec = Codec(vector.Timestamp(), Secret);

        var result = codec.Decode(vector.Value());

        Assert.False(result.IsLoaded);
        Assert.Equal(vector.Expected(), result.Rejection.ToString());
    }

    [Theory]
    [MemberData(nameof(WrittenByDjango))]
    public void Encode_SessionDjangoWrote_SameValueByteForByte(string name)
    {
        var vector = DjangoVectors.Find(name);
        var codec = Codec(vector.Timestamp(), vector.Secret());

        var value = Encode(codec, vector.GetProperty("session").GetString()!, vector.Timestamp());

        Assert.Equal(vector.Value(), value);
    }

    [Theory]
    [InlineData("rich")]
    [InlineData("compressible")]
    [InlineData("auth")]
    public void Encode_SessionDjangoCompressedUnderAKilobyte_WrittenUncompressedAndReadBack(string name)
    {
        // Django reads either form; under PythonZlib.WorthCompressingFrom zlib's set-up costs more than its saving.
        var vector = DjangoVectors.Find(name);
        var codec = Codec(vector.Timestamp(), vector.Secret());
        var session = vector.GetProperty("session").GetString()!;

        var value = Encode(codec, session, vector.Timestamp());
        var result = codec.Decode(value);

        Assert.False(value.StartsWith('.'), value);
        Assert.True(result.IsLoaded, result.Rejection.ToString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(session), JsonNode.Parse(result.Json)));
    }

    [Theory]
    [InlineData(1, false)]      // compressible, but too short to be worth it
    [InlineData(60, false)]     // about 1000 characters: still under the threshold
    [InlineData(200, true)]     // over a kilobyte and compressible
    public void Encode_CompressesOnlyLongSessionsThatItShortens(int items, bool compressed)
    {
        var codec = Codec(Now, Secret);
        var session = "{" + string.Join(",", Enumerable.Range(0, items).Select(i => $"\"item-{i:D4}\":{i}")) + "}";

        var value = Encode(codec, session, Now);
        var result = codec.Decode(value);

        Assert.Equal(compressed, value.StartsWith('.'));
        Assert.Equal(session, Encoding.UTF8.GetString(result.Json));
    }

    [Fact]
    public void Encode_NonAsciiSession_OnlyAsciiEscapesInTheJson()
    {
        var codec = Codec(Now, Secret);

        var value = Encode(codec, "{\"é\":\"zoë 😀\u007f\"}", Now);

        var payload = Base64Url.DecodeFromChars(value.AsSpan(0, value.IndexOf(":", StringComparison.Ordinal)));
        Assert.Equal("{\"\\u00e9\":\"zo\\u00eb \\ud83d\\ude00\\u007f\"}", Encoding.ASCII.GetString(payload));
    }

    [Fact]
    public void Decode_DjangosEscapes_TheJsonAsJavaScriptWritesIt()
    {
        var vector = DjangoVectors.Find("escapes");

        var result = Codec(vector.Timestamp(), vector.Secret()).Decode(vector.Value());

        Assert.Equal("{\"name\":\"zoë 😀\",\"del\":\"\u007f\",\"nl\":\"a\\nb\"}", Encoding.UTF8.GetString(result.Json));
    }

    [Fact]
    public void Decode_SignedUnderAnOlderSecret_VerifiedAndAsksForANewCookie()
    {
        var vector = DjangoVectors.Find("signed under a fallback secret");

        var result = Codec(Now, Secret, OldSecret).Decode(vector.Value());

        Assert.True(result.IsLoaded);
        Assert.True(result.NeedsRenewal);
    }

    [Fact]
    public void Decode_SignedUnderASecretNoLongerConfigured_BadSignature()
    {
        var vector = DjangoVectors.Find("signed under a fallback secret");

        var result = Codec(Now, Secret).Decode(vector.Value());

        Assert.Equal(SessionCookieRejection.BadSignature, result.Rejection);
    }

    [Fact]
    public void Encode_WithSeveralSecrets_SignsWithTheFirst()
    {
        var value = Encode(Codec(Now, Secret, OldSecret), "{\"count\":4}", Now);

        Assert.True(Codec(Now, Secret).Decode(value).IsLoaded);
        Assert.Equal(SessionCookieRejection.BadSignature, Codec(Now, OldSecret).Decode(value).Rejection);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(1209600, true)] // Django refuses only an age above SESSION_COOKIE_AGE
    [InlineData(1209601, false)]
    public void Decode_AgeAgainstSessionCookieAge_RefusedOnlyPastIt(int secondsLater, bool loads)
    {
        var vector = DjangoVectors.Find("counter");

        var result = Codec(vector.Timestamp().AddSeconds(secondsLater), Secret).Decode(vector.Value());

        Assert.Equal(loads, result.IsLoaded);
        Assert.Equal(loads ? SessionCookieRejection.None : SessionCookieRejection.Expired, result.Rejection);
    }

    [Fact]
    public void Decode_ShorterSessionCookieAge_Enforced()
    {
        var vector = DjangoVectors.Find("counter");
        var codec = new DjangoCodec(DjangoKeys.Ring([Secret]), TimeSpan.FromHours(1), expireAtBrowserClose: false, new FakeTimeProvider(vector.Timestamp().AddHours(1).AddSeconds(1)));

        Assert.Equal(SessionCookieRejection.Expired, codec.Decode(vector.Value()).Rejection);
    }

    [Theory]
    [InlineData(4, true)]
    [InlineData(6, false)]
    public void Decode_TimestampAheadOfTheClock_ReadWithinFiveMinutesOfSkew(int minutesAhead, bool loads)
    {
        var vector = DjangoVectors.Find("counter");

        var result = Codec(vector.Timestamp().AddMinutes(-minutesAhead), Secret).Decode(vector.Value());

        Assert.Equal(loads ? SessionCookieRejection.None : SessionCookieRejection.NotYetValid, result.Rejection);
    }

    [Fact]
    public void Decode_AnyOneCharacterChanged_Rejected()
    {
        const string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_.:";
        foreach (var name in new[] { "counter", "compressible" })
        {
            var value = DjangoVectors.Find(name).Value();
            var codec = Codec(Now, Secret);
            for (var i = 0; i < value.Length; i++)
            {
                var changed = value.ToCharArray();
                changed[i] = alphabet[(alphabet.IndexOf(value[i], StringComparison.Ordinal) + 1) % alphabet.Length];

                var result = codec.Decode(new string(changed));

                Assert.False(result.IsLoaded, $"{name} with character {i} changed");
            }
        }
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "", "Unsigned" },
        { "e30", "Unsigned" },
        { ":", "BadSignature" },
        { "::", "BadSignature" },
        { "e30:1vb66i:", "BadSignature" },
        { "e30:1vb66i:v-jE4ijnRcGLbxCOnVJ4aVvDbAuMz-zpBqF95cxxuS", "BadSignature" },
        { "e30:1vb66i:v-jE4ijnRcGLbxCOnVJ4aVvDbAuMz-zpBqF95cxxuScc", "BadSignature" },
        { "e30:1vb66i:v-jE4ijnRcGLbxCOnVJ4aVvDbAuMz-zpBqF95cxxuSc=", "BadSignature" },
        { "\"e30:1vb66i:v-jE4ijnRcGLbxCOnVJ4aVvDbAuMz-zpBqF95cxxuSc\"", "BadSignature" },
        { "é30:1vb66i:v-jE4ijnRcGLbxCOnVJ4aVvDbAuMz-zpBqF95cxxuSc", "MalformedEncoding" },
        { "e30%3A1vb66i%3Av-jE4ijnRcGLbxCOnVJ4aVvDbAuMz-zpBqF95cxxuSc", "Unsigned" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Decode_MalformedValue_RejectedWithItsReason(string value, string expected)
    {
        var result = Codec(Now, Secret).Decode(value);

        Assert.Equal(expected, result.Rejection.ToString());
    }

    [Fact]
    public void Decode_LongerThanACookie_TooLarge()
    {
        var value = new string('A', CookieSessionDefaults.MaxCookieSize + 1);

        Assert.Equal(SessionCookieRejection.TooLarge, Codec(Now, Secret).Decode(value).Rejection);
    }

    // Values signed correctly whose content is wrong: only a holder of the secret makes these, but none may throw.
    public static TheoryData<string, string> SignedButMalformed => new()
    {
        { "e30", "Malformed" },                                       // no timestamp
        { "e30:", "Malformed" },                                      // empty timestamp
        { "e30:1vb-6i", "Malformed" },                                // outside base 62
        { "e30:zzzzzzzzzzzz", "Malformed" },                          // overflows
        { "e30:zzzzzzzzzz", "Malformed" },                            // beyond year 9999
        { "e3:1vb66i", "MalformedEncoding" },                         // one base64 character too many
        { "e30=:1vb66i", "MalformedEncoding" },                       // padding
        { "e3+0:1vb66i", "MalformedEncoding" },                       // standard base64
        { ".e30:1vb66i", "MalformedEncoding" },                       // "compressed", not zlib
        { "WzEsMiwzXQ:1vb66i", "NotJsonObject" },                     // [1,2,3]
        { Base64Url.EncodeToString("{\"x\":NaN}"u8) + ":1vb66i", "NotJsonObject" }, // Python writes NaN
        { Base64Url.EncodeToString("{\"x\":1"u8) + ":1vb66i", "NotJsonObject" },
        { Base64Url.EncodeToString(new string('[', 100) + new string(']', 100) is var deep ? Encoding.ASCII.GetBytes("{\"d\":" + deep + "}") : []) + ":1vb66i", "NotJsonObject" },
        { "." + Base64Url.EncodeToString(Compress(Encoding.ASCII.GetBytes("{\"x\":\"" + new string('a', 70000) + "\"}"))) + ":1vb66i", "TooLarge" }, // a zip bomb
        { "." + Base64Url.EncodeToString(Compress("{\"x\":1}"u8.ToArray())[..^4]) + ":1vb66i", "MalformedEncoding" }, // no checksum
        { "." + Base64Url.EncodeToString(Compress(Encoding.ASCII.GetBytes("{\"x\":\"" + new string('a', 3000) + "\"}"))[..^9]) + ":1vb66i", "MalformedEncoding" }, // cut short
    };

    [Theory]
    [MemberData(nameof(SignedButMalformed))]
    public void Decode_SignedButMalformed_RejectedNeverThrows(string signed, string expected)
    {
        var codec = Codec(Now, Secret);

        var result = codec.Decode(Sign(signed, Secret));

        Assert.False(result.IsLoaded);
        Assert.Equal(expected, result.Rejection.ToString());
    }

    [Fact]
    public void Decode_InflatesToExactlyTheLimit_Verified()
    {
        var json = "{\"x\":\"" + new string('a', DjangoPayload.MaxInflatedLength - 8) + "\"}";
        var signed = "." + Base64Url.EncodeToString(Compress(Encoding.ASCII.GetBytes(json))) + ":1vb66i";

        var result = Codec(Now, Secret).Decode(Sign(signed, Secret));

        Assert.True(result.IsLoaded, result.Rejection.ToString());
        Assert.Equal(DjangoPayload.MaxInflatedLength, result.Json.Length);
    }

    [Theory]
    [InlineData(3600, 3600)]          // a sooner Expires is kept
    [InlineData(30 * 86400, 14 * 86400)] // a later one is brought back to when the server stops accepting the cookie
    public void LimitLifetime_Expires_NoLaterThanSessionCookieAge(int expiresInSeconds, int expectedSeconds)
    {
        var times = new SessionTimes(Now, Now);

        var limited = Codec(Now, Secret).LimitLifetime(new CookieLifetime(null, Now.AddSeconds(expiresInSeconds)), times);

        Assert.Equal(new CookieLifetime(null, Now.AddSeconds(expectedSeconds)), limited);
    }

    [Fact]
    public void LimitLifetime_MaxAgeAndExpiresBothLater_BothCut()
    {
        var times = new SessionTimes(Now, Now);

        var limited = Codec(Now, Secret).LimitLifetime(new CookieLifetime(TimeSpan.FromDays(30), Now.AddDays(30)), times);

        Assert.Equal(new CookieLifetime(TwoWeeks, Now + TwoWeeks), limited);
    }

    private static DjangoCodec Codec(DateTimeOffset now, params string[] secrets)
        => new(DjangoKeys.Ring(secrets), TwoWeeks, expireAtBrowserClose: false, new FakeTimeProvider(now));

    private static string Encode(DjangoCodec codec, string json, DateTimeOffset issuedAt)
    {
        var buffer = new PooledByteBuffer(256);
        try
        {
            codec.Encode(Encoding.UTF8.GetBytes(json), new SessionTimes(issuedAt, issuedAt), ref buffer);
            return Encoding.ASCII.GetString(buffer.WrittenSpan);
        }
        finally
        {
            buffer.Dispose();
        }
    }

    /// <summary>Signs any text as Django's signer would, computed here from the documented derivation.</summary>
    private static string Sign(string signed, string secret)
    {
        var key = SHA256.HashData(Encoding.UTF8.GetBytes("django.contrib.sessions.backends.signed_cookiessigner" + secret));
        return signed + ":" + Base64Url.EncodeToString(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(signed)));
    }

    private static byte[] Compress(byte[] data)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal))
        {
            zlib.Write(data);
        }

        return output.ToArray();
    }
}
