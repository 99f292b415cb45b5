using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CookieSession.Demo.Inspection;

/// <summary>
/// Takes the session cookie of a request apart as each format defines it, from the cookies as the browser sent them.
/// It verifies and decrypts nothing: that is the library's job, and the page shows what the library made of it beside.
/// </summary>
internal static class CookieInspector
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static CookieInspection Inspect(HttpRequest request, CookieSessionFormat format, string cookieName)
    {
        var all = SentCookie.AllOf(request.Headers.Cookie);
        var (cookies, chunks, parts, payload) = format switch
        {
            CookieSessionFormat.Connect => Connect(all, cookieName),
            CookieSessionFormat.ExpressCookieSession => Express(all, cookieName),
            CookieSessionFormat.Protected => Protected(all, cookieName),
            CookieSessionFormat.IronSession => Iron(all, cookieName),
            _ => Taken.None,
        };

        return new CookieInspection
        {
            Format = format,
            CookieName = cookieName,
            Cookies = cookies,
            Chunks = chunks,
            Parts = parts,
            Payload = payload,
            OtherCookieNames = all.Where(c => !cookies.Contains(c)).Select(c => c.Name).ToList(),
        };
    }

    private static Taken Connect(IReadOnlyList<SentCookie> all, string name)
    {
        if (Find(all, name) is not { } cookie)
        {
            return Taken.None;
        }

        // s:j:<JSON>.<signature>, percent-encoded.
        var value = Uri.UnescapeDataString(cookie.Value);
        var parts = new List<CookiePart>();
        if (!value.StartsWith("s:", StringComparison.Ordinal))
        {
            parts.Add(new("value", value, "Not a signed value: Connect's values start with s:."));
            return new([cookie], 0, parts, cookie);
        }

        var signed = value[2..];
        var dot = signed.LastIndexOf('.');
        var content = dot < 0 ? signed : signed[..dot];
        if (content.StartsWith("j:", StringComparison.Ordinal))
        {
            parts.Add(new("prefix", "s:j:", "cookie-parser's prefixes: s: a signed value, j: a JSON value."));
            parts.Add(JsonPart("payload", content[2..], "The session as JSON, percent-decoded: anyone who holds the cookie reads it; only the secret can sign it."));
        }
        else
        {
            parts.Add(new("prefix", "s:", "cookie-parser's prefix of a signed value."));
            parts.Add(new("payload", content, "Not JSON: Connect's sessions start with s:j:."));
        }

        parts.Add(new(
            "signature",
            dot < 0 ? "(none)" : signed[(dot + 1)..],
            "After the last dot: HMAC-SHA256 of everything between s: and the dot under the secret, base64 without padding."));
        return new([cookie], 0, parts, cookie);
    }

    private static Taken Express(IReadOnlyList<SentCookie> all, string name)
    {
        if (Find(all, name) is not { } cookie)
        {
            return Taken.None;
        }

        var signature = Find(all, name + ".sig");
        var parts = new List<CookiePart>
        {
            new(name, cookie.Value, "The session's JSON in base64, as it travels."),
        };
        parts.Add(TryBase64(cookie.Value) is { } json
            ? JsonPart("decoded", json, "The base64 decoded: anyone who holds the cookie reads it.")
            : new("decoded", "(not base64)", "The value does not decode as base64."));
        parts.Add(new(
            name + ".sig",
            signature?.Value ?? "(missing)",
            $"A second cookie: keygrip's HMAC-SHA1 of \"{name}=<value>\" under the secret, URL-safe base64 without padding."));
        return new(signature is null ? [cookie] : [cookie, signature], 0, parts, cookie);
    }

    private static Taken Protected(IReadOnlyList<SentCookie> all, string name)
    {
        if (Find(all, name) is not { } first)
        {
            return Taken.None;
        }

        var cookies = new List<SentCookie> { first };
        var parts = new List<CookiePart>();
        var value = first.Value;
        var payload = first;
        if (first.Value.StartsWith("chunks-", StringComparison.Ordinal)
            && int.TryParse(first.Value.AsSpan(7), NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count is > 0 and <= 16)
        {
            // name=chunks-N, then nameC1 ... nameCN, as ASP.NET's chunking cookie manager writes them.
            var joined = new StringBuilder();
            for (var i = 1; i <= count && Find(all, name + "C" + i.ToString(CultureInfo.InvariantCulture)) is { } chunk; i++)
            {
                cookies.Add(chunk);
                joined.Append(chunk.Value);
            }

            payload = cookies.Count > 1 ? cookies[1] : first;
            value = joined.ToString();
            parts.Add(new(name, first.Value, $"The count: the value is split over {count} cookies, {name}C1 to {name}C{count}."));
        }

        var bytes = new byte[Base64Url.GetMaxDecodedLength(value.Length)];
        if (Base64Url.DecodeFromChars(value, bytes, out _, out var written) != System.Buffers.OperationStatus.Done)
        {
            parts.Add(new("value", value, "Not base64url: the library refuses it before any decryption.", CookiePartKind.Opaque));
            return new(cookies, cookies.Count - 1, parts, payload);
        }

        // The envelope: [1] version, [2] key length L, [L] wrapped data key, [12] nonce, [n] ciphertext, [16] tag.
        var envelope = bytes.AsSpan(0, written);
        const int nonce = 12, tag = 16;
        var keyLength = envelope.Length >= 3 ? BinaryPrimitives.ReadUInt16BigEndian(envelope[1..]) : -1;
        if (keyLength < 0 || envelope.Length < 3 + keyLength + nonce + tag)
        {
            parts.Add(new("value", value, "Too short for the envelope the library writes.", CookiePartKind.Opaque));
            return new(cookies, cookies.Count - 1, parts, payload);
        }

        var wrapped = envelope.Slice(3, keyLength);
        var keyId = wrapped.Length >= 20 && wrapped[..4].SequenceEqual(new byte[] { 0x09, 0xF0, 0xC9, 0xF0 })
            ? $" Its Data Protection key: {new Guid(wrapped.Slice(4, 16))}."
            : string.Empty;
        var ciphertext = envelope.Slice(3 + keyLength + nonce, envelope.Length - 3 - keyLength - nonce - tag);
        parts.Add(new("version", envelope[0].ToString(CultureInfo.InvariantCulture), "The envelope's layout version."));
        parts.Add(new("data key", Base64Url.EncodeToString(wrapped), $"{keyLength} bytes: the AES-256-GCM data key, protected by ASP.NET Core Data Protection under the key ring.{keyId}", CookiePartKind.Opaque));
        parts.Add(new("nonce", Base64Url.EncodeToString(envelope.Slice(3 + keyLength, nonce)), "12 random bytes, new for every cookie.", CookiePartKind.Opaque));
        parts.Add(new("ciphertext", Base64Url.EncodeToString(ciphertext), $"{ciphertext.Length} bytes: the session's creation and issue times and its JSON, encrypted with the data key. Nobody reads it without the key ring.", CookiePartKind.Opaque));
        parts.Add(new("tag", Base64Url.EncodeToString(envelope[^tag..]), "16 bytes: AES-GCM's authentication tag over the ciphertext and everything before the nonce. Change one bit anywhere and the cookie does not open.", CookiePartKind.Opaque));
        return new(cookies, cookies.Count - 1, parts, payload);
    }

    private static Taken Iron(IReadOnlyList<SentCookie> all, string name)
    {
        var cookies = new List<SentCookie>();
        string value;
        if (Find(all, name) is { Value.Length: > 0 } whole)
        {
            cookies.Add(whole);
            value = whole.Value;
        }
        else
        {
            // iron-session 9 splits a long seal over name.0 ... name.3.
            for (var i = 0; i < 4 && Find(all, name + "." + i.ToString(CultureInfo.InvariantCulture)) is { Value.Length: > 0 } chunk; i++)
            {
                cookies.Add(chunk);
            }

            value = string.Concat(cookies.Select(c => c.Value));
        }

        if (cookies.Count == 0)
        {
            return Taken.None;
        }

        var chunks = cookies[0].Name == name ? 0 : cookies.Count;
        var tilde = value.IndexOf('~', StringComparison.Ordinal);
        var seal = tilde < 0 ? value : value[..tilde];
        var fields = seal.Split('*');
        var parts = new List<CookiePart>();
        if (fields.Length != 8)
        {
            parts.Add(new("value", value, "Not an iron seal: a seal has eight parts separated by *.", CookiePartKind.Opaque));
            return new(cookies, chunks, parts, cookies[0]);
        }

        var cipherBytes = Base64Url.GetMaxDecodedLength(fields[4].Length);
        parts.Add(new("prefix", fields[0], "Fe26.2: iron's seal, version 2."));
        parts.Add(new("password id", fields[1], "Which password sealed it: 1 is CookieSession:Secret (iron-session's password)."));
        parts.Add(new("encryption salt", fields[2], "Random, in hex: with the password, derives the AES-256 key (PBKDF2).", CookiePartKind.Opaque));
        parts.Add(new("iv", fields[3], "AES-CBC's random initialization vector, base64url.", CookiePartKind.Opaque));
        parts.Add(new("ciphertext", fields[4], $"About {cipherBytes} bytes: the session's JSON encrypted with AES-256-CBC. Nobody reads it without the password.", CookiePartKind.Opaque));
        parts.Add(new("expiration", fields[5], ExpirationText(fields[5])));
        parts.Add(new("HMAC salt", fields[6], "Random, in hex: with the password, derives the integrity key.", CookiePartKind.Opaque));
        parts.Add(new("HMAC", fields[7], "HMAC-SHA256 of the first six parts, base64url: change one character of them and the seal is refused.", CookiePartKind.Opaque));
        if (tilde >= 0)
        {
            parts.Add(new("suffix", value[tilde..], "iron-session's version (~2), outside the seal."));
        }

        return new(cookies, chunks, parts, cookies[0]);
    }

    private static string ExpirationText(string milliseconds)
        => long.TryParse(milliseconds, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms is > 0 and < 253402300799999
            ? $"Unix milliseconds: the seal is refused after {DateTimeOffset.FromUnixTimeMilliseconds(ms):yyyy-MM-dd HH:mm:ss} UTC (iron-session's ttl)."
            : "Unix milliseconds; empty for a seal that never expires.";

    private static CookiePart JsonPart(string label, string json, string description)
    {
        try
        {
            return new(label, JsonNode.Parse(json)?.ToJsonString(s_indented) ?? "null", description, CookiePartKind.Json);
        }
        catch (JsonException)
        {
            return new(label, json, description + " (It is not valid JSON.)");
        }
    }

    private static string? TryBase64(string value)
    {
        var bytes = new byte[(value.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(value, bytes, out var written))
        {
            return null;
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, written);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static SentCookie? Find(IReadOnlyList<SentCookie> all, string name) => all.FirstOrDefault(c => c.Name == name);

    private sealed record Taken(IReadOnlyList<SentCookie> Cookies, int Chunks, IReadOnlyList<CookiePart> Parts, SentCookie? Payload)
    {
        public static Taken None { get; } = new([], 0, [], null);
    }
}
