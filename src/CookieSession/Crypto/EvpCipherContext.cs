using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace CookieSession.Crypto;

/// <summary>
/// An OpenSSL cipher context (<c>EVP_CIPHER_CTX</c>) keyed once for one cipher (<see cref="LibCrypto"/>), each message
/// then only given its IV and direction: the steps <see cref="OpenSslGcm"/> and <see cref="OpenSslCbc"/> are made of.
/// For one thread at a time.
/// </summary>
internal sealed unsafe class EvpCipherContext : SafeHandle
{
    private static readonly delegate* unmanaged<nint> s_new;
    private static readonly delegate* unmanaged<nint, void> s_free;
    private static readonly delegate* unmanaged<nint, nint, nint, byte*, byte*, int, int> s_init;
    private static readonly delegate* unmanaged<nint, byte*, int*, byte*, int, int> s_update;
    private static readonly delegate* unmanaged<nint, byte*, int*, int> s_final;
    private static readonly delegate* unmanaged<nint, int, int, byte*, int> s_control;
    private static readonly delegate* unmanaged<void> s_clearErrors;

    static EvpCipherContext()
    {
        var addresses = new[]
        {
            LibCrypto.Export("EVP_CIPHER_CTX_new"), LibCrypto.Export("EVP_CIPHER_CTX_free"), LibCrypto.Export("EVP_CipherInit_ex"),
            LibCrypto.Export("EVP_CipherUpdate"), LibCrypto.Export("EVP_CipherFinal_ex"), LibCrypto.Export("EVP_CIPHER_CTX_ctrl"),
            LibCrypto.Export("ERR_clear_error"),
        };
        if (Array.IndexOf(addresses, (nint)0) >= 0)
        {
            return;
        }

        s_new = (delegate* unmanaged<nint>)addresses[0];
        s_free = (delegate* unmanaged<nint, void>)addresses[1];
        s_init = (delegate* unmanaged<nint, nint, nint, byte*, byte*, int, int>)addresses[2];
        s_update = (delegate* unmanaged<nint, byte*, int*, byte*, int, int>)addresses[3];
        s_final = (delegate* unmanaged<nint, byte*, int*, int>)addresses[4];
        s_control = (delegate* unmanaged<nint, int, int, byte*, int>)addresses[5];
        s_clearErrors = (delegate* unmanaged<void>)addresses[6];
        IsLoaded = true;
    }

    /// <summary>
    /// A context for <paramref name="cipher"/> (an <c>EVP_CIPHER*</c>) under <paramref name="key"/>, of the cipher's key
    /// length, keyed to <paramref name="encrypt"/> or decrypt: a block mode's two directions use different key schedules.
    /// </summary>
    public EvpCipherContext(nint cipher, ReadOnlySpan<byte> key, bool encrypt)
        : base(0, ownsHandle: true)
    {
        if (!IsLoaded || cipher == 0)
        {
            throw new PlatformNotSupportedException("OpenSSL's cipher functions are not called directly here.");
        }

        SetHandle(s_new());
        if (handle == 0)
        {
            throw new CryptographicException("OpenSSL could not make a cipher context.");
        }

        fixed (byte* keyBytes = key)
        {
            Check(s_init(handle, cipher, 0, keyBytes, null, encrypt ? 1 : 0));
        }
    }

    /// <summary>Whether every function was found.</summary>
    public static bool IsLoaded { get; }

    public override bool IsInvalid => handle == 0;

    /// <summary>The address of the exported function <paramref name="name"/> that returns a cipher, called; none (0) when missing.</summary>
    public static nint Cipher(string name)
    {
        var address = LibCrypto.Export(name);
        return address == 0 ? 0 : ((delegate* unmanaged<nint>)address)();
    }

    /// <summary>Keys the context anew, for the same cipher and <paramref name="encrypt"/>ion: only the key schedule is made again.</summary>
    public void Rekey(ReadOnlySpan<byte> key, bool encrypt)
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        fixed (byte* keyBytes = key)
        {
            Check(s_init(handle, 0, 0, keyBytes, null, encrypt ? 1 : 0));
        }

        GC.KeepAlive(this);
    }

    /// <summary>Starts a message under <paramref name="iv"/>, the key kept: in the direction it was keyed for, for a block mode.</summary>
    public void Start(byte* iv, bool encrypt)
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        Check(s_init(handle, 0, 0, null, iv, encrypt ? 1 : 0));
        GC.KeepAlive(this);
    }

    /// <summary>Feeds <paramref name="length"/> bytes (none written out for associated data: <paramref name="output"/> null); returns the bytes written.</summary>
    public int Update(byte* output, byte* input, int length)
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        int written;
        Check(s_update(handle, output, &written, input, length));
        GC.KeepAlive(this);
        return written;
    }

    /// <summary>Ends the message, writing what is left at <paramref name="output"/>; false (the error queue cleared) when OpenSSL refuses it: a tag or padding that does not match.</summary>
    public bool TryFinish(byte* output, out int written)
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        int count;
        var finished = s_final(handle, output, &count) == 1;
        GC.KeepAlive(this);
        if (finished)
        {
            written = count;
            return true;
        }

        s_clearErrors();
        written = 0;
        return false;
    }

    /// <summary>A cipher-specific control (<c>EVP_CIPHER_CTX_ctrl</c>).</summary>
    public void Control(int type, int argument, byte* pointer)
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        Check(s_control(handle, type, argument, pointer));
        GC.KeepAlive(this);
    }

    protected override bool ReleaseHandle()
    {
        // Frees the context and wipes the key schedule it held.
        s_free(handle);
        return true;
    }

    private static void Check(int result)
    {
        if (result != 1)
        {
            s_clearErrors();
            throw new CryptographicException("OpenSSL's cipher failed.");
        }
    }
}
