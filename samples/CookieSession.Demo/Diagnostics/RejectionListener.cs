using System.Diagnostics.Metrics;

namespace CookieSession.Demo.Diagnostics;

/// <summary>
/// Listens to the library's counter of refused cookies (meter <c>CookieSession</c>, instrument
/// <c>cookiesession.cookies.rejected</c>) and keeps the reason it is tagged with in the request that refused the
/// cookie, for the page to show. The counter is recorded while the request reads its session, on the request's own
/// thread, and a listener's callback runs synchronously there: <see cref="IHttpContextAccessor"/> finds that request.
/// </summary>
internal sealed class RejectionListener : IDisposable
{
    public const string MeterName = "CookieSession";
    public const string InstrumentName = "cookiesession.cookies.rejected";
    public const string ReasonTag = "cookiesession.reason";

    private static readonly object s_itemKey = new();

    private readonly MeterListener _listener = new();
    private readonly IMeterFactory _meterFactory;
    private readonly IHttpContextAccessor _accessor;

    public RejectionListener(IMeterFactory meterFactory, IHttpContextAccessor accessor)
    {
        _meterFactory = meterFactory;
        _accessor = accessor;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // This application's meter only: the one its IMeterFactory created.
            if (instrument.Meter.Name == MeterName && instrument.Name == InstrumentName && instrument.Meter.Scope == _meterFactory)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>(OnRejected);
    }

    public void Start() => _listener.Start();

    /// <summary>The reason the library gave for refusing this request's session cookie; <see langword="null"/> when it did not.</summary>
    public static string? ReasonFor(HttpContext context)
        => context.Items.TryGetValue(s_itemKey, out var reason) ? reason as string : null;

    public void Dispose() => _listener.Dispose();

    private void OnRejected(Instrument instrument, long measurement, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (_accessor.HttpContext is not { } context)
        {
            return;
        }

        foreach (var tag in tags)
        {
            if (tag.Key == ReasonTag)
            {
                context.Items[s_itemKey] = tag.Value as string;
            }
        }
    }
}
