using System.Buffers.Binary;
using System.Security.Cryptography;

namespace CookieSession.Formats.Protected;

/// <summary>
/// The bytes of a protected cookie (before base64url), version 1:
/// <code>
/// [1] version = 1
/// [2] length L of the wrapped key, big-endian
/// [L] the data key, protected by Data Protection (<see cref="DataKeys"/>)
/// [12] nonce
/// [n] AES-256-GCM ciphertext of: creation time, issue time (big-endian 64-bit Unix milliseconds), the session JSON
/// [16] tag
/// </code>
/// Everything before the nonce is authenticated with the ciphertext. Stored in users' browsers: never change a
/// version's layout; a new layout is a new version.
/// </summary>
internal static class ProtectedPayload
{
    public const byte Version1 = 1;

    private const int TimesLength = 8 + 8;

    /// <summary>The length of a seal of <paramref name="jsonLength"/> bytes of JSON under <paramref name="key"/>.</summary>
    public static int SealedLength(DataKey key, int jsonLength)
        => 1 + 2 + key.Wrapped.Length + DataKey.NonceSize + TimesLength + jsonLength + DataKey.TagSize;

    /// <summary>Seals into <paramref name="sealedBytes"/>, exactly <see cref="SealedLength"/> long.</summary>
    public static void Seal(DataKey key, ReadOnlySpan<byte> json, SessionTimes times, Span<byte> sealedBytes)
    {
        var header = 1 + 2 + key.Wrapped.Length;
        var plaintextLength = TimesLength + json.Length;
        sealedBytes[0] = Version1;
        BinaryPrimitives.WriteUInt16BigEndian(sealedBytes[1..], checked((ushort)key.Wrapped.Length));
        key.Wrapped.CopyTo(sealedBytes[3..]);
        var nonce = sealedBytes.Slice(header, DataKey.NonceSize);
        PublicNonces.Fill(nonce);

        // The plaintext is built in the ciphertext's place and encrypted there.
        var body = sealedBytes.Slice(header + DataKey.NonceSize, plaintextLength);
        BinaryPrimitives.WriteInt64BigEndian(body, times.CreatedAt.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt64BigEndian(body[8..], times.IssuedAt.ToUnixTimeMilliseconds());
        json.CopyTo(body[TimesLength..]);
        key.Encrypt(nonce, body, body, sealedBytes.Slice(header + DataKey.NonceSize + plaintextLength, DataKey.TagSize), sealedBytes[..header]);
    }

    /// <summary>
    /// Opens a cookie's bytes: the JSON is decrypted into <paramref name="json"/>'s place in <paramref name="sealedBytes"/>.
    /// </summary>
    public static SessionCookieRejection TryOpen(
        Span<byte> sealedBytes,
        DataKeys keys,
        out SessionTimes times,
        out Range json,
        out bool requiresMigration)
    {
        times = default;
        json = default;
        requiresMigration = false;
        if (sealedBytes.Length < 3 || sealedBytes[0] != Version1)
        {
            return SessionCookieRejection.UnknownVersion;
        }

        var header = 3 + BinaryPrimitives.ReadUInt16BigEndian(sealedBytes[1..]);
        if (sealedBytes.Length < header + DataKey.NonceSize + TimesLength + DataKey.TagSize)
        {
            return SessionCookieRejection.Undecryptable;
        }

        var rejection = keys.TryUnwrap(sealedBytes[3..header], out var key);
        if (rejection != SessionCookieRejection.None)
        {
            return rejection;
        }

        var bodyStart = header + DataKey.NonceSize;
        var bodyLength = sealedBytes.Length - bodyStart - DataKey.TagSize;
        var body = sealedBytes.Slice(bodyStart, bodyLength);
        if (!key!.TryDecrypt(sealedBytes.Slice(header, DataKey.NonceSize), body, sealedBytes[^DataKey.TagSize..], body, sealedBytes[..header]))
        {
            return SessionCookieRejection.Undecryptable;
        }

        var created = BinaryPrimitives.ReadInt64BigEndian(body);
        var issued = BinaryPrimitives.ReadInt64BigEndian(body[8..]);
        const long min = -62135596800000L; // 0001-01-01
        const long max = 253402300799999L; // 9999-12-31
        if (created is < min or > max || issued is < min or > max)
        {
            return SessionCookieRejection.UnknownVersion;
        }

        times = new SessionTimes(DateTimeOffset.FromUnixTimeMilliseconds(created), DateTimeOffset.FromUnixTimeMilliseconds(issued));
        json = new Range(bodyStart + TimesLength, bodyStart + bodyLength);
        requiresMigration = key.RequiresMigration;
        return SessionCookieRejection.None;
    }
}
