using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using CookieSession.Formats;
using CookieSession.Formats.Protected;

namespace CookieSession.Benchmarks;

/// <summary>
/// Protected's seal and open of the benchmarks' 200-byte session on 1, 2, ... threads at once (up to the cores, then
/// twice as many), every thread through one server's data key as requests are. The mean is the time of one seal and
/// open on each thread: flat as threads are added means each thread keeps its throughput (nothing serializes them).
/// Two earlier designs are kept as references: "one AesGcm behind a lock", and the first pool, whose slots sat side by
/// side in one array and which threads searched from their thread id.
/// </summary>
[MemoryDiagnoser]
public class ScalingBenchmarks
{
    /// <summary>Seals and opens each thread makes per invocation: long enough that starting the threads does not count.</summary>
    private const int PerThread = 2_000;

    private readonly byte[] _plaintext = Encoding.UTF8.GetBytes(SessionPayload.Json);
    private DataKey _key = null!;
    private LockedAesGcm _locked = null!;
    private ArraySlotPool _arraySlots = null!;

    public static IEnumerable<int> ThreadCounts()
    {
        for (var threads = 1; threads <= Environment.ProcessorCount; threads++)
        {
            yield return threads;
        }

        yield return 2 * Environment.ProcessorCount;
    }

    [ParamsSource(nameof(ThreadCounts))]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var key = RandomNumberGenerator.GetBytes(DataKey.KeySize);
        _key = new DataKey(key, wrapped: [], generation: null, requiresMigration: false);
        _locked = new LockedAesGcm(key);
        _arraySlots = new ArraySlotPool(key);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = PerThread, Description = "one AesGcm behind a lock (before)")]
    public void Locked() => OnEachThread(static (state, plaintext) =>
    {
        var locked = (LockedAesGcm)state;
        SealAndOpen(plaintext, locked.Encrypt, locked.TryDecrypt);
    }, _locked);

    [Benchmark(OperationsPerInvoke = PerThread, Description = "pool in one array (before)")]
    public void ArraySlots() => OnEachThread(static (state, plaintext) =>
    {
        var pool = (ArraySlotPool)state;
        SealAndOpen(plaintext, pool.Encrypt, pool.TryDecrypt);
    }, _arraySlots);

    [Benchmark(OperationsPerInvoke = PerThread, Description = "DataKey: padded home slots, no lock")]
    public void Pooled() => OnEachThread(static (state, plaintext) =>
    {
        var key = (DataKey)state;
        SealAndOpen(plaintext, key.Encrypt, key.TryDecrypt);
    }, _key);

    private void OnEachThread(Action<object, byte[]> work, object state)
    {
        var plaintext = _plaintext;
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, _ => work(state, plaintext));
    }

    private delegate void Encryptor(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> associatedData);

    private delegate bool Decryptor(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> associatedData);

    private static void SealAndOpen(byte[] plaintext, Encryptor encrypt, Decryptor decrypt)
    {
        Span<byte> nonce = stackalloc byte[DataKey.NonceSize];
        Span<byte> tag = stackalloc byte[DataKey.TagSize];
        Span<byte> sealedBytes = stackalloc byte[plaintext.Length];
        Span<byte> opened = stackalloc byte[plaintext.Length];
        for (var i = 0; i < PerThread; i++)
        {
            // As a seal draws it: a fresh nonce from the thread's block of random bytes.
            PublicNonces.Fill(nonce);
            encrypt(nonce, plaintext, sealedBytes, tag, default);
            if (!decrypt(nonce, sealedBytes, tag, opened, default))
            {
                throw new InvalidOperationException("a seal did not open");
            }
        }
    }

    /// <summary>The data key as it was: one <see cref="AesGcm"/> per key, every seal and open under its lock.</summary>
    private sealed class LockedAesGcm(byte[] key)
    {
        private readonly AesGcm _aes = new(key, DataKey.TagSize);
        private readonly Lock _lock = new();

        public void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> associatedData)
        {
            lock (_lock)
            {
                _aes.Encrypt(nonce, plaintext, ciphertext, tag, associatedData);
            }
        }

        public bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> associatedData)
        {
            try
            {
                lock (_lock)
                {
                    _aes.Decrypt(nonce, ciphertext, tag, plaintext, associatedData);
                }

                return true;
            }
            catch (AuthenticationTagMismatchException)
            {
                return false;
            }
        }
    }

    /// <summary>
    /// The first pool: instances in one plain array (every slot within a cache line or two), each thread starting its
    /// search at its thread id and giving an instance back where it found it.
    /// </summary>
    private sealed class ArraySlotPool
    {
        private readonly byte[] _key;
        private readonly AesGcm?[] _pool = new AesGcm?[Math.Max(4, 2 * Environment.ProcessorCount)];

        public ArraySlotPool(byte[] key)
        {
            _key = key;
            _pool[0] = new AesGcm(key, DataKey.TagSize);
        }

        public void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> associatedData)
        {
            var aes = Rent(out var slot);
            try
            {
                aes.Encrypt(nonce, plaintext, ciphertext, tag, associatedData);
            }
            finally
            {
                Return(aes, slot);
            }
        }

        public bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> associatedData)
        {
            var aes = Rent(out var slot);
            try
            {
                aes.Decrypt(nonce, ciphertext, tag, plaintext, associatedData);
                return true;
            }
            catch (AuthenticationTagMismatchException)
            {
                return false;
            }
            finally
            {
                Return(aes, slot);
            }
        }

        private AesGcm Rent(out int slot)
        {
            var start = (int)((uint)Environment.CurrentManagedThreadId % (uint)_pool.Length);
            for (var i = 0; i < _pool.Length; i++)
            {
                slot = (start + i) % _pool.Length;
                var aes = Interlocked.Exchange(ref _pool[slot], null);
                if (aes is not null)
                {
                    return aes;
                }
            }

            slot = start;
            return new AesGcm(_key, DataKey.TagSize);
        }

        private void Return(AesGcm aes, int slot)
        {
            for (var i = 0; i < _pool.Length; i++)
            {
                if (Interlocked.CompareExchange(ref _pool[(slot + i) % _pool.Length], aes, null) is null)
                {
                    return;
                }
            }

            aes.Dispose();
        }
    }
}
