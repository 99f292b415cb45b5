using System.Buffers.Binary;

namespace CookieSession.Formats.Protected;

/// <summary>
/// What this library reads of a Data Protection payload without unprotecting it: its magic header and the id of the
/// key that protected it. Data Protection's wire format, which it keeps stable for the payloads it has issued.
/// </summary>
internal static class DataProtectionPayload
{
    /// <summary>The magic header of Data Protection's payloads, before the 16-byte key id.</summary>
    public const uint Magic = 0x09F0C9F0;

    /// <summary>The magic header and the key id.</summary>
    public const int HeaderLength = 4 + 16;

    /// <summary>Whether <paramref name="payload"/> starts as a Data Protection payload does.</summary>
    public static bool HasHeader(ReadOnlySpan<byte> payload)
        => payload.Length >= HeaderLength && BinaryPrimitives.ReadUInt32BigEndian(payload) == Magic;

    /// <summary>The id of the key that protected <paramref name="payload"/>, which <see cref="HasHeader"/> accepted.</summary>
    public static Guid KeyIdOf(ReadOnlySpan<byte> payload) => new(payload.Slice(4, 16));
}
