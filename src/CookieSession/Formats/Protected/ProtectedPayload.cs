using System.Buffers.Binary;

namespace CookieSession.Formats.Protected;

/// <summary>
/// What a protected cookie holds once unprotected: a small versioned header, then the session's JSON, the same as
/// every other format carries. Version 1: one byte <c>1</c>, the creation time and the issue time as big-endian
/// 64-bit Unix milliseconds, then the JSON (UTF-8). Stored in users' browsers: never change a version's layout.
/// </summary>
internal static class ProtectedPayload
{
    public const byte Version1 = 1;

    public const int HeaderLength = 1 + 8 + 8;

    public static byte[] Create(ReadOnlySpan<byte> json, SessionTimes times)
    {
        var payload = new byte[HeaderLength + json.Length];
        payload[0] = Version1;
        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(1), times.CreatedAt.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(9), times.IssuedAt.ToUnixTimeMilliseconds());
        json.CopyTo(payload.AsSpan(HeaderLength));
        return payload;
    }

    /// <summary>Reads the header; the JSON starts at <see cref="HeaderLength"/>.</summary>
    public static SessionCookieRejection TryRead(ReadOnlySpan<byte> payload, out SessionTimes times)
    {
        times = default;
        if (payload.Length < HeaderLength || payload[0] != Version1)
        {
            return SessionCookieRejection.UnknownVersion;
        }

        var created = BinaryPrimitives.ReadInt64BigEndian(payload[1..]);
        var issued = BinaryPrimitives.ReadInt64BigEndian(payload[9..]);
        const long min = -62135596800000L; // 0001-01-01
        const long max = 253402300799999L; // 9999-12-31
        if (created is < min or > max || issued is < min or > max)
        {
            return SessionCookieRejection.UnknownVersion;
        }

        times = new SessionTimes(DateTimeOffset.FromUnixTimeMilliseconds(created), DateTimeOffset.FromUnixTimeMilliseconds(issued));
        return SessionCookieRejection.None;
    }
}
