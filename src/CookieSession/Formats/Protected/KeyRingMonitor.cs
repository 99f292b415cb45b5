using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.KeyManagement.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CookieSession.Formats.Protected;

/// <summary>
/// The library's own view of the Data Protection key ring (<see cref="KeyRingView"/>), read from the key store on a
/// thread of its own every <see cref="CookieSessionOptions.KeyRingReloadInterval"/>, so that no request reads the store:
/// a request waits at most <see cref="CookieSessionDefaults.KeyStoreWait"/> for a read it asked for (a cookie under a
/// key this server has not seen). Data Protection caches its ring for about a day; the view lists the keys the store
/// holds now, so a key revoked on another server is refused here within one reload.
/// </summary>
/// <remarks>
/// One per application (a singleton), shared by every Protected middleware and the key ring health check. A read that
/// fails keeps the last view (the ring stays usable: Data Protection keeps its own cache) and is retried every few
/// seconds; the first failure and the recovery are logged once each.
/// </remarks>
internal sealed class KeyRingMonitor : IDisposable
{
    /// <summary>How often a failed read is tried again (or the reload interval, if shorter).</summary>
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The least time between two reads: requests asking for one (cookies naming a key id not in the view, forged ones
    /// among them) share the next read, so the store is read at most four times a second.
    /// </summary>
    internal static readonly TimeSpan ReadSpacing = TimeSpan.FromMilliseconds(250);

    /// <summary>The purpose, after the format's, of the probes that ask the provider which key it protects with.</summary>
    private const string ProbePurpose = "key ring probe";

    private readonly IKeyRingProvider? _keyRings;
    private readonly IKeyManager? _keyManager;
    private readonly IDataProtectionProvider _provider;
    // Real time, not the options' clock: these are the store's reads, which a test's frozen clock must not stop.
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _firstRead = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private readonly Lock _proving = new();
    private readonly AutoResetEvent _wake = new(initialState: false);
    private TaskCompletionSource? _waiting;
    private Thread? _loop;

    // Under _lock: the reads have ended (or never started before Dispose), and _wake is disposed.
    private bool _closed;
    private KeyRingView? _view;
    private Watching _watching;
    private StoreKeys _storeKeys;
    private long _lastReadStarted = long.MinValue / 2;
    private ReadOutcome _outcome = new(null, null, null);

    public KeyRingMonitor(IServiceProvider services)
    {
        _keyRings = services.GetService<IKeyRingProvider>();
        _keyManager = services.GetService<IKeyManager>();
        _provider = services.GetRequiredService<IDataProtectionProvider>();
        _time = TimeProvider.System;
        _logger = (services.GetService<ILoggerFactory>() ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance).CreateLogger("CookieSession.KeyRing");
        ReloadInterval = services.GetService<IOptions<CookieSessionOptions>>()?.Value.KeyRingReloadInterval ?? CookieSessionDefaults.KeyRingReloadInterval;
        KeyStore = services.GetService<IOptions<KeyManagementOptions>>()?.Value.XmlRepository?.GetType().Name ?? "the default key store";
        ApplicationDiscriminator = services.GetService<IOptions<DataProtectionOptions>>()?.Value.ApplicationDiscriminator;
    }

    /// <summary>The first purpose of every protector the container's provider creates, when it has one.</summary>
    public string? ApplicationDiscriminator { get; }

    /// <summary>Where what the key ring's readers have to say is logged.</summary>
    public ILogger Logger => _logger;

    /// <summary>Whether the provider seals with the ring watched here, as far as the first read could tell.</summary>
    private enum Watching : byte
    {
        /// <summary>Not read yet.</summary>
        Unknown,

        /// <summary>The provider protects with the default key of the ring read here.</summary>
        Yes,

        /// <summary>The provider has a ring of its own (an ephemeral provider, <c>DataProtectionProvider.Create</c>).</summary>
        No,
    }

    /// <summary>Whether keys read from the store, not yet in Data Protection's ring, are used directly.</summary>
    private enum StoreKeys : byte
    {
        /// <summary>Not proven yet: the first need proves it.</summary>
        Unproven,

        /// <summary>A probe of the real protector round-tripped: used.</summary>
        Used,

        /// <summary>It did not: Data Protection's ring alone is used, as it reloads.</summary>
        Refused,
    }

    /// <summary>How often the key store is read while it answers.</summary>
    public TimeSpan ReloadInterval { get; }

    /// <summary>The key store's name for the logs: the type of Data Protection's repository.</summary>
    public string KeyStore { get; }

    /// <summary>Whether there is a Data Protection key ring to watch at all.</summary>
    public bool CanWatch => _keyRings is not null && _keyManager is not null;

    /// <summary>The last view read; <see langword="null"/> until the store has been read once.</summary>
    public KeyRingView? View => Volatile.Read(ref _view);

    /// <summary>
    /// The view, with Data Protection's ring as it is now: a key this server created or revoked changes that ring at
    /// once (from Data Protection's cache: this reads no store), and with it the generation cached values are checked
    /// against; a read of the store is asked for, to list the keys again.
    /// </summary>
    public KeyRingView? Current()
    {
        var view = View;
        if (view is null)
        {
            return null;
        }

        IKeyRing ring;
        try
        {
            ring = CurrentRing(_keyRings!);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Data Protection's own refresh failed, and this call was the one told: the view stands.
            return view;
        }

        if (ReferenceEquals(ring, view.Ring))
        {
            return view;
        }

        Interlocked.CompareExchange(ref _view, view with { Ring = ring }, view);
        _ = RequestRead();
        return View;
    }

    /// <summary>The provider protects with another ring than the one read here: the view says nothing about its keys.</summary>
    public bool WatchesAnotherRing => _watching == Watching.No;

    /// <summary>When the store was last read successfully.</summary>
    public DateTimeOffset? LastRead => Volatile.Read(ref _outcome).LastRead;

    /// <summary>Since when reads have been failing; <see langword="null"/> while they succeed.</summary>
    public DateTimeOffset? FailingSince => Volatile.Read(ref _outcome).FailingSince;

    /// <summary>The type of the last read's error; <see langword="null"/> when it succeeded.</summary>
    public string? Error => Volatile.Read(ref _outcome).Error;

    /// <summary>
    /// Readable; stale (the store did not answer the last read, or not for three reload intervals, or sessions are
    /// sealed or opened with less than the store holds: a revoked key, or keys Data Protection has not loaded that the
    /// store's cannot stand in for); or unreadable (never read).
    /// </summary>
    public KeyRingState State
    {
        get
        {
            if (View is not { } view)
            {
                return KeyRingState.Unreadable;
            }

            var outcome = Volatile.Read(ref _outcome);
            if (outcome.Error is not null || outcome.LastRead is not { } read || _time.GetUtcNow() - read > 3 * ReloadInterval)
            {
                return KeyRingState.Stale;
            }

            // What sessions seal with is what the protector decides (StoreSealingKey), not Data Protection's cached default.
            var sealsWithRevokedKey = view.Revoked.Contains(view.Ring.DefaultKeyId) && StoreSealingKey(view) is null;
            return sealsWithRevokedKey || MissesStoreKeys(view) ? KeyRingState.Stale : KeyRingState.Readable;
        }
    }

    /// <summary>
    /// The store's key to seal with instead of Data Protection's default: the store's default key, when Data
    /// Protection's cached default is revoked in the store or its ring does not hold the store's, and the store's keys
    /// are usable here (<see cref="StoreKeysUsable"/>); <see langword="null"/> to seal with Data Protection's default.
    /// </summary>
    public IKey? StoreSealingKey(KeyRingView view)
    {
        if (view.DefaultKeyAt(_time.GetUtcNow()) is not { } storeDefault || storeDefault.KeyId == view.Ring.DefaultKeyId)
        {
            return null;
        }

        var needed = view.Revoked.Contains(view.Ring.DefaultKeyId) || view.Ring.GetAuthenticatedEncryptorByKeyId(storeDefault.KeyId, out _) is null;
        return needed && StoreKeysUsable(view) ? storeDefault : null;
    }

    /// <summary>
    /// Whether keys read from the store may be used directly: proven once for the application, by opening a probe the
    /// real provider sealed with the store's copy of its key and sealing it again; if that fails, never (logged once).
    /// </summary>
    public bool StoreKeysUsable(KeyRingView view)
    {
        if (_storeKeys != StoreKeys.Unproven)
        {
            return _storeKeys == StoreKeys.Used;
        }

        lock (_proving)
        {
            if (_storeKeys != StoreKeys.Unproven)
            {
                return _storeKeys == StoreKeys.Used;
            }

            ReadOnlySpan<byte> expected = "CookieSession key ring probe"u8;
            byte[] probe;
            try
            {
                probe = _provider.CreateProtector(ProtectedCodec.Purpose, ProbePurpose).Protect(expected.ToArray());
            }
            catch (CryptographicException)
            {
                // Data Protection cannot protect now (its store): proven at a later need.
                return false;
            }

            if (!DataProtectionPayload.HasHeader(probe) || !view.Keys.TryGetValue(DataProtectionPayload.KeyIdOf(probe), out var probeKey))
            {
                // The view does not list Data Protection's default key yet: proven after a later read.
                _ = RequestRead();
                return false;
            }

            string[] purposes = ApplicationDiscriminator is { } discriminator
                ? [discriminator, ProtectedCodec.Purpose, ProbePurpose]
                : [ProtectedCodec.Purpose, ProbePurpose];
            _storeKeys = new StoreKeyProtector(purposes).Proves(probeKey, probe, expected) ? StoreKeys.Used : StoreKeys.Refused;
            if (_storeKeys == StoreKeys.Refused)
            {
                Log.StoreKeysRefused(_logger, KeyStore);
            }

            return _storeKeys == StoreKeys.Used;
        }
    }

    /// <summary>
    /// Data Protection's ring, read in a method of its own, never inlined into the try block with a catch around the call:
    /// there, on 64-bit targets, the clock read every such call makes, a native call, would go through a marshalling stub.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IKeyRing CurrentRing(IKeyRingProvider keyRings) => keyRings.GetCurrentKeyRing();

    /// <summary>
    /// Whether the store holds a key, not revoked, that Data Protection's cached ring does not and that cannot be used
    /// from the store: cookies under it are not opened here until Data Protection reloads.
    /// </summary>
    private bool MissesStoreKeys(KeyRingView view)
    {
        foreach (var key in view.Keys.Values)
        {
            if (!key.IsRevoked && !view.Revoked.Contains(key.KeyId) && view.Ring.GetAuthenticatedEncryptorByKeyId(key.KeyId, out _) is null)
            {
                return !StoreKeysUsable(view);
            }
        }

        return false;
    }

    /// <summary>Starts the background reads, once.</summary>
    public void Start()
    {
        if (!CanWatch)
        {
            return;
        }

        lock (_lock)
        {
            if (_loop is not null || _closed)
            {
                return;
            }

            // Not the thread pool's: requests wait for these reads blocking their threads, and on a busy server (many
            // cookies under a key made elsewhere at once) those are the pool's, which a read would then wait for.
            var loop = new Thread(Loop) { IsBackground = true, Name = "CookieSession key ring reads" };
            loop.Start();
            _loop = loop;
        }
    }

    /// <summary>Starts the reads and waits for the first to end (read or failed), at most <paramref name="timeout"/>.</summary>
    public void StartAndWait(TimeSpan timeout)
    {
        Start();
        if (CanWatch)
        {
            _firstRead.Task.Wait(timeout);
        }
    }

    /// <summary>
    /// Asks for a read now, for a cookie under a key the view does not list: a task that ends when a read that started
    /// after this call ends. Reads are at least <see cref="ReadSpacing"/> apart; requests asking meanwhile share one.
    /// </summary>
    public Task RequestRead()
    {
        Start();
        if (!CanWatch)
        {
            return Task.CompletedTask;
        }

        lock (_lock)
        {
            // Once the reads have ended (the application stops), no read answers: the caller's wait runs out.
            _waiting ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!_closed)
            {
                _wake.Set();
            }

            return _waiting.Task;
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        lock (_lock)
        {
            // Requests still waiting for a read are not told that one answered: their wait runs out, and a cookie under a
            // key this server has not seen is unavailable (kept), not refused (replaced), as the application stops.
            if (_loop is null)
            {
                _closed = true;
                _wake.Dispose();
            }
            else if (!_closed)
            {
                _wake.Set();
            }
        }
    }

    private void Loop()
    {
        try
        {
            WaitHandle[] wakes = [_wake, _stopping.Token.WaitHandle];
            while (!_stopping.IsCancellationRequested)
            {
                try
                {
                    Read();
                }
                catch (Exception)
                {
                    // Read keeps the store's failures; this is anything else (a logger that throws). On a thread of its
                    // own it would end the process: the reads go on, and the next one may fare better.
                }

                _firstRead.TrySetResult();
                var delay = _outcome.Error is null ? ReloadInterval : (ReloadInterval < RetryInterval ? ReloadInterval : RetryInterval);

                // Stopping wakes it too: a read starting as Dispose signals clears that signal.
                WaitHandle.WaitAny(wakes, delay);
                var since = TimeSpan.FromMilliseconds(Environment.TickCount64 - Interlocked.Read(ref _lastReadStarted));
                if (since < ReadSpacing && !_stopping.IsCancellationRequested)
                {
                    _stopping.Token.WaitHandle.WaitOne(ReadSpacing - since);
                }
            }
        }
        finally
        {
            _firstRead.TrySetResult();
            lock (_lock)
            {
                _closed = true;
                _wake.Dispose();
            }
        }
    }

    /// <summary>Reads the ring and the keys the store holds; a failure keeps the last view.</summary>
    private void Read()
    {
        TaskCompletionSource? waiting;
        lock (_lock)
        {
            // The requests waiting now are answered by this read: what woke the loop for them is used up.
            waiting = _waiting;
            _waiting = null;
            _wake.Reset();
            Interlocked.Exchange(ref _lastReadStarted, Environment.TickCount64);
        }

        try
        {
            // Data Protection's ring first (from its cache once read), then the store itself: its keys and revocations.
            var ring = _keyRings!.GetCurrentKeyRing();
            var known = new HashSet<Guid>();
            var revoked = new HashSet<Guid>();
            var keys = new Dictionary<Guid, IKey>();
            foreach (var key in _keyManager!.GetAllKeys())
            {
                known.Add(key.KeyId);
                keys[key.KeyId] = key;
                if (key.IsRevoked)
                {
                    revoked.Add(key.KeyId);
                }
            }

            var previous = View;
            if (previous is null || !ReferenceEquals(previous.Ring, ring) || !previous.Known.SetEquals(known) || !previous.Revoked.SetEquals(revoked))
            {
                // A new view only when something changed: it is the generation cached keys and values are checked against.
                Volatile.Write(ref _view, new KeyRingView(ring, known.ToFrozenSet(), revoked.ToFrozenSet(), keys.ToFrozenDictionary()));
            }

            if (_watching == Watching.Unknown)
            {
                _watching = ProtectsWithRing(ring) ? Watching.Yes : Watching.No;
            }

            var now = _time.GetUtcNow();
            if (_outcome.FailingSince is { } since)
            {
                Log.KeyRingReadAgain(_logger, KeyStore, now - since);
            }

            Volatile.Write(ref _outcome, new ReadOutcome(now, null, null));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var last = _outcome;
            if (last.Error is null)
            {
                if (View is null)
                {
                    Log.KeyRingUnreadable(_logger, KeyStore, e);
                }
                else
                {
                    Log.KeyRingStale(_logger, KeyStore, e);
                }
            }

            Volatile.Write(ref _outcome, new ReadOutcome(last.LastRead, last.FailingSince ?? _time.GetUtcNow(), e.GetType().Name));
        }
        finally
        {
            waiting?.TrySetResult();
        }
    }

    /// <summary>
    /// Whether what the provider protects names the default key of <paramref name="ring"/>, so that the view sees the
    /// provider's rotations and revocations (not so for an ephemeral provider, or one made by
    /// <c>DataProtectionProvider.Create</c> or in another container).
    /// </summary>
    private bool ProtectsWithRing(IKeyRing ring)
    {
        var probe = _provider.CreateProtector(ProtectedCodec.Purpose, ProbePurpose).Protect(new byte[1]);
        return DataProtectionPayload.HasHeader(probe) && DataProtectionPayload.KeyIdOf(probe) == ring.DefaultKeyId;
    }

    /// <summary>The last read's outcome, swapped whole so the health check never sees half of one read and half of another.</summary>
    private sealed record ReadOutcome(DateTimeOffset? LastRead, DateTimeOffset? FailingSince, string? Error);
}

/// <summary>The key ring as last read: Data Protection's ring, and the keys the store held, revoked ones apart.</summary>
internal sealed record KeyRingView(IKeyRing Ring, FrozenSet<Guid> Known, FrozenSet<Guid> Revoked, FrozenDictionary<Guid, IKey> Keys)
{
    /// <summary>
    /// The key the store says should protect now: of the keys active at <paramref name="now"/> and not revoked, the one
    /// activated last (as Data Protection's default key resolver prefers); <see langword="null"/> when there is none.
    /// </summary>
    public IKey? DefaultKeyAt(DateTimeOffset now)
    {
        IKey? best = null;
        foreach (var key in Keys.Values)
        {
            if (key.IsRevoked || Revoked.Contains(key.KeyId) || key.ActivationDate > now || key.ExpirationDate <= now)
            {
                continue;
            }

            if (best is null || key.ActivationDate > best.ActivationDate
                || (key.ActivationDate == best.ActivationDate && key.KeyId.CompareTo(best.KeyId) < 0))
            {
                best = key;
            }
        }

        return best;
    }
}

/// <summary>What the key ring health check reports.</summary>
internal enum KeyRingState
{
    /// <summary>The store answered the last read.</summary>
    Readable,

    /// <summary>
    /// The ring was read once, but the store does not answer now (sessions are served from the cached ring), or sessions
    /// are sealed or opened with less than the store holds (a revoked key; keys Data Protection has not loaded).
    /// </summary>
    Stale,

    /// <summary>The ring was never read: cookies cannot be opened, nor sessions sealed.</summary>
    Unreadable,
}
