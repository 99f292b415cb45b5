using System.Buffers.Binary;
using System.Buffers.Text;

namespace CookieSession.Cluster.Load;

/// <summary>
/// One user of the load: the session cookie the browser holds and the counter its session should be at. Used by one
/// request at a time, so that any answer other than the next number means the session was lost or a write went missing.
/// </summary>
internal sealed class SessionJar
{
    public const string CookieName = CookieSessionDefaults.ProtectedCookieName;

    /// <summary>The cookie as the browser sends it back ("name=value"), or <see langword="null"/> before the first answer.</summary>
    public string? Cookie { get; private set; }

    /// <summary>The counter the last answer gave; the next should be one more.</summary>
    public int Count { get; set; }

    /// <summary>The Data Protection key the cookie's data key is wrapped under, read from the cookie's bytes.</summary>
    public Guid? KeyId { get; private set; }

    /// <summary>Applies the answer's Set-Cookie for the session, as a browser would: true if it changed the cookie.</summary>
    public bool Apply(IEnumerable<string> setCookies)
    {
        var changed = false;
        foreach (var header in setCookies)
        {
            var pair = header.AsSpan(0, header.IndexOf(';') is var end and >= 0 ? end : header.Length);
            var equals = pair.IndexOf('=');
            if (equals <= 0 || !pair[..equals].SequenceEqual(CookieName))
            {
                continue;
            }

            var value = pair[(equals + 1)..];
            changed = true;
            if (value.IsEmpty)
            {
                Cookie = null;
                KeyId = null;
            }
            else
            {
                Cookie = pair.ToString();
                KeyId = ReadKeyId(value);
            }
        }

        return changed;
    }

    /// <summary>
    /// The key id of a Protected cookie: version byte, wrapped-key length, then Data Protection's payload (a 4-byte magic
    /// header and the 16-byte key id). Only the run reads this, to tell a session refused because its key was revoked
    /// from one lost for any other reason.
    /// </summary>
    public static Guid? ReadKeyId(ReadOnlySpan<char> value)
    {
        Span<byte> bytes = stackalloc byte[Base64Url.GetMaxDecodedLength(Math.Min(value.Length, 64))];
        var head = value[..Math.Min(value.Length, 64)];
        head = head[..(head.Length - (head.Length % 4))];
        if (Base64Url.DecodeFromChars(head, bytes, out _, out var written) is not System.Buffers.OperationStatus.Done || written < 23 || bytes[0] != 1)
        {
            return null;
        }

        return BinaryPrimitives.ReadUInt32BigEndian(bytes[3..]) == 0x09F0C9F0 ? new Guid(bytes.Slice(7, 16)) : null;
    }
}
