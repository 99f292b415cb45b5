using System.Security.Cryptography;
using System.Text.Json;
using CookieSession.Json;

namespace CookieSession.Formats.Rails;

/// <summary>
/// The <c>session_id</c> Rails keeps in every cookie session. Rails reads a cookie without one as no session at all
/// (its session "does not exist" until written, so every read of it is empty), so a session written here without
/// one gets one, made as Rails makes it: <c>SecureRandom.hex(16)</c>, first in the object as Rails adds it.
/// </summary>
internal static class RailsSessionId
{
    /// <summary>The key Rails' CookieStore keeps the session id under. Part of the wire format: never change it.</summary>
    private static ReadOnlySpan<byte> Key => "session_id"u8;

    private const int ByteLength = 16;

    /// <summary>Appends <paramref name="json"/> (a JSON object) with a new <c>session_id</c> first when it has none at its top level.</summary>
    public static void WriteWithSessionId(ReadOnlySpan<byte> json, ref PooledByteBuffer destination)
    {
        if (HasSessionId(json))
        {
            destination.Write(json);
            return;
        }

        Span<byte> id = stackalloc byte[ByteLength];
        RandomNumberGenerator.Fill(id);
        destination.Write("{\"session_id\":\""u8);
        var hex = destination.GetSpan(2 * ByteLength);
        Convert.TryToHexStringLower(id, hex, out var written);
        destination.Advance(written);
        destination.WriteByte((byte)'"');

        // The rest of the object after its '{': a comma first unless it is empty.
        var rest = json[1..].TrimStart(" \t\r\n"u8);
        if (rest.Length > 0 && rest[0] != (byte)'}')
        {
            destination.WriteByte((byte)',');
        }

        destination.Write(rest);
    }

    /// <summary>The most <see cref="WriteWithSessionId"/> adds.</summary>
    public const int MaxAddedLength = 50;

    /// <summary>Whether <paramref name="json"/> (a JSON object) has a <c>session_id</c> at its top level, so that it is written as it is.</summary>
    public static bool HasSessionId(ReadOnlySpan<byte> json)
    {
        // First, where Rails and this class put it, the key is at the top level without reading the rest.
        if (json.StartsWith("{\"session_id\":"u8))
        {
            return true;
        }

        if (json.IndexOf(Key) < 0 && json.IndexOf("\\u"u8) < 0)
        {
            return false;
        }

        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = CookieSessionDefaults.MaxDepth + 1 });
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(Key))
            {
                return true;
            }

            reader.Read();
            reader.Skip();
        }

        return false;
    }
}
