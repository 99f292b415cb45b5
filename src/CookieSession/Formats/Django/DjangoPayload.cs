using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.IO.Compression;
using System.Text;
using CookieSession.Json;

namespace CookieSession.Formats.Django;

/// <summary>
/// The part of Django's signed value before the timestamp: the session's JSON as <c>JSONSerializer</c> writes it
/// (compact, every character outside printable ASCII escaped: <see cref="PythonJson"/>; read back as Latin-1),
/// zlib-compressed when that is shorter by more than a byte (then prefixed with <c>.</c>), in URL-safe base64 without
/// padding.
/// </summary>
internal static class DjangoPayload
{
    /// <summary>Marks a compressed payload; part of the wire format, never change it.</summary>
    public const byte CompressedMark = (byte)'.';

    /// <summary>
    /// The most JSON a compressed payload may inflate to: 64 KB, sixteen cookies, the largest session this library
    /// writes in any format, so that a small cookie can never make the server inflate megabytes.
    /// </summary>
    public const int MaxInflatedLength = 16 * CookieSessionDefaults.MaxCookieSize;

    /// <summary>Python's <c>zlib.compress</c> default level, which Django uses.</summary>
    private const int CompressionLevel = 6;

    /// <summary>Appends the payload of <paramref name="json"/> (UTF-8) to <paramref name="value"/>, as ASCII.</summary>
    public static void Write(ReadOnlySpan<byte> json, ref PooledByteBuffer value)
    {
        var ascii = ArrayPool<byte>.Shared.Rent(Math.Max(1, PythonJson.MaxAsciiLength(json)));
        byte[]? compressed = null;
        try
        {
            var asciiLength = PythonJson.ToAscii(json, ascii);
            var data = ascii.AsSpan(0, asciiLength);

            // As Django decides: compressed only when that saves more than the one byte the mark costs.
            compressed = ArrayPool<byte>.Shared.Rent(asciiLength + 64);
            var compressedLength = Compress(data, compressed);
            if (compressedLength >= 0 && compressedLength < asciiLength - 1)
            {
                value.WriteByte(CompressedMark);
                data = compressed.AsSpan(0, compressedLength);
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
            if (payload.IndexOfAny("+/= \t\r\n"u8) >= 0
                || Base64Url.DecodeFromUtf8(payload, decoded, out _, out var decodedLength) != OperationStatus.Done)
            {
                return SessionCookieRejection.MalformedEncoding;
            }

            var data = decoded.AsSpan(0, decodedLength);
            if (compressed)
            {
                inflated = ArrayPool<byte>.Shared.Rent(MaxInflatedLength + 1);
                var rejection = Inflate(decoded, decodedLength, inflated, out var inflatedLength);
                if (rejection != SessionCookieRejection.None)
                {
                    return rejection;
                }

                data = inflated.AsSpan(0, inflatedLength);
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

    private static SessionCookieRejection Inflate(byte[] compressed, int compressedLength, byte[] inflated, out int length)
    {
        length = 0;
        try
        {
            using var input = new MemoryStream(compressed, 0, compressedLength, writable: false);
            using var zlib = new ZLibStream(input, CompressionMode.Decompress);
            int read;
            while (length < inflated.Length && (read = zlib.Read(inflated, length, inflated.Length - length)) > 0)
            {
                length += read;
            }

            if (length > MaxInflatedLength)
            {
                return SessionCookieRejection.TooLarge;
            }

            // A stream cut short inflates without error here; Python's zlib refuses it, as its checksum is missing.
            return compressedLength >= 4 && BinaryPrimitives.ReadUInt32BigEndian(compressed.AsSpan(compressedLength - 4)) == Adler32(inflated.AsSpan(0, length))
                ? SessionCookieRejection.None
                : SessionCookieRejection.MalformedEncoding;
        }
        catch (InvalidDataException)
        {
            return SessionCookieRejection.MalformedEncoding;
        }
    }

    /// <summary>zlib's checksum (RFC 1950), which ends every zlib stream.</summary>
    private static uint Adler32(ReadOnlySpan<byte> data)
    {
        const uint Modulus = 65521;
        uint a = 1, b = 0;
        while (!data.IsEmpty)
        {
            // 5552 bytes is the most that can be summed before b could overflow 32 bits.
            var block = data[..Math.Min(data.Length, 5552)];
            foreach (var x in block)
            {
                a += x;
                b += a;
            }

            a %= Modulus;
            b %= Modulus;
            data = data[block.Length..];
        }

        return (b << 16) | a;
    }

    /// <summary>Compresses as <c>zlib.compress</c>; -1 when the output does not fit (it is then not shorter anyway).</summary>
    private static int Compress(ReadOnlySpan<byte> data, byte[] destination)
    {
        using var output = new MemoryStream(destination, 0, destination.Length, writable: true);
        try
        {
            using (var zlib = new ZLibStream(output, new ZLibCompressionOptions { CompressionLevel = CompressionLevel }, leaveOpen: true))
            {
                zlib.Write(data);
            }

            return (int)output.Position;
        }
        catch (NotSupportedException)
        {
            // The fixed-size stream is full: the output is longer than the input plus zlib's worst-case overhead.
            return -1;
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
