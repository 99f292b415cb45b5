using System.Diagnostics.Tracing;
using System.Globalization;

namespace CookieSession.LoadServer;

/// <summary>
/// Whether the runtime's tiered compilation is still at work, from its own events: a load run measures a target only
/// once its server has settled. The runtime holds back every tier-up while methods are still being called for the
/// first time (a pause, ten times longer in a process that sees one core) and compiles the queued ones on a background
/// thread afterwards, so neither a quiet JIT nor a quiet second says on its own that the work is done.
/// </summary>
internal sealed class Tiering : EventListener
{
    /// <summary>The runtime provider's keyword for its compilation events, tiered compilation's among them.</summary>
    private const EventKeywords CompilationKeyword = (EventKeywords)0x1000000000;

    private long _pauses;
    private long _resumes;
    private long _backgroundStarts;

    /// <summary>
    /// As one line, "compiled pauses background paused": the methods compiled so far (tier-ups included), the pauses of
    /// tiered compilation and the runs of its background compiler so far, and whether it is paused now (0 or 1). A
    /// target has settled when none of the first three moved during a run of it and the last is 0.
    /// </summary>
    public string Describe()
    {
        var pauses = Interlocked.Read(ref _pauses);
        var paused = pauses > Interlocked.Read(ref _resumes);
        return string.Create(CultureInfo.InvariantCulture,
            $"{System.Runtime.JitInfo.GetCompiledMethodCount()} {pauses} {Interlocked.Read(ref _backgroundStarts)} {(paused ? 1 : 0)}");
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Informational, CompilationKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        switch (eventData.EventName)
        {
            case "TieredCompilationPause":
                Interlocked.Increment(ref _pauses);
                break;
            case "TieredCompilationResume":
                Interlocked.Increment(ref _resumes);
                break;
            case "TieredCompilationBackgroundJitStart":
                Interlocked.Increment(ref _backgroundStarts);
                break;
        }
    }
}
