using System.Buffers;

namespace CookieSession.Json;

/// <summary>
/// A growable byte buffer: in memory the caller gives (the stack, for the sizes most sessions have) or rented from
/// <see cref="ArrayPool{T}.Shared"/>, and rented once it outgrows that; pass it by reference.
/// </summary>
/// <remarks>
/// Renting and returning costs more than writing a session into the buffer: the pool's thread-local lookups, twice.
/// A rented array is cleared before it goes back, as the next renter must not see a session; stack memory is not,
/// as every stack buffer in this library is written before it is read.
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
        var length = _length;
        _span = default;
        _rented = null;
        _length = 0;
        if (rented is not null)
        {
            // It held a session's JSON: the next renter of the array must not see it.
            rented.AsSpan(0, length).Clear();
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private void Grow(int sizeHint)
    {
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_span.Length * 2, _length + sizeHint));
        _span[.._length].CopyTo(larger);
        if (_rented is not null)
        {
            _rented.AsSpan(0, _length).Clear();
            ArrayPool<byte>.Shared.Return(_rented);
        }

        _rented = larger;
        _span = larger;
    }
}
