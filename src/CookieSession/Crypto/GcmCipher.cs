using System.Security.Cryptography;

namespace CookieSession.Crypto;

/// <summary>
/// AES-256-GCM under one key, with 12-byte nonces and 16-byte tags: through OpenSSL directly where
/// <see cref="OpenSslGcm"/> is available, through <see cref="AesGcm"/> elsewhere, with the same results. For one
/// thread at a time, as <see cref="AesGcm"/> is.
/// </summary>
internal sealed class GcmCipher : IDisposable
{
    private readonly OpenSslGcm.Context? _direct;
    private readonly AesGcm? _dotnet;

    public GcmCipher(ReadOnlySpan<byte> key)
        : this(key, OpenSslGcm.IsAvailable)
    {
    }

    /// <summary>With <paramref name="direct"/> false, through <see cref="AesGcm"/> wherever this runs.</summary>
    internal GcmCipher(ReadOnlySpan<byte> key, bool direct)
    {
        // AES-256 only, whichever path: .NET's would take a 128- or 192-bit key without a word.
        if (key.Length != OpenSslGcm.KeyBytes)
        {
            throw new ArgumentException($"The key must be {OpenSslGcm.KeyBytes} bytes.", nameof(key));
        }

        if (direct)
        {
            _direct = new OpenSslGcm.Context(key);
        }
        else
        {
            _dotnet = new AesGcm(key, OpenSslGcm.TagBytes);
        }
    }

    /// <summary>Whether this cipher calls OpenSSL directly.</summary>
    internal bool IsDirect => _direct is not null;

    /// <summary>Seals <paramref name="plaintext"/> into <paramref name="ciphertext"/>, of its length (the same memory is allowed).</summary>
    public void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> associatedData = default)
    {
        if (_direct is { } direct)
        {
            direct.Encrypt(nonce, plaintext, ciphertext, tag, associatedData);
            return;
        }

        _dotnet!.Encrypt(nonce, plaintext, ciphertext, tag, associatedData);
    }

    /// <summary>Opens <paramref name="ciphertext"/> into <paramref name="plaintext"/>; false, with it wiped, when the tag does not match.</summary>
    public bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> associatedData = default)
    {
        if (_direct is { } direct)
        {
            return direct.TryDecrypt(nonce, ciphertext, tag, plaintext, associatedData);
        }

        try
        {
            _dotnet!.Decrypt(nonce, ciphertext, tag, plaintext, associatedData);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        _direct?.Dispose();
        _dotnet?.Dispose();
    }
}
