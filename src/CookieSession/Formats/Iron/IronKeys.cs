using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using CookieSession.Crypto;

namespace CookieSession.Formats.Iron;

/// <summary>
/// The keys iron derives from a password and a salt (PBKDF2-HMAC-SHA1, one iteration, 32 bytes), kept for the salts
/// this process seals with and the salts of seals that verified, so that a seal costs its cipher and MAC rather than
/// two key derivations, and reading a seal this process made derives nothing.
/// </summary>
/// <remarks>
/// <para>
/// iron-webcrypto draws two new salts for every seal. Here the two salts are drawn anew every
/// <see cref="SealsPerSalt"/> seals (and for each password): within that run the seals share their derived keys, the
/// way any cipher key encrypts many messages; every seal still gets its own random IV, and a reader (Node's
/// iron-session included) derives its keys from the salts written in the seal, as always.
/// </para>
/// <para>
/// Bounded: at most <see cref="MaxKeysPerPassword"/> derived keys a password, then the store starts again. A key is
/// kept only for a salt whose seal verified (or that this process made): random salts sent by a client cost their
/// derivations, and take no place.
/// </para>
/// </remarks>
internal sealed class IronKeys
{
    /// <summary>How many seals share one pair of salts.</summary>
    public const int SealsPerSalt = 1 << 16;

    /// <summary>Seals a thread takes from a pair of salts at once.</summary>
    private const int SealsPerBlock = 256;

    private const int MaxKeysPerPassword = 256;

    /// <summary>The pair of salts whose seals this thread holds a block of, and how many of them are left.</summary>
    [ThreadStatic]
    private static Salts? t_blockSalts;

    [ThreadStatic]
    private static int t_blockLeft;
    private const int SaltBytes = 32;
    private const int KeyBytes = 32;

    private readonly Dictionary<int, ConcurrentDictionary<string, byte[]>> _keys;
    private readonly Dictionary<int, ConcurrentDictionary<string, byte[]>.AlternateLookup<ReadOnlySpan<char>>> _lookups;
    private readonly IronPasswords _passwords;

    /// <summary>Each password's HMAC-SHA1 pads, where OpenSSL's SHA-1 is called directly (<see cref="OpenSslSha"/>); none otherwise.</summary>
    private readonly Dictionary<int, HmacPads>? _pads;
    private Salts? _salts;

    public IronKeys(IronPasswords passwords)
    {
        _passwords = passwords;
        if (OpenSslSha.For(HashAlgorithmName.SHA1) is { } sha)
        {
            _pads = passwords.Ids.ToDictionary(id => id, id => new HmacPads(sha, passwords.PasswordOf(id)));
        }

        _keys = passwords.Ids.ToDictionary(id => id, _ => new ConcurrentDictionary<string, byte[]>(StringComparer.Ordinal));
        _lookups = _keys.ToDictionary(p => p.Key, p => p.Value.GetAlternateLookup<ReadOnlySpan<char>>());
    }

    /// <summary>The salts (hex text, as written in a seal) and keys to seal the next seal with, under the current password.</summary>
    /// <remarks>
    /// Threads take a pair's seals in blocks of <see cref="SealsPerBlock"/>, each block counted against
    /// <see cref="SealsPerSalt"/> as a whole, so that seals on different cores do not all write to one counter; a pair
    /// serves at most <see cref="SealsPerSalt"/> seals.
    /// </remarks>
    public Salts ForSealing()
    {
        var salts = Volatile.Read(ref _salts);
        if (salts is not null && ReferenceEquals(t_blockSalts, salts) && t_blockLeft > 0)
        {
            t_blockLeft--;
            return salts;
        }

        if (salts is null || Interlocked.Add(ref salts.Uses, SealsPerBlock) > SealsPerSalt)
        {
            var fresh = new Salts(RandomHex(), RandomHex());
            fresh.EncryptionKey = Derive(_passwords.CurrentId, _passwords.Current, fresh.EncryptionSalt, keep: true);
            fresh.HmacKey = Derive(_passwords.CurrentId, _passwords.Current, fresh.HmacSalt, keep: true);
            fresh.Uses = SealsPerBlock;
            Interlocked.CompareExchange(ref _salts, fresh, salts);
            salts = fresh;
        }

        t_blockSalts = salts;
        t_blockLeft = SealsPerBlock - 1;
        return salts;
    }

    /// <summary>
    /// The key for a salt of a seal under password <paramref name="id"/>; kept for later only when
    /// <paramref name="keep"/> (the seal verified).
    /// </summary>
    public byte[] Derive(int id, byte[] password, ReadOnlySpan<char> salt, bool keep)
    {
        var keys = _lookups[id];
        if (keys.TryGetValue(salt, out var key))
        {
            return key;
        }

        Span<byte> saltBytes = salt.Length <= 256 ? stackalloc byte[salt.Length] : new byte[salt.Length];
        var written = Encoding.UTF8.GetBytes(salt, saltBytes);
        key = new byte[KeyBytes];
        if (_pads is not null && _pads.TryGetValue(id, out var pads))
        {
            // What .NET's PBKDF2 gives, without keying an HMAC with the password for each salt.
            Pbkdf2.Derive(pads, saltBytes[..written], iterations: 1, key);
        }
        else
        {
            Rfc2898DeriveBytes.Pbkdf2(password, saltBytes[..written], key, 1, HashAlgorithmName.SHA1);
        }

        if (keep)
        {
            Keep(id, salt, key);
        }

        return key;
    }

    /// <summary>Keeps a key derived for a salt whose seal has now verified.</summary>
    public void Keep(int id, ReadOnlySpan<char> salt, byte[] key)
    {
        // Most seals that verify are under salts already kept (this process's own): a lock-free look first, since
        // counting the store takes all its locks.
        if (_lookups[id].ContainsKey(salt))
        {
            return;
        }

        var keys = _keys[id];
        if (keys.Count >= MaxKeysPerPassword)
        {
            keys.Clear();
        }

        _lookups[id].TryAdd(salt, key);
    }

    /// <summary>How many derived keys are kept for password <paramref name="id"/>.</summary>
    internal int KeptCount(int id) => _keys[id].Count;

    private static string RandomHex()
    {
        Span<byte> random = stackalloc byte[SaltBytes];
        RandomNumberGenerator.Fill(random);
        return Convert.ToHexStringLower(random);
    }

    /// <summary>A pair of salts and the keys they give under the current password; shared by <see cref="SealsPerSalt"/> seals.</summary>
    public sealed class Salts(string encryptionSalt, string hmacSalt)
    {
        public int Uses;

        public string EncryptionSalt { get; } = encryptionSalt;

        public string HmacSalt { get; } = hmacSalt;

        public byte[] EncryptionKey { get; set; } = [];

        public byte[] HmacKey { get; set; } = [];
    }
}
