using System.Security.Cryptography;

namespace CookieSession.Signing;

/// <summary>
/// HMACs of one algorithm under one list of keys, each thread keeping its own keyed instance per key and reusing it:
/// keying an HMAC costs as much as hashing a whole session. Never changed once made: new keys make a new instance.
/// </summary>
internal sealed class KeyedHmacs
{
    private readonly HashAlgorithmName _algorithm;
    private readonly byte[][] _keys;
    private readonly ThreadLocal<IncrementalHash?[]> _hashes;

    public KeyedHmacs(HashAlgorithmName algorithm, byte[][] keys)
    {
        _algorithm = algorithm;
        _keys = keys;
        _hashes = new ThreadLocal<IncrementalHash?[]>(() => new IncrementalHash?[_keys.Length]);
    }

    /// <summary>How many keys there are; index 0 is the newest.</summary>
    public int Count => _keys.Length;

    /// <summary>Writes the HMAC of <paramref name="data"/> under key <paramref name="index"/> into <paramref name="hash"/>.</summary>
    public void Compute(int index, ReadOnlySpan<byte> data, Span<byte> hash)
    {
        var hashes = _hashes.Value!;
        var hmac = hashes[index] ??= IncrementalHash.CreateHMAC(_algorithm, _keys[index]);
        hmac.AppendData(data);
        hmac.GetHashAndReset(hash);
    }
}
