using System.Security.Cryptography;
using CookieSession.Crypto;

namespace CookieSession.Signing;

/// <summary>
/// HMACs of one algorithm under one list of keys. Where OpenSSL's hashes can be called directly
/// (<see cref="OpenSslSha"/>), each key's padded blocks are hashed once and shared by every thread; otherwise each
/// thread keeps its own keyed .NET HMAC per key and reuses it. Either way a MAC never keys anew: keying costs as much
/// as hashing a whole session. Never changed once made: new keys make a new instance.
/// </summary>
internal sealed class KeyedHmacs
{
    private readonly HashAlgorithmName _algorithm;
    private readonly byte[][]? _keys;
    private readonly HmacPads[]? _pads;
    private readonly ThreadLocal<IncrementalHash?[]>? _hashes;

    public KeyedHmacs(HashAlgorithmName algorithm, byte[][] keys)
        : this(algorithm, keys, OpenSslSha.For(algorithm))
    {
    }

    /// <summary>With <paramref name="sha"/> none, every MAC goes through .NET's HMAC.</summary>
    internal KeyedHmacs(HashAlgorithmName algorithm, byte[][] keys, OpenSslSha.Sha? sha)
    {
        _algorithm = algorithm;
        Count = keys.Length;
        if (sha is not null)
        {
            // The pads are all a MAC needs: the keys themselves are not kept.
            _pads = Array.ConvertAll(keys, key => new HmacPads(sha, key));
        }
        else
        {
            _keys = keys;
            _hashes = new ThreadLocal<IncrementalHash?[]>(() => new IncrementalHash?[keys.Length]);
        }
    }

    /// <summary>How many keys there are; index 0 is the newest.</summary>
    public int Count { get; }

    /// <summary>Whether the MACs are computed from hashed pads rather than by .NET's HMAC.</summary>
    internal bool UsesPads => _pads is not null;

    /// <summary>Writes the HMAC of <paramref name="data"/> under key <paramref name="index"/> into <paramref name="hash"/>.</summary>
    public void Compute(int index, ReadOnlySpan<byte> data, Span<byte> hash)
    {
        if (_pads is { } pads)
        {
            pads[index].Compute(data, hash);
            return;
        }

        var hashes = _hashes!.Value!;
        var hmac = hashes[index] ??= IncrementalHash.CreateHMAC(_algorithm, _keys![index]);
        hmac.AppendData(data);
        hmac.GetHashAndReset(hash);
    }
}
