using CookieSession.Formats.Protected;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace CookieSession.Tests.Formats.Protected;

/// <summary>
/// The key store is read for requests that wait for it: a cookie under a key this server has not seen (made on another
/// server since) waits for the next read. On a busy server many requests wait at once, each blocking a thread-pool
/// thread, so the reads must not need one.
/// </summary>
[Collection(ThreadPoolStarvationCollection.Name)]
public sealed class KeyRingReadsUnderStarvationTests
{
    [Fact]
    public void ReadAskedFor_WhileEveryThreadPoolThreadIsBlocked_EndsWithinTheWait()
    {
        var services = new ServiceCollection();
        services.AddDataProtection().SetApplicationName("shop").PersistKeysToFileSystem(new DirectoryInfo(ProtectedHost.NewKeyFolder()));
        using var provider = services.BuildServiceProvider();
        using var monitor = new KeyRingMonitor(provider);
        monitor.StartAndWait(CookieSessionDefaults.KeyStoreWait);
        var firstRead = monitor.LastRead;
        Assert.NotNull(firstRead);

        // As for most requests that ask, the last read is further back than the least time between two reads.
        Thread.Sleep(KeyRingMonitor.ReadSpacing * 2);

        // The pool kept at the threads it has, every one of them blocked: nothing queued to it runs until they are let go.
        ThreadPool.GetMaxThreads(out var maxWorkers, out var maxIo);
        ThreadPool.GetMinThreads(out var minWorkers, out _);
        var workers = Math.Max(minWorkers, ThreadPool.ThreadCount);
        Assert.True(ThreadPool.SetMaxThreads(workers, maxIo));
        using var release = new ManualResetEventSlim();
        using var blockersDone = new CountdownEvent(workers);
        bool answered;
        try
        {
            for (var i = 0; i < workers; i++)
            {
                ThreadPool.UnsafeQueueUserWorkItem(
                    _ =>
                    {
                        release.Wait();
                        blockersDone.Signal();
                    },
                    null);
            }

            // Waited for as a request waits: blocking, with no continuation of its own.
            answered = ((IAsyncResult)monitor.RequestRead()).AsyncWaitHandle.WaitOne(CookieSessionDefaults.KeyStoreWait);
        }
        finally
        {
            release.Set();
            ThreadPool.SetMaxThreads(maxWorkers, maxIo);

            // Not disposed while a blocker still has it to wait on: that would throw on a pool thread, and end the run.
            Assert.True(blockersDone.Wait(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        }

        Assert.True(answered, "The read a request asked for did not end while the thread pool had no thread to give.");
        Assert.True(monitor.LastRead > firstRead);
    }
}

/// <summary>Tests that starve the thread pool on purpose run alone: every other test's continuations would wait too.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ThreadPoolStarvationCollection
{
    public const string Name = "Starves the thread pool";
}
