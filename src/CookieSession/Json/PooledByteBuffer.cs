using System.Buffers;

namespace CookieSession.Json;

/// <summary>A growable byte buffer rented from <see cref="ArrayPool{T}.Shared"/>; pass it by reference.</summary>
internal struct PooledByteBuffer : IDisposable
{
    private byte[] _array;
    private int _length;

    public PooledByteBuffer(int capacity)
    {
        _array = ArrayPool<byte>.Shared.Rent(capacity);
        _length = 0;
    }

    public readonly int Length => _length;

    public readonly ReadOnlySpan<byte> WrittenSpan => _array.AsSpan(0, _length);

    public Span<byte> GetSpan(int sizeHint)
    {
        if (_array.Length - _length < sizeHint)
        {
            Grow(sizeHint);
        }

        return _array.AsSpan(_length);
    }

    public void Advance(int count) => _length += count;

    public void Write(ReadOnlySpan<byte> value)
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
        var array = _array;
        var length = _length;
        _array = [];
        _length = 0;
        if (array is { Length: > 0 })
        {
            // It held a session's JSON: the next renter of the array must not see it.
            array.AsSpan(0, length).Clear();
            ArrayPool<byte>.Shared.Return(array);
        }
    }

    private void Grow(int sizeHint)
    {
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_array.Length * 2, _length + sizeHint));
        _array.AsSpan(0, _length).CopyTo(larger);
        if (_array.Length > 0)
        {
            _array.AsSpan(0, _length).Clear();
            ArrayPool<byte>.Shared.Return(_array);
        }

        _array = larger;
    }
}
