using System.Diagnostics.Tracing;

namespace CookieSession.Bench;

/// <summary>
/// Counts the runtime's allocation ticks by the type they name. The runtime raises one about every 100 KB allocated,
/// naming the type whose allocation crossed the mark, so over many requests a type's share of the ticks is its share
/// of the bytes allocated: allocation sampling in the process itself, with no tool attached.
/// </summary>
internal sealed class AllocationTicks : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly Dictionary<string, long> _ticks = [];
    private volatile bool _counting;

    /// <summary>Starts counting from zero.</summary>
    public void Start()
    {
        lock (_ticks)
        {
            _ticks.Clear();
        }

        _counting = true;
    }

    /// <summary>Stops counting and returns the ticks counted, by type.</summary>
    public Dictionary<string, long> Stop()
    {
        _counting = false;
        lock (_ticks)
        {
            return new Dictionary<string, long>(_ticks);
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_counting || eventData.EventName is null || !eventData.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal))
        {
            return;
        }

        var index = eventData.PayloadNames?.IndexOf("TypeName") ?? -1;
        var type = index >= 0 ? eventData.Payload![index] as string ?? "?" : "?";
        lock (_ticks)
        {
            _ticks[type] = _ticks.GetValueOrDefault(type) + 1;
        }
    }
}
