using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using CookieSession.Formats.Protected;

namespace CookieSession.Benchmarks;

/// <summary>
/// Protected's seal and open of the benchmarks' 200-byte session on 1, 2, ... threads at once (up to the cores, then
/// twice as many), every thread through one server's data key as requests are. The mean is the time of one seal and
/// open on each thread: flat as threads are added means each thread keeps its throughput (nothing serializes them);
/// "one AesGcm behind a lock" is the design before, kept here as the reference.
/// </summary>
[MemoryDiagnoser]
public class ScalingBenchmarks
{
    /// <summary>Seals and opens each thread makes per invocation: long enough that starting the threads does not count.</summary>
    private const int PerThread = 2_000;

    private readonly byte[] _plaintext = Encoding.UTF8.GetBytes(SessionPayload.Json);
    private DataKey _key = null!;
    private LockedAesGcm _locked = null!;

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
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = PerThread, Description = "one AesGcm behind a lock (before)")]
    public void Locked() => OnEachThread(static (state, plaintext) =>
    {
        var locked = (LockedAesGcm)state;
        SealAndOpen(plaintext, locked.Encrypt, locked.TryDecrypt);
    }, _locked);

    [Benchmark(OperationsPerInvoke = PerThread, Description = "DataKey: pooled AesGcm, no lock")]
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
            RandomNumberGenerator.Fill(nonce);
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
}
