using System.Diagnostics;
using System.Diagnostics.Metrics;
using CookieSession.Formats;

namespace CookieSession.Diagnostics;

/// <summary>
/// The meter <c>CookieSession</c>, created through <see cref="IMeterFactory"/>: sessions loaded, cookies rejected (by
/// reason), written, renewed and deleted, and the size of the cookies written, each tagged with the format. Names follow
/// OpenTelemetry's conventions and are stable. Nothing of a cookie's value or a session's contents is recorded.
/// </summary>
internal sealed class CookieSessionMetrics
{
    /// <summary>The meter's name. Dashboards and exporters select it: never change it.</summary>
    public const string MeterName = "CookieSession";

    public const string FormatTag = "cookiesession.format";

    public const string ReasonTag = "cookiesession.reason";

    private readonly Counter<long> _loaded;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _written;
    private readonly Counter<long> _renewed;
    private readonly Counter<long> _deleted;
    private readonly Histogram<int> _size;

    public CookieSessionMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _loaded = meter.CreateCounter<long>("cookiesession.sessions.loaded", "{session}", "Sessions read from a valid cookie.");
        _rejected = meter.CreateCounter<long>("cookiesession.cookies.rejected", "{cookie}", "Session cookies refused, by reason; the request went on with an empty session.");
        _written = meter.CreateCounter<long>("cookiesession.cookies.written", "{cookie}", "Session cookies written because the session or its cookie settings changed.");
        _renewed = meter.CreateCounter<long>("cookiesession.cookies.renewed", "{cookie}", "Unchanged sessions written again: Rolling, an older secret or key, half the idle time, or the validation hook.");
        _deleted = meter.CreateCounter<long>("cookiesession.cookies.deleted", "{cookie}", "Session cookies deleted because the session was cleared.");
        _size = meter.CreateHistogram<int>(
            "cookiesession.cookie.size",
            "By",
            "The size of the Set-Cookie headers a session write sent (every chunk together).",
            tags: null,
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [256, 512, 1024, 2048, 3072, 4096, 5120, 6144, 7680, 8192] });
    }

    public void Loaded(FormatDescriptor format)
    {
        if (_loaded.Enabled)
        {
            _loaded.Add(1, new KeyValuePair<string, object?>(FormatTag, format.MetricName));
        }
    }

    public void Rejected(FormatDescriptor format, SessionCookieRejection reason)
    {
        if (_rejected.Enabled)
        {
            _rejected.Add(1, new KeyValuePair<string, object?>(FormatTag, format.MetricName), new KeyValuePair<string, object?>(ReasonTag, ReasonName(reason)));
        }
    }

    public void Written(FormatDescriptor format, bool renewed, int size)
    {
        var tag = new KeyValuePair<string, object?>(FormatTag, format.MetricName);
        (renewed ? _renewed : _written).Add(1, tag);
        if (_size.Enabled)
        {
            _size.Record(size, tag);
        }
    }

    public void Deleted(FormatDescriptor format)
    {
        if (_deleted.Enabled)
        {
            _deleted.Add(1, new KeyValuePair<string, object?>(FormatTag, format.MetricName));
        }
    }

    /// <summary>Whether anything listens to the size of written cookies (measuring it costs a pass over the headers).</summary>
    public bool MeasuresSize => _size.Enabled;

    private static string ReasonName(SessionCookieRejection reason) => reason switch
    {
        SessionCookieRejection.Unsigned => "unsigned",
        SessionCookieRejection.BadSignature => "bad_signature",
        SessionCookieRejection.MalformedEncoding => "malformed_encoding",
        SessionCookieRejection.NotJsonObject => "not_json_object",
        SessionCookieRejection.TooLarge => "too_large",
        SessionCookieRejection.MalformedChunks => "malformed_chunks",
        SessionCookieRejection.Undecryptable => "undecryptable",
        SessionCookieRejection.RevokedKey => "revoked_key",
        SessionCookieRejection.UnknownVersion => "unknown_version",
        SessionCookieRejection.NotYetValid => "not_yet_valid",
        SessionCookieRejection.Expired => "expired",
        SessionCookieRejection.UnknownPassword => "unknown_password",
        SessionCookieRejection.IdleExpired => "idle_expired",
        SessionCookieRejection.AbsoluteExpired => "absolute_expired",
        SessionCookieRejection.Malformed => "malformed",
        _ => "other",
    };
}
