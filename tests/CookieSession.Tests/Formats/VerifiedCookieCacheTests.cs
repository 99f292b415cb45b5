using System.Runtime.CompilerServices;
using CookieSession.Formats;
using CookieSession.Tests.Formats.Protected;
using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;

namespace CookieSession.Tests.Formats;

public sealed class VerifiedCookieCacheTests
{
    private static readonly SessionTimes s_times = new(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddHours(1));

    [Fact]
    public void TryGet_TheStoredValue_GivesItsJsonAndMetadata()
    {
        var cache = VerifiedCookieCache.Create(16)!;
        var generation = new object();
        cache.Add("value", "sig", Verified("{\"a\":1}", needsRenewal: true, s_times), generation);

        Assert.True(cache.TryGet("value", "sig", generation, out var hit));

        Assert.Equal("{\"a\":1}"u8.ToArray(), hit.Json.ToArray());
        Assert.True(hit.NeedsRenewal);
        Assert.Equal(s_times, hit.Times);
        Assert.True(hit.IsLoaded);
    }

    [Fact]
    public void HashTakenOnce_AddsAndFindsTheSameSlotAsTheLookupsThatHashThemselves()
    {
        // The read path hashes a value once for its lookup and, on a miss, its admission: either way the same slot.
        var cache = VerifiedCookieCache.Create(16)!;
        var hash = VerifiedCookieCache.Hash("value", "sig");
        Assert.False(cache.TryGet(hash, "value", "sig", null, out _));
        Assert.True(cache.Add(hash, "value", "sig", Verified("{\"a\":1}"), null));

        Assert.True(cache.TryGet("value", "sig", null, out var hit));
        Assert.Equal("{\"a\":1}"u8.ToArray(), hit.Json.ToArray());

        var other = VerifiedCookieCache.Create(16)!;
        Assert.True(other.Add("value", "sig", Verified("{\"b\":2}"), null));
        Assert.True(other.TryGet(hash, "value", "sig", null, out var found));
        Assert.Equal("{\"b\":2}"u8.ToArray(), found.Json.ToArray());
        Assert.False(other.TryGet(VerifiedCookieCache.Hash("value", "sih"), "value", "sih", null, out _));
    }

    [Fact]
    public void TryGet_Hit_SharesTheCachedJson()
    {
        var cache = VerifiedCookieCache.Create(16)!;
        cache.Add("value", default, Verified("{\"a\":1}"), null);

        Assert.True(cache.TryGet("value", default, null, out var first));
        Assert.True(cache.TryGet("value", default, null, out var second));

        Assert.True(first.IsCached);
        Assert.Same(first.JsonArray, second.JsonArray);
        Assert.Equal("{\"a\":1}"u8.ToArray(), second.Json.ToArray());
    }

    [Fact]
    public void TryGet_Hit_KeepsWhetherOnlyATreeReadsTheJson()
    {
        // One cache each: two values may share a slot (the hash is seeded per process), and then only the newer stays.
        var repeatedCache = VerifiedCookieCache.Create(16)!;
        var writtenCache = VerifiedCookieCache.Create(16)!;
        repeatedCache.Add("repeated", default, Verified("{\"a\":1,\"a\":2}"), null);
        writtenCache.AddWritten("written".AsMemory(), default, "{\"a\":1}"u8, null, null, null);

        Assert.True(repeatedCache.TryGet("repeated", default, null, out var repeated));
        Assert.True(writtenCache.TryGet("written", default, null, out var written));

        Assert.True(repeated.NeedsTree);
        Assert.False(written.NeedsTree);
    }

    [Theory]
    [InlineData("[1]")]
    [InlineData("{\"a\":")]
    [InlineData("\"text\"")]
    public void Verified_NotAJsonObject_IsRejectedAndNeverCached(string json)
    {
        var cache = VerifiedCookieCache.Create(16)!;
        var result = Verified(json);
        cache.Add("value", default, result, null);

        Assert.False(result.IsLoaded);
        Assert.Equal(SessionCookieRejection.NotJsonObject, result.Rejection);
        Assert.False(cache.TryGet("value", default, null, out _));
    }

    [Fact]
    public void TryGet_ValuesSharingTheirEnd_OnlyTheWholeValueHits()
    {
        // The slot is chosen by the end of a value, where its MAC is: values that differ only earlier share a slot,
        // and only the whole value, compared in constant time, is a hit.
        var cache = VerifiedCookieCache.Create(1024)!;
        var tail = new string('t', 100);
        cache.Add("a" + tail, default, Verified("{}"), null);

        Assert.False(cache.TryGet("b" + tail, default, null, out _));
        Assert.True(cache.TryGet("a" + tail, default, null, out _));
    }

    [Theory]
    [InlineData("valuf", "sig")]
    [InlineData("value", "sih")]
    [InlineData("valu", "esig")]
    [InlineData("value", "")]
    [InlineData("value", "sig2")]
    [InlineData("VALUE", "sig")]
    public void TryGet_AnyOtherValue_Misses(string first, string second)
    {
        var cache = VerifiedCookieCache.Create(1)!;
        cache.Add("value", "sig", Verified("{}"), null);

        // One slot: every lookup lands on the stored entry, and only the whole value matches.
        Assert.False(cache.TryGet(first, second, null, out _));
        Assert.True(cache.TryGet("value", "sig", null, out _));
    }

    [Fact]
    public void TryGet_UnderAnotherGeneration_Misses()
    {
        var cache = VerifiedCookieCache.Create(16)!;
        cache.Add("value", default, Verified("{}"), new object());

        Assert.False(cache.TryGet("value", default, new object(), out _));
    }

    [Fact]
    public void Add_IsBoundedInEntriesAndSize()
    {
        var cache = VerifiedCookieCache.Create(4)!;
        for (var i = 0; i < 1000; i++)
        {
            cache.AddWritten(("value" + i).AsMemory(), default, "{}"u8, null, null, null);
        }

        var kept = Enumerable.Range(0, 1000).Count(i => cache.TryGet("value" + i, default, null, out _));
        Assert.InRange(kept, 1, 4);

        var huge = new string('x', VerifiedCookieCache.MaxEntrySize / 2);
        cache.AddWritten(huge.AsMemory(), default, "{}"u8, null, null, null);
        Assert.False(cache.TryGet(huge, default, null, out _));
    }

    [Fact]
    public void Create_Zero_IsOff() => Assert.Null(VerifiedCookieCache.Create(0));

    [Fact]
    public async Task Protected_CachedValue_RefusedOnceItsKeyIsRevoked()
    {
        await using var host = await ProtectedHost.StartAsync(ProtectedHost.Reader);
        var cookie = $"{CookieSessionDefaults.ProtectedCookieName}={(await ProtectedFormatTests.WriteWith(host)).Value}";
        Assert.Equal("5", (await host.SendAsync(cookie: cookie)).Body);
        Assert.Equal("5", (await host.SendAsync(cookie: cookie)).Body);

        host.Server.Services.GetRequiredService<IKeyManager>().RevokeAllKeys(DateTimeOffset.UtcNow.AddMinutes(1), "test");
        var read = await host.SendAsync(cookie: cookie);

        Assert.Equal("0", read.Body);
        Assert.Contains("RevokedKey", Assert.Single(host.LogsOf("CookieRejected")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Protected_CachedValue_ReprotectedAfterANewDefaultKey()
    {
        await using var host = await ProtectedHost.StartAsync(ProtectedHost.Reader);
        var jar = new CookieJar();
        jar.Set(CookieSessionDefaults.ProtectedCookieName, (await ProtectedFormatTests.WriteWith(host)).Value);
        Assert.Empty((await jar.SendAsync(host)).SetCookies);
        Assert.Empty((await jar.SendAsync(host)).SetCookies);

        host.Server.Services.GetRequiredService<IKeyManager>().CreateNewKey(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(90));
        var read = await jar.SendAsync(host);

        Assert.Equal("5", read.Body);
        Assert.NotNull(read.SessionCookie(CookieSessionDefaults.ProtectedCookieName));
    }

    [Fact]
    public async Task Protected_CachedValue_StillExpires()
    {
        await using var host = await ProtectedHost.StartAsync(ProtectedHost.Reader, o => o.IdleTimeout = TimeSpan.FromMinutes(20));
        var cookie = $"{CookieSessionDefaults.ProtectedCookieName}={(await ProtectedFormatTests.WriteWith(host)).Value}";
        Assert.Equal("5", (await host.SendAsync(cookie: cookie)).Body);

        host.Time.Advance(TimeSpan.FromMinutes(21));
        var read = await host.SendAsync(cookie: cookie);

        Assert.Equal("0", read.Body);
        Assert.Contains("IdleExpired", Assert.Single(host.LogsOf("CookieRejected")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Protected_ValueWrittenByThisProcess_ReadBackWithTheValidationHookStillRunning()
    {
        var validated = 0;
        await using var host = await ProtectedHost.StartAsync(ProtectedHost.Counter, o => o.OnValidateSession = _ =>
        {
            Interlocked.Increment(ref validated);
            return Task.CompletedTask;
        });
        var jar = new CookieJar();

        for (var i = 0; i < 3; i++)
        {
            await jar.SendAsync(host);
        }

        Assert.Equal("4", (await jar.SendAsync(host)).Body);
        Assert.Equal(3, validated);
    }

    [Fact]
    public void AddWritten_IntoTheSlotOfAnotherValue_OnlyTheNewerStays()
    {
        // Why a test that needs two values found must not put them in one small cache: in 16 slots, one of these 400
        // values takes the slot of "written" under any hash seed but one in 10^11.
        var cache = VerifiedCookieCache.Create(16)!;
        var evicted = Enumerable.Range(0, 400).Select(i => "repeated" + i).FirstOrDefault(name =>
        {
            // Twice: a verified value takes the slot of another only the second time it comes.
            cache.Add(name, default, Verified("{}"), null);
            cache.Add(name, default, Verified("{}"), null);
            cache.AddWritten("written".AsMemory(), default, "{}"u8, null, null, null);
            return !cache.TryGet(name, default, null, out _);
        });

        Assert.NotNull(evicted);
        Assert.True(cache.TryGet("written", default, null, out _));
    }

    [Fact]
    public void Add_IntoAFreeSlot_IsStoredTheFirstTime()
    {
        var cache = VerifiedCookieCache.Create(1)!;

        Assert.True(cache.Add("value", default, Verified("{}"), null));
        Assert.True(cache.TryGet("value", default, null, out _));
    }

    [Fact]
    public void Add_ValueSeenOnceWhereAnotherIsStored_IsTurnedAwayAndTheOtherStays()
    {
        // One slot: every value lands on the stored one.
        var cache = VerifiedCookieCache.Create(1)!;
        cache.Add("resident", default, Verified("{}"), null);

        Assert.False(cache.Add("newcomer", default, Verified("{}"), null));

        Assert.False(cache.TryGet("newcomer", default, null, out _));
        Assert.True(cache.TryGet("resident", default, null, out _));
    }

    [Fact]
    public void Add_ValueSeenTwiceRunning_TakesTheSlot()
    {
        var cache = VerifiedCookieCache.Create(1)!;
        cache.Add("resident", default, Verified("{}"), null);
        cache.Add("newcomer", default, Verified("{\"n\":1}"), null);

        Assert.True(cache.Add("newcomer", default, Verified("{\"n\":1}"), null));

        Assert.True(cache.TryGet("newcomer", default, null, out var hit));
        Assert.Equal("{\"n\":1}"u8.ToArray(), hit.Json.ToArray());
        Assert.False(cache.TryGet("resident", default, null, out _));
    }

    [Fact]
    public void Add_AnotherValueInBetween_StartsTheCountAgain()
    {
        // The slot remembers the last value it turned away, not every one: values that take turns never evict.
        var cache = VerifiedCookieCache.Create(1)!;
        cache.Add("resident", default, Verified("{}"), null);

        cache.Add("first", default, Verified("{}"), null);
        cache.Add("second", default, Verified("{}"), null);
        Assert.False(cache.Add("first", default, Verified("{}"), null));

        Assert.True(cache.TryGet("resident", default, null, out _));
    }

    [Fact]
    public void Add_OverAnEntryOfAnOlderGeneration_IsStoredTheFirstTime()
    {
        var cache = VerifiedCookieCache.Create(1)!;
        cache.Add("resident", default, Verified("{}"), new object());
        var current = new object();

        Assert.True(cache.Add("newcomer", default, Verified("{}"), current));
        Assert.True(cache.TryGet("newcomer", default, current, out _));
    }

    [Fact]
    public void AddWritten_WhereAnotherIsStored_IsStoredAtOnce()
    {
        // A value this process wrote is what the browser sends next: it is not made to wait for a second sight.
        var cache = VerifiedCookieCache.Create(1)!;
        cache.Add("resident", default, Verified("{}"), null);

        cache.AddWritten("written".AsMemory(), default, "{}"u8, null, null, null);

        Assert.True(cache.TryGet("written", default, null, out _));
        Assert.False(cache.TryGet("resident", default, null, out _));
    }

    [Fact]
    public void TryGet_WrittenValue_ItsKeysAreFoundOnceAndSharedByLaterHits()
    {
        var cache = VerifiedCookieCache.Create(1)!;
        cache.AddWritten("written".AsMemory(), default, "{\"a\":1,\"b\":2}"u8, null, null, null);

        Assert.True(cache.TryGet("written", default, null, out var first));
        Assert.True(cache.TryGet("written", default, null, out var second));

        Assert.NotNull(first.Index);
        Assert.Same(first.Index, second.Index);
        Assert.Same(first.JsonArray, second.JsonArray);
    }

    [Fact]
    public void TryGet_WrittenValue_OnlyItsFirstReadGivesItsEntry()
    {
        var cache = VerifiedCookieCache.Create(1)!;
        cache.AddWritten("written".AsMemory(), default, "{}"u8, null, null, null);
        var verifiedCache = VerifiedCookieCache.Create(1)!;
        verifiedCache.Add("verified", default, Verified("{}"), null);

        Assert.True(cache.TryGet("written", default, null, out var first));
        Assert.True(cache.TryGet("written", default, null, out var second));
        Assert.True(verifiedCache.TryGet("verified", default, null, out var verified));

        Assert.NotNull(first.FirstReadOfWritten);
        Assert.Null(second.FirstReadOfWritten);
        Assert.Null(verified.FirstReadOfWritten);
    }

    [Fact]
    public void Forget_EntryWhoseSlotAnotherValueTookSince_LeavesThatValue()
    {
        var cache = VerifiedCookieCache.Create(1)!;
        cache.AddWritten("written".AsMemory(), default, "{}"u8, null, null, null);
        Assert.True(cache.TryGet("written", default, null, out var read));
        cache.AddWritten("other".AsMemory(), default, "{}"u8, null, null, null);

        cache.Forget(read.FirstReadOfWritten, "next", default);

        Assert.True(cache.TryGet("other", default, null, out _));
    }

    [Fact]
    public void Forget_AnotherValueWritten_DropsTheEntryReadFirst()
    {
        var cache = VerifiedCookieCache.Create(16)!;
        cache.AddWritten("written".AsMemory(), default, "{}"u8, null, null, null);
        Assert.True(cache.TryGet("written", default, null, out var read));

        cache.Forget(read.FirstReadOfWritten, "next", default);

        Assert.False(cache.TryGet("written", default, null, out _));
    }

    [Fact]
    public void Forget_TheValueJustWrittenIsTheOneRead_KeepsIt()
    {
        var cache = VerifiedCookieCache.Create(16)!;
        cache.AddWritten("written".AsMemory(), "sig".AsMemory(), "{}"u8, null, null, null);
        Assert.True(cache.TryGet("written", "sig", null, out var read));

        cache.Forget(read.FirstReadOfWritten, "written", "sig");

        Assert.True(cache.TryGet("written", "sig", null, out _));
    }

    [Fact]
    public void TakeBack_TheEntryAWriteStored_DropsIt()
    {
        var cache = VerifiedCookieCache.Create(16)!;
        var stored = cache.AddWritten("written".AsMemory(), default, "{}"u8, null, null, null);
        Assert.NotNull(stored);

        cache.TakeBack(stored);

        Assert.False(cache.TryGet("written", default, null, out _));
    }

    [Fact]
    public void TakeBack_EntryWhoseSlotAnotherValueTookSince_LeavesThatValue()
    {
        var cache = VerifiedCookieCache.Create(1)!;
        var stored = cache.AddWritten("written".AsMemory(), default, "{}"u8, null, null, null);
        cache.AddWritten("other".AsMemory(), default, "{}"u8, null, null, null, Environment.TickCount64 + 2000);

        cache.TakeBack(stored);

        Assert.True(cache.TryGet("other", default, null, out _));
    }

    [Fact]
    public void TakeBack_AndForget_LetGoOfTheDroppedEntrysGeneration()
    {
        // A generation holds secrets or a key ring a reload replaced: an emptied slot must not keep it reachable.
        var cache = VerifiedCookieCache.Create(1)!;
        var takenBack = StoreAndTakeBack(cache);
        var forgotten = StoreReadAndForget(cache);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.False(takenBack.IsAlive);
        Assert.False(forgotten.IsAlive);
    }

    [Fact]
    public void TakeBack_AnEntryReadSince_LeavesIt()
    {
        // Another request wrote the same value and its browser sent it back: that browser holds it.
        var cache = VerifiedCookieCache.Create(16)!;
        var stored = cache.AddWritten("written".AsMemory(), default, "{}"u8, null, null, null);
        Assert.True(cache.TryGet("written", default, null, out _));

        cache.TakeBack(stored);

        Assert.True(cache.TryGet("written", default, null, out _));
    }

    [Fact]
    public void AddWritten_TheValueItsSlotHoldsWithAnotherExpiry_ReturnsNoEntryToTakeBack()
    {
        var cache = VerifiedCookieCache.Create(16)!;
        cache.AddWritten("written".AsMemory(), default, "{}"u8, null, DateTimeOffset.UnixEpoch, null);
        var later = DateTimeOffset.UnixEpoch.AddHours(1);

        var again = cache.AddWritten("written".AsMemory(), default, "{}"u8, null, later, null);
        cache.TakeBack(again);

        Assert.Null(again);
        Assert.True(cache.TryGet("written", default, null, out var hit));
        Assert.Equal(later, hit.Expires);
    }

    [Fact]
    public void AddWritten_TheValueItsSlotHoldsAlready_ReturnsNoEntryToTakeBack()
    {
        var cache = VerifiedCookieCache.Create(16)!;
        cache.AddWritten("written".AsMemory(), default, "{}"u8, null, null, null);

        var again = cache.AddWritten("written".AsMemory(), default, "{}"u8, null, null, null);
        cache.TakeBack(again);

        Assert.Null(again);
        Assert.True(cache.TryGet("written", default, null, out _));
    }

    [Fact]
    public void AddWritten_TheValueItsSlotHolds_KeepsTheEntryThatIsThere()
    {
        var cache = VerifiedCookieCache.Create(1)!;
        cache.AddWritten("written".AsMemory(), default, "{\"a\":1}"u8, null, null, null);
        Assert.True(cache.TryGet("written", default, null, out var before));

        cache.AddWritten("written".AsMemory(), default, "{\"a\":1}"u8, null, null, null);

        Assert.True(cache.TryGet("written", default, null, out var after));
        Assert.Same(before.JsonArray, after.JsonArray);
    }

    [Fact]
    public void AddWritten_TheValueItsSlotHoldsWithAnotherExpiry_IsStored()
    {
        var cache = VerifiedCookieCache.Create(1)!;
        cache.AddWritten("written".AsMemory(), default, "{}"u8, null, DateTimeOffset.UnixEpoch, null);
        var later = DateTimeOffset.UnixEpoch.AddHours(1);

        cache.AddWritten("written".AsMemory(), default, "{}"u8, null, later, null);

        Assert.True(cache.TryGet("written", default, null, out var hit));
        Assert.Equal(later, hit.Expires);
    }

    [Fact]
    public void AddWritten_OverAWrittenValueThatWasRead_IsStoredAtOnce()
    {
        var cache = VerifiedCookieCache.Create(1)!;
        for (var i = 0; i < 20; i++)
        {
            cache.AddWritten(("written" + i).AsMemory(), default, "{}"u8, null, null, null);

            Assert.True(cache.TryGet("written" + i, default, null, out _));
        }
    }

    [Fact]
    public void AddWritten_OverAnUnreadValueWrittenUnderTwoSecondsBefore_IsNotStoredAndThatOneStays()
    {
        // One slot: the value written first may be about to come back with its browser's next request.
        var cache = VerifiedCookieCache.Create(1)!;
        cache.AddWritten("first".AsMemory(), default, "{}"u8, null, null, null, now: 10_000);

        cache.AddWritten("second".AsMemory(), default, "{}"u8, null, null, null, now: 11_999);

        Assert.False(cache.TryGet("second", default, null, out _));
        Assert.True(cache.TryGet("first", default, null, out _));
    }

    [Fact]
    public void AddWritten_OverAnUnreadValueWrittenTwoSecondsBefore_IsStored()
    {
        var cache = VerifiedCookieCache.Create(1)!;
        cache.AddWritten("first".AsMemory(), default, "{}"u8, null, null, null, now: 10_000);

        cache.AddWritten("second".AsMemory(), default, "{}"u8, null, null, null, now: 12_000);

        Assert.True(cache.TryGet("second", default, null, out _));
        Assert.False(cache.TryGet("first", default, null, out _));
    }

    [Fact]
    public void AddWritten_ManyValuesIntoOneSlotWithinTwoSeconds_KeepsTheFirst()
    {
        // A slot busier than browsers come back: one entry every two seconds, not one a write.
        var cache = VerifiedCookieCache.Create(1)!;
        for (var i = 0; i < 100; i++)
        {
            cache.AddWritten(("value" + i).AsMemory(), default, "{}"u8, null, null, null, now: 10_000 + (i * 10));
        }

        Assert.True(cache.TryGet("value0", default, null, out _));
        Assert.All(Enumerable.Range(1, 99), i => Assert.False(cache.TryGet("value" + i, default, null, out _)));
    }

    [Fact]
    public void Add_VerifiedValueSeenTwice_TakesTheSlotOfAnUnreadWrittenValueUnderTwoSecondsOld()
    {
        // The hold keeps out other written values only: a cookie browsers keep sending is stored as before.
        var cache = VerifiedCookieCache.Create(1)!;
        cache.AddWritten("written".AsMemory(), default, "{}"u8, null, null, null, now: Environment.TickCount64);
        cache.Add("verified", default, Verified("{}"), null);

        Assert.True(cache.Add("verified", default, Verified("{}"), null));

        Assert.True(cache.TryGet("verified", default, null, out _));
    }

    [Fact]
    public void AddWritten_IntoTheSlotOfAWriteTakenBack_IsStoredAtOnce()
    {
        // What the slot remembers of the value taken back holds nothing once the value is gone.
        var cache = VerifiedCookieCache.Create(1)!;
        var stored = cache.AddWritten("first".AsMemory(), default, "{}"u8, null, null, null, now: 10_000);
        cache.TakeBack(stored);

        cache.AddWritten("second".AsMemory(), default, "{}"u8, null, null, null, now: 10_001);

        Assert.True(cache.TryGet("second", default, null, out _));
    }

    [Fact]
    public void AddWritten_OverAVerifiedValueThatTookTheSlotOfAnUnreadOne_IsStoredAtOnce()
    {
        // The unread written value's hold went with it.
        var cache = VerifiedCookieCache.Create(1)!;
        var now = Environment.TickCount64;
        cache.AddWritten("written".AsMemory(), default, "{}"u8, null, null, null, now);
        cache.Add("verified", default, Verified("{}"), null);
        cache.Add("verified", default, Verified("{}"), null);

        cache.AddWritten("newer".AsMemory(), default, "{}"u8, null, null, null, now + 1);

        Assert.True(cache.TryGet("newer", default, null, out _));
        Assert.False(cache.TryGet("verified", default, null, out _));
    }

    [Fact]
    public void AddWritten_TheUnreadValueItsSlotHoldsWrittenAgain_DoesNotRestartItsHold()
    {
        var cache = VerifiedCookieCache.Create(1)!;
        cache.AddWritten("first".AsMemory(), default, "{}"u8, null, null, null, now: 10_000);
        cache.AddWritten("first".AsMemory(), default, "{}"u8, null, null, null, now: 11_500);

        cache.AddWritten("second".AsMemory(), default, "{}"u8, null, null, null, now: 12_000);

        Assert.True(cache.TryGet("second", default, null, out _));
    }

    [Fact]
    public void AddWritten_OverAnUnreadValueOfAnOlderGeneration_IsStoredAtOnce()
    {
        var cache = VerifiedCookieCache.Create(1)!;
        cache.AddWritten("older".AsMemory(), default, "{}"u8, null, null, new object(), now: 10_000);
        var current = new object();

        cache.AddWritten("newer".AsMemory(), default, "{}"u8, null, null, current, now: 10_001);

        Assert.True(cache.TryGet("newer", default, current, out _));
    }

    [Fact]
    public void AddWritten_TheValueItsSlotHoldsNeedingRenewal_IsStoredAsNotNeedingIt()
    {
        // Verified under a key since retired, then written again under the current one: the renewal is done.
        var cache = VerifiedCookieCache.Create(1)!;
        cache.Add("value", default, Verified("{}", needsRenewal: true, s_times), null);

        cache.AddWritten("value".AsMemory(), default, "{}"u8, s_times, null, null);

        Assert.True(cache.TryGet("value", default, null, out var hit));
        Assert.False(hit.NeedsRenewal);
    }

    [Fact]
    public void AddWritten_TheValueItsSlotHoldsWithOtherTimes_IsStored()
    {
        var cache = VerifiedCookieCache.Create(1)!;
        cache.AddWritten("written".AsMemory(), default, "{}"u8, s_times, null, null);
        var later = s_times with { IssuedAt = s_times.IssuedAt.AddHours(1) };

        cache.AddWritten("written".AsMemory(), default, "{}"u8, later, null, null);

        Assert.True(cache.TryGet("written", default, null, out var hit));
        Assert.Equal(later, hit.Times);
    }

    [Fact]
    public void AddWritten_TheValueItsSlotHoldsUnderAnOlderGeneration_IsStoredUnderTheNewOne()
    {
        var cache = VerifiedCookieCache.Create(1)!;
        var older = new object();
        var newer = new object();
        cache.AddWritten("written".AsMemory(), default, "{}"u8, null, null, older);

        cache.AddWritten("written".AsMemory(), default, "{}"u8, null, null, newer);

        Assert.True(cache.TryGet("written", default, newer, out _));
        Assert.False(cache.TryGet("written", default, older, out _));
    }

    [Fact]
    public void Add_NotLoaded_IsNeitherStoredNorRemembered()
    {
        var cache = VerifiedCookieCache.Create(1)!;
        cache.Add("resident", default, Verified("{}"), null);

        Assert.False(cache.Add("newcomer", default, SessionCookieReadResult.Rejected(SessionCookieRejection.BadSignature), null));
        Assert.False(cache.Add("newcomer", default, Verified("{}"), null));

        Assert.True(cache.TryGet("resident", default, null, out _));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData((1 << 20) + 1)]
    public async Task Start_CacheSizeOutOfRange_Fails(int size)
    {
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(
            () => SessionTestHost.StartAsync(ProtectedHost.Reader, o => o.VerifiedCookieCacheSize = size));
        Assert.Contains("VerifiedCookieCacheSize", error.Message, StringComparison.Ordinal);
    }

    /// <summary>What a format gives the cache after opening a cookie: its JSON, rented and validated.</summary>
    [Fact]
    public void AddAndTryGet_RacingThreadsAndGenerations_HitOnlyWhatWasStoredForThatValueAndGeneration()
    {
        // Two slots for eight values, two generations, four threads adding (verified and written) and reading without
        // locks: whatever the interleaving, a hit gives the JSON stored for exactly that value under exactly that
        // generation, never another value's, never one of the other generation, and where that JSON's keys lie.
        var cache = VerifiedCookieCache.Create(2)!;
        object[] generations = [new object(), new object()];
        var values = Enumerable.Range(0, 8).Select(i => "value" + i + new string('x', i)).ToArray();
        string JsonOf(int value, int generation) => $"{{\"v\":{value},\"g\":{generation}}}";
        var hits = 0;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            var random = new Random(t);
            for (var round = 0; round < 40_000; round++)
            {
                var value = random.Next(values.Length);
                var generation = random.Next(2);
                switch (random.Next(3))
                {
                    case 0:
                        cache.Add(values[value], default, Verified(JsonOf(value, generation)), generations[generation]);
                        break;
                    case 1:
                        cache.AddWritten(values[value].AsMemory(), default, System.Text.Encoding.UTF8.GetBytes(JsonOf(value, generation)), null, null, generations[generation]);
                        break;
                    default:
                        if (cache.TryGet(values[value], default, generations[generation], out var hit))
                        {
                            Interlocked.Increment(ref hits);
                            var json = System.Text.Encoding.UTF8.GetString(hit.Json);
                            if (json != JsonOf(value, generation))
                            {
                                failures.Enqueue($"{values[value]} under generation {generation} gave {json}");
                            }

                            // A written value's keys are found on its first hit, in place: a hit never sees them half set.
                            CookieSession.Json.RawJsonObject.TryValidate(hit.Json, out var needsTree, out var index);
                            if (hit.NeedsTree != needsTree || (hit.Index is null) != (index is null) || !hit.Index.AsSpan().SequenceEqual(index))
                            {
                                failures.Enqueue($"{values[value]} under generation {generation} gave keys not its JSON's");
                            }
                        }

                        break;
                }
            }
        })).ToList();

        threads.ForEach(thread => thread.Start());
        threads.ForEach(thread => thread.Join());

        Assert.Empty(failures);
        Assert.True(hits > 1000, $"{hits}");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference StoreAndTakeBack(VerifiedCookieCache cache)
    {
        var generation = new object();
        cache.TakeBack(cache.AddWritten("taken back".AsMemory(), default, "{}"u8, null, null, generation, now: 10_000));
        return new WeakReference(generation);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference StoreReadAndForget(VerifiedCookieCache cache)
    {
        var generation = new object();
        cache.AddWritten("forgotten".AsMemory(), default, "{}"u8, null, null, generation, now: 10_000);
        Assert.True(cache.TryGet("forgotten", default, generation, out var read));
        cache.Forget(read.FirstReadOfWritten, "replacing", default);
        return new WeakReference(generation);
    }

    private static SessionCookieReadResult Verified(string json, bool needsRenewal = false, SessionTimes? times = null)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(json);
        var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(bytes.Length);
        bytes.CopyTo(rented, 0);
        return SessionCookieReadResult.Verified(rented, 0, bytes.Length, needsRenewal, times);
    }
}
