using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;

namespace CookieSession.Formats.Flask;

/// <summary>
/// itsdangerous's <c>TimestampSigner</c> timestamp: whole Unix seconds, big-endian, without leading zero bytes
/// (at most eight), in URL-safe base64 without padding.
/// </summary>
/// <remarks>Part of the wire format shared with Flask: never change it.</remarks>
internal static class FlaskTimestamp
{
    /// <summary>The most characters a timestamp of eight bytes takes.</summary>
    public const int MaxLength = 11;

    /// <summary>Reads a timestamp; <see langword="false"/> when it is empty, does not decode or is longer than eight bytes.</summary>
    public static bool TryRead(ReadOnlySpan<char> text, out long seconds)
    {
        seconds = 0;
        Span<byte> bytes = stackalloc byte[9];
        if (text.IsEmpty
            || text.Length > MaxLength
            || Base64Url.DecodeFromChars(text, bytes, out _, out var written) != OperationStatus.Done
            || written is 0 or > 8)
        {
            return false;
        }

        Span<byte> padded = stackalloc byte[8];
        padded.Clear(); // the library skips locals' zeroing
        bytes[..written].CopyTo(padded[(8 - written)..]);
        var value = BinaryPrimitives.ReadUInt64BigEndian(padded);
        if (value > long.MaxValue)
        {
            return false;
        }

        seconds = (long)value;
        return true;
    }

    /// <summary>Writes the timestamp of <paramref name="seconds"/> (not negative) into <paramref name="destination"/>; returns its length.</summary>
    public static int Write(long seconds, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(seconds);
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, (ulong)seconds);
        var leadingZeros = 0;
        while (leadingZeros < 8 && bytes[leadingZeros] == 0)
        {
            leadingZeros++;
        }

        return Base64Url.EncodeToUtf8(bytes[leadingZeros..], destination);
    }
}
