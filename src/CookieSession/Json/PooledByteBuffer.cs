using System.Buffers;

namespace CookieSession.Json;

/// <summary>
/// A growable byte buffer: in memory the caller gives (the stack, for the sizes most sessions have) or rented from
/// <see cref="ArrayPool{T}.Shared"/>, and rented once it outgrows that; pass it by reference.
/// </summary>
/// <remarks>
/// Renting and returning costs more than writing a session into the buffer: the pool's thread-local lookups, twice.
/// What was written is cleared when the buffer is done with it, in a rented array (the next renter must not see a
/// session) and in the caller's memory alike (the stack frames of later calls on the thread would hold it).
/// </remarks>
internal ref struct PooledByteBuffer
{
    private Span<byte> _span;
    private byte[]? _rented;
    private int _length;

    public PooledByteBuffer(int capacity)
    {
        _rented = ArrayPool<byte>.Shared.Rent(capacity);
        _span = _rented;
        _length = 0;
    }

    /// <summary>A buffer that writes into <paramref name="initial"/> until it needs more.</summary>
    public PooledByteBuffer(Span<byte> initial)
    {
        _span = initial;
        _rented = null;
        _length = 0;
    }

    public readonly int Length => _length;

    public readonly ReadOnlySpan<byte> WrittenSpan => _span[.._length];

    public Span<byte> GetSpan(int sizeHint)
    {
        if (_span.Length - _length < sizeHint)
        {
            Grow(sizeHint);
        }

        return _span[_length..];
    }

    public void Advance(int count) => _length += count;

    public void Write(scoped ReadOnlySpan<byte> value)
    {
        value.CopyTo(GetSpan(value.Length));
        _length += value.Length;
    }

    public void WriteByte(byte value)
    {
        GetSpan(1)[0] = value;
        _length++;
    }

    public void Dispose()
    {
        var rented = _rented;

        // It held a session's JSON, or what carries it.
        _span[.._length].Clear();
        _span = default;
        _rented = null;
        _length = 0;
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private void Grow(int sizeHint)
    {
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_span.Length * 2, _length + sizeHint));
        _span[.._length].CopyTo(larger);
        _span[.._length].Clear();
        if (_rented is not null)
        {
            ArrayPool<byte>.Shared.Return(_rented);
        }

        _rented = larger;
        _span = larger;
    }
}
