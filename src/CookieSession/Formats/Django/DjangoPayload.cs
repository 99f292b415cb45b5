using System.Buffers;
using System.Buffers.Text;
using System.Text;
using CookieSession.Formats.Python;
using CookieSession.Json;

namespace CookieSession.Formats.Django;

/// <summary>
/// The part of Django's signed value before the timestamp: the session's JSON as <c>JSONSerializer</c> writes it
/// (compact, every character outside printable ASCII escaped: <see cref="PythonJson"/>; read back as Latin-1),
/// zlib-compressed when that is shorter by more than a byte (then prefixed with <c>.</c>), in URL-safe base64 without
/// padding. Django reads either form, so a write compresses only what is long enough to be worth it, at zlib's fastest level.
/// </summary>
internal static class DjangoPayload
{
    /// <summary>Marks a compressed payload; part of the wire format, never change it.</summary>
    public const byte CompressedMark = (byte)'.';

    /// <summary>The most JSON a compressed payload may inflate to (<see cref="PythonZlib.MaxInflatedLength"/>).</summary>
    public const int MaxInflatedLength = PythonZlib.MaxInflatedLength;

    /// <summary>What .NET's base64url decoder accepts and Django's does not: standard base64's characters, padding, whitespace.</summary>
    private static readonly SearchValues<byte> NotBase64Url = SearchValues.Create("+/= \t\r\n"u8);

    /// <summary>zlib's level 1: the fastest, whose output every zlib reads.</summary>
    private const int FastestLevel = 1;

    /// <summary>Appends the payload of <paramref name="json"/> (UTF-8) to <paramref name="value"/>, as ASCII.</summary>
    public static void Write(ReadOnlySpan<byte> json, ref PooledByteBuffer value)
    {
        var ascii = ArrayPool<byte>.Shared.Rent(Math.Max(1, PythonJson.MaxAsciiLength(json)));
        byte[]? compressed = null;
        try
        {
            var asciiLength = PythonJson.ToAscii(json, ascii);
            var data = ascii.AsSpan(0, asciiLength);

            // As Django decides, compressed only when that saves more than the one byte the mark costs; tried only from
            // the length where zlib's set-up is worth its saving.
            if (asciiLength >= PythonZlib.WorthCompressingFrom)
            {
                compressed = ArrayPool<byte>.Shared.Rent(asciiLength);
                var compressedLength = PythonZlib.Compress(data, compressed, FastestLevel);
                if (compressedLength >= 0 && compressedLength < asciiLength - 1)
                {
                    value.WriteByte(CompressedMark);
                    data = compressed.AsSpan(0, compressedLength);
                }
            }

            var span = value.GetSpan(Base64Url.GetEncodedLength(data.Length));
            value.Advance(Base64Url.EncodeToUtf8(data, span));
        }
        finally
        {
            // Both held the session.
            ArrayPool<byte>.Shared.Return(ascii, clearArray: true);
            if (compressed is not null)
            {
                ArrayPool<byte>.Shared.Return(compressed, clearArray: true);
            }
        }
    }

    /// <summary>
    /// Reads a verified payload (ASCII) into the session's JSON as UTF-8, in <paramref name="json"/> (rented from the
    /// shared pool; the caller returns it), or says why it cannot.
    /// </summary>
    public static SessionCookieRejection TryRead(ReadOnlySpan<byte> payload, out byte[]? json, out int length)
    {
        json = null;
        length = 0;
        var compressed = !payload.IsEmpty && payload[0] == CompressedMark;
        if (compressed)
        {
            payload = payload[1..];
        }

        var decoded = ArrayPool<byte>.Shared.Rent(Math.Max(1, Base64Url.GetMaxDecodedLength(payload.Length)));
        byte[]? inflated = null;
        try
        {
            if (payload.ContainsAny(NotBase64Url)
                || Base64Url.DecodeFromUtf8(payload, decoded, out _, out var decodedLength) != OperationStatus.Done)
            {
                return SessionCookieRejection.MalformedEncoding;
            }

            var data = decoded.AsSpan(0, decodedLength);
            if (compressed)
            {
                var rejection = PythonZlib.TryInflate(decoded, decodedLength, out inflated, out var inflatedLength);
                if (rejection != SessionCookieRejection.None)
                {
                    return rejection;
                }

                data = inflated!.AsSpan(0, inflatedLength);
            }

            // JSONSerializer decodes the bytes as Latin-1: each byte is the code point of its value.
            var nonAscii = Ascii.IsValid(data) ? 0 : CountNonAscii(data);
            json = ArrayPool<byte>.Shared.Rent(Math.Max(1, data.Length + nonAscii));
            length = Latin1ToUtf8(data, json);

            // The session holds its JSON as JSON.stringify writes it: Python's escapes of non-ASCII characters undone.
            length = PythonJson.ToJavaScriptForm(json.AsSpan(0, length));
            return SessionCookieRejection.None;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(decoded, clearArray: true);
            if (inflated is not null)
            {
                ArrayPool<byte>.Shared.Return(inflated, clearArray: true);
            }
        }
    }

    private static int CountNonAscii(ReadOnlySpan<byte> data)
    {
        var count = 0;
        foreach (var b in data)
        {
            count += b >> 7;
        }

        return count;
    }

    /// <summary>Each byte as the code point of its value, in UTF-8: ASCII unchanged, 0x80 to 0xFF in two bytes.</summary>
    private static int Latin1ToUtf8(ReadOnlySpan<byte> latin1, Span<byte> utf8)
    {
        if (Ascii.IsValid(latin1))
        {
            latin1.CopyTo(utf8);
            return latin1.Length;
        }

        var written = 0;
        foreach (var b in latin1)
        {
            if (b < 0x80)
            {
                utf8[written++] = b;
            }
            else
            {
                utf8[written++] = (byte)(0xC0 | (b >> 6));
                utf8[written++] = (byte)(0x80 | (b & 0x3F));
            }
        }

        return written;
    }
}
