using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace CookieSession.Formats.Python;

/// <summary>
/// zlib streams (RFC 1950) as Python's <c>zlib.compress</c> writes them and <c>zlib.decompress</c> reads them, for the
/// payloads of itsdangerous (Flask) and <c>django.core.signing</c> (Django), which both mark a compressed payload with a
/// leading <c>.</c> and use it only when it is shorter by more than that byte.
/// </summary>
internal static class PythonZlib
{
    /// <summary>
    /// The most bytes a payload may inflate to: sixteen times the largest cookie, far more than any session a cookie
    /// holds, and a bound on the memory a small forged or leaked value can make a request take.
    /// </summary>
    public const int MaxInflatedLength = 16 * CookieSessionDefaults.MaxCookieSize;

    /// <summary>
    /// The shortest data worth compressing on a write: below it zlib saves a few bytes of a small cookie while setting up
    /// its state costs more than the rest of the write. Either form is read by the peers, so this changes no reader.
    /// </summary>
    public const int WorthCompressingFrom = 1024;

    /// <summary>
    /// Compresses <paramref name="data"/> into <paramref name="destination"/> at <paramref name="level"/> (zlib's 0 to 9):
    /// the length written, or -1 when it does not fit (it is then not shorter anyway).
    /// </summary>
    public static int Compress(ReadOnlySpan<byte> data, byte[] destination, int level)
    {
        using var output = new MemoryStream(destination, 0, destination.Length, writable: true);
        try
        {
            using (var zlib = new ZLibStream(output, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true))
            {
                zlib.Write(data);
            }

            return (int)output.Position;
        }
        catch (NotSupportedException)
        {
            // The fixed-size stream is full: the output is longer than the room given.
            return -1;
        }
    }

    /// <summary>
    /// Inflates a zlib stream, at most <see cref="MaxInflatedLength"/> bytes, into a buffer rented from
    /// <see cref="ArrayPool{T}.Shared"/> that the caller owns on success (its first <paramref name="length"/> bytes). A
    /// stream cut short or with a wrong checksum is refused, as Python's <c>zlib.decompress</c> refuses it.
    /// </summary>
    public static SessionCookieRejection TryInflate(byte[] compressed, int compressedLength, out byte[]? inflated, out int length)
    {
        inflated = null;
        length = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Clamp(compressedLength * 4, 256, MaxInflatedLength + 1));
        var total = 0;
        try
        {
            using var source = new MemoryStream(compressed, 0, compressedLength, writable: false);
            using var zlib = new ZLibStream(source, CompressionMode.Decompress);
            while (true)
            {
                if (total == buffer.Length)
                {
                    if (total > MaxInflatedLength)
                    {
                        break;
                    }

                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, MaxInflatedLength + 1));
                    buffer.AsSpan(0, total).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
                    buffer = larger;
                }

                // Never more than one byte past the limit: enough to know that it was passed.
                var read = zlib.Read(buffer, total, Math.Min(buffer.Length, MaxInflatedLength + 1) - total);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }
        }
        catch (InvalidDataException)
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
            return SessionCookieRejection.MalformedEncoding;
        }

        if (total > MaxInflatedLength)
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
            return SessionCookieRejection.TooLarge;
        }

        // .NET's inflater accepts a stream that stops short of its checksum; Python's does not.
        if (compressedLength < 4 || BinaryPrimitives.ReadUInt32BigEndian(compressed.AsSpan(compressedLength - 4, 4)) != Adler32(buffer.AsSpan(0, total)))
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
            return SessionCookieRejection.MalformedEncoding;
        }

        inflated = buffer;
        length = total;
        return SessionCookieRejection.None;
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
}
