using System.Buffers;
using System.Buffers.Text;
using CookieSession.Formats.Python;
using CookieSession.Json;

namespace CookieSession.Formats.Flask;

/// <summary>
/// The payload of itsdangerous's <c>URLSafeSerializer</c>: the JSON in URL-safe base64 without padding, or, when zlib
/// makes it shorter by more than a byte, a <c>.</c> and the base64 of the JSON compressed with zlib (<see cref="PythonZlib"/>).
/// </summary>
/// <remarks>Part of the wire format shared with Flask: never change it.</remarks>
internal static class FlaskPayload
{
    /// <summary>The mark of a compressed payload.</summary>
    public const char CompressedMark = '.';

    /// <summary>The most bytes a compressed payload may inflate to (<see cref="PythonZlib.MaxInflatedLength"/>).</summary>
    public const int MaxInflatedLength = PythonZlib.MaxInflatedLength;

    /// <summary>zlib's level 1: the fastest, whose output every zlib reads.</summary>
    private const int FastestLevel = 1;

    /// <summary>
    /// Decodes a payload (signature checked before) into a buffer rented from <see cref="ArrayPool{T}.Shared"/>, which the
    /// caller owns on success: the JSON is its first <paramref name="length"/> bytes. Not UTF-8 is checked by the caller.
    /// </summary>
    public static SessionCookieRejection TryDecode(ReadOnlySpan<char> payload, out byte[]? json, out int length)
    {
        json = null;
        length = 0;
        var compressed = !payload.IsEmpty && payload[0] == CompressedMark;
        var text = compressed ? payload[1..] : payload;
        var decoded = ArrayPool<byte>.Shared.Rent(Math.Max(1, Base64Url.GetMaxDecodedLength(text.Length)));
        if (Base64Url.DecodeFromChars(text, decoded, out _, out var decodedLength) != OperationStatus.Done)
        {
            ArrayPool<byte>.Shared.Return(decoded, clearArray: true);
            return SessionCookieRejection.MalformedEncoding;
        }

        if (!compressed)
        {
            json = decoded;
            length = decodedLength;
            return SessionCookieRejection.None;
        }

        try
        {
            return PythonZlib.TryInflate(decoded, decodedLength, out json, out length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(decoded, clearArray: true);
        }
    }

    /// <summary>
    /// Appends the payload of <paramref name="json"/>: compressed (zlib's fastest level) when it is long enough for
    /// that to be worth trying and saves more than a byte, as itsdangerous decides; itsdangerous reads either form.
    /// </summary>
    public static void Encode(ReadOnlySpan<byte> json, ref PooledByteBuffer value)
    {
        var data = json;
        byte[]? compressed = null;
        try
        {
            if (json.Length >= PythonZlib.WorthCompressingFrom)
            {
                compressed = ArrayPool<byte>.Shared.Rent(json.Length);
                var compressedLength = PythonZlib.Compress(json, compressed, FastestLevel);
                if (compressedLength >= 0 && compressedLength < json.Length - 1)
                {
                    value.WriteByte((byte)CompressedMark);
                    data = compressed.AsSpan(0, compressedLength);
                }
            }

            var span = value.GetSpan(Base64Url.GetEncodedLength(data.Length));
            value.Advance(Base64Url.EncodeToUtf8(data, span));
        }
        finally
        {
            if (compressed is not null)
            {
                // It held the session.
                ArrayPool<byte>.Shared.Return(compressed, clearArray: true);
            }
        }
    }
}
