using System.Buffers;
using System.Buffers.Text;
using CookieSession.Json;

namespace CookieSession.Formats.Rails;

/// <summary>
/// <c>ActiveSupport::MessageEncryptor</c>'s AES-256-GCM message: <c>base64(data)--base64(iv)--base64(tag)</c> in
/// strict base64, a 12-byte random IV, a 16-byte tag and no associated data.
/// </summary>
internal static class RailsEncryptedMessage
{
    /// <summary>The separator of the message's parts. Part of the wire format: never change it.</summary>
    private static ReadOnlySpan<byte> Separator => "--"u8;

    public const int IvSize = 12;

    public const int TagSize = 16;

    /// <summary>The length of the base64 of the IV and of the tag, found from the end as Rails 7.1 finds them.</summary>
    private const int EncodedIvLength = 16;

    private const int EncodedTagLength = 24;

    /// <summary>The message's length for a plaintext of this length.</summary>
    public static int EncodedLength(int plaintextLength)
        => Base64.GetMaxEncodedToUtf8Length(plaintextLength) + (2 * Separator.Length) + EncodedIvLength + EncodedTagLength;

    /// <summary>
    /// Decrypts <paramref name="message"/> (ASCII) with the first of the <paramref name="keys"/> that authenticates it.
    /// On success, <paramref name="plaintext"/> is rented from the shared pool and holds <paramref name="length"/>
    /// bytes; <paramref name="keyIndex"/> says which key opened it.
    /// </summary>
    public static SessionCookieRejection TryDecrypt(ReadOnlySpan<byte> message, RailsKeyDerivation keys, out byte[]? plaintext, out int length, out int keyIndex)
    {
        plaintext = null;
        length = 0;
        keyIndex = -1;

        var tagStart = message.Length - EncodedTagLength;
        var ivStart = tagStart - Separator.Length - EncodedIvLength;
        var dataEnd = ivStart - Separator.Length;
        if (dataEnd < 0
            || !message[(ivStart + EncodedIvLength)..tagStart].SequenceEqual(Separator)
            || !message[dataEnd..ivStart].SequenceEqual(Separator))
        {
            return SessionCookieRejection.MalformedEncoding;
        }

        var encodedData = message[..dataEnd];
        Span<byte> iv = stackalloc byte[IvSize];
        Span<byte> tag = stackalloc byte[TagSize];
        if (!TryDecodeStrict(message.Slice(ivStart, EncodedIvLength), iv, out var ivLength) || ivLength != IvSize
            || !TryDecodeStrict(message.Slice(tagStart, EncodedTagLength), tag, out var tagLength) || tagLength != TagSize)
        {
            return SessionCookieRejection.MalformedEncoding;
        }

        var ciphertext = ArrayPool<byte>.Shared.Rent(Math.Max(1, Base64.GetMaxDecodedFromUtf8Length(encodedData.Length)));
        try
        {
            if (!TryDecodeStrict(encodedData, ciphertext, out var ciphertextLength))
            {
                return SessionCookieRejection.MalformedEncoding;
            }

            var output = ArrayPool<byte>.Shared.Rent(Math.Max(1, ciphertextLength));
            for (var i = 0; i < keys.ReadingKeys.Length; i++)
            {
                if (!keys.CipherOf(i).TryDecrypt(iv, ciphertext.AsSpan(0, ciphertextLength), tag, output.AsSpan(0, ciphertextLength)))
                {
                    continue;
                }

                plaintext = output;
                length = ciphertextLength;
                keyIndex = i;
                return SessionCookieRejection.None;
            }

            ArrayPool<byte>.Shared.Return(output, clearArray: true);
            return SessionCookieRejection.Undecryptable;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(ciphertext);
        }
    }

    /// <summary>Encrypts <paramref name="plaintext"/> under the writing key of <paramref name="keys"/> with a fresh random IV, appending the message to <paramref name="destination"/>.</summary>
    public static void Encrypt(ReadOnlySpan<byte> plaintext, RailsKeyDerivation keys, ref PooledByteBuffer destination)
    {
        Span<byte> iv = stackalloc byte[IvSize];
        Span<byte> tag = stackalloc byte[TagSize];
        PublicNonces.Fill(iv);
        var ciphertext = ArrayPool<byte>.Shared.Rent(Math.Max(1, plaintext.Length));
        try
        {
            keys.CipherOf(0).Encrypt(iv, plaintext, ciphertext.AsSpan(0, plaintext.Length), tag);

            WriteBase64(ciphertext.AsSpan(0, plaintext.Length), ref destination);
            destination.Write(Separator);
            WriteBase64(iv, ref destination);
            destination.Write(Separator);
            WriteBase64(tag, ref destination);
        }
        finally
        {
            // Only ciphertext was written here: nothing to wipe.
            ArrayPool<byte>.Shared.Return(ciphertext);
        }
    }

    /// <summary>
    /// Ruby's <c>Base64.strict_decode64</c>: the standard alphabet, padded to a multiple of four, nothing else (no
    /// whitespace, which .NET's decoder would skip), and the bits the padding leaves over zero, so that a value has
    /// one spelling only.
    /// </summary>
    public static bool TryDecodeStrict(ReadOnlySpan<byte> encoded, Span<byte> destination, out int written)
    {
        written = 0;
        if (encoded.Length % 4 != 0)
        {
            return false;
        }

        var padding = encoded.EndsWith("=="u8) ? 2 : encoded.EndsWith("="u8) ? 1 : 0;
        if (encoded[..^padding].ContainsAnyExcept(Base64Alphabet))
        {
            return false;
        }

        if (padding > 0 && (SextetOf(encoded[^(padding + 1)]) & (padding == 2 ? 0x0F : 0x03)) != 0)
        {
            return false;
        }

        return Base64.DecodeFromUtf8(encoded, destination, out _, out written) == OperationStatus.Done;
    }

    /// <summary>Appends the strict (padded, standard alphabet) base64 of <paramref name="data"/>, as <c>Base64.strict_encode64</c>.</summary>
    public static void WriteBase64(scoped ReadOnlySpan<byte> data, ref PooledByteBuffer destination)
    {
        var span = destination.GetSpan(Base64.GetMaxEncodedToUtf8Length(data.Length));
        Base64.EncodeToUtf8(data, span, out _, out var written);
        destination.Advance(written);
    }

    private static int SextetOf(byte c) => c switch
    {
        >= (byte)'A' and <= (byte)'Z' => c - 'A',
        >= (byte)'a' and <= (byte)'z' => c - 'a' + 26,
        >= (byte)'0' and <= (byte)'9' => c - '0' + 52,
        (byte)'+' => 62,
        _ => 63,
    };

    /// <summary>Strict base64's characters but padding: A-Z a-z 0-9 + /.</summary>
    private static readonly SearchValues<byte> Base64Alphabet = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"u8);
}
