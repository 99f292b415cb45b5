using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using CookieSession.Cookies;
using CookieSession.Crypto;
using CookieSession.Formats.Connect;
using CookieSession.Signing;

namespace CookieSession.Benchmarks;

/// <summary>The pieces of a read and of a write, one by one, to see where a request's time goes beyond the HMAC.</summary>
[MemoryDiagnoser]
public class ComponentBenchmarks
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(SessionPayload.Secret);
    private readonly byte[] _payload = Encoding.UTF8.GetBytes("j:" + SessionPayload.Json);
    private readonly byte[] _mac = new byte[32];
    private readonly byte[] _decoded = new byte[2048];
    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false, MaxDepth = 64 };
    private static readonly JsonDocumentOptions Lenient = new() { MaxDepth = 64 };
    private readonly ReadOnlyMemory<byte> _json = Encoding.UTF8.GetBytes(SessionPayload.Json);
    private readonly Microsoft.AspNetCore.Http.CookieOptions _cookieOptions = new() { Path = "/", HttpOnly = true };
    private string _raw = null!;
    private string _railsRaw = null!;
    private byte[] _railsValue = null!;
    private byte[] _jsonBytes = null!;
    private int[] _jsonIndex = null!;
    private byte[] _signedValue = null!;
    private char[] _escaped = null!;
    private byte[] _offsetPayload = null!;
    private byte[] _signature = null!;
    private HMACSHA256 _instance = null!;
    private IncrementalHash _incremental = null!;
    private HmacSigner _signer = null!;
    private HmacPads? _pads;
    private HmacPads? _passwordPads;
    private AesGcm _aesGcm = null!;
    private GcmCipher? _directGcm;
    private readonly byte[] _nonce = new byte[12];
    private readonly byte[] _tag = new byte[16];
    private readonly byte[] _sealed = new byte[2048];
    private readonly byte[] _derived = new byte[32];
    private readonly byte[] _salt = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(new byte[32]));

    [GlobalSetup]
    public void Setup()
    {
        _signer = HmacSigner.ForCookieSignature([SessionPayload.Secret]);
        _instance = new HMACSHA256(_key);
        _incremental = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
        var mac = Convert.ToBase64String(HMACSHA256.HashData(_key, _payload)).TrimEnd('=');
        _raw = Uri.EscapeDataString("s:j:" + SessionPayload.Json + "." + mac);
        var rails = RailsLikeValue();
        _railsValue = Encoding.ASCII.GetBytes(rails);
        _railsRaw = Uri.EscapeDataString(rails);
        _offsetPayload = new byte[_payload.Length + 2];
        _payload.CopyTo(_offsetPayload, 2);
        _signature = Encoding.ASCII.GetBytes(mac);
        _jsonBytes = Encoding.UTF8.GetBytes(SessionPayload.Json);
        _jsonIndex = Json.RawJsonObject.Index(_jsonBytes)!;
        _signedValue = Encoding.UTF8.GetBytes("s:j:" + SessionPayload.Json + "." + mac);
        _escaped = new char[3 * Math.Max(_signedValue.Length, _railsValue.Length)];
        _pads = OpenSslSha.For(HashAlgorithmName.SHA256) is { } sha256 ? new HmacPads(sha256, _key) : null;
        _passwordPads = OpenSslSha.For(HashAlgorithmName.SHA1) is { } sha1 ? new HmacPads(sha1, _key) : null;
        _aesGcm = new AesGcm(new byte[32], 16);
        _directGcm = OpenSslGcm.IsAvailable ? new GcmCipher(new byte[32], direct: true) : null;
    }

    [Benchmark(Description = "HMAC-SHA256 from hashed pads (OpenSSL's SHA-256 directly; the library's HMAC on Linux)")]
    public byte[] HmacPadsCompute()
    {
        (_pads ?? throw new PlatformNotSupportedException("OpenSSL's SHA-256 is not called directly here.")).Compute(_payload, _mac);
        return _mac;
    }

    [Benchmark(Description = "AES-256-GCM seal of the session (.NET's AesGcm)")]
    public byte[] SealAesGcm()
    {
        _aesGcm.Encrypt(_nonce, _json.Span, _sealed.AsSpan(0, _json.Length), _tag);
        return _tag;
    }

    [Benchmark(Description = "AES-256-GCM seal of the session (OpenSSL directly; the library's on Linux)")]
    public byte[] SealDirectGcm()
    {
        (_directGcm ?? throw new PlatformNotSupportedException("OpenSSL's AES-GCM is not called directly here.")).Encrypt(_nonce, _json.Span, _sealed.AsSpan(0, _json.Length), _tag);
        return _tag;
    }

    [Benchmark(Description = "PBKDF2-HMAC-SHA1, one iteration, 32 bytes (.NET's)")]
    public byte[] Pbkdf2DotNet()
    {
        Rfc2898DeriveBytes.Pbkdf2(_key, _salt, _derived, 1, HashAlgorithmName.SHA1);
        return _derived;
    }

    [Benchmark(Description = "PBKDF2-HMAC-SHA1, one iteration, 32 bytes (hashed pads; the library's iron-session keys on Linux)")]
    public byte[] Pbkdf2Pads()
    {
        Pbkdf2.Derive(_passwordPads ?? throw new PlatformNotSupportedException("OpenSSL's SHA-1 is not called directly here."), _salt, 1, _derived);
        return _derived;
    }

    [Benchmark(Description = "HMAC-SHA256 (static HashData)")]
    public byte[] Hmac()
    {
        HMACSHA256.HashData(_key, _payload, _mac);
        return _mac;
    }

    [Benchmark(Description = "HMAC-SHA256 (reused HMACSHA256 instance)")]
    public byte[] HmacReusedInstance()
    {
        _instance.TryComputeHash(_payload, _mac, out _);
        return _mac;
    }

    [Benchmark(Baseline = true, Description = "floor: HMAC-SHA256 (reused IncrementalHash)")]
    public byte[] HmacIncremental()
    {
        _incremental.AppendData(_payload);
        _incremental.GetHashAndReset(_mac);
        return _mac;
    }

    [Benchmark(Description = "JsonDocument.Parse, duplicate keys refused")]
    public int ParseDocumentStrict()
    {
        using var document = JsonDocument.Parse(_json, Strict);
        return document.RootElement.ValueKind == JsonValueKind.Object ? 1 : 0;
    }

    [Benchmark(Description = "JsonDocument.Parse, duplicate keys allowed")]
    public int ParseDocument()
    {
        using var document = JsonDocument.Parse(_json, Lenient);
        return document.RootElement.ValueKind == JsonValueKind.Object ? 1 : 0;
    }

    [Benchmark(Description = "Utf8JsonReader pass")]
    public int ReaderPass()
    {
        var reader = new Utf8JsonReader(_json.Span);
        var n = 0;
        while (reader.Read())
        {
            n++;
        }

        return n;
    }

    [Benchmark(Description = "validate the JSON and index its keys (RawJsonObject.TryValidate)")]
    public int ValidateJson() => Json.RawJsonObject.TryValidate(_json.Span, out _, out var index) ? index!.Length : 0;

    [Benchmark(Description = "load a cached session, change one value, serialize it")]
    public int Serialize()
    {
        var data = new Session.SessionContents();
        data.Load(Formats.SessionCookieReadResult.Cached(_jsonBytes, needsRenewal: false, times: null, needsTree: false, _jsonIndex, expires: null));
        data.Set("counter", System.Text.Json.Nodes.JsonValue.Create(42));
        var buffer = new Json.PooledByteBuffer(_jsonBytes.Length + 64);
        data.Serialize(ref buffer);
        var length = buffer.Length;
        buffer.Dispose();
        return length;
    }

    [Benchmark(Description = "HMAC-SHA256 (reused, data at offset 2)")]
    public byte[] HmacOffset()
    {
        _incremental.AppendData(_offsetPayload.AsSpan(2, _payload.Length));
        _incremental.GetHashAndReset(_mac);
        return _mac;
    }

    [Benchmark(Description = "HmacSigner.Verify")]
    public int SignerVerify() => _signer.Verify(_payload, _signature);

    [Benchmark(Description = "percent-decode the cookie value")]
    public int Decode()
    {
        UriComponent.TryDecode(_raw, _decoded, out var written);
        return written;
    }

    [Benchmark(Description = "percent-decode a Rails cookie value (base64, its + / = escaped)")]
    public int DecodeRails()
    {
        UriComponent.TryDecode(_railsRaw, _decoded, out var written);
        return written;
    }

    [Benchmark(Description = "percent-encode the cookie value")]
    public int Escape() => UriComponent.Escape(_signedValue, _escaped);

    [Benchmark(Description = "percent-encode a Rails cookie value (base64, its + / = escaped)")]
    public int EscapeRails() => UriComponent.Escape(_railsValue, _escaped);

    [Benchmark(Description = "sign the value (s:j:JSON.MAC)")]
    public int SignValue()
    {
        var buffer = new Json.PooledByteBuffer(_json.Length + 64);
        SignedCookieValue.Sign(SignedCookieValue.JsonPrefix, _json.Span, _signer, ref buffer);
        var length = buffer.Length;
        buffer.Dispose();
        return length;
    }

    [Benchmark(Description = "format the Set-Cookie header (percent-encoded)")]
    public int FormatSetCookie()
        => SetCookieWriter.Format("connect.sess", _signedValue, CookieValueEncoding.Percent, _cookieOptions).Length;

    [Benchmark(Description = "decode + verify (TryUnsign)")]
    public int Unsign()
    {
        SignedCookieValue.TryUnsign(_raw, _signer, out var rented, out _, out var length, out _);
        System.Buffers.ArrayPool<byte>.Shared.Return(rented!);
        return length;
    }

    /// <summary>
    /// A value shaped as Rails writes its encrypted session cookie for the benchmarks' session (ciphertext, IV and tag in
    /// strict base64, joined by "--"), before Rack escapes it: the same bytes in every run, so that two builds encode and
    /// decode the same escapes.
    /// </summary>
    private static string RailsLikeValue()
    {
        var random = new Random(2026);
        string Base64(int length)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            return Convert.ToBase64String(bytes);
        }

        return Base64(SessionPayload.Json.Length + 70) + "--" + Base64(12) + "--" + Base64(16);
    }
}
