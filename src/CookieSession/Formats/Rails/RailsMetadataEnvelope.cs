using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using CookieSession.Json;

namespace CookieSession.Formats.Rails;

/// <summary>
/// <c>ActiveSupport::Messages::Metadata</c>: the purpose and expiry Rails seals with a message. Two envelopes exist,
/// and both are read:
/// <list type="bullet">
/// <item>the one Rails' cookie jars write in every version from 5.2 (their serializer is the encryptor's null one):
/// <c>{"_rails":{"message":"&lt;base64 of the session's JSON&gt;","exp":"&lt;ISO 8601&gt;"|null,"pur":"cookie.&lt;name&gt;"}}</c>;</item>
/// <item>the one a Rails 7.1 <c>MessageEncryptor</c> writes with its message serializer for metadata
/// (<c>use_message_serializer_for_metadata</c>):
/// <c>{"_rails":{"data":&lt;the session&gt;,"exp":"&lt;ISO 8601&gt;","pur":"cookie.&lt;name&gt;"}}</c>, <c>exp</c> left out when there is none.</item>
/// </list>
/// A plaintext with no <c>_rails</c> key is the session itself, as Rails 5.2 wrote it without cookie metadata.
/// </summary>
internal static class RailsMetadataEnvelope
{
    /// <summary>The envelope's key and fields. Part of the wire format: never change them.</summary>
    private static ReadOnlySpan<byte> LegacyPrefix => "{\"_rails\":{\"message\":\""u8;

    private static ReadOnlySpan<byte> DataPrefix => "{\"_rails\":{\"data\":"u8;

    private static ReadOnlySpan<byte> RailsKey => "_rails"u8;

    /// <summary>The purpose Rails' cookie jars seal a cookie with: its name, after <c>cookie.</c>. Part of the wire format: never change it.</summary>
    public const string PurposePrefix = "cookie.";

    /// <summary>
    /// Finds the serialized session in a decrypted plaintext and checks its metadata as Rails does: refused past
    /// <c>exp</c>, and unless <c>pur</c> is <paramref name="purpose"/> or absent (Rails reads a cookie under its
    /// purpose, then under none). The session is <paramref name="payload"/>[<paramref name="offset"/>..+<paramref name="length"/>]:
    /// the plaintext itself, or, for the legacy envelope, a new array rented from the shared pool, in which case the
    /// plaintext went back to the pool.
    /// </summary>
    public static SessionCookieRejection TryUnwrap(byte[] plaintext, int plaintextLength, ReadOnlySpan<byte> purpose, DateTimeOffset now,
        out byte[] payload, out int offset, out int length, out DateTimeOffset? expires)
    {
        expires = null;
        payload = plaintext;
        offset = 0;
        length = plaintextLength;
        var span = plaintext.AsSpan(0, plaintextLength);
        if (!IsEnvelope(span))
        {
            return SessionCookieRejection.None;
        }

        if (TryReadJarEnvelope(span, out var jarMessage, out var jarExpiry, out var jarPurpose))
        {
            expires = jarExpiry;
            var metadata = CheckMetadata(expires, now, hasPurpose: !jarPurpose.IsEmpty, purposeMatches: jarPurpose.SequenceEqual(purpose));
            return metadata != SessionCookieRejection.None ? metadata : DecodeMessage(plaintext, jarMessage, out payload, out offset, out length);
        }

        var reader = new Utf8JsonReader(span, new JsonReaderOptions { MaxDepth = CookieSessionDefaults.MaxDepth + 2 });
        var message = default(ReadOnlySpan<byte>);
        var messageIsEscaped = false;
        var hasMessage = false;
        var hasData = false;
        var hasPurpose = false;
        var purposeMatches = false;
        try
        {
            reader.Read(); // {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!reader.ValueTextEquals(RailsKey))
                {
                    reader.Read();
                    reader.Skip();
                    continue;
                }

                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    return SessionCookieRejection.Malformed;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("message"u8))
                    {
                        reader.Read();
                        if (reader.TokenType != JsonTokenType.String)
                        {
                            return SessionCookieRejection.Malformed;
                        }

                        hasMessage = true;
                        message = reader.ValueSpan;
                        messageIsEscaped = reader.ValueIsEscaped;
                    }
                    else if (reader.ValueTextEquals("data"u8))
                    {
                        reader.Read();
                        hasData = true;
                        offset = (int)reader.TokenStartIndex;
                        reader.Skip();
                        length = (int)reader.BytesConsumed - offset;
                    }
                    else if (reader.ValueTextEquals("exp"u8))
                    {
                        reader.Read();
                        if (reader.TokenType == JsonTokenType.String)
                        {
                            if (!TryParseExpiry(reader.GetString()!, out var parsed))
                            {
                                return SessionCookieRejection.Malformed;
                            }

                            expires = parsed;
                        }
                        else if (reader.TokenType != JsonTokenType.Null)
                        {
                            return SessionCookieRejection.Malformed;
                        }
                    }
                    else if (reader.ValueTextEquals("pur"u8))
                    {
                        reader.Read();
                        if (reader.TokenType == JsonTokenType.String)
                        {
                            hasPurpose = !reader.ValueTextEquals(""u8);
                            purposeMatches = reader.ValueTextEquals(purpose);
                        }
                        else if (reader.TokenType != JsonTokenType.Null)
                        {
                            return SessionCookieRejection.Malformed;
                        }
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
            }
        }
        catch (JsonException)
        {
            return SessionCookieRejection.NotJsonObject;
        }

        var rejection = CheckMetadata(expires, now, hasPurpose, purposeMatches);
        if (rejection != SessionCookieRejection.None)
        {
            return rejection;
        }

        if (hasData && !hasMessage)
        {
            return SessionCookieRejection.None;
        }

        if (!hasMessage || messageIsEscaped)
        {
            // Strict base64 never needs a JSON escape; a message that has one, or none at all, is not Rails'.
            return SessionCookieRejection.Malformed;
        }

        return DecodeMessage(plaintext, message, out payload, out offset, out length);
    }

    /// <summary>Rails' checks of the metadata, in its order: refused past <c>exp</c>, then under another purpose than its own.</summary>
    private static SessionCookieRejection CheckMetadata(DateTimeOffset? expires, DateTimeOffset now, bool hasPurpose, bool purposeMatches)
        => expires is { } expiry && now >= expiry ? SessionCookieRejection.Expired
            : hasPurpose && !purposeMatches ? SessionCookieRejection.PurposeMismatch
            : SessionCookieRejection.None;

    /// <summary>Base64-decodes the legacy envelope's message into a rented array, and gives the plaintext back to the pool.</summary>
    private static SessionCookieRejection DecodeMessage(byte[] plaintext, ReadOnlySpan<byte> message, out byte[] payload, out int offset, out int length)
    {
        payload = plaintext;
        offset = 0;
        length = 0;
        var decoded = ArrayPool<byte>.Shared.Rent(Math.Max(1, Base64.GetMaxDecodedFromUtf8Length(message.Length)));
        if (!RailsEncryptedMessage.TryDecodeStrict(message, decoded, out var decodedLength))
        {
            ArrayPool<byte>.Shared.Return(decoded);
            return SessionCookieRejection.MalformedEncoding;
        }

        ArrayPool<byte>.Shared.Return(plaintext, clearArray: true);
        payload = decoded;
        offset = 0;
        length = decodedLength;
        return SessionCookieRejection.None;
    }

    /// <summary>
    /// Appends the envelope Rails writes around a session's JSON: the cookie jars' (<paramref name="useMessageSerializer"/>
    /// <see langword="false"/>), or a 7.1 <c>MessageEncryptor</c>'s with its serializer for metadata.
    /// </summary>
    public static void Wrap(ReadOnlySpan<byte> json, ReadOnlySpan<byte> purpose, DateTimeOffset? expires, bool useMessageSerializer, ref PooledByteBuffer destination)
    {
        if (useMessageSerializer)
        {
            destination.Write(DataPrefix);
            destination.Write(json);
            if (expires is { } expiry)
            {
                destination.Write(",\"exp\":\""u8);
                WriteExpiry(expiry, ref destination);
                destination.WriteByte((byte)'"');
            }
        }
        else
        {
            destination.Write(LegacyPrefix);
            RailsEncryptedMessage.WriteBase64(json, ref destination);
            destination.Write("\",\"exp\":"u8);
            if (expires is { } expiry)
            {
                destination.WriteByte((byte)'"');
                WriteExpiry(expiry, ref destination);
                destination.WriteByte((byte)'"');
            }
            else
            {
                destination.Write("null"u8);
            }
        }

        destination.Write(",\"pur\":\""u8);
        destination.Write(purpose);
        destination.Write("\"}}"u8);
    }

    /// <summary>The length <see cref="Wrap"/> writes at most for JSON of this length.</summary>
    public static int MaxWrappedLength(int jsonLength, int purposeLength)
        => LegacyPrefix.Length + Base64.GetMaxEncodedToUtf8Length(jsonLength) + 64 + purposeLength;

    /// <summary>Ruby's <c>Time#iso8601(3)</c> in UTC: <c>2026-12-20T03:00:00.000Z</c>.</summary>
    private static void WriteExpiry(DateTimeOffset expiry, ref PooledByteBuffer destination)
    {
        var span = destination.GetSpan(24);
        expiry.UtcDateTime.TryFormat(span, out var written, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        destination.Advance(written);
    }

    /// <summary>Ruby's <c>Time.iso8601</c>: a date and time with an optional fraction and a <c>Z</c> or an offset.</summary>
    private static bool TryParseExpiry(string value, out DateTimeOffset expiry)
        => DateTimeOffset.TryParseExact(value, ExpiryFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out expiry);

    private static readonly string[] ExpiryFormats = ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ssK"];

    /// <summary>
    /// Reads the envelope exactly as Rails' cookie jars write it, byte for byte:
    /// <c>{"_rails":{"message":"&lt;base64&gt;","exp":"yyyy-MM-ddTHH:mm:ss.fffZ"|null,"pur":"&lt;purpose&gt;"}}</c>, with
    /// no whitespace, escape or other key. Anything else, valid or not, is left to <see cref="Utf8JsonReader"/>, which
    /// gives the same answers for this shape: this only spares every first sight of a Rails cookie a general JSON read.
    /// </summary>
    private static bool TryReadJarEnvelope(ReadOnlySpan<byte> plaintext, out ReadOnlySpan<byte> message, out DateTimeOffset? expires, out ReadOnlySpan<byte> purpose)
    {
        message = default;
        expires = null;
        purpose = default;
        if (!plaintext.StartsWith(LegacyPrefix))
        {
            return false;
        }

        var rest = plaintext[LegacyPrefix.Length..];
        var end = rest.IndexOfAnyExcept(Base64Bytes);
        if (end < 0 || rest[end] != (byte)'"')
        {
            return false;
        }

        message = rest[..end];
        rest = rest[(end + 1)..];
        if (!rest.StartsWith(",\"exp\":"u8))
        {
            return false;
        }

        rest = rest[",\"exp\":".Length..];
        if (rest.StartsWith("null"u8))
        {
            rest = rest["null".Length..];
        }
        else if (rest.Length > JarExpiryLength + 2 && rest[0] == (byte)'"' && rest[JarExpiryLength + 1] == (byte)'"'
            && TryParseJarExpiry(rest.Slice(1, JarExpiryLength), out var expiry))
        {
            expires = expiry;
            rest = rest[(JarExpiryLength + 2)..];
        }
        else
        {
            return false;
        }

        // The two must not share a quote: the purpose lies between them.
        if (rest.Length < ",\"pur\":\"\"}}".Length || !rest.StartsWith(",\"pur\":\""u8) || !rest.EndsWith("\"}}"u8))
        {
            return false;
        }

        purpose = rest[",\"pur\":\"".Length..^"\"}}".Length];
        return purpose.IndexOfAnyExcept(PlainStringBytes) < 0;
    }

    /// <summary>The length of <c>Time#iso8601(3)</c> in UTC, which Rails' cookie jars write: <c>2026-12-20T03:00:00.000Z</c>.</summary>
    private const int JarExpiryLength = 24;

    /// <summary>
    /// <c>Time#iso8601(3)</c> in UTC, each digit where Rails writes it; false for anything else (a calendar date that
    /// does not exist included), which the general reading then parses or refuses as it always does.
    /// </summary>
    private static bool TryParseJarExpiry(ReadOnlySpan<byte> text, out DateTimeOffset expiry)
    {
        expiry = default;
        if (text[4] != (byte)'-' || text[7] != (byte)'-' || text[10] != (byte)'T' || text[13] != (byte)':'
            || text[16] != (byte)':' || text[19] != (byte)'.' || text[23] != (byte)'Z')
        {
            return false;
        }

        if (!TryDigits(text[..4], out var year) || !TryDigits(text.Slice(5, 2), out var month) || !TryDigits(text.Slice(8, 2), out var day)
            || !TryDigits(text.Slice(11, 2), out var hour) || !TryDigits(text.Slice(14, 2), out var minute)
            || !TryDigits(text.Slice(17, 2), out var second) || !TryDigits(text.Slice(20, 3), out var millisecond))
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        expiry = new DateTimeOffset(year, month, day, hour, minute, second, millisecond, TimeSpan.Zero);
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<byte> digits, out int value)
    {
        value = 0;
        foreach (var digit in digits)
        {
            if ((uint)(digit - '0') > 9)
            {
                return false;
            }

            value = (value * 10) + (digit - '0');
        }

        return true;
    }

    /// <summary>What strict base64 is written with: a message holding anything else is left to the general reading.</summary>
    private static readonly SearchValues<byte> Base64Bytes = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="u8);

    /// <summary>Printable ASCII but <c>"</c> and <c>\</c>: a JSON string of these reads as its bytes.</summary>
    private static readonly SearchValues<byte> PlainStringBytes = SearchValues.Create(
        " !#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~"u8);

    /// <summary>Whether the plaintext is a JSON object with a <c>_rails</c> key (Rails' <c>data.key?("_rails")</c>), seen cheaply first.</summary>
    private static bool IsEnvelope(ReadOnlySpan<byte> plaintext)
    {
        if (plaintext.StartsWith(LegacyPrefix) || plaintext.StartsWith(DataPrefix))
        {
            return true;
        }

        if (plaintext.IndexOf("\"_rails\""u8) < 0 && plaintext.IndexOf("\\u"u8) < 0)
        {
            return false;
        }

        // A key spelled with escapes, or not first: read the top level's keys.
        try
        {
            var reader = new Utf8JsonReader(plaintext, new JsonReaderOptions { MaxDepth = CookieSessionDefaults.MaxDepth + 2 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(RailsKey))
                {
                    return true;
                }

                reader.Read();
                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }

        return false;
    }
}
