using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption;
using Microsoft.AspNetCore.DataProtection.KeyManagement;

namespace CookieSession.Formats.Protected;

/// <summary>
/// Protects and unprotects as Data Protection's own protector does, but with a key read from the store
/// (<see cref="IKey.CreateEncryptor"/>) rather than one from Data Protection's cached ring, which may not hold a key
/// created on another server for up to a day. Data Protection's payload is its magic header, the key id and the
/// encryptor's output; the additional authenticated data is the magic header, the key id, the number of purposes
/// (32-bit big-endian) and each purpose as <see cref="BinaryWriter.Write(string)"/> writes it, the application
/// discriminator first. Used only once <see cref="Proves"/> has round-tripped a payload of the real protector.
/// </summary>
internal sealed class StoreKeyProtector
{
    private readonly byte[] _aad;
    private readonly ConcurrentDictionary<Guid, IAuthenticatedEncryptor> _encryptors = new();

    /// <param name="purposes">The protector's whole purpose chain, the application discriminator first when there is one.</param>
    public StoreKeyProtector(IEnumerable<string> purposes)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            var list = purposes.ToList();
            Span<byte> word = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(word, DataProtectionPayload.Magic);
            writer.Write(word);
            writer.Write(new byte[16]); // the key id, filled in per call
            BinaryPrimitives.WriteInt32BigEndian(word, list.Count);
            writer.Write(word);
            foreach (var purpose in list)
            {
                writer.Write(purpose);
            }
        }

        _aad = stream.ToArray();
    }

    /// <summary>Protects <paramref name="plaintext"/> under <paramref name="key"/>, as Data Protection would.</summary>
    public byte[] Protect(IKey key, byte[] plaintext)
    {
        var encrypted = EncryptorOf(key).Encrypt(new ArraySegment<byte>(plaintext), new ArraySegment<byte>(AadFor(key.KeyId)));
        var payload = new byte[DataProtectionPayload.HeaderLength + encrypted.Length];
        BinaryPrimitives.WriteUInt32BigEndian(payload, DataProtectionPayload.Magic);
        key.KeyId.TryWriteBytes(payload.AsSpan(4, 16));
        encrypted.CopyTo(payload, DataProtectionPayload.HeaderLength);
        return payload;
    }

    /// <summary>Unprotects a payload <paramref name="key"/> protected.</summary>
    /// <exception cref="CryptographicException">The payload is not <paramref name="key"/>'s, or was altered.</exception>
    public byte[] Unprotect(IKey key, byte[] payload)
    {
        if (!DataProtectionPayload.HasHeader(payload) || DataProtectionPayload.KeyIdOf(payload) != key.KeyId)
        {
            throw new CryptographicException("The payload was not protected with this key.");
        }

        var body = new ArraySegment<byte>(payload, DataProtectionPayload.HeaderLength, payload.Length - DataProtectionPayload.HeaderLength);
        return EncryptorOf(key).Decrypt(body, new ArraySegment<byte>(AadFor(key.KeyId)));
    }

    /// <summary>
    /// Whether this reconstruction opens what the real protector sealed: <paramref name="probe"/> (that protector's
    /// output for <paramref name="expected"/>) under <paramref name="key"/>, the key its header names.
    /// </summary>
    public bool Proves(IKey key, byte[] probe, ReadOnlySpan<byte> expected)
    {
        try
        {
            var opened = Unprotect(key, probe);
            var reprotected = Unprotect(key, Protect(key, opened));
            return opened.AsSpan().SequenceEqual(expected) && reprotected.AsSpan().SequenceEqual(expected);
        }
        catch (Exception e) when (e is CryptographicException or InvalidOperationException or NotSupportedException)
        {
            return false;
        }
    }

    private byte[] AadFor(Guid keyId)
    {
        var aad = (byte[])_aad.Clone();
        keyId.TryWriteBytes(aad.AsSpan(4, 16));
        return aad;
    }

    private IAuthenticatedEncryptor EncryptorOf(IKey key)
        => _encryptors.GetOrAdd(key.KeyId, static (_, k) => k.CreateEncryptor()
            ?? throw new CryptographicException("The key's encryptor could not be created."), key);
}
