using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CookieSession.Formats;
using CookieSession.Formats.Rails;
using CookieSession.Json;
using Microsoft.Extensions.Time.Testing;

namespace CookieSession.Tests.Formats.Rails;

/// <summary>
/// The Rails codec against cookies Rails 6.1 itself encrypted (SHA-1 key derivation), and against cookies computed
/// independently with Ruby's OpenSSL where Debian's Rails cannot make them (Rails 7's SHA-256 derivation, the 7.1
/// envelope): tests/interop/rails/rails-vectors.json, written by vectors.rb.
/// </summary>
public sealed class RailsCodecTests
{
    private static readonly JsonElement s_vectors = LoadVectors();
    private static readonly string s_cookieName = s_vectors.GetProperty("cookieName").GetString()!;
    private static readonly string s_secret = s_vectors.GetProperty("secret").GetString()!;
    private static readonly DateTimeOffset s_now = DateTimeOffset.Parse(s_vectors.GetProperty("now").GetString()!, System.Globalization.CultureInfo.InvariantCulture);

    public static TheoryData<string> Vectors()
    {
        var data = new TheoryData<string>();
        foreach (var vector in s_vectors.GetProperty("vectors").EnumerateArray())
        {
            data.Add(vector.GetProperty("name").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Decode_RailsCookie_AsRailsReadsIt(string name)
    {
        var vector = s_vectors.GetProperty("vectors").EnumerateArray().Single(v => v.GetProperty("name").GetString() == name);
        var keys = RailsKeyDerivation.Ring(
            vector.GetProperty("secrets").EnumerateArray().Select(s => s.GetString()!).ToList(),
            new HashAlgorithmName(vector.GetProperty("digest").GetString()),
            vector.GetProperty("readable").EnumerateArray().Select(d => new HashAlgorithmName(d.GetString())));
        var codec = new RailsCodec(keys, s_cookieName, null, false, new FakeTimeProvider(s_now));

        var result = codec.Decode(vector.GetProperty("value").GetString());

        if (vector.TryGetProperty("rejection", out var rejection))
        {
            Assert.False(result.IsLoaded);
            Assert.Equal(Enum.Parse<SessionCookieRejection>(rejection.GetString()!), result.Rejection);
        }
        else
        {
            Assert.True(result.IsLoaded, $"rejected: {result.Rejection}");
            Assert.Equal(vector.GetProperty("json").GetString(), Encoding.UTF8.GetString(result.Json));
            Assert.Equal(vector.GetProperty("renewal").GetBoolean(), result.NeedsRenewal);
        }
    }

    [Theory]
    [InlineData("SHA1")]
    [InlineData("SHA256")]
    public void KeyDerivation_SecretKeyBase_MatchesRubyPbkdf2(string digest)
    {
        var keys = RailsKeyDerivation.Ring([s_secret], new HashAlgorithmName(digest), []);

        Assert.Equal(s_vectors.GetProperty("keys").GetProperty(digest).GetString(), Convert.ToHexStringLower(keys.Current.WritingKey));
    }

    [Fact]
    public void KeyDerivation_SecretsAndDigests_NewestSecretUnderWritingDigestFirst()
    {
        var keys = RailsKeyDerivation.Ring(["new secret", "old secret"], HashAlgorithmName.SHA256, [HashAlgorithmName.SHA1, HashAlgorithmName.SHA256]);

        var expected = new[]
        {
            Pbkdf2("new secret", HashAlgorithmName.SHA256), Pbkdf2("new secret", HashAlgorithmName.SHA1),
            Pbkdf2("old secret", HashAlgorithmName.SHA256), Pbkdf2("old secret", HashAlgorithmName.SHA1),
        };
        Assert.Equal(expected.Select(Convert.ToHexString), keys.Current.ReadingKeys.ToArray().Select(Convert.ToHexString));
    }

    [Theory]
    [InlineData(false, "{\"_rails\":{\"message\":\"")]
    [InlineData(true, "{\"_rails\":{\"data\":{")]
    public void Encode_ThenDecrypt_WritesRailsEnvelopeWithPurpose(bool useMessageSerializer, string prefix)
    {
        var keys = RailsKeyDerivation.Ring([s_secret], HashAlgorithmName.SHA256, []);
        var codec = new RailsCodec(keys, s_cookieName, null, useMessageSerializer, new FakeTimeProvider(s_now));

        var value = Encode(codec, "{\"session_id\":\"0123456789abcdef0123456789abcdef\",\"count\":1}", s_now);

        var plaintext = Decrypt(value, keys.Current.WritingKey);
        Assert.StartsWith(prefix, plaintext, StringComparison.Ordinal);
        Assert.EndsWith($",\"pur\":\"cookie.{s_cookieName}\"}}}}", plaintext, StringComparison.Ordinal);
        Assert.Equal(useMessageSerializer ? "{\"_rails\":{\"data\":{\"session_id\":\"0123456789abcdef0123456789abcdef\",\"count\":1},\"pur\":\"cookie._shop_session\"}}" : "{\"_rails\":{\"message\":\"eyJzZXNzaW9uX2lkIjoiMDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYiLCJjb3VudCI6MX0=\",\"exp\":null,\"pur\":\"cookie._shop_session\"}}", plaintext);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Encode_WithExpireAfter_WritesExpiryRailsEnforces(bool useMessageSerializer)
    {
        var time = new FakeTimeProvider(s_now);
        var keys = RailsKeyDerivation.Ring([s_secret], HashAlgorithmName.SHA256, []);
        var codec = new RailsCodec(keys, s_cookieName, TimeSpan.FromHours(1), useMessageSerializer, time);
        const string json = "{\"session_id\":\"0123456789abcdef0123456789abcdef\",\"name\":\"Zoë\",\"nested\":{\"list\":[1,2.5,null]}}";

        var value = Encode(codec, json, s_now);

        Assert.Contains("\"exp\":\"2026-12-06T04:00:00.000Z\"", Decrypt(value, keys.Current.WritingKey), StringComparison.Ordinal);
        time.Advance(TimeSpan.FromMinutes(59));
        var fresh = codec.Decode(value);
        Assert.True(fresh.IsLoaded);
        Assert.Equal(json, Encoding.UTF8.GetString(fresh.Json));
        Assert.False(fresh.NeedsRenewal);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(SessionCookieRejection.Expired, codec.Decode(value).Rejection);
    }

    [Theory]
    [InlineData("{}", "")]
    [InlineData("{\"count\":1}", ",\"count\":1}")]
    [InlineData("{ \"a\":{\"session_id\":1}}", ",\"a\":{\"session_id\":1}}")]
    public void Encode_SessionWithoutSessionId_GetsOneFirstAsRailsMakesIt(string json, string rest)
    {
        var keys = RailsKeyDerivation.Ring([s_secret], HashAlgorithmName.SHA256, []);
        var codec = new RailsCodec(keys, s_cookieName, null, true, TimeProvider.System);

        var written = codec.Decode(Encode(codec, json, s_now));

        var session = Encoding.UTF8.GetString(written.Json);
        Assert.Matches("^\\{\"session_id\":\"[0-9a-f]{32}\"", session);
        Assert.Equal(rest.Length == 0 ? "}" : rest, session[48..]);
    }

    [Theory]
    [InlineData("{\"session_id\":\"abc\",\"a\":1}")]
    [InlineData("{\"a\":1,\"session\\u005fid\":\"abc\"}")]
    public void Encode_SessionWithSessionId_KeptByteForByte(string json)
    {
        var keys = RailsKeyDerivation.Ring([s_secret], HashAlgorithmName.SHA256, []);
        var codec = new RailsCodec(keys, s_cookieName, null, true, TimeProvider.System);

        Assert.Equal(json, Encoding.UTF8.GetString(codec.Decode(Encode(codec, json, s_now)).Json));
    }

    [Fact]
    public void Encode_TwiceTheSameSession_UsesFreshIvs()
    {
        var codec = new RailsCodec(RailsKeyDerivation.Ring([s_secret], HashAlgorithmName.SHA256, []), s_cookieName, null, false, TimeProvider.System);

        Assert.NotEqual(Encode(codec, "{}", s_now), Encode(codec, "{}", s_now));
    }

    [Fact]
    public void Decode_AnotherCookieName_PurposeMismatch()
    {
        var keys = RailsKeyDerivation.Ring([s_secret], HashAlgorithmName.SHA256, []);
        var value = Encode(new RailsCodec(keys, "_other_session", null, false, TimeProvider.System), "{\"a\":1}", s_now);

        var result = new RailsCodec(keys, s_cookieName, null, false, TimeProvider.System).Decode(value);

        Assert.Equal(SessionCookieRejection.PurposeMismatch, result.Rejection);
    }

    [Fact]
    public void Decode_EveryByteFlipped_Undecryptable()
    {
        var keys = RailsKeyDerivation.Ring([s_secret], HashAlgorithmName.SHA256, []);
        var codec = new RailsCodec(keys, s_cookieName, null, false, TimeProvider.System);
        var value = Encode(codec, "{\"role\":\"user\"}", s_now);
        var parts = value.Split("--");
        var data = Convert.FromBase64String(parts[0]);
        var iv = Convert.FromBase64String(parts[1]);
        var tag = Convert.FromBase64String(parts[2]);

        for (var part = 0; part < 3; part++)
        {
            var bytes = new[] { data, iv, tag }[part];
            for (var i = 0; i < bytes.Length; i++)
            {
                bytes[i] ^= 0x01;
                var tampered = string.Join("--", Convert.ToBase64String(data), Convert.ToBase64String(iv), Convert.ToBase64String(tag));
                Assert.Equal(SessionCookieRejection.Undecryptable, codec.Decode(tampered).Rejection);
                bytes[i] ^= 0x01;
            }
        }
    }

    [Theory]
    [InlineData("", nameof(SessionCookieRejection.MalformedEncoding))]
    [InlineData("--", nameof(SessionCookieRejection.MalformedEncoding))]
    [InlineData("abc", nameof(SessionCookieRejection.MalformedEncoding))]
    [InlineData("a--b--c", nameof(SessionCookieRejection.MalformedEncoding))]
    [InlineData("%zz", nameof(SessionCookieRejection.MalformedEncoding))]
    [InlineData("%E2%28", nameof(SessionCookieRejection.MalformedEncoding))]
    [InlineData("AAAA--AAAAAAAAAAAAAAAA--AAAAAAAAAAAAAAAAAAAAAA==", nameof(SessionCookieRejection.Undecryptable))]
    [InlineData("AAAA--AAAAAAAAAAAAAAAA--AAAAAAAAAAAAAAAAAAAAAAAA", nameof(SessionCookieRejection.MalformedEncoding))]
    [InlineData("AAAA--AAAAAAAAAAAAAAAA--AAAAAAAAAAAAAAAAAAAAAB==", nameof(SessionCookieRejection.MalformedEncoding))]
    [InlineData("AAA=--AAAAAAAAAAAAAAAA--AAAAAAAAAAAAAAAAAAAAAA==", nameof(SessionCookieRejection.Undecryptable))]
    [InlineData("AAB=--AAAAAAAAAAAAAAAA--AAAAAAAAAAAAAAAAAAAAAA==", nameof(SessionCookieRejection.MalformedEncoding))]
    [InlineData("AA A--AAAAAAAAAAAAAAAA--AAAAAAAAAAAAAAAAAAAAAA==", nameof(SessionCookieRejection.MalformedEncoding))]
    [InlineData("AAAA--AAAAAAAAAAAAAAA=--AAAAAAAAAAAAAAAAAAAAAA==", nameof(SessionCookieRejection.MalformedEncoding))]
    [InlineData("AA-A--AAAAAAAAAAAAAAAA--AAAAAAAAAAAAAAAAAAAAAA==", nameof(SessionCookieRejection.MalformedEncoding))]
    [InlineData("AAAA--AAAAAAAAAAAAAAAA--AAAAAAAAAAAAAAAAAAAAAAA==", nameof(SessionCookieRejection.MalformedEncoding))]
    [InlineData("AAAA--AAAAAAAAAAAAAAAA--AAAAAAAAAAAAAAAAAAAAAA==--", nameof(SessionCookieRejection.MalformedEncoding))]
    [InlineData("--AAAAAAAAAAAAAAAA--AAAAAAAAAAAAAAAAAAAAAA==", nameof(SessionCookieRejection.Undecryptable))]
    [InlineData("AAAA%2D%2DAAAAAAAAAAAAAAAA--AAAAAAAAAAAAAAAAAAAAAA%3D%3D", nameof(SessionCookieRejection.Undecryptable))]
    public void Decode_MalformedValue_Rejected(string value, string expected)
    {
        var codec = new RailsCodec(RailsKeyDerivation.Ring([s_secret], HashAlgorithmName.SHA256, []), s_cookieName, null, false, TimeProvider.System);

        Assert.Equal(expected, codec.Decode(value).Rejection.ToString());
    }

    [Fact]
    public void Decode_LongerThanAnyCookie_TooLarge()
    {
        var codec = new RailsCodec(RailsKeyDerivation.Ring([s_secret], HashAlgorithmName.SHA256, []), s_cookieName, null, false, TimeProvider.System);

        Assert.Equal(SessionCookieRejection.TooLarge, codec.Decode(new string('A', 3 * CookieSessionDefaults.MaxCookieSize + 1)).Rejection);
    }

    [Theory]
    [InlineData("{\"_rails\":{\"message\":\"not base64!\",\"exp\":null,\"pur\":\"cookie._shop_session\"}}", nameof(SessionCookieRejection.MalformedEncoding))]
    [InlineData("{\"_rails\":{\"message\":\"eyJhIjoxfQ==\",\"exp\":\"tomorrow\",\"pur\":\"cookie._shop_session\"}}", nameof(SessionCookieRejection.Malformed))]
    [InlineData("{\"_rails\":{\"message\":\"eyJhIjoxfQ==\",\"exp\":12,\"pur\":\"cookie._shop_session\"}}", nameof(SessionCookieRejection.Malformed))]
    [InlineData("{\"_rails\":{\"message\":\"eyJhIjoxfQ==\",\"exp\":null,\"pur\":7}}", nameof(SessionCookieRejection.Malformed))]
    [InlineData("{\"_rails\":{\"message\":7,\"exp\":null,\"pur\":\"cookie._shop_session\"}}", nameof(SessionCookieRejection.Malformed))]
    [InlineData("{\"_rails\":\"x\"}", nameof(SessionCookieRejection.Malformed))]
    [InlineData("{\"_rails\":{\"exp\":null,\"pur\":\"cookie._shop_session\"}}", nameof(SessionCookieRejection.Malformed))]
    [InlineData("{\"_rails\":{\"message\":\"eyJhIjoxfQ==\"", nameof(SessionCookieRejection.NotJsonObject))]
    [InlineData("{\"_rails\":{\"message\":\"\",\"exp\":null,\"pur\":\"}}", nameof(SessionCookieRejection.NotJsonObject))]
    [InlineData("{\"_rails\":{\"message\":\"\",\"exp\":\"2026-12-07T03:00:00.000Z\",\"pur\":\"}}", nameof(SessionCookieRejection.NotJsonObject))]
    [InlineData("{\"_rails\":{\"message\":\"WzFd\",\"exp\":null,\"pur\":\"cookie._shop_session\"}}", nameof(SessionCookieRejection.NotJsonObject))]
    [InlineData("{\"_rails\":{\"message\":\"BAh7AA==\",\"exp\":null,\"pur\":\"cookie._shop_session\"}}", nameof(SessionCookieRejection.UnsupportedSerializer))]
    [InlineData("{\"_rails\":{\"data\":{\"a\":1},\"exp\":\"2026-12-06T02:59:59Z\"}}", nameof(SessionCookieRejection.Expired))]
    [InlineData("{\"_rails\":{\"data\":{\"a\":1},\"pur\":\"cookie._other\"}}", nameof(SessionCookieRejection.PurposeMismatch))]
    [InlineData("{\"_rails\":{\"data\":\"text\",\"pur\":\"cookie._shop_session\"}}", nameof(SessionCookieRejection.NotJsonObject))]
    [InlineData("\u0004\u0008{\u0006", nameof(SessionCookieRejection.UnsupportedSerializer))]
    [InlineData("not json", nameof(SessionCookieRejection.NotJsonObject))]
    [InlineData("", nameof(SessionCookieRejection.NotJsonObject))]
    public void Decode_MalformedPlaintext_Rejected(string plaintext, string expected)
    {
        var keys = RailsKeyDerivation.Ring([s_secret], HashAlgorithmName.SHA256, []);
        var codec = new RailsCodec(keys, s_cookieName, null, false, new FakeTimeProvider(s_now));

        Assert.Equal(expected, codec.Decode(Encrypt(plaintext, keys.Current.WritingKey)).Rejection.ToString());
    }

    [Theory]
    [InlineData("{\"_rails\":{\"message\":\"eyJhIjoxfQ==\",\"exp\":null,\"pur\":null}}")]
    [InlineData("{\"_rails\":{\"message\":\"eyJhIjoxfQ==\",\"exp\":\"2026-12-06T05:00:00+01:00\",\"pur\":\"\"}}")]
    [InlineData("{\"_rails\":{\"data\":{\"a\":1}}}")]
    [InlineData("{\"_rails\":{\"data\":{\"a\":1},\"exp\":\"2026-12-06T03:00:01.5Z\",\"pur\":\"cookie._shop_session\"}}")]
    [InlineData("{\"\\u005frails\":{\"data\":{\"a\":1}}}")]
    [InlineData("{\"a\":1}")]
    public void Decode_EnvelopeRailsAccepts_Session(string plaintext)
    {
        var keys = RailsKeyDerivation.Ring([s_secret], HashAlgorithmName.SHA256, []);
        var codec = new RailsCodec(keys, s_cookieName, null, false, new FakeTimeProvider(s_now));

        var result = codec.Decode(Encrypt(plaintext, keys.Current.WritingKey));

        Assert.True(result.IsLoaded, $"rejected: {result.Rejection}");
        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(result.Json));
    }

    /// <summary>
    /// The cookie jars' envelope is read without a JSON reader when it is exactly as Rails writes it; the same envelope
    /// with a space after <c>"exp":</c> (the same JSON) goes through the reader, and both must give the same answer.
    /// </summary>
    [Theory]
    [InlineData("\"2026-12-06T03:00:00.001Z\"", "cookie._shop_session")]
    [InlineData("\"2026-12-06T03:00:00.000Z\"", "cookie._shop_session")]
    [InlineData("\"2026-12-06T02:59:59.999Z\"", "cookie._shop_session")]
    [InlineData("\"2028-02-29T00:00:00.000Z\"", "cookie._shop_session")]
    [InlineData("\"2027-02-29T00:00:00.000Z\"", "cookie._shop_session")]
    [InlineData("\"2026-13-01T00:00:00.000Z\"", "cookie._shop_session")]
    [InlineData("\"2026-12-06T24:00:00.000Z\"", "cookie._shop_session")]
    [InlineData("\"2026-12-06T23:59:60.000Z\"", "cookie._shop_session")]
    [InlineData("\"0000-12-06T03:00:00.000Z\"", "cookie._shop_session")]
    [InlineData("\"2026-12-06T03:00:00.000+01:00\"", "cookie._shop_session")]
    [InlineData("\"2026-12-O6T03:00:00.000Z\"", "cookie._shop_session")]
    [InlineData("\"2026-12-06 03:00:00.000Z\"", "cookie._shop_session")]
    [InlineData("\"9999-12-31T23:59:59.999Z\"", "cookie._shop_session")]
    [InlineData("null", "cookie._shop_session")]
    [InlineData("null", "cookie._other")]
    [InlineData("null", "")]
    [InlineData("null", "cookie._shop\\u005fsession")]
    [InlineData("null", "cookie._shop_session\\")]
    [InlineData("null", "cookie.\u00e9")]
    public void Decode_JarEnvelope_SameAnswerAsTheJsonReader(string expiry, string purpose)
    {
        var keys = RailsKeyDerivation.Ring([s_secret], HashAlgorithmName.SHA256, []);
        var codec = new RailsCodec(keys, s_cookieName, null, false, new FakeTimeProvider(s_now));
        foreach (var message in new[] { "eyJhIjoxfQ==", "eyJhIjoiYSJ9", "not base64!", "eyJhIjoxfQ", "BAh7AA==" })
        {
            var exact = $"{{\"_rails\":{{\"message\":\"{message}\",\"exp\":{expiry},\"pur\":\"{purpose}\"}}}}";
            var spaced = exact.Replace("\"exp\":", "\"exp\": ", StringComparison.Ordinal);

            var read = codec.Decode(Encrypt(exact, keys.Current.WritingKey));
            var readByReader = codec.Decode(Encrypt(spaced, keys.Current.WritingKey));

            Assert.Equal(readByReader.Rejection, read.Rejection);
            Assert.Equal(readByReader.Expires, read.Expires);
            Assert.Equal(readByReader.Json.ToArray(), read.Json.ToArray());
        }
    }

    [Fact]
    public void Decode_RandomMutationsOfRailsCookie_RejectedNeverThrown()
    {
        var vector = s_vectors.GetProperty("vectors")[0];
        var keys = RailsKeyDerivation.Ring([s_secret], new HashAlgorithmName(vector.GetProperty("digest").GetString()), []);
        var codec = new RailsCodec(keys, s_cookieName, null, false, TimeProvider.System);
        var original = Uri.UnescapeDataString(vector.GetProperty("value").GetString()!);
        var random = new Random(21);
        const string alphabet = "AZaz09+/=-%\u00e9 ";

        for (var i = 0; i < 2000; i++)
        {
            var chars = original.ToCharArray().ToList();
            for (var edits = random.Next(1, 4); edits > 0; edits--)
            {
                var at = random.Next(chars.Count);
                switch (random.Next(3))
                {
                    case 0: chars[at] = alphabet[random.Next(alphabet.Length)]; break;
                    case 1: chars.RemoveAt(at); break;
                    default: chars.Insert(at, alphabet[random.Next(alphabet.Length)]); break;
                }
            }

            var mutated = new string([.. chars]);
            if (mutated == original)
            {
                continue;
            }

            var result = codec.Decode(mutated);
            Assert.False(result.IsLoaded);
            Assert.NotEqual(SessionCookieRejection.None, result.Rejection);
        }
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    [InlineData(true, false)]
    public void Encode_SessionWithOrWithoutId_LeavesNoSessionInTheSharedPool(bool useMessageSerializer, bool hasId)
    {
        // A session with its id goes into the envelope as it is, one without is copied with a new id: either way, no
        // array given back to the pool (envelope, copy, ciphertext scratch) still holds the session.
        var keys = RailsKeyDerivation.Ring([s_secret], HashAlgorithmName.SHA256, []);
        var codec = new RailsCodec(keys, s_cookieName, null, useMessageSerializer, new FakeTimeProvider(s_now));
        var card = "{\"card\":\"4111-1111-1111-1111\",\"pad\":\"" + new string('x', 300) + "\"}";
        var json = hasId ? "{\"session_id\":\"0123456789abcdef0123456789abcdef\"," + card[1..] : card;

        var value = Encode(codec, json, s_now);

        var plaintext = Decrypt(value, keys.Current.WritingKey);
        Assert.Contains("4111-1111", useMessageSerializer ? plaintext : Encoding.UTF8.GetString(Convert.FromBase64String(JsonDocument.Parse(plaintext).RootElement.GetProperty("_rails").GetProperty("message").GetString()!)), StringComparison.Ordinal);
        var rented = new List<byte[]>();
        for (var size = 16; size <= 8192; size *= 2)
        {
            rented.Add(System.Buffers.ArrayPool<byte>.Shared.Rent(size));
        }

        try
        {
            Assert.All(rented, array => Assert.DoesNotContain("4111-1111", Encoding.ASCII.GetString(array), StringComparison.Ordinal));
        }
        finally
        {
            rented.ForEach(array => System.Buffers.ArrayPool<byte>.Shared.Return(array));
        }
    }

    private static string Encode(RailsCodec codec, string json, DateTimeOffset issuedAt)
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

    /// <summary>AES-256-GCM as Rails' MessageEncryptor writes it, from the parts, for plaintexts Rails would not write.</summary>
    private static string Encrypt(string plaintext, byte[] key)
    {
        var bytes = Encoding.UTF8.GetBytes(plaintext);
        var iv = RandomNumberGenerator.GetBytes(12);
        var data = new byte[bytes.Length];
        var tag = new byte[16];
        using var aes = new AesGcm(key, 16);
        aes.Encrypt(iv, bytes, data, tag);
        return Uri.EscapeDataString($"{Convert.ToBase64String(data)}--{Convert.ToBase64String(iv)}--{Convert.ToBase64String(tag)}");
    }

    private static string Decrypt(string value, byte[] key)
    {
        var parts = Uri.UnescapeDataString(value).Split("--").Select(Convert.FromBase64String).ToArray();
        var plaintext = new byte[parts[0].Length];
        using var aes = new AesGcm(key, 16);
        aes.Decrypt(parts[1], parts[0], parts[2], plaintext);
        return Encoding.UTF8.GetString(plaintext);
    }

    private static byte[] Pbkdf2(string secret, HashAlgorithmName digest)
        => Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes("authenticated encrypted cookie"), 1000, digest, 32);

    private static JsonElement LoadVectors()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var path = Path.Combine(directory.FullName, "tests", "interop", "rails", "rails-vectors.json");
            if (File.Exists(path))
            {
                return JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone();
            }
        }

        throw new FileNotFoundException("tests/interop/rails/rails-vectors.json");
    }
}
